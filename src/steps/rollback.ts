import { ENVIRONMENT_NAME } from '../core/environments.js';
import type { ParsedImage } from '../core/image-ref.js';
import { table } from '../core/markdown.js';
import { bool, type Inputs, parsed, text } from '../platform/inputs.js';
import { defineStep, type SettingsSource } from '../platform/step.js';
import { deployContext } from './deploy-context.js';
import { imageInput } from './deploy-inputs.js';
import { recordDeployment } from './deploy-record.js';
import {
  planRollback,
  type RollbackPlan,
  strategyEnv,
  strategyInput,
  targetInputs,
} from './strategies/index.js';

function parseEnvironment(raw: string): string {
  const name = raw.trim();
  if (!ENVIRONMENT_NAME.test(name)) throw new Error('must be letters, digits, . _ - (max 64)');
  return name;
}

const inputs = {
  environment: parsed(
    {
      description: 'The environment to roll back',
      required: true,
      accepted: 'an environment name (letters, digits, . _ -)',
    },
    parseEnvironment,
  ),
  strategy: strategyInput,
  to: text({
    description:
      'Version to return to (an image reference; gitops: the value to write; helm: a release revision number, an image or a tag); default the version deployed before the current one',
  }),
  reason: text({
    description:
      'Why, recorded in the commit message / summary and in the hold on the image rolled away from',
  }),
  image: {
    ...imageInput,
    description:
      'Optional: the deployed image repository (e.g. `registry.example.com/team/app:any`), to report full references and pick containers',
  },
  ...targetInputs,
  record: bool({
    description:
      'GitHub: write a deployment record of kind `rollback` (Deployments API, with status) naming the deployment it rolled away from; deploy-report counts that one as failed',
    default: 'true',
  }),
};

/** rollback's settings: the environment, the target, and what to return to. */
export interface RollbackSettings {
  environment: string;
  /** The strategy's checked target and `to` (trimmed; for ecs an image reference), ready to run. */
  target: RollbackPlan;
  reason?: string;
  /** The deployed image's repository, to report full references and pick containers. */
  image?: ParsedImage;
  dryRun: boolean;
  /** Write a GitHub deployment record (never on a dry run). */
  record: boolean;
  token?: string;
}

export function rollbackSettings(input: Inputs<typeof inputs>, source: SettingsSource): RollbackSettings {
  return {
    environment: input.environment,
    target: planRollback(input, input.to?.trim() || undefined, source),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.image ? { image: input.image } : {}),
    dryRun: input.dryRun,
    record: input.record && !input.dryRun,
    ...(input.token ? { token: input.token } : {}),
  };
}

export const rollback = defineStep({
  name: 'rollback',
  example: `
- if: failure()
  uses: <owner>/stagecraft/actions/rollback@v1
  with:
    environment: staging
    strategy: kubernetes
    manifests: k8s/overlays/staging
    reason: smoke test failed
`,
  title: 'Roll back an environment',
  description:
    'Returns an environment to the version deployed before the current one (or to `to`): a new GitOps commit, the previous Deployment revision, the previous Helm release revision (`helm rollback`), or the previous ECS task definition. The image it rolls away from is held in that environment (gitops: `.stagecraft/holds.yaml` in the same commit; kubernetes and helm: annotation `stagecraft.dev/held-images` on the workloads; ecs: a service tag): deploy-env refuses it there unless `force: true`.',
  stage: 'deploy',
  inputs,
  settings: rollbackSettings,
  outputs: {
    from: 'The image reference that was deployed before the rollback',
    to: 'The image reference deployed now',
    revision:
      "The strategy's revision after the rollback: commit sha, Deployment revision, Helm release revision, task-definition ARN",
    'pull-request-number': 'gitops with `pull-request`: the number of the PR/MR (GitLab: its iid)',
    'pull-request-url': 'gitops with `pull-request`: the URL of the PR/MR',
  },
  async run(input, rt) {
    const ctx = deployContext(rt, input.environment, input.dryRun);
    const result = await rt.group(`Roll back ${input.environment} (${input.target.strategy})`, () =>
      recordDeployment(
        rt,
        {
          enabled: input.record,
          kind: 'rollback',
          ...(input.token ? { token: input.token } : {}),
          environment: input.environment,
          image: input.target.to ?? input.image?.text ?? 'the previous version',
        },
        () =>
          input.target.run(
            {
              ...(input.target.to ? { to: input.target.to } : {}),
              ...(input.reason ? { reason: input.reason } : {}),
              ...(input.image ? { image: input.image } : {}),
            },
            strategyEnv(rt),
            ctx,
          ),
        (r) => `Rolled back from ${r.from} to ${r.to}`,
      ),
    );
    const verb = input.dryRun ? 'Would roll back' : 'Rolled back';
    return {
      outputs: { from: result.from, to: result.to, revision: result.revision, ...result.extraOutputs },
      summary: [
        `### ${verb} ${input.environment}`,
        '',
        table(
          ['', ''],
          [
            ['From', `\`${result.from}\``],
            ['To', `\`${result.to}\``],
            ['Revision', result.revision || '—'],
            ...(input.reason ? [['Reason', input.reason]] : []),
          ],
        ),
        '',
        ...result.summary,
        '',
      ].join('\n'),
    };
  },
});
