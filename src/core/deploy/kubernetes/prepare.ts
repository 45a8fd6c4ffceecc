/**
 * What a deploy checks and adds on each workload before anything is applied: a paused Deployment
 * fails at once (its rollout would never start); a workload an HPA scales keeps the HPA's replica
 * count (the manifest's `replicas` is not applied); and the image being replaced is recorded on
 * the workload (annotation `stagecraft.dev/previous-image`) so rollback finds it after the
 * cluster pruned old ReplicaSets.
 */
import { StepError } from '../../errors.js';
import type { ImageRef } from '../../image-ref.js';
import type { Log } from '../../log.js';
import type { KObject, KubeClient } from './client.js';
import { describe, matchingContainers, type WorkloadRef } from './workloads.js';

export const PREVIOUS_IMAGE = 'stagecraft.dev/previous-image';

export interface LiveWorkload {
  ref: WorkloadRef;
  live: KObject | undefined;
  /** The image the first matching container runs now. */
  previous?: string;
}

export async function readWorkloads(
  client: KubeClient,
  refs: WorkloadRef[],
  image: ImageRef,
  containers?: string[],
): Promise<LiveWorkload[]> {
  const out: LiveWorkload[] = [];
  for (const ref of refs) {
    const live = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    const previous = live ? matchingContainers(live, image, containers)[0]?.image : undefined;
    out.push({ ref, live, ...(previous ? { previous } : {}) });
  }
  return out;
}

/** A paused Deployment (that the manifest does not resume) fails before anything changes. */
export function refusePaused(workloads: LiveWorkload[], manifests: KObject[] = []) {
  for (const { ref, live } of workloads) {
    if (ref.kind !== 'Deployment' || live?.spec?.paused !== true) continue;
    const own = manifests.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name);
    if (own?.spec?.paused === false) continue;
    throw new StepError(
      `${describe(ref)} in namespace ${ref.namespace} is paused (spec.paused: true): its rollout would not start, so nothing was changed. Resume it (kubectl rollout resume ${describe(ref)} -n ${ref.namespace}) or set \`paused: false\` in the manifest, and deploy again.`,
    );
  }
}

/** The value of the previous-image annotation after deploying `image`: what ran before, else what was recorded. */
export function previousImageAnnotation(w: LiveWorkload, image: string): string | undefined {
  if (w.previous && w.previous !== image) return w.previous;
  return w.live?.metadata?.annotations?.[PREVIOUS_IMAGE];
}

/** The HPAs of the namespaces, by `Kind/name` of their scale target (none when the cluster serves no autoscaling/v2). */
async function autoscaled(client: KubeClient, namespaces: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const ns of new Set(namespaces)) {
    let hpas: KObject[] = [];
    try {
      hpas = await client.list('autoscaling/v2', 'HorizontalPodAutoscaler', ns);
    } catch (err) {
      if (!/HTTP 404/.test((err as Error).message)) throw err;
    }
    for (const hpa of hpas) {
      const target = hpa.spec?.scaleTargetRef;
      if (target?.kind && target?.name)
        out.set(`${ns}/${target.kind}/${target.name}`, String(hpa.metadata?.name));
    }
  }
  return out;
}

/** Adds the previous-image annotation and keeps an HPA's replicas, on the objects to apply (in place). */
export async function prepareManifests(
  client: KubeClient,
  objects: KObject[],
  workloads: LiveWorkload[],
  image: string,
  log: Log,
) {
  const hpas = await autoscaled(
    client,
    workloads.map((w) => w.ref.namespace),
  );
  for (const w of workloads) {
    const obj = objects.find(
      (o) =>
        o.kind === w.ref.kind && o.metadata?.name === w.ref.name && o.metadata?.namespace === w.ref.namespace,
    );
    if (!obj) continue;
    const recorded = previousImageAnnotation(w, image);
    if (recorded) {
      obj.metadata = obj.metadata ?? {};
      obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [PREVIOUS_IMAGE]: recorded };
    }
    const hpa = hpas.get(`${w.ref.namespace}/${w.ref.kind}/${w.ref.name}`);
    if (hpa && obj.spec && 'replicas' in obj.spec) {
      // Applying the live count keeps it (and ownership shared) instead of resetting what the HPA set.
      if (w.live?.spec?.replicas !== undefined) obj.spec.replicas = w.live.spec.replicas;
      else delete obj.spec.replicas;
      log.info(
        `${describe(w.ref)} is scaled by HorizontalPodAutoscaler ${hpa}: the manifest's replicas is not applied${w.live ? ` (stays ${w.live.spec?.replicas})` : ''}`,
      );
    }
  }
}
