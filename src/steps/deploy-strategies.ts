/**
 * Strategy dispatch for deploy-env and rollback: maps each strategy's typed target (made at the
 * edge, deploy-settings.ts) to that strategy's core options and loads the strategy module lazily
 * (`await import()`), so the Kubernetes and AWS clients load only when their strategy runs and
 * the gitops/terraform paths start fast.
 */

import type { EcsOptions, EcsRollbackOptions } from '../core/deploy/ecs/options.js';
import type { DeployContext, DeployResult, RollbackResult } from '../core/deploy/types.js';
import { errorMessage, InputError, StepError } from '../core/errors.js';
import { repositoryName } from '../core/image-ref.js';
import type { CiContext } from '../platform/context.js';
import type { GitopsForge, GitopsForgeOptions } from '../platform/gitops-forge.js';
import type { Runtime, Tuning } from '../platform/runtime.js';
import type { ParsedImage } from './deploy-inputs.js';
import type {
  DeployTarget,
  EcsDeployTarget,
  EcsTarget,
  GitopsTarget,
  GitopsVerify,
  KubernetesTarget,
  Target,
  TerraformTarget,
} from './deploy-settings.js';

/** What the strategies need from the pipeline besides their target. */
export interface StrategyEnv {
  ci: CiContext;
  /** Base directory of relative paths (manifests). */
  cwd: string;
  tuning: Tuning;
  /** gitops: the forge API writer and PR/MR opener, when `via: api` or `pull-request` asks for them. */
  gitopsForge: (options: GitopsForgeOptions) => Promise<GitopsForge>;
}

export function strategyEnv(rt: Runtime): StrategyEnv {
  return {
    ci: rt.ctx,
    cwd: rt.cwd,
    tuning: rt.tuning,
    gitopsForge: async (options) => {
      const { connectGitops } = await import('../platform/gitops-forge.js');
      return connectGitops(rt, options);
    },
  };
}

export interface RollbackRequest {
  /** Explicit version to return to (`to` input), trimmed. */
  to?: string;
  reason?: string;
  /** The deployed image's repository, when given, to report full references. */
  image?: ParsedImage;
}

const withEnv = (text: string, environment: string) => text.replaceAll('{environment}', environment);

export async function deployWith(
  target: DeployTarget,
  env: StrategyEnv,
  ctx: DeployContext,
  /** Deploy an image a rollback held (gitops, kubernetes, ecs), lifting the hold. */
  force = false,
): Promise<DeployResult> {
  switch (target.strategy) {
    case 'gitops': {
      const { deployGitops } = await import('../core/deploy/gitops/index.js');
      const result = await deployGitops(
        {
          ...(await gitopsOptions(target, env)),
          updates: target.entries.map((e) => ({
            file: withEnv(e.file, ctx.environment),
            key: e.key,
            value: e.value,
            image: e.image.text,
          })),
          input: target.updates ? 'updates' : 'key',
          valueKind: target.valueKind,
          ...(target.commitMessage ? { message: target.commitMessage } : {}),
          force,
        },
        ctx,
      );
      return target.verify ? verifyGitopsDeploy(target.verify, result, ctx) : result;
    }
    case 'terraform': {
      const { deployTerraform } = await import('../core/deploy/terraform.js');
      return deployTerraform({ ...terraformOptions(target, ctx.environment), image: target.image.text }, ctx);
    }
    case 'kubernetes': {
      const { deployKubernetes } = await import('../core/deploy/kubernetes/index.js');
      return deployKubernetes(
        { ...kubernetesOptions(target, env, ctx.environment), image: target.image.text, force },
        ctx,
      );
    }
    case 'ecs': {
      const { deployEcs } = await import('../core/deploy/ecs/index.js');
      return deployEcs({ ...ecsDeployOptions(target, env.tuning, ctx.environment), force }, ctx);
    }
  }
}

/** gitops `verify`: waits for Argo CD / Flux to report the pushed commit applied and healthy. */
async function verifyGitopsDeploy(
  verify: GitopsVerify,
  result: DeployResult,
  ctx: DeployContext,
): Promise<DeployResult> {
  if (ctx.dryRun || !result.revision) {
    const what = `${verify.controller === 'argocd' ? 'Argo CD Application' : 'Flux Kustomization'} ${withEnv(`${verify.namespace}/${verify.name}`, ctx.environment)}`;
    ctx.log.info(`Would wait for ${what} to apply the commit`);
    return result;
  }
  const { verifyGitops } = await import('../core/deploy/gitops/verify.js');
  const { kubeAppSource } = await import('../core/deploy/gitops/verify-kube.js');
  const app = {
    ...verify,
    namespace: withEnv(verify.namespace, ctx.environment),
    name: withEnv(verify.name, ctx.environment),
  };
  const revision = result.revision;
  const verified = await verifyGitops({ ...app, revision }, kubeAppSource(app), ctx.log).catch(
    (err: unknown) => {
      // The commit is pushed whatever the controller says: report it with the failure.
      throw new StepError(errorMessage(err), { outputs: { revision } });
    },
  );
  return {
    ...result,
    extraOutputs: { ...result.extraOutputs, 'synced-revision': verified.revision, health: verified.health },
    summary: [...result.summary, ...verified.summary],
  };
}

export async function rollbackWith(
  target: Target,
  req: RollbackRequest,
  env: StrategyEnv,
  ctx: DeployContext,
): Promise<RollbackResult> {
  const common = { ...(req.to ? { to: req.to } : {}), ...(req.reason ? { reason: req.reason } : {}) };
  switch (target.strategy) {
    case 'gitops': {
      const { rollbackGitops } = await import('../core/deploy/gitops/index.js');
      const lines = target.updates ?? [{ file: target.file, key: target.key, image: req.image }];
      return rollbackGitops(
        {
          ...(await gitopsOptions(target, env)),
          entries: lines.map((l) => ({
            file: withEnv(l.file, ctx.environment),
            key: l.key,
            ...(l.image ? { imageRepository: repositoryName(l.image.ref) } : {}),
          })),
          input: target.updates ? 'updates' : 'key',
          valueKind: target.valueKind,
          ...common,
        },
        ctx,
      );
    }
    case 'terraform': {
      const { rollbackTerraform } = await import('../core/deploy/terraform.js');
      return rollbackTerraform(
        { ...terraformOptions(target, ctx.environment), ...(req.to ? { to: req.to } : {}) },
        ctx,
      );
    }
    case 'kubernetes': {
      const { rollbackKubernetes } = await import('../core/deploy/kubernetes/index.js');
      return rollbackKubernetes(
        {
          ...kubernetesOptions(target, env, ctx.environment),
          ...(req.image ? { image: req.image.text } : {}),
          ...common,
        },
        ctx,
      );
    }
    case 'ecs': {
      const { rollbackEcs } = await import('../core/deploy/ecs/index.js');
      const options: EcsRollbackOptions = {
        ...ecsService(target, env.tuning),
        ...(target.taskDefinitionArn !== undefined ? { taskDefinitionArn: target.taskDefinitionArn } : {}),
        ...(req.image ? { image: req.image.text } : {}),
        ...common,
      };
      return rollbackEcs(options, ctx);
    }
  }
}

/** This repository on the CI platform, when `repository` is not given. */
export function defaultRepository(ci: CiContext): string {
  // A local run's serverUrl/repository only name the API gate-merge and notify-pr call.
  if (ci.provider !== 'local' && ci.serverUrl && ci.repository) {
    return `${ci.serverUrl.replace(/\/+$/, '')}/${ci.repository}.git`;
  }
  throw new InputError(
    'repository',
    '',
    'it is required outside GitHub Actions and GitLab CI (a git URL or path)',
  );
}

async function gitopsOptions(target: GitopsTarget, env: StrategyEnv) {
  const forge = await env.gitopsForge({
    ...(target.repository ? { repository: target.repository } : {}),
    ...(target.token ? { token: target.token } : {}),
    api: target.via === 'api',
    pullRequest: target.pullRequest,
  });
  return {
    // The API writer names its repository itself; the git writer needs a remote.
    repository: forge.api ? forge.api.where : target.repository || defaultRepository(env.ci),
    ...(target.branch ? { branch: target.branch } : {}),
    ...(target.token ? { token: target.token } : {}),
    tokenUser: target.tokenUser,
    ...(forge.api ? { api: forge.api } : {}),
    ...(forge.pullRequests ? { pullRequest: { api: forge.pullRequests, autoMerge: target.autoMerge } } : {}),
  };
}

function terraformOptions(target: TerraformTarget, environment: string) {
  return {
    workingDirectory: withEnv(target.workingDirectory, environment),
    varName: target.varName,
    ...(target.varFile ? { varFile: withEnv(target.varFile, environment) } : {}),
    apply: target.apply,
  };
}

function kubernetesOptions(target: KubernetesTarget, env: StrategyEnv, environment: string) {
  return {
    manifests: target.manifests.map((m) => withEnv(m, environment)),
    workloads: target.workloads,
    ...(target.namespace ? { namespace: target.namespace } : {}),
    ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
    ...(target.context ? { context: target.context } : {}),
    ...(target.containers ? { containers: target.containers } : {}),
    rolloutTimeoutMs: target.rolloutTimeoutMs,
    workingDirectory: env.cwd,
  };
}

function ecsService(target: EcsTarget | EcsDeployTarget, tuning: Tuning) {
  return {
    cluster: target.cluster,
    service: target.service,
    ...(target.containers ? { containers: target.containers } : {}),
    region: target.region,
    ...(target.endpointUrl ? { endpointUrl: target.endpointUrl } : {}),
    forceNewDeployment: target.forceNewDeployment,
    ...(target.desiredCount !== undefined ? { desiredCount: target.desiredCount } : {}),
    rolloutTimeoutMs: target.rolloutTimeoutMs,
    ...(tuning.ecsPollIntervalMs !== undefined ? { pollIntervalMs: tuning.ecsPollIntervalMs } : {}),
  };
}

function ecsDeployOptions(target: EcsDeployTarget, tuning: Tuning, environment: string): EcsOptions {
  const service = ecsService(target, tuning);
  if (target.taskDefinitionArn !== undefined) {
    return {
      ...service,
      taskDefinitionArn: target.taskDefinitionArn,
      ...(target.image ? { image: target.image.text } : {}),
    };
  }
  return {
    ...service,
    image: target.image.text,
    ...(target.taskDefinition ? { taskDefinition: withEnv(target.taskDefinition, environment) } : {}),
  };
}
