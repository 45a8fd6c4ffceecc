/** The fake's object store: namespaced objects keyed by resource, with uid/resourceVersion/generation as a real API server sets them. */
import { createHash, randomUUID } from 'node:crypto';
import { changedPaths, type ManagedEntry, record } from './fields.js';
import { clone, isObj, type Obj } from './merge.js';
import { apiVersionOf, type ResourceDef, resourceForKind } from './resources.js';
import { checkTypes, unknownFields } from './schema.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Obj,
  ) {
    super(message);
  }
  status(): Obj {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rv: number;
  r: ResourceDef;
  object: Obj;
}

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export interface WriteOptions {
  dryRun?: boolean;
  /** A write of the status subresource: only status changes. */
  status?: boolean;
  create?: boolean;
  /** The request's query: fieldValidation. */
  query?: URLSearchParams;
  /** Records the fields this update changed as owned by this manager (operation Update). */
  manager?: string;
  subresource?: string;
}

export class Store {
  private readonly objects = new Map<string, Obj>();
  private rv = 1;
  /** The last changes, for watches that start at a resourceVersion (older ones get 410 Gone). */
  readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<(e: WatchEvent) => void>();
  /** Resources served for CRDs, looked up by the server (set by index.ts). */
  resolve: (kind: string, apiVersion?: string) => ResourceDef | undefined = (kind) => resourceForKind(kind);

  watch(fn: (e: WatchEvent) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  private emit(type: WatchEvent['type'], r: ResourceDef, object: Obj) {
    const event = { type, rv: this.rv, r, object: clone(object) };
    this.history.push(event);
    if (this.history.length > 5000) this.history.splice(0, 1000);
    for (const fn of this.watchers) fn(event);
  }

  /** Every stored object with its resource (for the garbage collector and namespace deletion). */
  all(): Array<{ key: string; obj: Obj }> {
    return [...this.objects.entries()].map(([key, obj]) => ({ key, obj }));
  }
  /** Fields each manager applied last, per object (what server-side apply prunes against). */
  readonly applied = new Map<string, Map<string, Obj>>();
  /** Called after every write, so the controller reacts at once instead of on its next tick. */
  onChange: () => void = () => {};
  /** Called after a CustomResourceDefinition changed (index.ts serves its resources). */
  onCrdChange: () => void = () => {};

  key(r: ResourceDef, namespace: string | undefined, name: string): string {
    return `${r.group}|${r.name}|${r.namespaced ? (namespace ?? '') : ''}|${name}`;
  }

  get(r: ResourceDef, namespace: string | undefined, name: string): Obj | undefined {
    const obj = this.objects.get(this.key(r, namespace, name));
    return obj ? clone(obj) : undefined;
  }

  list(r: ResourceDef, namespace?: string): Obj[] {
    const prefix = `${r.group}|${r.name}|`;
    return [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (!namespace || meta(o).namespace === namespace))
      .map(([, o]) => clone(o));
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  /** Stores `next` as the object (created when absent); bumps resourceVersion/generation only on change. */
  write(r: ResourceDef, next: Obj, options: WriteOptions = {}): Obj {
    const m = meta(next);
    const name = m.name as string;
    if (!name || !DNS1123.test(name) || name.length > 253) {
      throw invalid(
        r,
        name ?? '',
        'metadata.name',
        `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      );
    }
    if (r.namespaced) {
      const ns = m.namespace as string;
      if (!ns) throw new ApiError(400, 'BadRequest', 'the namespace of the object must be set');
      const nsDef = resourceForKind('Namespace') as ResourceDef;
      if (!this.objects.has(this.key(nsDef, undefined, ns))) {
        throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
      }
    } else delete m.namespace;
    if (!options.status) {
      checkTypes(r, next);
      const unknown = r.custom ? [] : unknownFields(r, next);
      const mode = options.query?.get('fieldValidation') ?? 'Warn';
      if (unknown.length > 0 && mode === 'Strict')
        throw new ApiError(
          400,
          'BadRequest',
          `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
        );
    }
    validate(r, next);
    const key = this.key(r, m.namespace as string, name);
    const live = this.objects.get(key);
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    if (options.manager && !r.custom) {
      const entries = (meta(live ?? {}).managedFields ?? m.managedFields ?? []) as ManagedEntry[];
      const sub = options.status ? 'status' : options.subresource;
      const changed = changedPaths(live, next, sub === 'status' ? 'status' : undefined);
      if (changed.length > 0 || !live)
        m.managedFields = record(entries, options.manager, 'Update', apiVersionOf(r), changed, true, sub);
    }
    if (live) {
      const lm = meta(live);
      m.uid = lm.uid;
      m.creationTimestamp = lm.creationTimestamp;
      m.generation = lm.generation;
      m.resourceVersion = lm.resourceVersion;
      if (options.status) next.spec = clone(live.spec ?? null);
      else if (live.status !== undefined && (!r.custom || r.status)) next.status = clone(live.status);
      if (!options.status) {
        defaults(r, next);
        immutable(r, live, next);
      }
      if (stable(live) === stable(next)) return clone(live);
      if (stable(specOf(live)) !== stable(specOf(next))) m.generation = Number(lm.generation ?? 1) + 1;
    } else {
      // With a status subresource, a create's status is ignored (only /status writes it).
      if (r.custom && r.status && !options.status) delete next.status;
      m.uid = randomUUID();
      m.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      m.generation = 1;
      defaults(r, next);
    }
    if (options.dryRun) return clone(next);
    m.resourceVersion = String(++this.rv);
    this.objects.set(key, clone(next));
    this.emit(live ? 'MODIFIED' : 'ADDED', r, next);
    if (r.kind === 'CustomResourceDefinition') this.onCrdChange();
    queueMicrotask(() => this.onChange());
    return clone(next);
  }

  /**
   * Deletes an object. Dependents (ownerReferences to it) are garbage-collected as the real
   * collector does: deleted with it (Background, Foreground) or left with the reference removed
   * (Orphan). Deleting a Namespace deletes everything in it.
   */
  delete(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    propagation: Propagation = 'Background',
  ): Obj | undefined {
    const key = this.key(r, namespace, name);
    const live = this.objects.get(key);
    if (!live) return undefined;
    this.objects.delete(key);
    this.applied.delete(key);
    this.rv++;
    this.emit('DELETED', r, { ...live, metadata: { ...meta(live), resourceVersion: String(this.rv) } });
    if (r.kind === 'CustomResourceDefinition') {
      // Deleting a CRD deletes its objects.
      const spec = live.spec as Obj;
      for (const { obj } of this.all())
        if (String(obj.apiVersion).startsWith(`${spec.group}/`) && obj.kind === (spec.names as Obj).kind) {
          const dr = this.resolve(String(obj.kind), String(obj.apiVersion));
          if (dr) this.delete(dr, meta(obj).namespace as string | undefined, String(meta(obj).name));
        }
      this.onCrdChange();
    }
    const uid = meta(live).uid;
    for (const { obj } of this.all()) {
      const refs = (meta(obj).ownerReferences ?? []) as Obj[];
      const inNamespace = r.kind === 'Namespace' && meta(obj).namespace === name;
      if (!inNamespace && !refs.some((ref) => ref.uid === uid)) continue;
      const dr = this.resolve(String(obj.kind), String(obj.apiVersion));
      if (!dr) continue;
      if (propagation === 'Orphan' && !inNamespace) {
        // The same object (uid) without the reference: its own dependents stay owned by it.
        const orphan = clone(obj);
        meta(orphan).ownerReferences = refs.filter((ref) => ref.uid !== uid);
        if ((meta(orphan).ownerReferences as Obj[]).length === 0) delete meta(orphan).ownerReferences;
        this.write(dr, orphan);
      } else this.delete(dr, meta(obj).namespace as string | undefined, String(meta(obj).name));
    }
    queueMicrotask(() => this.onChange());
    return live;
  }
}

export function meta(obj: Obj): Obj {
  if (!isObj(obj.metadata)) obj.metadata = {};
  return obj.metadata as Obj;
}

/**
 * A pod-template-hash / controller-revision-hash as the real controllers write them: a 32-bit hash
 * of the template in decimal, each digit mapped into the consonants-and-digits alphabet
 * (rand.SafeEncodeString), e.g. `5d8f7c9b6d`.
 */
export function templateHash(template: unknown): string {
  const n = createHash('sha256').update(stable(template)).digest().readUInt32BE(0);
  return [...String(n)].map((c) => SAFE[c.charCodeAt(0) % SAFE.length]).join('');
}
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with sorted keys, so equal objects compare equal whatever their key order. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    isObj(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** What counts for `metadata.generation`: everything but metadata and status. */
function specOf(obj: Obj): Obj {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

function invalid(r: ResourceDef, name: string, field: string, detail: string): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `${r.kind}.${r.group || 'core'} "${name}" is invalid: ${field}: ${detail}`,
    {
      name,
      group: r.group,
      kind: r.kind,
      causes: [{ field, message: detail }],
    },
  );
}

function validate(r: ResourceDef, obj: Obj) {
  const name = String(meta(obj).name);
  const template = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(r.kind)
    ? ((obj.spec as Obj | undefined)?.template as Obj | undefined)
    : undefined;
  const podSpec = r.kind === 'Pod' ? (obj.spec as Obj | undefined) : (template?.spec as Obj | undefined);
  if (template || r.kind === 'Pod') {
    const containers = podSpec?.containers;
    if (!Array.isArray(containers) || containers.length === 0) {
      throw invalid(r, name, 'spec.template.spec.containers', 'Required value');
    }
    for (const [i, c] of containers.entries()) {
      if (!isObj(c) || !c.name)
        throw invalid(r, name, `spec.template.spec.containers[${i}].name`, 'Required value');
      if (!c.image) throw invalid(r, name, `spec.template.spec.containers[${i}].image`, 'Required value');
    }
  }
  if (template) {
    const selector = (obj.spec as Obj).selector as Obj | undefined;
    const match = (selector?.matchLabels ?? {}) as Record<string, string>;
    const labels = ((template.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>;
    if (!selector || Object.keys(match).length === 0)
      throw invalid(r, name, 'spec.selector', 'Required value');
    if (!Object.entries(match).every(([k, v]) => labels[k] === v)) {
      throw invalid(
        r,
        name,
        'spec.template.metadata.labels',
        `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
      );
    }
  }
}

/** A changed selector of a workload is refused, as the real validation does. */
function immutable(r: ResourceDef, live: Obj, next: Obj) {
  if (!['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(r.kind)) return;
  const before = (live.spec as Obj | undefined)?.selector;
  const after = (next.spec as Obj | undefined)?.selector;
  if (r.kind !== 'ReplicaSet' && stable(before) !== stable(after)) {
    const s = (after ?? {}) as Obj;
    const labels = Object.entries((s.matchLabels ?? {}) as Record<string, string>)
      .map(([k, v]) => `"${k}":"${v}"`)
      .join(', ');
    throw invalid(
      r,
      String(meta(next).name),
      'spec.selector',
      `Invalid value: v1.LabelSelector{MatchLabels:map[string]string{${labels}}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable`,
    );
  }
}

/** The API server's defaulting of a pod spec (the fields that appear in `kubectl get -o yaml`). */
export function defaultPodSpec(spec: Obj) {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of [...((spec.initContainers ?? []) as Obj[]), ...((spec.containers ?? []) as Obj[])]) {
    if (!isObj(c)) continue;
    const image = String(c.image ?? '');
    const tagged = /:[^/]+$/.test(image.split('@')[0] ?? '') || image.includes('@');
    c.imagePullPolicy ??= !tagged || /:latest$/.test(image) ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
    for (const p of (c.ports ?? []) as Obj[]) if (isObj(p)) p.protocol ??= 'TCP';
  }
}

function defaultTemplate(spec: Obj) {
  const template = spec.template as Obj | undefined;
  if (!isObj(template)) return;
  template.metadata ??= {};
  if (isObj(template.spec)) defaultPodSpec(template.spec);
}

export function defaults(r: ResourceDef, obj: Obj) {
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  if (r.kind === 'Deployment' && spec) {
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate' };
    const strategy = spec.strategy as Obj;
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      strategy.rollingUpdate ??= {};
      const ru = strategy.rollingUpdate as Obj;
      ru.maxSurge ??= '25%';
      ru.maxUnavailable ??= '25%';
    }
    defaultTemplate(spec);
  }
  if (r.kind === 'ReplicaSet' && spec) {
    spec.replicas ??= 1;
    defaultTemplate(spec);
  }
  if (r.kind === 'StatefulSet' && spec) {
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    defaultTemplate(spec);
  }
  if (r.kind === 'DaemonSet' && spec) {
    spec.revisionHistoryLimit ??= 10;
    spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
    defaultTemplate(spec);
  }
  if (r.kind === 'Pod' && spec) defaultPodSpec(spec);
  if (r.kind === 'Secret') {
    obj.type ??= 'Opaque';
    if (isObj(obj.stringData)) {
      obj.data = {
        ...((obj.data as Obj) ?? {}),
        ...Object.fromEntries(
          Object.entries(obj.stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]),
        ),
      };
      delete obj.stringData;
    }
  }
  if (r.kind === 'Service' && spec) {
    spec.type ??= 'ClusterIP';
    spec.clusterIP ??= `10.96.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 2}`;
  }
  if (r.kind === 'Namespace') obj.status = { phase: 'Active' };
}
