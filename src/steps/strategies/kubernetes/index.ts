/**
 * The kubernetes strategy's inputs, target and adapter (core: src/core/deploy/kubernetes/).
 * `workloads` is parsed here, once: the target carries each as `kind/name` checked.
 */
import { parseWorkload, type WorkloadName } from '../../../core/deploy/kubernetes/workloads.js';
import { InputError } from '../../../core/errors.js';
import type { ParsedImage } from '../../../core/image-ref.js';
import { type Inputs, list } from '../../../platform/inputs.js';
import type { ProgressiveInput } from '../progressive-inputs.js';
import {
  containersInput,
  contextInput,
  kubeconfigInput,
  namespaceInput,
  rolloutTimeoutInput,
} from '../shared-inputs.js';
import { defineStrategy, missingImage, type StrategyEnv, withEnv } from '../strategy.js';

export const DEFAULT_ROLLOUT_TIMEOUT_MS = 5 * 60_000;

export const kubernetesInputs = {
  manifests: list({
    description:
      'kubernetes: a kustomize directory or manifest files/globs; `{environment}` is replaced, e.g. `k8s/overlays/{environment}`',
  }),
  namespace: namespaceInput,
  kubeconfig: kubeconfigInput,
  context: contextInput,
  containers: containersInput,
  workloads: list({
    description:
      'kubernetes: without `manifests`, only patch the image of these workloads, e.g. `deployment/app` or an Argo Rollout `rollout/shop`',
  }),
  'rollout-timeout': rolloutTimeoutInput,
};

export interface KubernetesTarget {
  /** Kustomize directories, files or globs (`{environment}` not yet replaced); empty with workloads. */
  manifests: string[];
  /** `deployment/web` …, parsed once here; empty with manifests. */
  workloads: WorkloadName[];
  namespace?: string;
  kubeconfig?: string;
  /** kubeconfig context; absent ⇒ the current one. */
  context?: string;
  containers?: string[];
  rolloutTimeoutMs: number;
}

function kubernetesTarget(input: Inputs<typeof kubernetesInputs>): KubernetesTarget {
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
  return {
    manifests,
    workloads: workloads.map(parseWorkload),
    ...(input.namespace ? { namespace: input.namespace } : {}),
    ...(input.kubeconfig ? { kubeconfig: input.kubeconfig } : {}),
    ...(input.context ? { context: input.context } : {}),
    ...(input.containers?.length ? { containers: input.containers } : {}),
    rolloutTimeoutMs: input.rolloutTimeout ?? DEFAULT_ROLLOUT_TIMEOUT_MS,
  };
}

function kubernetesOptions(target: KubernetesTarget, env: StrategyEnv, environment: string) {
  return {
    manifests: target.manifests.map((m) => withEnv(m, environment)),
    workloads: target.workloads,
    ...(target.namespace ? { namespace: withEnv(target.namespace, environment) } : {}),
    ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
    ...(target.context ? { context: target.context } : {}),
    ...(target.containers ? { containers: target.containers } : {}),
    rolloutTimeoutMs: target.rolloutTimeoutMs,
    workingDirectory: env.cwd,
  };
}

type KubernetesDeployInput = Inputs<typeof kubernetesInputs> & ProgressiveInput;

export type KubernetesDeployTarget = KubernetesTarget & {
  /** Absent only for `action: promote|reject`, which finish what a deploy started. */
  image?: ParsedImage;
  action: 'deploy' | 'promote' | 'reject';
  rolloutPause: 'succeed' | 'wait';
  /** Pod-ratio canary percentage. */
  canary?: number;
};

export const kubernetes = defineStrategy({
  name: 'kubernetes',
  inputs: kubernetesInputs,
  target: kubernetesTarget,
  deployTarget(input: KubernetesDeployInput, image: ParsedImage | undefined): KubernetesDeployTarget {
    const action = input.action ?? 'deploy';
    if (!image && (action === 'deploy' || (action === 'promote' && input.canary !== undefined)))
      throw missingImage('kubernetes');
    return {
      ...kubernetesTarget(input),
      ...(image ? { image } : {}),
      action,
      rolloutPause: input.rolloutPause ?? 'succeed',
      ...(input.canary !== undefined ? { canary: input.canary } : {}),
    };
  },
  requested: (target) =>
    target.action === 'deploy' || target.image
      ? { ...(target.image ? { image: target.image } : {}), text: target.image?.text ?? '' }
      : {
          text: `${target.action} ${[...target.manifests, ...target.workloads.map((w) => `${w.kind.toLowerCase()}/${w.name}`)].join(', ')}`,
        },
  async deploy(target, env, ctx, force) {
    const core = await import('../../../core/deploy/kubernetes/index.js');
    const options = {
      ...kubernetesOptions(target, env, ctx.environment),
      rolloutPause: target.rolloutPause,
      ...(target.canary !== undefined ? { canary: target.canary } : {}),
    };
    if (target.action !== 'deploy')
      return core.decideKubernetes(
        { ...options, action: target.action, ...(target.image ? { image: target.image } : {}), force },
        ctx,
      );
    return core.deployKubernetes(
      {
        ...options,
        namespaceLabels: core.namespaceLabels(ctx.environment, env.ci.pullNumber),
        image: target.image as ParsedImage,
        force,
      },
      ctx,
    );
  },
  async rollback(target, req, env, ctx) {
    const { rollbackKubernetes } = await import('../../../core/deploy/kubernetes/index.js');
    return rollbackKubernetes(
      {
        ...kubernetesOptions(target, env, ctx.environment),
        ...(req.image ? { image: req.image } : {}),
        ...(req.to ? { to: req.to } : {}),
        ...(req.reason ? { reason: req.reason } : {}),
      },
      ctx,
    );
  },
  async stop(target, env, ctx) {
    const { stopKubernetes } = await import('../../../core/deploy/kubernetes/index.js');
    return stopKubernetes(kubernetesOptions(target, env, ctx.environment), ctx);
  },
});
