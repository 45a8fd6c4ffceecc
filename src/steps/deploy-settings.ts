/**
 * The one typed settings object of deploy-env and rollback, made at the edge from the parsed
 * inputs: a target discriminated by `strategy` that carries only its strategy's fields. Every
 * check across inputs happens here (InputError), so a bad input fails with one clear error before
 * anything is cloned, applied or recorded, and neither the strategies nor core check it again.
 */
import type { EcsService as EcsServiceOptions } from '../core/deploy/ecs/options.js';
import { parseWorkload } from '../core/deploy/kubernetes/workloads.js';
import { errorMessage, InputError } from '../core/errors.js';
import { formatImageRef, parseImageRef } from '../core/image-ref.js';
import type { SettingsSource } from '../platform/step.js';
import {
  DEFAULT_ROLLOUT_TIMEOUT_MS,
  type ParsedImage,
  type TargetInputs,
  type UpdateLine,
  type VerifyInputs,
} from './deploy-inputs.js';

export interface GitopsTarget {
  strategy: 'gitops';
  /** Git URL or path; absent: this repository on the CI platform (resolved when deploying). */
  repository?: string;
  branch?: string;
  /** File to change; `{environment}` is replaced once the environment is known. */
  file: string;
  key: string[];
  /** `updates`: several FILE KEY IMAGE lines in one commit (then file/key/image are not used). */
  updates?: UpdateLine[];
  valueKind: 'tag' | 'digest' | 'ref';
  commitMessage?: string;
  token?: string;
  /** The user name that goes with a token in HTTP basic auth on the platform. */
  tokenUser: string;
  /** `git`: clone, commit, push; `api`: commit through the forge API, no clone. */
  via: 'git' | 'api';
  /** Commit to `stagecraft/<environment>` and open or update one PR/MR into `branch`. */
  pullRequest: boolean;
  autoMerge: boolean;
}

/** One key a gitops deploy sets: the file (`{environment}` not yet replaced), the key, the image and the text written. */
export interface GitopsDeployEntry {
  file: string;
  key: string[];
  image: ParsedImage;
  value: string;
}

/** gitops `verify`: which controller object to wait for, and how (deploy-env only). */
export interface GitopsVerify {
  controller: 'argocd' | 'flux';
  /** Namespace and name; `{environment}` not yet replaced. */
  namespace: string;
  name: string;
  timeoutMs: number;
  kubeconfig?: string;
  context?: string;
}

export interface KubernetesTarget {
  strategy: 'kubernetes';
  /** Kustomize directories, files or globs (`{environment}` not yet replaced); empty with workloads. */
  manifests: string[];
  /** `deployment/web` …, each checked; empty with manifests. */
  workloads: string[];
  namespace?: string;
  kubeconfig?: string;
  /** kubeconfig context; absent ⇒ the current one. */
  context?: string;
  containers?: string[];
  rolloutTimeoutMs: number;
}

export interface TerraformTarget {
  strategy: 'terraform';
  workingDirectory: string;
  varName: string;
  varFile?: string;
  apply: boolean;
}

/** The service and how to wait for it, as core takes it (its polling and attempts are tuning, not inputs). */
interface EcsService extends Omit<EcsServiceOptions, 'pollIntervalMs' | 'maxAttempts'> {
  strategy: 'ecs';
}

/** ecs: an existing revision (ARN or `family:revision`), or (deploy only) a task definition file. */
export type EcsTarget = EcsService &
  (
    | { taskDefinitionArn: string; taskDefinition?: undefined }
    | { taskDefinitionArn?: undefined; taskDefinition?: string }
  );

export type Target = GitopsTarget | KubernetesTarget | TerraformTarget | EcsTarget;

/** An ecs deploy registers a revision with `image`, or deploys an existing revision as it is. */
export type EcsDeployTarget =
  | (EcsService & { taskDefinitionArn: string; taskDefinition?: undefined; image?: ParsedImage })
  | (EcsService & { taskDefinitionArn?: undefined; taskDefinition?: string; image: ParsedImage });

/** What deploy-env deploys: every strategy has its image, ecs may name a revision instead. */
export type DeployTarget =
  | (GitopsTarget & { image?: ParsedImage; entries: GitopsDeployEntry[]; verify?: GitopsVerify })
  | (KubernetesTarget & { image: ParsedImage })
  | (TerraformTarget & { image: ParsedImage })
  | EcsDeployTarget;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;
const FAMILY_REVISION = /^[A-Za-z0-9_-]{1,255}:\d+$/;

/** The target of rollback (and the strategy part of deploy-env's). */
export function parseTarget(
  input: TargetInputs,
  source: SettingsSource,
  mode: 'deploy' | 'rollback' = 'rollback',
): Target {
  switch (input.strategy) {
    case 'gitops':
      return gitopsTarget(input, source);
    case 'kubernetes':
      return kubernetesTarget(input);
    case 'terraform':
      return {
        strategy: 'terraform',
        workingDirectory: input.workingDirectory,
        varName: input.varName,
        ...(input.varFile ? { varFile: input.varFile } : {}),
        apply: input.apply,
      };
    case 'ecs':
      return ecsTarget(input, source.env, mode);
  }
}

function gitopsTarget(input: TargetInputs, source: SettingsSource): GitopsTarget {
  if (input.autoMerge && !input.pullRequest) {
    throw new InputError('auto-merge', 'true', '`auto-merge` needs `pull-request: true`');
  }
  return {
    strategy: 'gitops',
    ...(input.repository ? { repository: input.repository } : {}),
    ...(input.branch ? { branch: input.branch } : {}),
    file: input.file,
    key: input.key,
    ...(input.updates?.length ? { updates: input.updates } : {}),
    valueKind: input.value,
    ...(input.commitMessage ? { commitMessage: input.commitMessage } : {}),
    ...(input.token ? { token: input.token } : {}),
    tokenUser: source.ctx.provider === 'gitlab' ? 'gitlab-ci-token' : 'x-access-token',
    via: input.via,
    pullRequest: input.pullRequest,
    autoMerge: input.autoMerge,
  };
}

function kubernetesTarget(input: TargetInputs): KubernetesTarget {
  const manifests = input.manifests ?? [];
  const workloads = input.workloads ?? [];
  if (!manifests.length && !workloads.length) {
    throw new InputError('manifests', '', 'strategy kubernetes needs `manifests` or `workloads`');
  }
  if (manifests.length && workloads.length) {
    throw new InputError(
      'workloads',
      workloads.join('\n'),
      'empty when `manifests` is set (workloads alone patches the image of existing workloads)',
    );
  }
  for (const w of workloads) parseWorkload(w, 'default');
  return {
    strategy: 'kubernetes',
    manifests,
    workloads,
    ...(input.namespace ? { namespace: input.namespace } : {}),
    ...(input.kubeconfig ? { kubeconfig: input.kubeconfig } : {}),
    ...(input.context ? { context: input.context } : {}),
    ...(input.containers?.length ? { containers: input.containers } : {}),
    rolloutTimeoutMs: input.rolloutTimeout ?? DEFAULT_ROLLOUT_TIMEOUT_MS.kubernetes,
  };
}

function ecsTarget(
  input: TargetInputs,
  env: Record<string, string | undefined>,
  mode: 'deploy' | 'rollback',
): EcsTarget {
  const service = input.service?.trim();
  if (!service) throw new InputError('service', '', 'it is required for strategy ecs');
  const region = input.awsRegion || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new InputError(
      'aws-region',
      '',
      'no region: set `aws-region`, or AWS_REGION / AWS_DEFAULT_REGION in the environment',
    );
  }
  if (!REGION.test(region)) throw new InputError('aws-region', region, 'an AWS region such as eu-west-1');
  const arn = input.taskDefinitionArn?.trim();
  if (arn !== undefined && !ARN.test(arn) && !FAMILY_REVISION.test(arn)) {
    throw new InputError(
      'task-definition-arn',
      arn,
      'a task definition ARN (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>) or <family>:<revision>',
    );
  }
  // A rollback registers nothing from a file: it returns to a revision or re-uses the current one.
  const file = mode === 'deploy' ? input.taskDefinition : undefined;
  if (file && arn !== undefined) {
    throw new InputError(
      'task-definition-arn',
      arn,
      'give either `task-definition` (a file to register) or `task-definition-arn`, not both',
    );
  }
  const common: EcsService = {
    strategy: 'ecs',
    cluster: input.cluster,
    service,
    ...(input.containers?.length ? { containers: input.containers } : {}),
    region,
    ...(input.endpointUrl ? { endpointUrl: input.endpointUrl } : {}),
    forceNewDeployment: input.forceNewDeployment,
    ...(input.desiredCount !== undefined ? { desiredCount: input.desiredCount } : {}),
    rolloutTimeoutMs: input.rolloutTimeout ?? DEFAULT_ROLLOUT_TIMEOUT_MS.ecs,
  };
  return arn !== undefined
    ? { ...common, taskDefinitionArn: arn }
    : { ...common, ...(file ? { taskDefinition: file } : {}) };
}

const missingImage = (strategy: string) =>
  new InputError(
    'image',
    '',
    strategy === 'ecs'
      ? 'it is required unless `task-definition-arn` is given'
      : `it is required for strategy ${strategy}`,
  );

/** deploy-env's target: the strategy's target with what it deploys. */
export function parseDeployTarget(
  input: TargetInputs & Partial<VerifyInputs> & { image?: ParsedImage },
  source: SettingsSource,
): DeployTarget {
  const image = input.image;
  // The image first: without it nothing else about the target matters.
  const imageless =
    (input.strategy === 'ecs' && input.taskDefinitionArn) ||
    (input.strategy === 'gitops' && input.updates?.length);
  if (!image && !imageless) throw missingImage(input.strategy);
  const target = parseTarget(input, source, 'deploy');
  if (target.strategy === 'gitops') {
    const entries = target.updates
      ? target.updates.map((u) => ({ ...u, value: gitopsValue(target.valueKind, u.image, 'updates') }))
      : [
          {
            file: target.file,
            key: target.key,
            image: image as ParsedImage,
            value: gitopsValue(target.valueKind, image as ParsedImage, 'image'),
          },
        ];
    const verify = gitopsVerify(input);
    if (verify && target.pullRequest) {
      throw new InputError(
        'verify',
        verify.controller,
        'not with `pull-request: true`: the change waits for review, so there is nothing to verify yet',
      );
    }
    return {
      ...target,
      ...(image && !target.updates ? { image } : {}),
      entries,
      ...(verify ? { verify } : {}),
    };
  }
  if (target.strategy === 'ecs') {
    if (target.taskDefinitionArn !== undefined) return { ...target, ...(image ? { image } : {}) };
    if (image) return { ...target, image };
  } else if (image) {
    return { ...target, image };
  }
  throw missingImage(target.strategy); // already ruled out above
}

/** rollback's `to`: for ecs it must be an image reference (a tag or digest alone names nothing there). */
export function parseRollbackTo(to: string | undefined, target: Target): string | undefined {
  if (to && target.strategy === 'gitops' && (target.updates?.length ?? 0) > 1) {
    throw new InputError(
      'to',
      to,
      'empty with several `updates` (each key goes back to its own previous value)',
    );
  }
  if (!to || target.strategy !== 'ecs') return to;
  try {
    parseImageRef(to);
  } catch (err) {
    throw new InputError('to', to, `for ecs, an image reference to return to (${errorMessage(err)})`);
  }
  return to;
}

const VERIFY_NAMESPACE = { argocd: 'argocd', flux: 'flux-system' } as const;

function gitopsVerify(input: TargetInputs & Partial<VerifyInputs>): GitopsVerify | undefined {
  const controller = input.verify ?? 'none';
  const app = input.application;
  if (controller === 'none') {
    if (app) {
      throw new InputError(
        'application',
        `${app.namespace ? `${app.namespace}/` : ''}${app.name}`,
        'used only with `verify: argocd` or `verify: flux`',
      );
    }
    return undefined;
  }
  if (!app) {
    throw new InputError(
      'application',
      '',
      `\`verify: ${controller}\` needs the ${controller === 'argocd' ? 'Argo CD Application' : 'Flux Kustomization'} to wait for: [namespace/]name`,
    );
  }
  return {
    controller,
    namespace: app.namespace ?? VERIFY_NAMESPACE[controller],
    name: app.name,
    timeoutMs: input.verifyTimeout ?? 10 * 60_000,
    ...(input.kubeconfig ? { kubeconfig: input.kubeconfig } : {}),
    ...(input.context ? { context: input.context } : {}),
  };
}

/** The text written into the file for `value: tag|digest|ref`. */
function gitopsValue(
  kind: GitopsTarget['valueKind'],
  image: ParsedImage,
  input: 'image' | 'updates',
): string {
  switch (kind) {
    case 'tag':
      if (!image.ref.tag) {
        throw new InputError(
          input,
          image.text,
          'it has no tag, but `value: tag` writes the tag; use value: digest or ref',
        );
      }
      return image.ref.tag;
    case 'digest':
      if (!image.ref.digest) {
        throw new InputError(
          input,
          image.text,
          'it has no digest (`…@sha256:…`), but `value: digest` writes the digest',
        );
      }
      return image.ref.digest;
    case 'ref':
      return image.text || formatImageRef(image.ref);
  }
}
