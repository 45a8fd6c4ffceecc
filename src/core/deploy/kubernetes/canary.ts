/**
 * Pod-ratio canaries (as Azure/k8s-deploy's `strategy: canary` without SMI): the new image runs
 * as `<name>-canary` copies of the stable Deployments with ⌈replicas × percentage⌉ replicas. Their
 * pods carry the stable pods' labels, so the Services spread traffic by pod count, plus
 * `stagecraft.dev/track: canary` (the canary's selector is the stable one's plus that label; the
 * stable ReplicaSets select by pod-template-hash, so neither adopts the other's pods). The stable
 * Deployments are not touched. Promote sets the image on the stable ones, waits, then deletes
 * the canaries; reject deletes the canaries.
 */
import { InputError, StepError } from '../../errors.js';
import type { ParsedImage } from '../../image-ref.js';
import type { Log } from '../../log.js';
import type { DeployContext, DeployResult } from '../types.js';
import type { KObject, KubeClient } from './client.js';
import type { KubernetesDeployOptions } from './options.js';
import { waitForRollouts } from './rollout.js';
import { rolloutRefs } from './target.js';
import { describe, matchingContainers, setImage, type WorkloadRef } from './workloads.js';

export const TRACK = 'stagecraft.dev/track';
export const canaryName = (name: string) => `${name}-canary`;

/** ⌈replicas × percent / 100⌉, at least 1. */
export const canaryReplicas = (replicas: number, percent: number) =>
  Math.max(1, Math.ceil((replicas * percent) / 100 - 1e-9));

/** The canary Deployment of a stable one (its live object, else its manifest), with the image set. */
export function canaryOf(
  stable: KObject,
  percent: number,
  image: ParsedImage,
  containers: string[] | undefined,
): KObject {
  const spec = JSON.parse(JSON.stringify(stable.spec ?? {}));
  const labels = { ...(spec.template?.metadata?.labels ?? {}), [TRACK]: 'canary' };
  const canary: KObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: canaryName(stable.metadata?.name as string),
      namespace: stable.metadata?.namespace as string,
      labels: { ...(stable.metadata?.labels ?? {}), [TRACK]: 'canary' },
    },
    spec: {
      ...spec,
      replicas: canaryReplicas(Number(spec.replicas ?? 1), percent),
      selector: {
        ...spec.selector,
        matchLabels: { ...(spec.selector?.matchLabels ?? {}), [TRACK]: 'canary' },
      },
      template: { ...spec.template, metadata: { ...spec.template?.metadata, labels } },
    },
  };
  delete canary.spec.paused;
  if (setImage([canary], image, containers).length === 0)
    throw new StepError(
      `No container of ${describe({ kind: 'Deployment', name: stable.metadata?.name as string })} runs an image of the repository of ${image.text}; name the containers in \`containers\``,
    );
  return canary;
}

export interface CanaryRun {
  client: KubeClient;
  log: Log;
  timeoutMs: number;
  pollIntervalMs: number;
}

/** Creates (or updates) the canaries and waits for them; a canary that will not run fails fast. */
export async function startCanaries(run: CanaryRun, canaries: KObject[], dryRun: boolean): Promise<string[]> {
  const lines: string[] = [];
  for (const c of canaries) {
    await run.client.apply(c, dryRun);
    const line = `deployment/${c.metadata?.name}: ${c.spec.replicas} canary replica${c.spec.replicas === 1 ? '' : 's'} of ${c.spec.template.spec.containers.map((x: { image: string }) => x.image).join(', ')}`;
    run.log.info(`${line}${dryRun ? ' (server dry run)' : ''}`);
    lines.push(`- ${line}`);
  }
  if (dryRun) return lines;
  const refs = canaries.map((c) => refOf(c));
  await waitForRollouts(run.client, refs, {
    timeoutMs: run.timeoutMs,
    pollIntervalMs: run.pollIntervalMs,
    log: run.log,
  }).catch((err: Error) => {
    throw new StepError(
      `${err.message}\nThe stable Deployments were not touched; \`action: reject\` removes the canary.`,
    );
  });
  return lines;
}

/** Deletes the canaries of these stable Deployments; returns the ones that existed. */
export async function removeCanaries(run: CanaryRun, stable: WorkloadRef[]): Promise<string[]> {
  const removed: string[] = [];
  for (const ref of stable) {
    const name = canaryName(ref.name);
    if (await run.client.remove({ ...ref, name }, 'Foreground')) {
      removed.push(`deployment/${name}`);
      run.log.info(`deployment/${name} deleted`);
    }
  }
  return removed;
}

export const refOf = (o: KObject): WorkloadRef => ({
  apiVersion: o.apiVersion as string,
  kind: o.kind as string,
  name: o.metadata?.name as string,
  namespace: o.metadata?.namespace as string,
});

/** `canary` with action deploy: the canaries of the target's Deployments run the new image; nothing else changes. */
export async function deployCanary(
  client: KubeClient,
  options: KubernetesDeployOptions & { canary: number },
  ctx: DeployContext,
  objects: KObject[] | undefined,
): Promise<DeployResult> {
  const namespace = options.namespace || client.namespace;
  const refs = objects ? rolloutRefs(objects) : (options.workloads ?? []).map((w) => ({ ...w, namespace }));
  const other = refs.find((r) => r.kind !== 'Deployment');
  if (other || refs.length === 0)
    throw new InputError(
      'canary',
      `${options.canary}%`,
      `empty unless the target's workloads are Deployments${other ? ` (${describe(other)} is a ${other.kind})` : ''}; an Argo Rollout brings its own canary steps`,
    );
  const canaries: KObject[] = [];
  let previous: string | undefined;
  for (const ref of refs) {
    const live = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    if (!live)
      throw new StepError(
        `${describe(ref)} does not exist in namespace ${ref.namespace}: a canary runs next to the stable version, so deploy it once without \`canary\` first`,
      );
    previous ??= matchingContainers(live, options.image.ref, options.containers)[0]?.image;
    const manifest = objects?.find((o) => o.kind === 'Deployment' && o.metadata?.name === ref.name);
    const source = manifest
      ? { ...manifest, spec: { ...manifest.spec, replicas: live.spec?.replicas } }
      : live;
    canaries.push(canaryOf(source, options.canary, options.image, options.containers));
  }
  const lines = await ctx.log.group(`Canary at ${options.canary}% of ${refs.map(describe).join(', ')}`, () =>
    startCanaries(
      {
        client,
        log: ctx.log,
        timeoutMs: options.rolloutTimeoutMs,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
      },
      canaries,
      ctx.dryRun,
    ),
  );
  return {
    image: options.image.text,
    ...(previous ? { previousImage: previous } : {}),
    changed: true,
    extraOutputs: { 'rollout-state': 'canary' },
    summary: [
      `Canary of \`${options.image.text}\` at ${options.canary}% next to the stable version${ctx.dryRun ? ' (dry run)' : ''}:`,
      '',
      ...lines,
      '',
      'Run deploy-env with `action: promote` to move the stable Deployments to it, or `action: reject` to remove the canary.',
    ],
  };
}
