/* biome-ignore-all lint/suspicious/noExplicitAny: CRD specs are arbitrary */
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
  categories?: string[];
  /** Served with a /status subresource. */
  status?: boolean;
  /** Served with a /scale subresource. */
  scale?: boolean;
  /** Defined by a CustomResourceDefinition (no schema of ours applies). */
  custom?: boolean;
}

type Row = [string, string, boolean, string[]?, ('status' | 'scale' | 'all')[]?];

const CORE: Row[] = [
  ['pods', 'Pod', true, ['po'], ['status', 'all']],
  ['services', 'Service', true, ['svc'], ['status', 'all']],
  ['events', 'Event', true, ['ev']],
  ['namespaces', 'Namespace', false, ['ns'], ['status']],
  ['nodes', 'Node', false, ['no'], ['status']],
  ['endpoints', 'Endpoints', true, ['ep']],
  ['configmaps', 'ConfigMap', true, ['cm']],
  ['secrets', 'Secret', true],
  ['serviceaccounts', 'ServiceAccount', true, ['sa']],
  ['persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc'], ['status']],
  ['resourcequotas', 'ResourceQuota', true, ['quota'], ['status']],
];
const GROUPS: Array<[string, string, Row[]]> = [
  [
    'apps',
    'v1',
    [
      ['deployments', 'Deployment', true, ['deploy'], ['status', 'scale', 'all']],
      ['replicasets', 'ReplicaSet', true, ['rs'], ['status', 'scale', 'all']],
      ['statefulsets', 'StatefulSet', true, ['sts'], ['status', 'scale', 'all']],
      ['daemonsets', 'DaemonSet', true, ['ds'], ['status', 'all']],
      ['controllerrevisions', 'ControllerRevision', true],
    ],
  ],
  [
    'batch',
    'v1',
    [
      ['jobs', 'Job', true, [], ['status', 'all']],
      ['cronjobs', 'CronJob', true, ['cj'], ['status', 'all']],
    ],
  ],
  [
    'autoscaling',
    'v2',
    [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, ['hpa'], ['status', 'all']]],
  ],
  ['policy', 'v1', [['poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb'], ['status']]]],
  [
    'networking.k8s.io',
    'v1',
    [
      ['ingresses', 'Ingress', true, ['ing'], ['status']],
      ['networkpolicies', 'NetworkPolicy', true, ['netpol']],
    ],
  ],
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
  [
    'apiextensions.k8s.io',
    'v1',
    [['customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds'], ['status']]],
  ],
];

export const RESOURCES: ResourceDef[] = [
  ...CORE.map((row) => def('', 'v1', row)),
  ...GROUPS.flatMap(([group, version, list]) => list.map((row) => def(group, version, row))),
];
const BUILTIN = RESOURCES.length;

function def(
  group: string,
  version: string,
  [name, kind, namespaced, shortNames, flags = []]: Row,
): ResourceDef {
  return {
    group,
    version,
    name,
    kind,
    namespaced,
    ...(shortNames?.length ? { shortNames } : {}),
    ...(flags.includes('all') ? { categories: ['all'] } : {}),
    status: flags.includes('status'),
    scale: flags.includes('scale'),
  };
}

/** Serves (or stops serving) the resources a CustomResourceDefinition defines. */
export function setCustomResources(crds: Array<Record<string, unknown>>) {
  RESOURCES.splice(BUILTIN);
  for (const crd of crds) {
    const spec = (crd.spec ?? {}) as Record<string, any>;
    const names = spec.names ?? {};
    for (const v of (spec.versions ?? []) as Array<Record<string, any>>) {
      if (v.served === false) continue;
      RESOURCES.push({
        group: String(spec.group),
        version: String(v.name),
        name: String(names.plural),
        kind: String(names.kind),
        namespaced: spec.scope !== 'Cluster',
        ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
        ...(names.categories?.length ? { categories: names.categories } : {}),
        status: Boolean(v.subresources?.status),
        scale: Boolean(v.subresources?.scale),
        custom: true,
      });
    }
  }
}

export function findResource(group: string, version: string, name: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.name === name);
}

export function resourceForKind(kind: string, apiVersion?: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.kind === kind && (!apiVersion || apiVersionOf(r) === apiVersion));
}

export function apiVersionOf(r: ResourceDef): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

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
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {}),
        storageVersionHash: Buffer.from(`${group}/${r.name}`).toString('base64').slice(0, 11),
      },
      ...(r.status
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
      ...(r.scale
        ? [
            {
              name: `${r.name}/scale`,
              singularName: '',
              namespaced: r.namespaced,
              group: 'autoscaling',
              version: 'v1',
              kind: 'Scale',
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
    ]),
  };
}

export function apiGroupList() {
  const groups = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([group, versions]) => ({
      name: group,
      versions: versions.map((version) => ({ groupVersion: `${group}/${version}`, version })),
      preferredVersion: { groupVersion: `${group}/${versions[0]}`, version: versions[0] },
    })),
  };
}
