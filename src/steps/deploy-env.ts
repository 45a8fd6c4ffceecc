import type { DeployContext, DeployResult } from '../core/deploy/types.js';
import {
  ENVIRONMENT_NAME,
  parseEnvironmentRules,
  RULES_HELP,
  resolveEnvironment,
} from '../core/environments.js';
import { errorMessage, StepError } from '../core/errors.js';
import { table } from '../core/markdown.js';
import { bool, parsed } from '../platform/inputs.js';
import type { Runtime } from '../platform/runtime.js';
import { imageInput, strategyInput, targetInputs, urlInput } from './deploy-inputs.js';
import { recordDeployment } from './deploy-record.js';
import { checkTarget, deployWith } from './deploy-strategies.js';
import { defineStep } from './step.js';

function parseEnvironmentName(raw: string): string {
  const name = raw.trim();
  if (name !== 'auto' && !ENVIRONMENT_NAME.test(name)) {
    throw new Error('must be letters, digits, . _ - (max 64)');
  }
  return name;
}

const inputs = {
  image: imageInput,
  environment: parsed(
    {
      description: 'Environment name; `auto` resolves it from `environment-rules`',
      default: 'auto',
      accepted: '`auto` or an environment name (letters, digits, . _ -)',
    },
    parseEnvironmentName,
  ),
  'environment-rules': parsed(
    {
      description:
        'One `ref-glob=environment` a line, first match wins; no match skips the deploy. `refs/pull/*` also matches GitLab merge requests (and `refs/merge-requests/*` GitHub pull requests)',
      default: 'refs/heads/main=staging\nrefs/tags/v*=production',
      accepted: RULES_HELP,
      kind: 'lines',
    },
    parseEnvironmentRules,
  ),
  strategy: strategyInput,
  url: urlInput,
  ...targetInputs,
  record: bool({
    description: 'GitHub: write a deployment record (Deployments API, with status)',
    default: 'true',
  }),
};

export const deployEnv = defineStep({
  name: 'deploy-env',
  example: `
- uses: <owner>/stagecraft/actions/deploy-env@v1
  with:
    strategy: gitops
    image: ghcr.io/acme/shop:\${{ github.sha }}
    environment-rules: |
      refs/heads/main=staging
      refs/tags/v*=production
    file: deploy/{environment}/values.yaml
    key: image.tag
# or: strategy: kubernetes + manifests: k8s/overlays/{environment}
#     strategy: terraform + working-directory: infra
#     strategy: ecs + cluster/service
`,
  title: 'Deploy to an environment',
  description:
    'Deploys an image to an environment chosen by ref rules: GitOps write-back, Kubernetes apply + rollout, Terraform or Amazon ECS.',
  stage: 'deploy',
  inputs,
  outputs: {
    environment: 'The environment deployed to (empty when skipped)',
    image: 'The image reference now deployed',
    'previous-image': 'The image deployed before, when known',
    revision: "The strategy's revision: commit sha, Deployment revision, task-definition ARN",
    url: 'The environment URL',
    skipped: '`true` when no environment rule matched the ref and nothing was deployed',
    'task-definition-arn': 'ecs: the task definition revision now running',
    'previous-task-definition-arn': 'ecs: the revision the service ran before',
    'deployment-id': 'ecs: the ECS deployment id (`ecs-svc/…`)',
    'rollout-state': 'ecs: the rollout state of the deployment',
  },
  async run(input, rt) {
    // Every check on the inputs happens here, before anything is cloned, applied or recorded.
    checkTarget(input, input.image, 'deploy');
    let environment = input.environment;
    if (environment === 'auto') {
      const match = resolveEnvironment(input.environmentRules, rt.ctx.ref);
      if (!match) {
        rt.notice(
          `No environment rule matches ref "${rt.ctx.ref || '(none)'}"; nothing deployed. Rules: ${input.environmentRules.map((r) => `${r.pattern}=${r.environment}`).join(', ')}`,
        );
        return {
          outputs: { environment: '', image: input.image?.text ?? '', url: input.url ?? '', skipped: 'true' },
          summary: `### Deploy skipped\n\nNo environment rule matches \`${rt.ctx.ref || '(no ref)'}\`.\n`,
        };
      }
      rt.info(`Environment ${match.environment} (rule ${match.rule}, ref ${rt.ctx.ref})`);
      environment = match.environment;
    }
    const ctx = deployContext(rt, environment, input.dryRun);
    const requested = input.image?.text ?? input.taskDefinitionArn ?? '';
    const result = await rt
      .group(
        `Deploy ${input.image?.text ?? input.taskDefinitionArn} to ${environment} (${input.strategy}${input.dryRun ? ', dry run' : ''})`,
        () =>
          recordDeployment(
            rt,
            {
              enabled: input.record && !input.dryRun,
              ...(input.token ? { token: input.token } : {}),
              environment,
              image: input.image?.text ?? input.taskDefinitionArn ?? '',
              ...(input.url ? { url: input.url } : {}),
            },
            () => deployWith(input, { ...(input.image ? { image: input.image } : {}), ci: rt.ctx }, ctx),
          ),
      )
      .catch((err: unknown) => {
        // A failed deploy is reported like a finished one: outputs and a summary with the diagnosis.
        throw new StepError(errorMessage(err), {
          outputs: { environment, image: requested, url: input.url ?? '', skipped: 'false' },
          summary: failureSummary(environment, input.strategy, requested, errorMessage(err)),
        });
      });
    return {
      outputs: {
        environment,
        image: result.image,
        'previous-image': result.previousImage ?? '',
        revision: result.revision ?? '',
        url: input.url ?? '',
        skipped: 'false',
        ...result.extraOutputs,
      },
      summary: summarize(environment, input.strategy, input.url, input.dryRun, result),
    };
  },
});

export function deployContext(rt: Runtime, environment: string, dryRun: boolean): DeployContext {
  return {
    environment,
    log: rt,
    tempDir: rt.tempDir,
    dryRun,
    env: rt.env,
    origin: {
      ...(rt.ctx.actor ? { actor: rt.ctx.actor } : {}),
      ...(rt.ctx.runUrl ? { runUrl: rt.ctx.runUrl } : {}),
      ...(rt.ctx.sha ? { sha: rt.ctx.sha } : {}),
      ...(rt.ctx.ref ? { ref: rt.ctx.ref } : {}),
      ...(rt.ctx.repository ? { repository: rt.ctx.repository } : {}),
    },
  };
}

function summarize(
  environment: string,
  strategy: string,
  url: string | undefined,
  dryRun: boolean,
  result: DeployResult,
): string {
  const verb = dryRun ? 'Would deploy' : result.changed ? 'Deployed' : 'Already deployed';
  const rows = [
    ['Environment', environment],
    ['Strategy', strategy],
    ['Image', `\`${result.image}\``],
    ['Previous image', result.previousImage ? `\`${result.previousImage}\`` : '—'],
    ['Revision', result.revision ?? '—'],
    ...(url ? [['URL', url]] : []),
  ];
  return [`### ${verb} to ${environment}`, '', table(['', ''], rows), '', ...result.summary, ''].join('\n');
}

function failureSummary(environment: string, strategy: string, image: string, message: string): string {
  const rows = [
    ['Environment', environment],
    ['Strategy', strategy],
    ['Image', `\`${image}\``],
  ];
  return [
    `### Deploy to ${environment} failed`,
    '',
    table(['', ''], rows),
    '',
    '```text',
    message,
    '```',
    '',
  ].join('\n');
}
