/** The fake's object store: namespaced objects keyed by resource, with uid/resourceVersion/generation as a real API server sets them. */
import { randomUUID } from 'node:crypto';
import { clone, isObj, type Obj } from './merge.js';
import { apiVersionOf, type ResourceDef, resourceForKind } from './resources.js';

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

export class Store {
  private readonly objects = new Map<string, Obj>();
  private rv = 1;
  /** Fields each manager applied last, per object (what server-side apply prunes against). */
  readonly applied = new Map<string, Map<string, Obj>>();
  /** Called after every write, so the controller reacts at once instead of on its next tick. */
  onChange: () => void = () => {};

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
  write(r: ResourceDef, next: Obj, options: { dryRun?: boolean; status?: boolean } = {}): Obj {
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
    validate(r, next);
    const key = this.key(r, m.namespace as string, name);
    const live = this.objects.get(key);
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    if (live) {
      const lm = meta(live);
      m.uid = lm.uid;
      m.creationTimestamp = lm.creationTimestamp;
      m.generation = lm.generation;
      m.resourceVersion = lm.resourceVersion;
      if (options.status) next.spec = clone(live.spec ?? null);
      else if (live.status !== undefined) next.status = clone(live.status);
      if (stable(live) === stable(next)) return clone(live);
      if (stable(specOf(live)) !== stable(specOf(next))) m.generation = Number(lm.generation ?? 1) + 1;
    } else {
      m.uid = randomUUID();
      m.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      m.generation = 1;
      defaults(r, next);
    }
    if (options.dryRun) return clone(next);
    m.resourceVersion = String(++this.rv);
    this.objects.set(key, clone(next));
    queueMicrotask(() => this.onChange());
    return clone(next);
  }

  delete(r: ResourceDef, namespace: string | undefined, name: string): Obj | undefined {
    const key = this.key(r, namespace, name);
    const live = this.objects.get(key);
    if (!live) return undefined;
    this.objects.delete(key);
    this.applied.delete(key);
    this.rv++;
    return live;
  }
}

export function meta(obj: Obj): Obj {
  if (!isObj(obj.metadata)) obj.metadata = {};
  return obj.metadata as Obj;
}

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
      kind: r.name,
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

function defaults(r: ResourceDef, obj: Obj) {
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  if (r.kind === 'Deployment' && spec) {
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  }
  if (r.kind === 'Service' && spec) {
    spec.type ??= 'ClusterIP';
    spec.clusterIP ??= `10.96.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 2}`;
  }
  if (r.kind === 'Namespace') obj.status = { phase: 'Active' };
}
