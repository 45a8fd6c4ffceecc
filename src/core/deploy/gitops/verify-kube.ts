/**
 * The Kubernetes access of gitops `verify` (verify.ts): reads and watches one Argo CD Application
 * or Flux Kustomization through the CustomObjects API of @kubernetes/client-node, with the
 * kubeconfig loading (file, context) and retries of the kubernetes strategy. Loaded only when
 * `verify` is set.
 */
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import { loadKubeConfig, statusOf, withRetry } from '../kubernetes/client.js';
import type { AppObject, AppStatusSource, GitopsController } from './verify.js';

/** Where each controller's object lives: the resources the real CRDs define. */
export const CONTROLLER_RESOURCES: Record<
  GitopsController,
  { group: string; version: string; plural: string; kind: string }
> = {
  argocd: { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications', kind: 'Application' },
  flux: {
    group: 'kustomize.toolkit.fluxcd.io',
    version: 'v1',
    plural: 'kustomizations',
    kind: 'Kustomization',
  },
};

export interface KubeAppOptions {
  controller: GitopsController;
  namespace: string;
  name: string;
  kubeconfig?: string;
  context?: string;
}

export function kubeAppSource(options: KubeAppOptions): AppStatusSource {
  const kc = loadKubeConfig(options.kubeconfig, options.context);
  const api = kc.makeApiClient(CustomObjectsApi);
  const { group, version, plural, kind } = CONTROLLER_RESOURCES[options.controller];
  const { namespace, name } = options;
  return {
    read: () =>
      withRetry(`read ${kind} ${namespace}/${name}`, () =>
        api
          .getNamespacedCustomObject({ group, version, namespace, plural, name })
          .then((obj) => obj as AppObject)
          .catch((err) => {
            if (statusOf(err) === 404) return undefined;
            throw err;
          }),
      ),
    async watch(onChange, onEnd) {
      const path = `/apis/${group}/${version}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
      const controller = await new Watch(kc).watch(
        path,
        { fieldSelector: `metadata.name=${name}`, allowWatchBookmarks: false },
        (phase, obj) => {
          if (phase === 'ADDED' || phase === 'MODIFIED') onChange(obj as AppObject);
          else if (phase === 'DELETED') onChange(undefined);
        },
        (err) => onEnd(err),
      );
      return () => controller.abort();
    },
  };
}
