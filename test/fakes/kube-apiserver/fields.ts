/**
 * Field ownership as server-side apply keeps it in `metadata.managedFields` (FieldsV1): the leaf
 * fields each manager set — `f:<field>` for map keys, `k:{"name":…}` for items of keyed lists
 * (containers, env, ports…), atomic lists owned whole. Apply conflicts with another manager that
 * owns a field with a different value (409) unless forced; updates take the fields they change.
 */
import { isObj, mergeKeyOf, type Obj } from './merge.js';
import { ApiError } from './store.js';

type Path = string[];

const TRACKED_META = new Set(['labels', 'annotations', 'finalizers', 'ownerReferences']);

/** The leaf paths of an object (metadata limited to what managers own, status excluded). */
export function leaves(obj: Obj, subresource?: string): Path[] {
  const out: Path[] = [];
  const walk = (value: unknown, path: Path, field: string) => {
    if (isObj(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) out.push(path);
      for (const [k, v] of entries) walk(v, [...path, `f:${k}`], k);
      return;
    }
    if (Array.isArray(value)) {
      const key = mergeKeyOf(field, value);
      if (!key || value.length === 0) {
        out.push(path);
        return;
      }
      for (const item of value as Obj[]) {
        const itemPath = [...path, `k:${JSON.stringify({ [key]: item[key] })}`];
        out.push([...itemPath, '.']);
        for (const [k, v] of Object.entries(item)) walk(v, [...itemPath, `f:${k}`], k);
      }
      return;
    }
    out.push(path);
  };
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (subresource === 'status' ? k !== 'status' : k === 'status') continue;
    if (k === 'metadata') {
      for (const [mk, mv] of Object.entries(isObj(v) ? v : {}))
        if (TRACKED_META.has(mk)) walk(mv, ['f:metadata', `f:${mk}`], mk);
    } else walk(v, [`f:${k}`], k);
  }
  return out;
}

export function toFieldsV1(paths: Path[]): Obj {
  const root: Obj = {};
  for (const path of paths) {
    let node = root;
    for (const seg of path) {
      node[seg] ??= {};
      node = node[seg] as Obj;
    }
  }
  return root;
}

export function fromFieldsV1(fields: unknown, prefix: Path = []): Path[] {
  if (!isObj(fields)) return [];
  const entries = Object.entries(fields);
  if (entries.length === 0) return prefix.length ? [prefix] : [];
  return entries.flatMap(([k, v]) => fromFieldsV1(v, [...prefix, k]));
}

/** The value at a path (undefined when absent). */
export function valueAt(obj: unknown, path: Path): unknown {
  let node: unknown = obj;
  for (const seg of path) {
    if (seg === '.') return node;
    if (seg.startsWith('f:')) node = isObj(node) ? node[seg.slice(2)] : undefined;
    else if (seg.startsWith('k:')) {
      const [[key, val]] = Object.entries(JSON.parse(seg.slice(2)) as Obj) as [[string, unknown]];
      node = Array.isArray(node) ? (node as Obj[]).find((i) => isObj(i) && i[key] === val) : undefined;
    } else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** `.spec.template.spec.containers[name="web"].image`, as the server names a conflicting field. */
export function describePath(path: Path): string {
  return path
    .filter((s) => s !== '.')
    .map((s) => {
      if (s.startsWith('f:')) return `.${s.slice(2)}`;
      const [k, v] = Object.entries(JSON.parse(s.slice(2)) as Obj)[0] ?? [];
      return `[${k}=${JSON.stringify(v)}]`;
    })
    .join('');
}

export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Obj;
  subresource?: string;
}

const key = (p: Path) => p.join('\u0000');

/** Apply conflicts: fields of `applied` that another manager owns with a different live value. */
export function conflicts(
  live: Obj | undefined,
  applied: Obj,
  manager: string,
  entries: ManagedEntry[],
): string[] {
  if (!live) return [];
  const mine = leaves(applied);
  const out: string[] = [];
  for (const e of entries) {
    if (e.manager === manager) continue;
    const owned = new Set(fromFieldsV1(e.fieldsV1).map(key));
    const fields = mine.filter(
      (p) =>
        owned.has(key(p)) &&
        p.at(-1) !== '.' &&
        JSON.stringify(valueAt(live, p)) !== JSON.stringify(valueAt(applied, p)),
    );
    for (const p of fields)
      out.push(
        `conflict with "${e.manager}"${e.operation === 'Update' ? '' : ''} using ${e.apiVersion}: ${describePath(p)}`,
      );
  }
  return out;
}

export function conflictError(found: string[]): ApiError {
  const causes = found.map((line) => {
    const at = line.lastIndexOf(': ');
    return { reason: 'FieldManagerConflict', message: line.slice(0, at), field: line.slice(at + 2) };
  });
  const body =
    found.length === 1
      ? `Apply failed with 1 conflict: ${found[0]}`
      : `Apply failed with ${found.length} conflicts: ${found.join('\n')}`;
  return new ApiError(409, 'Conflict', body, { causes });
}

/** New managedFields after `manager` set `paths` (Apply: exactly these; Update: these in addition). */
export function record(
  entries: ManagedEntry[],
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  paths: Path[],
  takeFromOthers: boolean,
  subresource?: string,
): ManagedEntry[] {
  const taken = new Set(paths.map(key));
  const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const out: ManagedEntry[] = [];
  let previous: Path[] = [];
  for (const e of entries) {
    if (e.manager === manager && e.operation === operation && (e.subresource ?? '') === (subresource ?? '')) {
      previous = fromFieldsV1(e.fieldsV1);
      continue;
    }
    if (!takeFromOthers) {
      out.push(e);
      continue;
    }
    const kept = fromFieldsV1(e.fieldsV1).filter((p) => !taken.has(key(p)));
    if (kept.length > 0) out.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  const mine = operation === 'Update' ? [...previous.filter((p) => !taken.has(key(p))), ...paths] : paths;
  if (mine.length > 0)
    out.push({
      manager,
      operation,
      apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(mine),
      ...(subresource ? { subresource } : {}),
    });
  return out;
}

/** Leaf paths whose value differs between two versions of an object (what an update changed). */
export function changedPaths(before: Obj | undefined, after: Obj, subresource?: string): Path[] {
  return leaves(after, subresource).filter(
    (p) => p.at(-1) !== '.' && JSON.stringify(valueAt(before, p)) !== JSON.stringify(valueAt(after, p)),
  );
}

/** Paths another manager still owns: what pruning this manager's removed fields must leave alone. */
export function ownedByOthers(entries: ManagedEntry[], manager: string): Path[] {
  return entries.filter((e) => e.manager !== manager).flatMap((e) => fromFieldsV1(e.fieldsV1));
}

/** Puts the value `from` has at `path` into `into` (creating maps on the way; list items must exist). */
export function restore(into: Obj, from: Obj, path: Path) {
  const value = valueAt(from, path);
  if (value === undefined || path.at(-1) === '.' || path.some((s) => s.startsWith('k:'))) return;
  let node: Obj = into;
  for (const seg of path.slice(0, -1)) {
    const k = seg.slice(2);
    if (!isObj(node[k])) node[k] = {};
    node = node[k] as Obj;
  }
  node[(path.at(-1) as string).slice(2)] = structuredClone(value);
}
