import type { DeployResult } from '../core/deploy/types.js';
import {
  type EnvironmentRule,
  isEnvironmentTemplate,
  parseEnvironmentRules,
  RULES_HELP,
  resolveEnvironment,
} from '../core/environments.js';
import { errorMessage, StepError } from '../core/errors.js';
import type { ParsedImage } from '../core/image-ref.js';
import { table } from '../core/markdown.js';
import { bool, type Inputs, parsed } from '../platform/inputs.js';
import { defineStep, type SettingsSource } from '../platform/step.js';
import { credentialsFor } from './build-push-credentials.js';
import { deployContext } from './deploy-context.js';
import { forceInput, imageInput, urlInput } from './deploy-inputs.js';
import { recordDeployment } from './deploy-record.js';
import { checkFreeze, type FreezeSettings, freezeInputs, freezeSettings } from './freeze.js';
import { previewName, refuseEcsPreview } from './preview.js';
import {
  type DeployPlan,
  deployOnlyInputs,
  planDeploy,
  strategyEnv,
  strategyInput,
  targetInputs,
} from './strategies/index.js';
import { deployVerifySettings, type VerifySettings, verifyImageRef, verifyingInputs } from './verifying.js';

function parseEnvironmentName(raw: string): string {
  const name = raw.trim();
  if (name !== 'auto' && !isEnvironmentTemplate(name)) {
    throw new Error('must be letters, digits, . _ - (max 64; `{pr}` allowed)');
  }
  return name;
}

const inputs = {
  image: imageInput,
  environment: parsed(
    {
      description:
        'Environment name; `auto` resolves it from `environment-rules`. `{pr}` is the pull request number (GitLab: merge request iid), e.g. `pr-{pr}` for a preview environment',
      default: 'auto',
      accepted: '`auto` or an environment name (letters, digits, . _ -; `{pr}` allowed)',
    },
    parseEnvironmentName,
  ),
  'environment-rules': parsed(
    {
      description:
        'One `ref-glob=environment` a line, first match wins; no match skips the deploy. `refs/pull/*` also matches GitLab merge requests (and `refs/merge-requests/*` GitHub pull requests); `{pr}` on the right is the PR/MR number (`refs/pull/*=pr-{pr}`)',
      default: 'refs/heads/main=staging\nrefs/tags/v*=production',
      accepted: RULES_HELP,
      kind: 'lines',
    },
    parseEnvironmentRules,
  ),
  strategy: strategyInput,
  url: urlInput,
  ...targetInputs,
  ...deployOnlyInputs,
  ...verifyingInputs,
  force: forceInput,
  ...freezeInputs,
  record: bool({
    description: 'GitHub: write a deployment record (Deployments API, with status)',
    default: 'true',
  }),
};

/** deploy-env's settings: where to deploy (or how to find it), the target, and the record. */
export interface DeploySettings {
  /** An environment name, or `auto`: resolved from `environmentRules` and the ref when run. */
  environment: string;
  environmentRules: EnvironmentRule[];
  /** The strategy's checked target, ready to run. */
  target: DeployPlan;
  /** `verify-signature`: who must have signed the image; then `replan` deploys the verified digest. */
  verify?: VerifySettings & { image: ParsedImage };
  replan: (image: ParsedImage) => DeployPlan;
  url?: string;
  /** Deploy an image a rollback held, and lift the hold. */
  force: boolean;
  /** Write a GitHub deployment record (never on a dry run). */
  record: boolean;
  /** For the deployment record (gitops also authenticates with it). */
  token?: string;
  dryRun: boolean;
  freeze: FreezeSettings;
}

export async function deploySettings(
  input: Inputs<typeof inputs>,
  source: SettingsSource,
): Promise<DeploySettings> {
  if (input.strategy === 'ecs') refuseEcsPreview(input.environment, input.environmentRules);
  const verify = await deployVerifySettings(input);
  // With verify-signature the digest is known only once verified (run replans with it); until
  // then the plan is checked as for a pinned image, so `value: digest` needs no digest given.
  const checked =
    verify && input.image && !input.image.ref.digest
      ? {
          ...input,
          image: { ...input.image, ref: { ...input.image.ref, digest: `sha256:${'0'.repeat(64)}` } },
        }
      : input;
  const target = planDeploy(checked, source);
  return {
    environment: input.environment,
    environmentRules: input.environmentRules,
    target,
    ...(verify && input.image ? { verify: { ...verify, image: input.image } } : {}),
    replan: (image) => planDeploy({ ...input, image }, source),
    ...(input.url ? { url: input.url } : {}),
    force: input.force,
    record: input.record && !input.dryRun,
    ...(input.token ? { token: input.token } : {}),
    dryRun: input.dryRun,
    freeze: await freezeSettings(input),
  };
}

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
#     strategy: helm + chart: deploy/chart (release, namespace, values, set)
#     strategy: terraform + working-directory: infra
#     strategy: ecs + cluster/service
`,
  title: 'Deploy to an environment',
  description:
    'Deploys an image to an environment chosen by ref rules: GitOps write-back, Kubernetes apply + rollout, a Helm release, Terraform or Amazon ECS.',
  stage: 'deploy',
  inputs,
  settings: deploySettings,
  outputs: {
    environment: 'The environment deployed to (empty when skipped)',
    image: 'The image reference now deployed (gitops `updates`: one a line)',
    'previous-image': 'The image deployed before, when known',
    revision:
      "The strategy's revision: commit sha, Deployment revision, Helm release revision, task-definition ARN",
    url: 'The environment URL',
    skipped: '`true` when no environment rule matched the ref and nothing was deployed',
    'task-definition-arn': 'ecs: the task definition revision now running',
    'previous-task-definition-arn': 'ecs: the revision the service ran before',
    'deployment-id': 'ecs: the ECS deployment id (`ecs-svc/…`)',
    'rollout-state':
      'ecs: the rollout state of the deployment; helm: `healthy`, else `rolled-back` (`atomic` rolled the failed release back) or `failed`; kubernetes and helm: `healthy`, `paused` (an Argo Rollout at a pause step), `canary`, `promoted` or `rejected` (`action`); ecs blue/green, linear, canary: `paused` (a PAUSE lifecycle hook), `promoted`, `rolled-back`',
    'test-url': 'ecs: the `test-url` input, passed on for the smoke test of a paused blue/green deployment',
    'synced-revision': 'gitops `verify`: the revision the controller reports applied (Flux: `main@sha1:…`)',
    health: 'gitops `verify`: the health the controller reports (`Healthy` when verified)',
    'pull-request-number': 'gitops with `pull-request`: the number of the PR/MR (GitLab: its iid)',
    'pull-request-url': 'gitops with `pull-request`: the URL of the PR/MR',
    'break-glass': 'The `break-glass` reason when this deploy went through a freeze window (empty otherwise)',
    signer:
      'With `verify-signature`: who signed the deployed digest (the certificate identity, or `sha256:<hex>` of the key)',
  },
  async run(input, rt) {
    let { target } = input;
    let environment = input.environment;
    if (environment === 'auto') {
      const match = resolveEnvironment(input.environmentRules, rt.ctx.ref);
      if (!match) {
        rt.notice(
          `No environment rule matches ref "${rt.ctx.ref || '(none)'}"; nothing deployed. Rules: ${input.environmentRules.map((r) => `${r.pattern}=${r.environment}`).join(', ')}`,
        );
        return {
          outputs: {
            environment: '',
            image: target.image?.text ?? '',
            url: input.url ?? '',
            skipped: 'true',
          },
          summary: `### Deploy skipped\n\nNo environment rule matches \`${rt.ctx.ref || '(no ref)'}\`.\n`,
        };
      }
      rt.info(`Environment ${match.environment} (rule ${match.rule}, ref ${rt.ctx.ref})`);
      environment = match.environment;
    }
    environment = previewName(environment, rt.ctx.pullNumber, input.environment === 'auto');
    let signer = '';
    if (input.verify) {
      // Before any change: the tag resolved to its digest, and that digest's signature checked.
      const verify = input.verify;
      const image = verify.image;
      const verified = await rt
        .group(`Verify the signature of ${image.text}`, () =>
          verifyImageRef(verify, image.ref, rt, (registry) =>
            credentialsFor(registry, { image: image.ref }, rt),
          ),
        )
        .catch((err: unknown) => {
          throw new StepError(errorMessage(err), {
            outputs: { environment, image: image.text, url: input.url ?? '', skipped: 'false', signer: '' },
            summary: failureSummary(environment, target.strategy, image.text, errorMessage(err)),
          });
        });
      rt.info(verified.line);
      signer = verified.signer;
      target = input.replan({ text: verified.text, ref: verified.pinned });
    }
    const ctx = deployContext(rt, environment, input.dryRun);
    const requested = target.requested;
    // Frozen: one error naming the window and its end, before anything is changed or recorded.
    const freeze = await checkFreeze(rt, input.freeze, environment, {
      outputs: { environment, image: requested, url: input.url ?? '', skipped: 'false' },
      ...(input.token ? { token: input.token } : {}),
    });
    const result = await rt
      .group(
        `Deploy ${requested} to ${environment} (${target.strategy}${input.dryRun ? ', dry run' : ''})`,
        () =>
          recordDeployment(
            rt,
            {
              enabled: input.record,
              ...(input.token ? { token: input.token } : {}),
              environment,
              image: requested,
              ...(input.url ? { url: input.url } : {}),
              ...(freeze.breakGlass ? { breakGlass: freeze.breakGlass } : {}),
            },
            () => target.run(strategyEnv(rt), ctx, input.force),
            (r) => `${r.changed ? 'Deployed' : 'Already deployed'} ${r.image}`,
          ),
      )
      .catch((err: unknown) => {
        // A failed deploy is reported like a finished one: outputs and a summary with the diagnosis.
        throw new StepError(errorMessage(err), {
          outputs: {
            // What the strategy knew when it failed (gitops verify: the pushed commit).
            ...(err instanceof StepError ? err.partial.outputs : {}),
            environment,
            image: requested,
            url: input.url ?? '',
            skipped: 'false',
            'break-glass': freeze.breakGlass?.reason ?? '',
          },
          summary:
            failureSummary(environment, target.strategy, requested, errorMessage(err)) +
            freeze.summary.join('\n'),
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
        'break-glass': freeze.breakGlass?.reason ?? '',
        signer,
        ...result.extraOutputs,
      },
      summary: `${summarize(environment, target.strategy, input.url, input.dryRun, result)}${freeze.summary.join('\n')}${
        signer ? `\nSignature verified before deploying: signed by \`${signer}\`.\n` : ''
      }`,
    };
  },
});

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
