/**
 * The resource table the fake serves through discovery (/api, /apis, /api/v1, /apis/<g>/<v>),
 * shaped like a real API server's so @kubernetes/client-node's KubernetesObjectApi resolves
 * kinds to URL paths exactly as it does against a cluster.
 */
export interface ResourceDef {
  group: string; // '' for the core group
  version: string;
  name: string; // plural, as in the URL
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
}

const CORE: Array<[string, string, boolean]> = [
  ['pods', 'Pod', true],
  ['services', 'Service', true],
  ['events', 'Event', true],
  ['namespaces', 'Namespace', false],
  ['configmaps', 'ConfigMap', true],
  ['secrets', 'Secret', true],
  ['serviceaccounts', 'ServiceAccount', true],
  ['persistentvolumeclaims', 'PersistentVolumeClaim', true],
  ['resourcequotas', 'ResourceQuota', true],
];
const GROUPS: Array<[string, string, Array<[string, string, boolean]>]> = [
  [
    'apps',
    'v1',
    [
      ['deployments', 'Deployment', true],
      ['replicasets', 'ReplicaSet', true],
      ['statefulsets', 'StatefulSet', true],
      ['daemonsets', 'DaemonSet', true],
      ['controllerrevisions', 'ControllerRevision', true],
    ],
  ],
  [
    'batch',
    'v1',
    [
      ['jobs', 'Job', true],
      ['cronjobs', 'CronJob', true],
    ],
  ],
  ['networking.k8s.io', 'v1', [['ingresses', 'Ingress', true]]],
  [
    'rbac.authorization.k8s.io',
    'v1',
    [
      ['roles', 'Role', true],
      ['rolebindings', 'RoleBinding', true],
      ['clusterroles', 'ClusterRole', false],
      ['clusterrolebindings', 'ClusterRoleBinding', false],
    ],
  ],
];

export const RESOURCES: ResourceDef[] = [
  ...CORE.map(([name, kind, namespaced]) => ({ group: '', version: 'v1', name, kind, namespaced })),
  ...GROUPS.flatMap(([group, version, list]) =>
    list.map(([name, kind, namespaced]) => ({ group, version, name, kind, namespaced })),
  ),
];

export function findResource(group: string, version: string, name: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.name === name);
}

export function resourceForKind(kind: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

export function apiVersionOf(r: ResourceDef): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

export function resourceList(group: string, version: string) {
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (defs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: defs.flatMap((r) => [
      {
        name: r.name,
        singularName: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: VERBS,
      },
      ...(['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'pods'].includes(r.name)
        ? [
            {
              name: `${r.name}/status`,
              singularName: '',
              namespaced: r.namespaced,
              kind: r.kind,
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
    ]),
  };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: GROUPS.map(([group, version]) => ({
      name: group,
      versions: [{ groupVersion: `${group}/${version}`, version }],
      preferredVersion: { groupVersion: `${group}/${version}`, version },
    })),
  };
}
