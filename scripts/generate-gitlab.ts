// Writes gitlab-components/<step>/template.yml and README.md from the step definitions, the
// GitLab counterpart of action.yml. Each component is one job that runs the CLI; the step's
// inputs reach it only as STAGECRAFT_INPUT_<NAME> variables, never as text in `script:`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { envName, outputEnvName } from '../src/platform/cli.js';
import { docCell, generatedHeader, type InputDef, inputsOf, type Step } from './generated.js';

/** One entry of a component's `spec:inputs` (the keys are written in this order). */
export interface SpecInput {
  description: string;
  type?: 'boolean' | 'number' | 'array';
  options?: string[];
  regex?: string;
  default?: unknown;
}

/**
 * The pack's own job image at the component's version (docker/Dockerfile, `npm run image`): the CLI
 * as `stagecraft`, Node 24, git, buildah, kubectl with kustomize, helm. The release stamps the registry
 * path it pushed to into the templates (package.json `config.image` names the default).
 */
export function defaultJobImage(root: string, version: string): string {
  const { config } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return `${config.image}:${version}`;
}

/** GitLab-side defaults that differ from the CLI's, like githubDefault does for action.yml. */
const GITLAB_DEFAULTS: Record<string, Record<string, string>> = {
  'build-push-image': {
    image: '$CI_REGISTRY_IMAGE',
    'registry-username': '$CI_REGISTRY_USER',
    'registry-password': '$CI_REGISTRY_PASSWORD',
    builder: 'buildah',
    // CI_COMMIT_SHORT_SHA's length, so `$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA` names a pushed tag.
    'sha-length': '8',
  },
};

/** Per-step job settings: rollback waits for a person; build-push-image needs a builder image. */
const JOB_DEFAULTS: Record<string, { when?: string; 'allow-failure'?: boolean }> = {
  rollback: { when: 'manual', 'allow-failure': true },
};

const TERRAFORM_NOTE =
  '\n`strategy: terraform` runs `terraform`, which the default job image does not ship (its licence\nforbids redistribution): set `job-image` to an image that adds it, e.g. one built\n`FROM <the default job image>` with `COPY --from=hashicorp/terraform:1.11 /bin/terraform /usr/local/bin/terraform`.\nWithout it the job fails with one error naming terraform and this fix.\n';

/** Extra README text per step. */
const NOTES: Record<string, string> = {
  'build-push-image':
    '\nThe default job image builds with buildah (vfs storage, chroot isolation; no Docker engine in a\nGitLab job). It pushes to `$CI_REGISTRY_IMAGE` with `$CI_REGISTRY_USER`/`$CI_REGISTRY_PASSWORD`\nunless told otherwise.\n',
  'deploy-env': TERRAFORM_NOTE,
  rollback: TERRAFORM_NOTE,
};

/** deploy-env and rollback record a GitLab environment, which is fixed when the pipeline is created. */
const ENVIRONMENT_STEPS = new Set(['deploy-env', 'rollback']);

/** The component-only inputs every template declares, around the step's own. */
function jobInputs(step: Step, version: string, jobImage: string): Record<string, SpecInput> {
  const d = JOB_DEFAULTS[step.name] ?? {};
  return {
    stage: { description: 'Pipeline stage of the job', default: step.stage },
    'job-name': {
      description: 'Name of the job (include the component twice with two names)',
      default: step.name,
    },
    'job-image': {
      description:
        "Container image of the job: the pack's image (CLI as `stagecraft`, Node 24, git, buildah, kubectl with kustomize, helm 4). It has no terraform: for `strategy: terraform` use an image that adds it",
      default: jobImage,
    },
    cli: {
      description: `Command that runs the stagecraft CLI: \`stagecraft\` in the pack's image, \`npx --yes stagecraft@${version}\` in any Node >= 20 image`,
      default: 'stagecraft',
    },
    when: {
      description: 'When the job runs (`manual` waits for a person, e.g. a production apply)',
      options: ['on_success', 'manual', 'always', 'on_failure'],
      default: d.when ?? 'on_success',
    },
    'allow-failure': {
      description: 'Whether a failure of this job lets the pipeline pass',
      type: 'boolean',
      default: d['allow-failure'] ?? false,
    },
    rules: {
      description: 'The job `rules:` (a rule without `when` takes the `when` input)',
      type: 'array',
      default: [{ if: '$CI_PIPELINE_ID' }],
    },
  };
}

/** One step input as a GitLab `spec:inputs` entry; optional inputs without default default to ''. */
function specInput(step: Step, name: string, def: InputDef): SpecInput {
  const gitlabDefault =
    GITLAB_DEFAULTS[step.name]?.[name] ??
    (def.githubDefault?.includes('github.token') ? '$CI_JOB_TOKEN' : undefined);
  // GitLab fixes a job's environment when the pipeline is created, so it cannot be `auto` there.
  const required =
    (def.required && gitlabDefault === undefined) ||
    (ENVIRONMENT_STEPS.has(step.name) && name === 'environment');
  const dflt = required ? undefined : (gitlabDefault ?? def.default);
  const spec: SpecInput = { description: def.secret ? `${def.description} (masked)` : def.description };
  const optional = dflt === undefined && !required;
  if (def.kind === 'boolean') {
    if (optional) Object.assign(spec, { options: ['', 'true', 'false'], default: '' });
    else
      Object.assign(spec, { type: 'boolean', ...(dflt !== undefined ? { default: dflt === 'true' } : {}) });
  } else if (def.kind === 'number') {
    if (optional) Object.assign(spec, { regex: '^[0-9]*$', default: '' });
    else Object.assign(spec, { type: 'number', ...(dflt !== undefined ? { default: Number(dflt) } : {}) });
  } else {
    if (def.options && !(gitlabDefault ?? '').startsWith('$')) {
      spec.options = optional ? ['', ...def.options] : [...def.options];
    } else if (def.pattern instanceof RegExp && !(gitlabDefault ?? '').startsWith('$')) {
      spec.regex = optional ? `^$|${def.pattern.source}` : def.pattern.source;
    }
    if (dflt !== undefined) spec.default = dflt;
    else if (optional) spec.default = '';
  }
  return spec;
}

function componentSpec(
  step: Step,
  version: string,
  jobImage: string,
): { spec: { inputs: Record<string, SpecInput> } } {
  const extra = jobInputs(step, version, jobImage);
  for (const name of Object.keys(step.inputs)) {
    if (name in extra)
      throw new Error(`${step.name}: input "${name}" clashes with the component input of that name`);
  }
  const inputs = { ...extra };
  for (const [name, def] of inputsOf(step)) inputs[name] = specInput(step, name, def);
  return { spec: { inputs } };
}

function componentJob(step: Step) {
  const variables: Record<string, string> = {};
  for (const name of Object.keys(step.inputs)) variables[envName(name)] = `$[[ inputs.${name} ]]`;
  const job: Record<string, unknown> = {
    stage: '$[[ inputs.stage ]]',
    image: '$[[ inputs.job-image ]]',
    rules: '$[[ inputs.rules ]]',
    when: '$[[ inputs.when ]]',
    allow_failure: '$[[ inputs.allow-failure ]]',
    variables,
    script: [`$[[ inputs.cli ]] ${step.name}`],
    artifacts: {
      when: 'always',
      paths: ['stagecraft-summary.md'],
      reports: { dotenv: 'stagecraft.env' },
    },
  };
  if ('oidc-token' in step.inputs) {
    // Keyless signing needs the job's OIDC token; GitLab issues it only to jobs that ask.
    job.id_tokens = { SIGSTORE_ID_TOKEN: { aud: 'sigstore' } };
  }
  if (ENVIRONMENT_STEPS.has(step.name)) {
    // One deploy per environment at a time; the URL comes from the job's own dotenv report.
    job.environment = { name: '$[[ inputs.environment ]]', url: '$STAGECRAFT_URL', action: 'start' };
    job.resource_group = '$[[ inputs.environment ]]';
  }
  return { '$[[ inputs.job-name ]]': job };
}

function componentTemplate(step: Step, version: string, jobImage: string): string {
  const header = generatedHeader(step);
  const opts = { lineWidth: 0 };
  return `${header}${YAML.stringify(componentSpec(step, version, jobImage), opts)}---\n${YAML.stringify(componentJob(step), opts)}`;
}

/** What a spec input accepts, for the meaning column ('' when any text goes). */
function acceptedText(s: SpecInput): string {
  if (s.options) return `one of ${s.options.map((o) => `\`${o}\``).join(', ')}`;
  if (s.regex) return `matches \`${docCell(s.regex)}\``;
  return '';
}

/** Table rows (input, type, default, meaning) of spec inputs; the catalog README uses them too. */
export function inputRows(inputs: Record<string, SpecInput>, withAccepted = true): string[] {
  return Object.entries(inputs).map(([name, s]) => {
    const type = s.type ?? 'string';
    const dflt =
      'default' in s
        ? `\`${docCell(typeof s.default === 'string' ? s.default : JSON.stringify(s.default))}\``
        : 'required';
    const accepted = withAccepted ? acceptedText(s) : '';
    return `| \`${name}\` | ${type} | ${dflt} | ${docCell(s.description)}${accepted ? ` (${accepted})` : ''} |`;
  });
}

function componentReadme(step: Step, version: string, jobImage: string): string {
  const { spec } = componentSpec(step, version, jobImage);
  const extra = Object.keys(jobInputs(step, version, jobImage));
  const own = Object.fromEntries(Object.entries(spec.inputs).filter(([n]) => !extra.includes(n)));
  const job = Object.fromEntries(Object.entries(spec.inputs).filter(([n]) => extra.includes(n)));
  const required = Object.entries(own).filter(([, s]) => !('default' in s));
  const example = required.map(([n]) => `      ${n}: <${n}>`).join('\n');
  const outputs = Object.entries(step.outputs).map(([n, d]) => `| \`${outputEnvName(n)}\` | ${docCell(d)} |`);
  const envNote = ENVIRONMENT_STEPS.has(step.name)
    ? "\nThe job records the GitLab environment named by `environment` (required here: GitLab fixes a\njob's environment when the pipeline is created, so `auto` cannot be resolved later) with\n`resource_group` set to it, so one job at a time deploys to an environment. The environment URL\nis taken from the job's own dotenv report (`STAGECRAFT_URL`).\n"
    : '';
  return `<!-- Generated from src/steps/${step.name}.ts by \`npm run build\`. -->
# ${step.title} — GitLab component \`${step.name}\`

${step.description}

\`\`\`yaml
include:
  - component: $CI_SERVER_FQDN/<group>/stagecraft/${step.name}@${version}
${example ? `    inputs:\n${example}\n` : ''}\`\`\`

The job runs \`<cli> ${step.name}\`. Every input reaches it as the variable
\`STAGECRAFT_INPUT_<NAME>\` (never as text in \`script:\`), so a value such as \`$(rm -rf /)\` is
just text. GitLab still expands \`$VARIABLE\` references in values (write \`$$\` for a literal
\`$\`). Override any other job key by defining a job with the same name as \`job-name\`
(GitLab merges it), e.g. \`needs:\`.
${envNote}${NOTES[step.name] ?? ''}
## Inputs of the step

| input | type | default | meaning |
| --- | --- | --- | --- |
${inputRows(own).join('\n')}

## Inputs of the job

| input | type | default | meaning |
| --- | --- | --- | --- |
${inputRows(job).join('\n')}

## Outputs

Written to the dotenv report \`stagecraft.env\`; later jobs read them through \`needs:\` (or
by being in a later stage). The markdown summary is kept as the artifact \`stagecraft-summary.md\`.

| variable | meaning |
| --- | --- |
${outputs.join('\n')}
`;
}

/** Writes every step's component; called from generate() in scripts/generate.ts. */
export function generateGitlab(root: string, steps: Step[]): void {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const jobImage = defaultJobImage(root, version);
  for (const step of steps) {
    const dir = join(root, 'gitlab-components', step.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'template.yml'), componentTemplate(step, version, jobImage));
    writeFileSync(join(dir, 'README.md'), componentReadme(step, version, jobImage));
  }
}
