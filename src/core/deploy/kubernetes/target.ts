/** Resolving what a deploy or rollback acts on: rendered objects with namespaces, or workload references. */
import { InputError } from '../../errors.js';
import type { Env } from '../../process.js';
import type { KObject, KubeClient } from './client.js';
import type { KubernetesTarget } from './options.js';
import { type RenderedObject, renderManifests } from './render.js';
import { ARGO_ROLLOUT_API, ROLLOUT_KINDS, type WorkloadRef } from './workloads.js';

/** Renders the manifests (a missing or broken one fails here, before the cluster is touched); none with workloads. */
export async function loadTarget(
  options: KubernetesTarget,
  environment: string,
  env?: Env,
): Promise<RenderedObject[] | undefined> {
  if (!options.manifests?.length) return undefined;
  return renderManifests({
    manifests: options.manifests,
    environment,
    cwd: options.workingDirectory,
    kubectl: options.kubectl,
    ...(env ? { env } : {}),
  });
}

/** Fills in namespaces as `kubectl apply -n` does: objects without one get it; a different explicit one is an error. */
export async function placeObjects(
  client: KubeClient,
  rendered: RenderedObject[],
  namespace: string | undefined,
): Promise<KObject[]> {
  const fallback = namespace || client.namespace;
  const out: KObject[] = [];
  for (const { obj, source } of rendered) {
    const namespaced = await client.isNamespaced(obj.apiVersion as string, obj.kind as string);
    if (!namespaced) {
      if (obj.metadata?.namespace) delete obj.metadata.namespace;
    } else if (!obj.metadata?.namespace) {
      (obj.metadata as { namespace?: string }).namespace = fallback;
    } else if (namespace && obj.metadata.namespace !== namespace) {
      throw new InputError(
        'namespace',
        namespace,
        `the namespace of the manifests or empty: ${obj.kind} ${obj.metadata.name} in ${source} is in namespace "${obj.metadata.namespace}"`,
      );
    }
    out.push(obj);
  }
  // Namespaces first, so the objects inside them can be created in the same run.
  return [...out.filter((o) => o.kind === 'Namespace'), ...out.filter((o) => o.kind !== 'Namespace')];
}

export function rolloutRefs(objects: KObject[]): WorkloadRef[] {
  return objects
    .filter(
      (o) =>
        ROLLOUT_KINDS.has(o.kind as string) &&
        (o.kind === 'Rollout' ? o.apiVersion === ARGO_ROLLOUT_API : String(o.apiVersion).startsWith('apps/')),
    )
    .map((o) => ({
      apiVersion: o.apiVersion as string,
      kind: o.kind as string,
      name: o.metadata?.name as string,
      namespace: o.metadata?.namespace as string,
    }));
}
