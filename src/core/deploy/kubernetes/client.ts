/**
 * The Kubernetes API as the strategy uses it: @kubernetes/client-node (loaded only on this path)
 * with every call retried on 429/5xx/connection errors (honouring Retry-After) and API errors
 * turned into one readable line taken from the server's Status message.
 */
import {
  AppsV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { InputError, StepError } from '../../errors.js';
import { networkVerdict, statusVerdict } from '../../http.js';
import { retry } from '../../retry.js';

export const FIELD_MANAGER = 'stagecraft';

/** A Kubernetes object as plain data; fields are read defensively since kinds vary. */
// biome-ignore lint/suspicious/noExplicitAny: manifests are arbitrary Kubernetes objects
export type KObject = KubernetesObject & { spec?: any; status?: any; [key: string]: any };

export interface KubeClient {
  namespace: string;
  server: string;
  read(apiVersion: string, kind: string, namespace: string, name: string): Promise<KObject | undefined>;
  list(
    apiVersion: string,
    kind: string,
    namespace: string,
    labelSelector?: string,
    fieldSelector?: string,
  ): Promise<KObject[]>;
  apply(obj: KObject, dryRun: boolean): Promise<KObject>;
  /** Strategic merge patch, as `kubectl set image` sends. */
  mergePatch(
    ref: { apiVersion: string; kind: string; namespace: string; name: string },
    patch: object,
  ): Promise<KObject>;
  /**
   * JSON merge patch of a custom resource, or of its `status` subresource (as `kubectl argo
   * rollouts promote` and `abort` send them; CRDs take no strategic merge patch).
   */
  mergePatchCustom(
    ref: { apiVersion: string; kind: string; namespace: string; name: string },
    patch: object,
    subresource?: 'status',
  ): Promise<KObject>;
  /**
   * Deletes an object (namespace '' for a cluster-scoped one); false when it was already gone.
   * Dependents go in the background unless `Foreground` is asked for (its ReplicaSets and pods
   * gone before the object is).
   */
  remove(
    ref: { apiVersion: string; kind: string; namespace: string; name: string },
    propagation?: 'Foreground' | 'Background',
  ): Promise<boolean>;
  /** JSON patch of a Deployment, as `kubectl rollout undo` sends. */
  jsonPatchDeployment(namespace: string, name: string, ops: object[]): Promise<KObject>;
  isNamespaced(apiVersion: string, kind: string): Promise<boolean>;
}

export interface ClientOptions {
  /** Path of a kubeconfig file; absent ⇒ the library's default chain (KUBECONFIG, ~/.kube/config, in-cluster). */
  kubeconfig?: string;
  /** Context of the kubeconfig to use; absent ⇒ its current context. */
  context?: string;
  attempts?: number;
  retryDelayMs?: number;
}

interface ApiErrorLike {
  code?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The server's own explanation (Status.message) or the transport error, in one line. */
export function apiErrorMessage(err: unknown): string {
  const e = err as ApiErrorLike & Error;
  if (typeof e?.code === 'number') {
    let body = e.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // not JSON: shown as is
      }
    }
    const message =
      (body as { message?: string } | undefined)?.message ?? (typeof body === 'string' ? body : '');
    return `HTTP ${e.code}${message ? `: ${message}` : ''}`;
  }
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ? `${e.message} (${cause.code})` : String(e?.message ?? err);
}

export function statusOf(err: unknown): number | undefined {
  const code = (err as ApiErrorLike)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Runs an API call, retrying what may heal: 429, 5xx, 408 and connection errors. */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  attempts = 4,
  delayMs = 500,
): Promise<T> {
  try {
    return await retry(fn, {
      attempts,
      baseMs: delayMs,
      capMs: 30_000,
      retryError: (err) => {
        const status = statusOf(err);
        return status === undefined
          ? networkVerdict(err)
          : statusVerdict(status, (err as ApiErrorLike).headers?.['retry-after']);
      },
    });
  } catch (err) {
    throw new StepError(`Kubernetes API: ${what} failed: ${apiErrorMessage(err)}`);
  }
}

export function loadKubeConfig(path?: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (err) {
    throw new StepError(`Cannot load the kubeconfig${path ? ` "${path}"` : ''}: ${(err as Error).message}`);
  }
  if (context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(context))
      throw new InputError(
        'context',
        context,
        `a context of the kubeconfig${path ? ` "${path}"` : ''}: ${names.join(', ') || 'it has none'}`,
      );
    kc.setCurrentContext(context);
  }
  if (!kc.getCurrentCluster()) {
    throw new StepError(
      `No Kubernetes cluster is configured${path ? ` in "${path}"` : ''}: set the kubeconfig input, KUBECONFIG, or run in a cluster`,
    );
  }
  return kc;
}

export function createClient(options: ClientOptions): KubeClient {
  const kc = loadKubeConfig(options.kubeconfig, options.context);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const apps = kc.makeApiClient(AppsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const plurals = new Map<string, string>();
  const pluralOf = async (apiVersion: string, kind: string) => {
    const key = `${apiVersion}/${kind}`;
    if (!plurals.has(key)) {
      const discovery = objects as unknown as {
        resource(v: string, k: string): Promise<{ name: string } | undefined>;
      };
      const resource = await retry(`discover ${apiVersion} ${kind}`, () =>
        discovery.resource(apiVersion, kind),
      );
      if (!resource)
        throw new StepError(`The cluster does not serve ${kind} in ${apiVersion} (is its CRD installed?)`);
      plurals.set(key, resource.name);
    }
    return plurals.get(key) as string;
  };
  const retry = <T>(what: string, fn: () => Promise<T>) =>
    withRetry(what, fn, options.attempts, options.retryDelayMs);
  const namespace = kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
  const header = (apiVersion: string, kind: string, ns: string, name: string) => ({
    apiVersion,
    kind,
    metadata: { name, namespace: ns },
  });
  return {
    namespace,
    server: kc.getCurrentCluster()?.server ?? '',
    async read(apiVersion, kind, ns, name) {
      try {
        return await retry(`read ${kind} ${ns}/${name}`, () =>
          objects.read(header(apiVersion, kind, ns, name)),
        );
      } catch (err) {
        if (/HTTP 404/.test((err as Error).message)) return undefined;
        throw err;
      }
    },
    async list(apiVersion, kind, ns, labelSelector, fieldSelector) {
      const result = await retry(`list ${kind} in ${ns}`, () =>
        objects.list<KObject>(
          apiVersion,
          kind,
          ns,
          undefined,
          undefined,
          undefined,
          fieldSelector,
          labelSelector,
        ),
      );
      return result.items;
    },
    apply: (obj, dryRun) =>
      retry(
        `apply ${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`.replace(' /', ' '),
        () =>
          objects.patch(
            obj,
            undefined,
            dryRun ? 'All' : undefined,
            FIELD_MANAGER,
            true,
            PatchStrategy.ServerSideApply,
          ),
      ),
    mergePatch: (ref, { metadata, ...rest }: { metadata?: object }) =>
      retry(`patch ${ref.kind} ${ref.namespace}/${ref.name}`, () =>
        objects.patch(
          {
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            ...rest,
            // The patch's own metadata (annotations) must not drop the name the library routes by.
            metadata: { ...metadata, name: ref.name, namespace: ref.namespace },
          },
          undefined,
          undefined,
          FIELD_MANAGER,
          undefined,
          PatchStrategy.StrategicMergePatch,
        ),
      ),
    async mergePatchCustom(ref, patch, subresource) {
      const [group, version] = ref.apiVersion.split('/') as [string, string];
      const plural = await pluralOf(ref.apiVersion, ref.kind);
      const request = { group, version, namespace: ref.namespace, plural, name: ref.name, body: patch };
      const headers = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
      return retry(
        `patch ${ref.kind} ${ref.namespace}/${ref.name}${subresource ? ` (${subresource})` : ''}`,
        () =>
          (subresource === 'status'
            ? custom.patchNamespacedCustomObjectStatus(request, headers)
            : custom.patchNamespacedCustomObject(request, headers)) as Promise<KObject>,
      );
    },
    async remove(ref, propagation = 'Background') {
      const where = `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
      try {
        await retry(`delete ${ref.kind} ${where}`, () =>
          objects.delete(
            header(ref.apiVersion, ref.kind, ref.namespace, ref.name),
            undefined,
            undefined,
            undefined,
            undefined,
            propagation,
          ),
        );
        return true;
      } catch (err) {
        if (/HTTP 404/.test((err as Error).message)) return false;
        throw err;
      }
    },
    jsonPatchDeployment: (ns, name, ops) =>
      retry(
        `roll back Deployment ${ns}/${name}`,
        () =>
          apps.patchNamespacedDeployment(
            { name, namespace: ns, body: ops, fieldManager: FIELD_MANAGER },
            setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
          ) as Promise<KObject>,
      ),
    async isNamespaced(apiVersion, kind) {
      // resource() is the library's own cached discovery lookup (protected in its typings).
      const discovery = objects as unknown as {
        resource(v: string, k: string): Promise<{ namespaced: boolean } | undefined>;
      };
      const resource = await retry(`discover ${apiVersion} ${kind}`, () =>
        discovery.resource(apiVersion, kind),
      );
      if (!resource)
        throw new StepError(`The cluster does not serve ${kind} in ${apiVersion} (is its CRD installed?)`);
      return resource.namespaced;
    },
  };
}
