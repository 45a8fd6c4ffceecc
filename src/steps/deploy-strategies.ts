/**
 * Strategy dispatch for deploy-env and rollback: maps the step inputs to each strategy's typed
 * options and loads the strategy module lazily (`await import()`), so the Kubernetes and AWS
 * clients load only when their strategy runs and the gitops/terraform paths start fast.
 *
 * Each strategy has one clearly marked section below; its owner edits only that section.
 */
import type { DeployContext, DeployResult, RollbackResult } from '../core/deploy/types.js';
import { InputError } from '../core/errors.js';
import { formatImageRef, repositoryName } from '../core/image-ref.js';
import type { CiContext } from '../platform/context.js';
import { DEFAULT_ROLLOUT_TIMEOUT_MS, type ParsedImage, type TargetInputs } from './deploy-inputs.js';

export interface DeployRequest {
  /** Absent only for ecs with `task-definition-arn`. */
  image?: ParsedImage;
  ci: CiContext;
}

export interface RollbackRequest {
  /** Explicit version to return to (`to` input), as given. */
  to?: string;
  reason?: string;
  /** The deployed image's repository, when given, to report full references. */
  image?: ParsedImage;
  ci: CiContext;
}

const withEnv = (text: string, environment: string) => text.replaceAll('{environment}', environment);

/**
 * Strategy-specific checks that the input schemas cannot express (they depend on the strategy);
 * run before anything is read from or written to any target.
 */
export function checkTarget(
  input: TargetInputs,
  image: ParsedImage | undefined,
  mode: 'deploy' | 'rollback',
) {
  if (mode === 'deploy' && !image && !(input.strategy === 'ecs' && input.taskDefinitionArn)) {
    throw new InputError(
      'image',
      '',
      input.strategy === 'ecs'
        ? 'it is required unless `task-definition-arn` is given'
        : `it is required for strategy ${input.strategy}`,
    );
  }
  if (input.strategy === 'gitops' && mode === 'deploy' && image) gitopsValue(input, image);
  if (input.strategy === 'kubernetes' && !input.manifests?.length && !input.workloads?.length) {
    throw new InputError('manifests', '', 'strategy kubernetes needs `manifests` or `workloads`');
  }
  if (input.strategy === 'ecs' && !input.service) {
    throw new InputError('service', '', 'it is required for strategy ecs');
  }
}

export async function deployWith(
  input: TargetInputs,
  req: DeployRequest,
  ctx: DeployContext,
): Promise<DeployResult> {
  switch (input.strategy) {
    case 'gitops': {
      const { deployGitops } = await import('../core/deploy/gitops/index.js');
      const image = req.image as ParsedImage;
      return deployGitops(
        {
          ...gitopsTarget(input, req.ci, ctx.environment),
          value: gitopsValue(input, image),
          valueKind: input.value,
          image: image.text,
          ...(input.commitMessage ? { message: input.commitMessage } : {}),
        },
        ctx,
      );
    }
    case 'terraform': {
      const { deployTerraform } = await import('../core/deploy/terraform.js');
      return deployTerraform(
        { ...terraformOptions(input, ctx.environment), image: (req.image as ParsedImage).text },
        ctx,
      );
    }
    case 'kubernetes':
      return deployKubernetes(input, req, ctx);
    case 'ecs':
      return deployEcs(input, req, ctx);
  }
}

export async function rollbackWith(
  input: TargetInputs,
  req: RollbackRequest,
  ctx: DeployContext,
): Promise<RollbackResult> {
  switch (input.strategy) {
    case 'gitops': {
      const { rollbackGitops } = await import('../core/deploy/gitops/index.js');
      return rollbackGitops(
        {
          ...gitopsTarget(input, req.ci, ctx.environment),
          valueKind: input.value,
          ...(req.to ? { to: req.to } : {}),
          ...(req.reason ? { reason: req.reason } : {}),
          ...(req.image ? { imageRepository: repositoryName(req.image.ref) } : {}),
        },
        ctx,
      );
    }
    case 'terraform': {
      const { rollbackTerraform } = await import('../core/deploy/terraform.js');
      return rollbackTerraform(
        { ...terraformOptions(input, ctx.environment), ...(req.to ? { to: req.to } : {}) },
        ctx,
      );
    }
    case 'kubernetes':
      return rollbackKubernetes(input, req, ctx);
    case 'ecs':
      return rollbackEcs(input, req, ctx);
  }
}

// ───────────────────────────── gitops ─────────────────────────────

/** This repository on the CI platform, when `repository` is not given. */
export function defaultRepository(ci: CiContext): string {
  if (ci.serverUrl && ci.repository) return `${ci.serverUrl.replace(/\/+$/, '')}/${ci.repository}.git`;
  throw new InputError(
    'repository',
    '',
    'it is required outside GitHub Actions and GitLab CI (a git URL or path)',
  );
}

function gitopsTarget(input: TargetInputs, ci: CiContext, environment: string) {
  return {
    repository: input.repository || defaultRepository(ci),
    ...(input.branch ? { branch: input.branch } : {}),
    file: withEnv(input.file, environment),
    key: input.key,
    ...(input.token ? { token: input.token } : {}),
    // The user name that goes with a token in HTTP basic auth on each platform.
    tokenUser: ci.provider === 'gitlab' ? 'gitlab-ci-token' : 'x-access-token',
  };
}

/** The text written into the file for `value: tag|digest|ref`. */
export function gitopsValue(input: TargetInputs, image: ParsedImage): string {
  switch (input.value) {
    case 'tag':
      if (!image.ref.tag) {
        throw new InputError(
          'image',
          image.text,
          'it has no tag, but `value: tag` writes the tag; use value: digest or ref',
        );
      }
      return image.ref.tag;
    case 'digest':
      if (!image.ref.digest) {
        throw new InputError(
          'image',
          image.text,
          'it has no digest (`…@sha256:…`), but `value: digest` writes the digest',
        );
      }
      return image.ref.digest;
    case 'ref':
      return image.text || formatImageRef(image.ref);
  }
}

// ──────────────────────────── terraform ───────────────────────────

function terraformOptions(input: TargetInputs, environment: string) {
  return {
    workingDirectory: withEnv(input.workingDirectory, environment),
    varName: input.varName,
    ...(input.varFile ? { varFile: withEnv(input.varFile, environment) } : {}),
    apply: input.apply,
  };
}

// ─────────────────────────── kubernetes ───────────────────────────
// Owned by the kubernetes strategy (src/core/deploy/kubernetes/). Replace the two functions'
// bodies with the real calls; keep the lazy import.

export function kubernetesOptions(input: TargetInputs, image: ParsedImage | undefined, environment: string) {
  return {
    ...(image ? { image: image.text } : {}),
    manifests: (input.manifests ?? []).map((m) => withEnv(m, environment)),
    workloads: input.workloads ?? [],
    ...(input.namespace ? { namespace: input.namespace } : {}),
    ...(input.kubeconfig ? { kubeconfig: input.kubeconfig } : {}),
    ...(input.containers?.length ? { containers: input.containers } : {}),
    rolloutTimeoutMs: input.rolloutTimeout ?? DEFAULT_ROLLOUT_TIMEOUT_MS.kubernetes,
  };
}

async function deployKubernetes(
  input: TargetInputs,
  req: DeployRequest,
  ctx: DeployContext,
): Promise<DeployResult> {
  const { deployKubernetes } = await import('../core/deploy/kubernetes/index.js');
  const options = kubernetesOptions(input, req.image, ctx.environment);
  return deployKubernetes({ ...options, image: (req.image as ParsedImage).text }, ctx);
}

async function rollbackKubernetes(
  input: TargetInputs,
  req: RollbackRequest,
  ctx: DeployContext,
): Promise<RollbackResult> {
  const { rollbackKubernetes } = await import('../core/deploy/kubernetes/index.js');
  const options = kubernetesOptions(input, req.image, ctx.environment);
  return rollbackKubernetes(
    { ...options, ...(req.to ? { to: req.to } : {}), ...(req.reason ? { reason: req.reason } : {}) },
    ctx,
  );
}

// ─────────────────────────────── ecs ──────────────────────────────
// Owned by the ecs strategy (src/core/deploy/ecs/). Replace the two functions' bodies with the
// real calls; keep the lazy import.

export function ecsOptions(
  input: TargetInputs,
  image: ParsedImage | undefined,
  environment: string,
  env: Record<string, string | undefined>,
) {
  const region = input.awsRegion || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  // Poll interval while waiting for the rollout: an operator knob (and short in tests), in ms.
  const pollMs = Number(env.STAGECRAFT_ECS_POLL_MS);
  return {
    ...(image ? { image: image.text } : {}),
    cluster: input.cluster,
    service: input.service as string,
    ...(input.taskDefinition ? { taskDefinition: withEnv(input.taskDefinition, environment) } : {}),
    ...(input.taskDefinitionArn ? { taskDefinitionArn: input.taskDefinitionArn.trim() } : {}),
    ...(input.containers?.length ? { containers: input.containers } : {}),
    ...(region ? { region } : {}),
    ...(input.endpointUrl ? { endpointUrl: input.endpointUrl } : {}),
    forceNewDeployment: input.forceNewDeployment,
    ...(input.desiredCount !== undefined ? { desiredCount: input.desiredCount } : {}),
    rolloutTimeoutMs: input.rolloutTimeout ?? DEFAULT_ROLLOUT_TIMEOUT_MS.ecs,
    ...(Number.isFinite(pollMs) && pollMs > 0 ? { pollIntervalMs: pollMs } : {}),
  };
}

async function deployEcs(input: TargetInputs, req: DeployRequest, ctx: DeployContext): Promise<DeployResult> {
  const ecs = await import('../core/deploy/ecs/index.js');
  return ecs.deployEcs(ecsOptions(input, req.image, ctx.environment, ctx.env ?? {}), ctx);
}

async function rollbackEcs(
  input: TargetInputs,
  req: RollbackRequest,
  ctx: DeployContext,
): Promise<RollbackResult> {
  const ecs = await import('../core/deploy/ecs/index.js');
  const { taskDefinition: _file, ...options } = ecsOptions(input, req.image, ctx.environment, ctx.env ?? {});
  return ecs.rollbackEcs(
    { ...options, ...(req.to ? { to: req.to } : {}), ...(req.reason ? { reason: req.reason } : {}) },
    ctx,
  );
}
