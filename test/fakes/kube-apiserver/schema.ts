/**
 * The part of the built-in schemas the fake checks: workloads, pods and their containers. Wrong
 * types are refused (400, as the real decoder refuses them); unknown fields are refused under
 * `fieldValidation=Strict` (what kubectl sends by default) and otherwise dropped, as a real
 * server drops them. Kinds without a schema here are accepted as they are.
 */
import { isObj, type Obj } from './merge.js';
import type { ResourceDef } from './resources.js';
import { ApiError } from './store.js';

type T = 'string' | 'integer' | 'boolean' | 'int-or-string' | 'quantity' | 'map' | 'any' | Schema | [T];
interface Schema {
  [field: string]: T;
}

const S = 'string';
const I = 'integer';
const B = 'boolean';
const A = 'any';

const labelSelector: Schema = {
  matchLabels: 'map',
  matchExpressions: [{ key: S, operator: S, values: [S] }],
};
export const objectMeta: Schema = {
  name: S,
  generateName: S,
  namespace: S,
  labels: 'map',
  annotations: 'map',
  uid: S,
  resourceVersion: S,
  generation: I,
  creationTimestamp: A,
  deletionTimestamp: A,
  deletionGracePeriodSeconds: I,
  ownerReferences: [A],
  finalizers: [S],
  managedFields: [A],
  selfLink: S,
};
const container: Schema = {
  name: S,
  image: S,
  command: [S],
  args: [S],
  workingDir: S,
  ports: [{ name: S, containerPort: I, hostPort: I, protocol: S, hostIP: S }],
  env: [{ name: S, value: S, valueFrom: A }],
  envFrom: [A],
  resources: { limits: A, requests: A, claims: [A] },
  resizePolicy: [A],
  restartPolicy: S,
  volumeMounts: [A],
  volumeDevices: [A],
  livenessProbe: A,
  readinessProbe: A,
  startupProbe: A,
  lifecycle: A,
  terminationMessagePath: S,
  terminationMessagePolicy: S,
  imagePullPolicy: S,
  securityContext: A,
  stdin: B,
  stdinOnce: B,
  tty: B,
};
const podSpec: Schema = {
  containers: [container],
  initContainers: [container],
  ephemeralContainers: [A],
  volumes: [A],
  restartPolicy: S,
  terminationGracePeriodSeconds: I,
  activeDeadlineSeconds: I,
  dnsPolicy: S,
  nodeSelector: 'map',
  serviceAccountName: S,
  serviceAccount: S,
  automountServiceAccountToken: B,
  nodeName: S,
  hostNetwork: B,
  hostPID: B,
  hostIPC: B,
  shareProcessNamespace: B,
  securityContext: A,
  imagePullSecrets: [A],
  hostname: S,
  subdomain: S,
  affinity: A,
  schedulerName: S,
  tolerations: [A],
  hostAliases: [A],
  priorityClassName: S,
  priority: I,
  dnsConfig: A,
  readinessGates: [A],
  runtimeClassName: S,
  enableServiceLinks: B,
  preemptionPolicy: S,
  overhead: A,
  topologySpreadConstraints: [A],
  setHostnameAsFQDN: B,
  os: A,
  hostUsers: B,
  schedulingGates: [A],
  resourceClaims: [A],
  resources: A,
};
const template: Schema = { metadata: objectMeta, spec: podSpec };
const top = (spec: T): Schema => ({ apiVersion: S, kind: S, metadata: objectMeta, spec, status: A });

export const SCHEMAS: Record<string, Schema> = {
  Deployment: top({
    replicas: I,
    selector: labelSelector,
    template,
    strategy: { type: S, rollingUpdate: { maxSurge: 'int-or-string', maxUnavailable: 'int-or-string' } },
    minReadySeconds: I,
    revisionHistoryLimit: I,
    paused: B,
    progressDeadlineSeconds: I,
  }),
  ReplicaSet: top({ replicas: I, minReadySeconds: I, selector: labelSelector, template }),
  StatefulSet: top({
    replicas: I,
    selector: labelSelector,
    template,
    serviceName: S,
    volumeClaimTemplates: [A],
    podManagementPolicy: S,
    updateStrategy: A,
    revisionHistoryLimit: I,
    minReadySeconds: I,
    persistentVolumeClaimRetentionPolicy: A,
    ordinals: A,
  }),
  DaemonSet: top({
    selector: labelSelector,
    template,
    updateStrategy: A,
    minReadySeconds: I,
    revisionHistoryLimit: I,
  }),
  Pod: top(podSpec),
};

const GO: Record<string, string> = { string: 'string', integer: 'int32', boolean: 'bool' };

function typeError(r: ResourceDef, path: string, want: string, got: unknown): ApiError {
  const gotName = Array.isArray(got) ? 'array' : typeof got === 'object' ? 'object' : typeof got;
  return new ApiError(
    400,
    'BadRequest',
    `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: json: cannot unmarshal ${gotName} into Go struct field ${path} of type ${GO[want] ?? want}`,
  );
}

function walk(
  r: ResourceDef,
  t: T,
  value: unknown,
  path: string,
  unknown: string[] | undefined,
  prune: boolean,
) {
  if (value === null || value === undefined || t === 'any') return;
  if (Array.isArray(t)) {
    if (!Array.isArray(value)) throw typeError(r, path, 'array', value);
    for (const [i, item] of value.entries()) walk(r, t[0], item, `${path}[${i}]`, unknown, prune);
    return;
  }
  if (typeof t === 'object') {
    if (!isObj(value)) throw typeError(r, path, 'object', value);
    for (const [k, v] of Object.entries(value)) {
      const field = path ? `${path}.${k}` : k;
      if (!(k in t)) {
        unknown?.push(field);
        if (prune) delete (value as Obj)[k];
        continue;
      }
      walk(r, t[k] as T, v, field, unknown, prune);
    }
    return;
  }
  const ok =
    t === 'string'
      ? typeof value === 'string'
      : t === 'integer'
        ? Number.isInteger(value)
        : t === 'boolean'
          ? typeof value === 'boolean'
          : t === 'int-or-string' || t === 'quantity'
            ? typeof value === 'string' || Number.isInteger(value)
            : t === 'map'
              ? isObj(value) && Object.values(value).every((v) => typeof v === 'string')
              : true;
  if (!ok) throw typeError(r, path, t === 'map' ? 'map[string]string' : t, value);
}

/** Throws the decoder's 400 for a field of the wrong type. */
export function checkTypes(r: ResourceDef, obj: Obj) {
  const schema = SCHEMAS[r.kind];
  if (schema) walk(r, schema, obj, '', undefined, false);
}

/** Unknown fields (dotted paths); with `prune` they are also removed from `obj`. */
export function unknownFields(r: ResourceDef, obj: Obj, prune = true): string[] {
  const schema = SCHEMAS[r.kind];
  if (!schema) return [];
  const found: string[] = [];
  walk(r, schema, obj, '', found, prune);
  return found;
}
