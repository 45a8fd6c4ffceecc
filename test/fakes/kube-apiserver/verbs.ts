/** The write and list verbs of the fake API server: PATCH in its four content types, and list with selectors. */
import YAML from 'yaml';
import {
  conflictError,
  conflicts,
  leaves,
  type ManagedEntry,
  ownedByOthers,
  record,
  restore,
  valueAt,
} from './fields.js';
import {
  clone,
  isObj,
  type JsonPatchOp,
  jsonPatch,
  matchesFieldSelector,
  matchesLabelSelector,
  mergePatch,
  type Obj,
  pruneApplied,
  strategicMerge,
} from './merge.js';
import { decodeBody, PROTOBUF } from './protobuf.js';
import { apiVersionOf, type ResourceDef } from './resources.js';
import { ApiError, meta, type Store, stable } from './store.js';

/** The autoscaling/v1 Scale of a workload (the /scale subresource). */
export function scaleOf(r: ResourceDef, obj: Obj): Obj {
  const m = meta(obj);
  const spec = (obj.spec ?? {}) as Obj;
  const selector = ((spec.selector ?? {}) as Obj).matchLabels as Record<string, string> | undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: Number(spec.replicas ?? 0) },
    status: {
      replicas: Number(((obj.status ?? {}) as Obj).replicas ?? 0),
      selector: Object.entries(selector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
    ...(r.kind ? {} : {}),
  };
}

const FIELD_MANAGER = /^[\x20-\x7e]{1,128}$/;

export function patch(
  store: Store,
  r: ResourceDef,
  namespace: string | undefined,
  name: string,
  live: Obj | undefined,
  body: string,
  contentType: string,
  url: URL,
  sub?: string,
  agent = 'unknown',
): Obj {
  const dryRun = isDryRun(url);
  if (contentType === 'application/apply-patch+yaml') {
    const manager = url.searchParams.get('fieldManager') ?? '';
    if (!FIELD_MANAGER.test(manager)) {
      throw new ApiError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    const applied = parseBody(body, 'application/yaml');
    const am = meta(applied);
    if (applied.apiVersion !== apiVersionOf(r) || applied.kind !== r.kind) {
      throw new ApiError(
        400,
        'BadRequest',
        `the apiVersion/kind of the applied object (${applied.apiVersion}/${applied.kind}) does not match the URL (${apiVersionOf(r)}/${r.kind})`,
      );
    }
    if (am.name !== name)
      throw new ApiError(
        400,
        'BadRequest',
        `the name of the object (${am.name}) does not match the name on the URL (${name})`,
      );
    if (r.namespaced && am.namespace && am.namespace !== namespace) {
      throw new ApiError(
        400,
        'BadRequest',
        `the namespace of the provided object does not match the namespace sent on the request`,
      );
    }
    const key = store.key(r, namespace, name);
    const previous = store.applied.get(key)?.get(manager);
    const entries = ((live && meta(live).managedFields) ?? []) as ManagedEntry[];
    const force = ['true', '1'].includes(url.searchParams.get('force') ?? '');
    if (!force) {
      const found = conflicts(live, applied, manager, entries);
      if (found.length > 0) throw conflictError(found);
    }
    if (sub === 'status') {
      const next = clone(live ?? applied);
      next.status = clone(applied.status ?? {});
      return store.write(r, next, { dryRun, status: true });
    }
    let merged = strategicMerge(live ?? null, applied) as Obj;
    if (previous && live) {
      merged = pruneApplied(merged, previous, applied) as Obj;
      // What another manager owns stays, even when this manager stops applying it.
      for (const path of ownedByOthers(entries, manager))
        if (valueAt(merged, path) === undefined) restore(merged, live, path);
    }
    meta(merged).namespace = namespace;
    meta(merged).managedFields = record(entries, manager, 'Apply', apiVersionOf(r), leaves(applied), force);
    // A no-op apply changes nothing, not even managedFields' timestamp (so resourceVersion stays).
    if (live && sameButManaged(live, merged) && sameOwners(live, merged)) return live;
    const result = store.write(r, merged, { dryRun, query: url.searchParams, create: !live });
    if (!dryRun) {
      if (!store.applied.has(key)) store.applied.set(key, new Map());
      store.applied.get(key)?.set(manager, clone(applied));
    }
    return result;
  }
  if (!live)
    throw new ApiError(404, 'NotFound', `${r.name}${r.group ? `.${r.group}` : ''} "${name}" not found`);
  let next: Obj;
  // Custom resources have no patch strategies: a real server refuses a strategic merge on them.
  if (contentType === 'application/strategic-merge-patch+json' && !r.custom)
    next = strategicMerge(live, parseBody(body, 'application/json')) as Obj;
  else if (contentType === 'application/merge-patch+json')
    next = mergePatch(live, parseBody(body, 'application/json')) as Obj;
  else if (contentType === 'application/json-patch+json') {
    const ops = JSON.parse(body) as JsonPatchOp[];
    if (!Array.isArray(ops))
      throw new ApiError(400, 'BadRequest', 'a JSON patch must be an array of operations');
    try {
      next = jsonPatch(live, ops) as Obj;
    } catch (err) {
      throw new ApiError(422, 'Invalid', `the JSON patch could not be applied: ${(err as Error).message}`);
    }
  } else
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${r.custom ? '' : ', application/strategic-merge-patch+json'}`,
    );
  if (!isObj(next)) throw new ApiError(422, 'Invalid', 'the patched object is not an object');
  meta(next).name = name;
  meta(next).namespace = namespace;
  if (sub === 'scale') {
    const scale = (next.spec ?? {}) as Obj;
    next = { ...clone(live), spec: { ...(live.spec as Obj), replicas: Number(scale.replicas ?? 0) } };
  }
  return store.write(r, next, {
    dryRun,
    status: sub === 'status',
    query: url.searchParams,
    manager: url.searchParams.get('fieldManager') ?? agent,
    subresource: sub,
  });
}

function sameOwners(a: Obj, b: Obj): boolean {
  const owners = (o: Obj) => stable(((meta(o).managedFields ?? []) as Obj[]).map(({ time: _t, ...e }) => e));
  return owners(a) === owners(b);
}

export function listOf(
  store: Store,
  r: ResourceDef,
  namespace: string | undefined,
  query: URLSearchParams,
): Obj {
  const labelSelector = query.get('labelSelector') ?? '';
  const fieldSelector = query.get('fieldSelector') ?? '';
  // In key order (namespace, then name), as a real server lists from etcd.
  const key = (o: Obj) => `${meta(o).namespace ?? ''}/${meta(o).name}`;
  const items = store
    .list(r, namespace)
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .filter((o) => {
      if (
        labelSelector &&
        !matchesLabelSelector((meta(o).labels ?? {}) as Record<string, string>, labelSelector)
      )
        return false;
      try {
        return !fieldSelector || matchesFieldSelector(o, fieldSelector);
      } catch (err) {
        throw new ApiError(400, 'BadRequest', (err as Error).message);
      }
    });
  return {
    kind: `${r.kind}List`,
    apiVersion: apiVersionOf(r),
    metadata: { resourceVersion: store.resourceVersion() },
    items,
  };
}

function sameButManaged(a: Obj, b: Obj): boolean {
  const strip = (o: Obj) => ({ ...o, metadata: { ...meta(o), managedFields: undefined } });
  return stable(strip(a)) === stable(strip(b));
}

export function isDryRun(url: URL): boolean {
  return url.searchParams.getAll('dryRun').includes('All');
}

/**
 * The object a create, update or delete sends: JSON or YAML (no Content-Type means JSON, as the
 * real server's negotiation takes its first type), or protobuf for the built-in kinds (protobuf.ts).
 * A custom resource's endpoint takes no protobuf, and any other type is answered 415 with the
 * media types the real server lists.
 */
export function parseRequest(raw: Buffer, contentType: string, r: ResourceDef): Obj {
  if (contentType === PROTOBUF && !r.custom) return decodeBody(raw);
  return parseBody(raw.toString('utf8'), contentType, r.custom ? '' : `, ${PROTOBUF}`);
}

/** A JSON or YAML body; any other type is answered 415 listing these (and `also`). */
export function parseBody(body: string, contentType: string, also = ''): Obj {
  if (contentType !== '' && contentType !== 'application/json' && contentType !== 'application/yaml')
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml${also}`,
    );
  let parsed: unknown;
  try {
    parsed = contentType === 'application/yaml' ? YAML.parse(body) : JSON.parse(body);
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the request body could not be decoded: ${(err as Error).message}`);
  }
  if (!isObj(parsed)) throw new ApiError(400, 'BadRequest', 'the request body is not an object');
  return parsed;
}
