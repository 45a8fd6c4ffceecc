/**
 * `action: promote|reject` for Argo Rollouts: the patches `kubectl argo rollouts promote` and
 * `abort` send (argo-rollout.ts), then the wait — promote until the Rollout is healthy (or paused
 * at its next step), reject until the abort is observed and the stable ReplicaSet serves again.
 */
import { formatDuration } from '../../duration.js';
import { InputError, StepError } from '../../errors.js';
import { sleep } from '../../retry.js';
import type { DeployContext, DeployResult } from '../types.js';
import { ABORT_PATCH, promotePatches, rolloutHealth } from './argo-rollout.js';
import { removeCanaries } from './canary.js';
import { createClient, type KObject, type KubeClient } from './client.js';
import { deployKubernetes } from './deploy.js';
import type { KubernetesDecideOptions } from './options.js';
import { waitForRollouts } from './rollout.js';
import { loadTarget, placeObjects, rolloutRefs } from './target.js';
import { describe, type WorkloadRef } from './workloads.js';

export async function decideKubernetes(
  options: KubernetesDecideOptions,
  ctx: DeployContext,
): Promise<DeployResult> {
  if (options.canary !== undefined) return decideCanary(options, ctx);
  const client = createClient({ kubeconfig: options.kubeconfig, context: options.context });
  ctx.log.info(`Kubernetes API ${client.server}`);
  const rendered = await loadTarget(options, ctx.environment, ctx.env);
  const namespace = options.namespace || client.namespace;
  const refs = (
    rendered
      ? rolloutRefs(await placeObjects(client, rendered, options.namespace))
      : (options.workloads ?? []).map((w) => ({ ...w, namespace }))
  ).filter((r) => r.kind === 'Rollout');
  if (refs.length === 0)
    throw new StepError(
      `action: ${options.action} finishes an Argo Rollout, and ${options.manifests?.length ? 'the manifests hold' : '`workloads` names'} no Rollout (argoproj.io/v1alpha1)`,
    );
  const live: Array<{ ref: WorkloadRef; obj: KObject }> = [];
  for (const ref of refs) {
    const obj = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    if (!obj) throw new StepError(`${describe(ref)} was not found in namespace ${ref.namespace}`);
    live.push({ ref, obj });
  }
  const image = live[0]?.obj.spec?.template?.spec?.containers?.[0]?.image ?? '';
  if (ctx.dryRun)
    return {
      image,
      changed: false,
      summary: [`Dry run: would ${options.action} ${refs.map(describe).join(', ')}.`],
    };
  return options.action === 'promote'
    ? promote(client, options, ctx, live, image)
    : reject(client, options, ctx, live, image);
}

async function promote(
  client: KubeClient,
  options: KubernetesDecideOptions,
  ctx: DeployContext,
  live: Array<{ ref: WorkloadRef; obj: KObject }>,
  image: string,
): Promise<DeployResult> {
  for (const { ref, obj } of live) {
    const patches = promotePatches(obj);
    // As the plugin: the status subresource first, then the spec.
    if (patches.status) await client.mergePatchCustom(ref, patches.status, 'status');
    if (patches.spec) await client.mergePatchCustom(ref, patches.spec);
    ctx.log.info(
      `${describe(ref)}: promoted${patches.status || patches.spec ? '' : ' (nothing to resume: it was not paused)'}`,
    );
  }
  // The pause just cleared still shows in status.phase until the controller acts on the promote.
  await untilResumed(client, live, Date.now() + options.rolloutTimeoutMs, options.pollIntervalMs ?? 1000);
  const results = await ctx.log.group(`Waiting for ${live.map((l) => describe(l.ref)).join(', ')}`, () =>
    waitForRollouts(
      client,
      live.map((l) => l.ref),
      {
        timeoutMs: options.rolloutTimeoutMs,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
        log: ctx.log,
        ...(options.rolloutPause ? { rolloutPause: options.rolloutPause } : {}),
      },
    ),
  );
  const paused = results.some((r) => r.paused);
  return {
    image,
    changed: true,
    extraOutputs: { 'rollout-state': paused ? 'paused' : 'promoted' },
    summary: results.map((r) => `- ${describe(r.ref)}: ${r.message}`),
  };
}

async function reject(
  client: KubeClient,
  options: KubernetesDecideOptions,
  ctx: DeployContext,
  live: Array<{ ref: WorkloadRef; obj: KObject }>,
  image: string,
): Promise<DeployResult> {
  for (const { ref } of live) {
    await client.mergePatchCustom(ref, ABORT_PATCH, 'status');
    ctx.log.info(`${describe(ref)}: aborted`);
  }
  const deadline = Date.now() + options.rolloutTimeoutMs;
  const lines: string[] = [];
  await ctx.log.group('Waiting for the stable version to serve again', async () => {
    for (const { ref } of live) {
      for (;;) {
        const obj = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
        if (!obj) throw new StepError(`${describe(ref)} disappeared from namespace ${ref.namespace}`);
        const status = obj.status ?? {};
        const replicas = Number(obj.spec?.replicas ?? 1);
        const stable = status.stableRS;
        const serving = Number(status.availableReplicas ?? 0) >= replicas;
        if (status.abort === true && rolloutHealth(obj).status === 'Degraded' && serving) {
          lines.push(
            `- ${describe(ref)}: aborted; the stable ReplicaSet (${stable ?? 'unknown'}) serves ${replicas} replicas`,
          );
          ctx.log.info(lines.at(-1)?.slice(2) ?? '');
          break;
        }
        if (Date.now() >= deadline)
          throw new StepError(
            `${describe(ref)} in namespace ${ref.namespace} was aborted, but its stable version did not serve again within ${formatDuration(options.rolloutTimeoutMs)}: ${rolloutHealth(obj).message || 'no status'}`,
          );
        await sleep(options.pollIntervalMs ?? 1000);
      }
    }
  });
  return { image, changed: true, extraOutputs: { 'rollout-state': 'rejected' }, summary: lines };
}

/** Until the controller has moved each Rollout on from the pause it was in (a new step, or not Paused). */
async function untilResumed(
  client: KubeClient,
  live: Array<{ ref: WorkloadRef; obj: KObject }>,
  deadline: number,
  pollMs: number,
): Promise<void> {
  for (const { ref, obj: before } of live) {
    if (rolloutHealth(before).status !== 'Suspended') continue;
    for (;;) {
      const obj = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
      const moved =
        !obj ||
        obj.status?.phase !== before.status?.phase ||
        obj.status?.currentStepIndex !== before.status?.currentStepIndex ||
        Number(obj.status?.observedGeneration ?? 0) !== Number(before.status?.observedGeneration ?? 0);
      if (moved || Date.now() >= deadline) return;
      await sleep(pollMs);
    }
  }
}

/**
 * Pod-ratio canary: promote deploys the image to the stable Deployments (a normal deploy, waited
 * for) and then deletes the canaries; reject deletes the canaries only.
 */
async function decideCanary(options: KubernetesDecideOptions, ctx: DeployContext): Promise<DeployResult> {
  const { canary: _canary, action, image, ...target } = options;
  const client = createClient({ kubeconfig: options.kubeconfig, context: options.context });
  const namespace = options.namespace || client.namespace;
  const rendered = await loadTarget(options, ctx.environment, ctx.env);
  const stable = (
    rendered
      ? rolloutRefs(await placeObjects(client, rendered, options.namespace))
      : (options.workloads ?? []).map((w) => ({ ...w, namespace }))
  ).filter((r) => r.kind === 'Deployment');
  const run = {
    client,
    log: ctx.log,
    timeoutMs: options.rolloutTimeoutMs,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
  };
  if (action === 'reject') {
    const removed = ctx.dryRun ? [] : await removeCanaries(run, stable);
    return {
      image: '',
      changed: removed.length > 0,
      extraOutputs: { 'rollout-state': 'rejected' },
      summary: [
        removed.length
          ? `Canary rejected: ${removed.join(', ')} deleted; the stable Deployments were not touched.`
          : `No canary of ${stable.map(describe).join(', ')} was running; nothing to remove.`,
      ],
    };
  }
  if (!image)
    throw new InputError('image', '', 'the image the canary runs, for `action: promote` with `canary`');
  const result = await deployKubernetes({ ...target, image, ...(options.force ? { force: true } : {}) }, ctx);
  const removed = ctx.dryRun ? [] : await removeCanaries(run, stable);
  return {
    ...result,
    extraOutputs: { ...result.extraOutputs, 'rollout-state': 'promoted' },
    summary: [
      ...result.summary,
      '',
      removed.length ? `Canary promoted: ${removed.join(', ')} deleted.` : 'No canary was running.',
    ],
  };
}
