/** The write and list verbs of the fake API server: PATCH in its four content types, and list with selectors. */
import YAML from 'yaml';
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
import { apiVersionOf, type ResourceDef } from './resources.js';
import { ApiError, meta, type Store, stable } from './store.js';

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
    let merged = strategicMerge(live ?? null, applied) as Obj;
    if (previous) merged = pruneApplied(merged, previous, applied) as Obj;
    meta(merged).namespace = namespace;
    const fields =
      (meta(merged).managedFields as Obj[] | undefined)?.filter((f) => f.manager !== manager) ?? [];
    // A no-op apply changes nothing, not even managedFields' timestamp (so resourceVersion stays).
    const unchanged = live && sameButManaged(live, merged);
    if (unchanged) return live;
    meta(merged).managedFields = [
      ...fields,
      {
        manager,
        operation: 'Apply',
        apiVersion: apiVersionOf(r),
        time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        fieldsType: 'FieldsV1',
        fieldsV1: {},
      },
    ];
    const result = store.write(r, merged, { dryRun });
    if (!dryRun) {
      if (!store.applied.has(key)) store.applied.set(key, new Map());
      store.applied.get(key)?.set(manager, clone(applied));
    }
    return result;
  }
  if (!live)
    throw new ApiError(404, 'NotFound', `${r.name}${r.group ? `.${r.group}` : ''} "${name}" not found`);
  let next: Obj;
  if (contentType === 'application/strategic-merge-patch+json')
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
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
    );
  if (!isObj(next)) throw new ApiError(422, 'Invalid', 'the patched object is not an object');
  meta(next).name = name;
  meta(next).namespace = namespace;
  return store.write(r, next, { dryRun });
}

export function listOf(
  store: Store,
  r: ResourceDef,
  namespace: string | undefined,
  query: URLSearchParams,
): Obj {
  const labelSelector = query.get('labelSelector') ?? '';
  const fieldSelector = query.get('fieldSelector') ?? '';
  const items = store.list(r, namespace).filter((o) => {
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

export function parseBody(body: string, contentType: string): Obj {
  let parsed: unknown;
  try {
    parsed = contentType.includes('yaml') ? YAML.parse(body) : JSON.parse(body);
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the request body could not be decoded: ${(err as Error).message}`);
  }
  if (!isObj(parsed)) throw new ApiError(400, 'BadRequest', 'the request body is not an object');
  return parsed;
}
