/**
 * The GitLab components, generated from the step definitions: their `spec: inputs` match the
 * steps and action.yml; pipelines through gitlab-ci-local (shell executor) show what the one
 * pipeline in job containers (gitlab-components-docker.test.ts) does not: a failing smoke test,
 * GitLab's and the step's input type checks, and hostile values reaching every step as text.
 */

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import YAML from 'yaml';
import { steps } from '../../src/steps/index.js';
import { CLI, component, createProject, runPipeline } from '../helpers/gitlab-ci-local.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { ROOT } from '../helpers/runner.js';

// Each pipeline is a few seconds on an idle machine; the shared CI machine can be much slower.
jest.setTimeout(150_000);

const JOB_INPUTS = ['stage', 'job-name', 'job-image', 'cli', 'when', 'allow-failure', 'rules'];
const STOP_JOB_INPUTS = ['auto-stop-in', 'stop-rules', 'preview-environments'];

interface Job {
  script: string[];
  variables: Record<string, string>;
  artifacts: { paths: string[]; reports: { dotenv: string } };
  environment?: Record<string, string>;
  resource_group?: string;
  rules?: unknown;
}

interface SpecInput {
  type?: string;
  default?: unknown;
  options?: string[];
  regex?: string;
  description?: string;
}

function readTemplate(name: string) {
  const text = readFileSync(join(ROOT, 'gitlab-components', name, 'template.yml'), 'utf8');
  const [header, body] = YAML.parseAllDocuments(text).map((d) => d.toJS());
  return { text, inputs: header.spec.inputs as Record<string, SpecInput>, jobs: body as Record<string, Job> };
}

describe('component spec: inputs follow the steps', () => {
  test.each(steps.map((s) => [s.name, s] as const))('%s', (name, step) => {
    const { inputs, jobs, text } = readTemplate(name);
    // deploy-env's template also holds its stop job, with inputs of its own.
    const jobInputs = name === 'deploy-env' ? [...JOB_INPUTS, ...STOP_JOB_INPUTS] : JOB_INPUTS;
    const own = Object.keys(inputs).filter((n) => !jobInputs.includes(n));
    expect(own).toEqual(Object.keys(step.inputs));
    expect(Object.keys(inputs)).toEqual(expect.arrayContaining(JOB_INPUTS));
    // The same names as action.yml.
    const action = YAML.parse(readFileSync(join(ROOT, 'actions', name, 'action.yml'), 'utf8'));
    expect(own).toEqual(Object.keys(action.inputs));
    for (const [input, def] of Object.entries(step.inputs)) {
      const spec = inputs[input] as SpecInput;
      // Required, unless GitLab supplies it (build-push-image's image: $CI_REGISTRY_IMAGE).
      if (def.required)
        expect(spec.default === undefined || String(spec.default).startsWith('$CI_')).toBe(true);
      if (def.kind === 'boolean' && def.default !== undefined) {
        expect(spec).toMatchObject({ type: 'boolean', default: def.default === 'true' });
      }
      if (def.kind === 'number' && def.default !== undefined) {
        expect(spec).toMatchObject({ type: 'number', default: Number(def.default) });
      }
      if (def.kind === 'duration') expect(spec.type ?? 'string').toBe('string');
      if (def.options && spec.options) expect(spec.options).toEqual(expect.arrayContaining([...def.options]));
    }
    // Inputs reach the job only as variables; the script names only the CLI and the step.
    const job = jobs['$[[ inputs.job-name ]]'] as Job;
    expect(job.script).toEqual([`$[[ inputs.cli ]] ${name}`]);
    for (const input of own) {
      expect(job.variables[`STAGECRAFT_INPUT_${input.replace(/-/g, '_').toUpperCase()}`]).toBe(
        `$[[ inputs.${input} ]]`,
      );
    }
    const interpolations = text.split('---\n')[1]?.match(/\$\[\[ inputs\.[\w-]+ \]\]/g) ?? [];
    const outsideVariables = interpolations.filter(
      (i) => !Object.values(job.variables).includes(i) && !jobInputs.some((n) => i === `$[[ inputs.${n} ]]`),
    );
    // Only environment (deploy-env, rollback: environment name and resource group) may appear elsewhere.
    expect(outsideVariables.every((i) => i === '$[[ inputs.environment ]]')).toBe(true);
    expect(job.artifacts.reports.dotenv).toBe('stagecraft.env');
    expect(job.artifacts.paths).toContain('stagecraft-summary.md');
    expect(existsSync(join(ROOT, 'gitlab-components', name, 'README.md'))).toBe(true);
  });

  test('deploy-env names its stop job (stop-env, action stop) in on_stop, with auto_stop_in', () => {
    const { inputs, jobs } = readTemplate('deploy-env');
    const job = jobs['$[[ inputs.job-name ]]'] as Job;
    expect(job.environment).toMatchObject({
      on_stop: '$[[ inputs.job-name ]]-stop',
      auto_stop_in: '$[[ inputs.auto-stop-in ]]',
    });
    const stop = jobs['$[[ inputs.job-name ]]-stop'] as Job;
    expect(stop.script).toEqual(['$[[ inputs.cli ]] stop-env']);
    expect(stop.environment).toEqual({ name: '$[[ inputs.environment ]]', action: 'stop' });
    expect(stop.rules).toBe('$[[ inputs.stop-rules ]]');
    // Only inputs stop-env declares reach the stop job.
    const stopEnv = steps.find((s) => s.name === 'stop-env');
    const declared = Object.keys(stopEnv?.inputs ?? {}).map(
      (n) => `STAGECRAFT_INPUT_${n.replace(/-/g, '_').toUpperCase()}`,
    );
    expect(Object.keys(stop.variables).every((v) => declared.includes(v))).toBe(true);
    expect(stop.variables.STAGECRAFT_INPUT_IMAGE).toBeUndefined();
    expect(inputs['auto-stop-in']?.default).toBe('never');
  });

  test('deploy-env and rollback hold their environment; rollback is manual', () => {
    for (const name of ['deploy-env', 'rollback'].filter((n) => steps.some((s) => s.name === n))) {
      const { inputs, jobs } = readTemplate(name);
      const job = jobs['$[[ inputs.job-name ]]'] as Job;
      expect(job.environment).toMatchObject({ name: '$[[ inputs.environment ]]', action: 'start' });
      expect(job.resource_group).toBe('$[[ inputs.environment ]]');
      expect(inputs.environment).not.toHaveProperty('default');
      expect(inputs.when?.default).toBe(name === 'rollback' ? 'manual' : 'on_success');
    }
  });
});

describe('smoke-test component in gitlab-ci-local', () => {
  let server: TestServer;
  const marker = join(mkdtempSync(join(tmpdir(), 'stagecraft-pwn-')), 'pwned');
  // Every shell metacharacter a value could carry: none may run.
  const hostile = `$(touch ${marker}); \`touch ${marker}\` && touch ${marker} | x > y`;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      if (req.url === '/headers') return json(res, 200, { evil: req.headers['x-evil'] });
      return json(res, 404, {});
    });
  });
  afterAll(() => server.close());

  test('passes against a live service; a later job reads its dotenv outputs through needs', async () => {
    const ci = {
      stages: ['verify', 'report'],
      include: [
        {
          component: component('smoke-test'),
          inputs: {
            cli: CLI,
            url: server.url,
            checks: `GET /health 200 json:status=ok\nGET /headers 200 contains:${hostile}`,
            headers: `X-Evil: ${hostile}`,
            retries: 2,
            'retry-delay': '10ms',
          },
        },
      ],
      report: { stage: 'report', needs: ['smoke-test'], script: ['echo "passed=$STAGECRAFT_PASSED"'] },
    };
    const project = createProject({ '.gitlab-ci.yml': YAML.stringify(ci) });
    try {
      const run = await runPipeline(project);
      expect(run.code).toBe(0);
      expect(run.jobLines('report')).toContain('passed=true');
      const env = run.dotenv('smoke-test');
      expect(env.STAGECRAFT_PASSED).toBe('true');
      expect(JSON.parse(env.STAGECRAFT_REPORT ?? '[]')).toHaveLength(2);
      // The hostile header reached the server byte for byte and nothing ran.
      expect(server.requests.some((r) => r.headers['x-evil'] === hostile)).toBe(true);
      expect(existsSync(marker)).toBe(false);
      expect(
        existsSync(join(project.dir, '.gitlab-ci-local/artifacts/smoke-test/stagecraft-summary.md')),
      ).toBe(true);
    } finally {
      project.remove();
    }
  });

  test('fails the pipeline with the step message when a check fails; outputs still written', async () => {
    const ci = {
      stages: ['verify'],
      include: [
        {
          component: component('smoke-test'),
          inputs: {
            cli: CLI,
            url: server.url,
            checks: 'GET /missing 200',
            retries: 1,
            'retry-delay': '10ms',
          },
        },
      ],
    };
    const project = createProject({ '.gitlab-ci.yml': YAML.stringify(ci) });
    try {
      const run = await runPipeline(project);
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(/FAIL\s+smoke-test/);
      expect(run.jobLines('smoke-test').join('\n')).toContain('GET /missing 200');
      expect(run.jobLines('smoke-test').join('\n')).toMatch(/smoke check\(s\) failed/);
      expect(run.dotenv('smoke-test').STAGECRAFT_PASSED).toBe('false');
      // The failed job's summary artifact says which check failed.
      expect(run.summary('smoke-test')).toContain('0/1 checks passed');
      expect(run.summary('smoke-test')).toContain('GET /missing 200');
    } finally {
      project.remove();
    }
  });

  test('input types: GitLab rejects a non-number retries; the step rejects an out-of-range one', async () => {
    const include = (retries: unknown) => ({
      stages: ['verify'],
      include: [{ component: component('smoke-test'), inputs: { cli: CLI, url: server.url, retries } }],
    });
    const project = createProject({ '.gitlab-ci.yml': YAML.stringify(include('ten')) });
    const before = server.requests.length;
    try {
      const bad = await runPipeline(project);
      expect(bad.code).not.toBe(0);
      expect(bad.output).toMatch(/`retries` input: provided value is not a number/);
      expect(bad.output).not.toMatch(/smoke-test\s+starting/);

      project.commit({ '.gitlab-ci.yml': YAML.stringify(include(0)) });
      const zero = await runPipeline(project);
      expect(zero.code).not.toBe(0);
      const lines = zero.jobLines('smoke-test').join('\n');
      expect(lines).toMatch(/retries/);
      expect(lines).toMatch(/whole number from 1 to 1000/);
      expect(server.requests.length).toBe(before);
    } finally {
      project.remove();
    }
  });
});

describe('hostile input values in every component', () => {
  test('$(…), backticks, ;, quotes and newlines reach every step as text and run nothing', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'stagecraft-pwn-')), 'pwned');
    const hostile = `$(touch ${marker}); \`touch ${marker}\`\n"x" && touch ${marker} | tee ${marker}`;
    const include = steps.map((step) => {
      const inputs: Record<string, unknown> = { cli: CLI, 'job-name': `evil-${step.name}`, when: 'always' };
      for (const [name, def] of Object.entries(step.inputs)) {
        if (name === 'environment' && ['deploy-env', 'rollback'].includes(step.name))
          inputs[name] = 'staging';
        else if (name === 'strategy') inputs[name] = 'gitops';
        else if (
          ['string', 'lines', 'list'].includes(def.kind) &&
          !def.options &&
          !def.secret &&
          !('pattern' in def)
        ) {
          inputs[name] = hostile;
        }
      }
      return { component: component(step.name), inputs };
    });
    const stages = [...new Set(steps.map((s) => s.stage))];
    const project = createProject({ '.gitlab-ci.yml': YAML.stringify({ stages, include }) });
    try {
      const run = await runPipeline(project);
      expect(run.output).not.toContain('[killed after');
      expect(run.code).not.toBe(0);
      for (const step of steps) {
        const lines = run.jobLines(`evil-${step.name}`).join('\n');
        // Rejected as a value, quoted back verbatim: the shell never saw it.
        expect(lines).toContain(`has an invalid value ${JSON.stringify(hostile)}`);
      }
      expect(existsSync(marker)).toBe(false);
    } finally {
      project.remove();
    }
  });
});
