/**
 * gitops `verify` (deploy-env only): which Argo CD Application or Flux Kustomization to wait for,
 * checked at the edge, and the wait after the push (core: src/core/deploy/gitops/verify.ts).
 */
import type { DeployContext, DeployResult } from '../../../core/deploy/types.js';
import { errorMessage, InputError, StepError } from '../../../core/errors.js';
import type { Inputs } from '../../../platform/inputs.js';
import type { contextInput, kubeconfigInput } from '../shared-inputs.js';
import { withEnv } from '../strategy.js';
import type { verifyInputs } from './inputs.js';

/** What `verify` reads: its own inputs and the cluster access of the kubernetes strategy. */
export type VerifyInput = Partial<Inputs<typeof verifyInputs>> &
  Inputs<{ kubeconfig: typeof kubeconfigInput; context: typeof contextInput }>;

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

const VERIFY_NAMESPACE = { argocd: 'argocd', flux: 'flux-system' } as const;

export function gitopsVerify(input: VerifyInput): GitopsVerify | undefined {
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

/** gitops `verify`: waits for Argo CD / Flux to report the pushed commit applied and healthy. */
export async function verifyGitopsDeploy(
  verify: GitopsVerify,
  result: DeployResult,
  ctx: DeployContext,
): Promise<DeployResult> {
  if (ctx.dryRun || !result.revision) {
    const what = `${verify.controller === 'argocd' ? 'Argo CD Application' : 'Flux Kustomization'} ${withEnv(`${verify.namespace}/${verify.name}`, ctx.environment)}`;
    ctx.log.info(`Would wait for ${what} to apply the commit`);
    return result;
  }
  const { verifyGitops } = await import('../../../core/deploy/gitops/verify.js');
  const { kubeAppSource } = await import('../../../core/deploy/gitops/verify-kube.js');
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
