/**
 * Runs GitHub workflow jobs and composite actions step by step, as the runner would:
 * `if:` conditions with success()/failure()/always(), `${{ }}` expressions from a fixture
 * context, `run:` steps in bash with env, GITHUB_OUTPUT/GITHUB_ENV files, and stagecraft's own
 * actions (`<owner>/stagecraft/actions/<step>@v1`, `./actions/<step>`, the root action) from
 * this work tree. Third-party `uses:` (checkout, setup-*) are recorded and skipped.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { condition, type Functions, interpolate, toText } from './expressions.js';
import { nodeBinary, parseOutputFile, ROOT, runActionAt } from './runner.js';

export interface StepRecord {
  id: string;
  name: string;
  outcome: 'success' | 'failure' | 'skipped';
  outputs: Record<string, string>;
  log: string;
  summary: string;
  uses?: string;
}

export interface JobRun {
  steps: StepRecord[];
  outcome: 'success' | 'failure';
  outputs: Record<string, string>;
  summary: string;
}

export interface WorkflowContext {
  /** The `github` context: sha, ref, event_name, event, repository, … */
  github: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  /** The `matrix` context of one matrix leg, e.g. `{ service: 'service-a' }`. */
  matrix?: Record<string, unknown>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  env?: Record<string, string>;
  needs?: Record<string, { outputs: Record<string, string>; result: string }>;
  /** Working directory (the checked-out repository). */
  workspace: string;
}

interface StepDef {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  shell?: string;
  'continue-on-error'?: boolean | string;
  'working-directory'?: string;
}

/** Maps a `uses:` to a local action directory when it is one of ours. */
export function localActionDir(uses: string): string | undefined {
  const ours = /^[^/]+\/stagecraft(?:\/(actions\/[a-z-]+))?@[\w.-]+$/.exec(uses);
  if (ours) return join(ROOT, ours[1] ?? '.');
  if (uses.startsWith('./actions/')) return join(ROOT, uses.slice(2));
  return undefined;
}

/** The env a step sees from the runner for a given github context. */
function runnerEnv(ctx: WorkflowContext, eventPath: string): Record<string, string> {
  const g = ctx.github as Record<string, string>;
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_SHA: g.sha ?? '',
    GITHUB_REF: g.ref ?? '',
    GITHUB_REF_NAME: g.ref_name ?? '',
    GITHUB_EVENT_NAME: g.event_name ?? 'push',
    GITHUB_REPOSITORY: g.repository ?? 'octo/app',
    GITHUB_SERVER_URL: g.server_url ?? 'https://github.com',
    GITHUB_API_URL: g.api_url ?? 'https://api.github.com',
    GITHUB_RUN_ID: g.run_id ?? '1',
    GITHUB_ACTOR: g.actor ?? 'octocat',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: ctx.workspace,
    // Not set by the real runner; the harness passes `github.token` so action defaults can use it.
    GITHUB_TOKEN: g.token ?? '',
  };
}

async function bash(script: string, env: Record<string, string>, cwd: string) {
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    env: { PATH: `${dirname(nodeBinary())}:${process.env.PATH}`, HOME: process.env.HOME ?? '/tmp', ...env },
    cwd,
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const code: number = await new Promise((res) => child.on('close', (c) => res(c ?? -1)));
  return { code, log };
}

/**
 * Runs a list of steps. `expressionContext` holds everything `${{ }}` may read except `steps`
 * and `env`, which this function maintains as the runner does.
 */
async function runSteps(
  steps: StepDef[],
  ctx: WorkflowContext,
  expressionContext: Record<string, unknown>,
  baseEnv: Record<string, string>,
  extraEnv: Record<string, string> = {},
): Promise<{ records: StepRecord[]; failed: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-'));
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(ctx.github.event ?? {}));
  // RUNNER_TEMP: emptied by the runner for each job.
  const runnerTemp = join(dir, 'temp');
  mkdirSync(runnerTemp);
  const env: Record<string, string> = { ...baseEnv };
  const stepsCtx: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> =
    {};
  const records: StepRecord[] = [];
  let failed = false;
  const functions: Functions = {
    success: () => !failed,
    failure: () => failed,
    always: () => true,
    cancelled: () => false,
  };

  for (const [index, step] of steps.entries()) {
    const id = step.id ?? `__step${index}`;
    const exprCtx = { ...expressionContext, steps: stepsCtx, env };
    const record: StepRecord = {
      id,
      name: step.name ?? step.uses ?? 'run',
      outcome: 'skipped',
      outputs: {},
      log: '',
      summary: '',
    };
    if (step.uses) record.uses = step.uses;
    records.push(record);
    if (!condition(step.if, exprCtx, functions)) {
      stepsCtx[id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const stepEnv: Record<string, string> = { ...env };
    for (const [k, v] of Object.entries(step.env ?? {}))
      stepEnv[k] = interpolate(toText(v), exprCtx, functions);
    const runner = { ...runnerEnv(ctx, eventPath), RUNNER_TEMP: runnerTemp, ...extraEnv };
    let ok: boolean;
    if (step.run !== undefined) {
      const files = {
        output: join(dir, `${id}.out`),
        env: join(dir, `${id}.env`),
        summary: join(dir, `${id}.md`),
      };
      for (const f of Object.values(files)) writeFileSync(f, '');
      const script = interpolate(step.run, exprCtx, functions);
      const cwd = step['working-directory'] ? join(ctx.workspace, step['working-directory']) : ctx.workspace;
      const result = await bash(
        script,
        {
          ...runner,
          ...stepEnv,
          GITHUB_OUTPUT: files.output,
          GITHUB_ENV: files.env,
          GITHUB_STEP_SUMMARY: files.summary,
        },
        cwd,
      );
      record.log = result.log;
      record.outputs = parseOutputFile(readFileSync(files.output, 'utf8'));
      record.summary = readFileSync(files.summary, 'utf8');
      Object.assign(env, parseOutputFile(readFileSync(files.env, 'utf8')));
      ok = result.code === 0;
    } else if (step.uses && localActionDir(step.uses)) {
      const actionDir = localActionDir(step.uses) as string;
      const inputs = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(toText(v), exprCtx, functions)]),
      );
      const meta = YAML.parse(readFileSync(join(actionDir, 'action.yml'), 'utf8'));
      if (meta.runs.using === 'composite') {
        const nested = await runComposite(actionDir, inputs, ctx, { ...runner, ...stepEnv });
        record.log = nested.steps.map((s) => `[${s.id}: ${s.outcome}]\n${s.log}`).join('\n');
        record.outputs = nested.outputs;
        record.summary = nested.summary;
        ok = nested.outcome === 'success';
      } else {
        const result = await runActionAt(actionDir, {
          inputs,
          env: { ...runner, ...stepEnv },
          event: ctx.github.event as Record<string, unknown>,
          cwd: ctx.workspace,
        });
        record.log = result.stdout + result.stderr;
        record.outputs = result.outputs;
        record.summary = result.summary;
        ok = result.code === 0;
      }
    } else {
      // actions/checkout, setup-node and the like: the fixture workspace stands in for them.
      ok = true;
    }
    const continueOnError = String(step['continue-on-error'] ?? 'false') === 'true';
    record.outcome = ok ? 'success' : 'failure';
    stepsCtx[id] = {
      outputs: record.outputs,
      outcome: record.outcome,
      conclusion: ok || continueOnError ? 'success' : 'failure',
    };
    if (!ok && !continueOnError) failed = true;
  }
  return { records, failed };
}

/** Runs a composite action from its action.yml with the given inputs (defaults applied). */
export async function runComposite(
  actionDir: string,
  given: Record<string, string>,
  ctx: WorkflowContext,
  env: Record<string, string> = {},
): Promise<JobRun> {
  const meta = YAML.parse(readFileSync(join(actionDir, 'action.yml'), 'utf8'));
  const inputs: Record<string, string> = {};
  for (const [name, def] of Object.entries<{ default?: string }>(meta.inputs ?? {}))
    inputs[name] = given[name] ?? interpolate(def.default ?? '', { github: ctx.github });
  for (const name of Object.keys(given))
    if (!(name in (meta.inputs ?? {})))
      throw new Error(`${actionDir}/action.yml declares no input "${name}"`);
  const exprCtx = { github: ctx.github, inputs, runner: { temp: tmpdir(), os: 'Linux' } };
  const { records, failed } = await runSteps(meta.runs.steps, ctx, exprCtx, env, {
    GITHUB_ACTION_PATH: actionDir,
  });
  const stepsCtx = Object.fromEntries(records.map((r) => [r.id, { outputs: r.outputs, outcome: r.outcome }]));
  const outputs = Object.fromEntries(
    Object.entries<{ value: string }>(meta.outputs ?? {}).map(([k, v]) => [
      k,
      interpolate(v.value, { ...exprCtx, steps: stepsCtx }),
    ]),
  );
  return {
    steps: records,
    outcome: failed ? 'failure' : 'success',
    outputs,
    summary: records.map((r) => r.summary).join(''),
  };
}

/** Runs one job of a workflow file (job-level `if:` is the caller's to check with jobCondition). */
export async function runJob(workflowFile: string, jobId: string, ctx: WorkflowContext): Promise<JobRun> {
  const workflow = YAML.parse(readFileSync(workflowFile, 'utf8'));
  const job = workflow.jobs?.[jobId];
  if (!job) throw new Error(`${workflowFile} has no job ${jobId}`);
  const exprCtx = {
    github: ctx.github,
    inputs: ctx.inputs ?? {},
    vars: ctx.vars ?? {},
    secrets: ctx.secrets ?? {},
    needs: ctx.needs ?? {},
    matrix: ctx.matrix ?? {},
    runner: { temp: tmpdir(), os: 'Linux' },
  };
  const env: Record<string, string> = { ...(ctx.env ?? {}) };
  for (const [k, v] of Object.entries({ ...(workflow.env ?? {}), ...(job.env ?? {}) }))
    env[k] = interpolate(toText(v), { ...exprCtx, env });
  const { records, failed } = await runSteps(job.steps, ctx, exprCtx, env);
  const stepsCtx = Object.fromEntries(records.map((r) => [r.id, { outputs: r.outputs, outcome: r.outcome }]));
  const outputs = Object.fromEntries(
    Object.entries<string>(job.outputs ?? {}).map(([k, v]) => [
      k,
      interpolate(v, { ...exprCtx, steps: stepsCtx }),
    ]),
  );
  return {
    steps: records,
    outcome: failed ? 'failure' : 'success',
    outputs,
    summary: records.map((r) => r.summary).join(''),
  };
}

/** Whether a job runs for this context (its `if:`; needs' results given in ctx.needs). */
export function jobCondition(workflowFile: string, jobId: string, ctx: WorkflowContext): boolean {
  const job = YAML.parse(readFileSync(workflowFile, 'utf8')).jobs?.[jobId];
  const needsFailed = Object.values(ctx.needs ?? {}).some((n) => n.result !== 'success');
  const exprCtx = {
    github: ctx.github,
    inputs: ctx.inputs ?? {},
    vars: ctx.vars ?? {},
    needs: ctx.needs ?? {},
    matrix: ctx.matrix ?? {},
  };
  return condition(job?.if, exprCtx, {
    success: () => !needsFailed,
    failure: () => needsFailed,
    always: () => true,
    cancelled: () => false,
  });
}
