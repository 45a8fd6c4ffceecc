/**
 * The patch semantics the fake needs, kept to what the real API server does for the fields
 * stagecraft touches: strategic merge (lists of named objects merge by key, other lists replace,
 * `null` deletes), JSON merge patch (RFC 7386), JSON patch (RFC 6902) and server-side apply
 * approximated as "merge the applied config, and drop what this manager applied last time but
 * no longer does" (the field-ownership effect users see).
 */
type Json = unknown;
export type Obj = { [key: string]: unknown };

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const clone = <T>(v: T): T => structuredClone(v);

/** Merge key of a list, as in the Kubernetes API's patchMergeKey tags (the subset used here). */
export function mergeKeyOf(field: string, items: Json[]): string | undefined {
  return mergeKey(field, items);
}

function mergeKey(field: string, items: Json[]): string | undefined {
  if (!items.every(isObj)) return undefined;
  if (field === 'volumeMounts') return 'mountPath';
  if (field === 'ports') return items.some((i) => 'containerPort' in (i as Obj)) ? 'containerPort' : 'port';
  if (items.every((i) => 'name' in (i as Obj))) return 'name';
  return undefined;
}

export function strategicMerge(live: Json, patch: Json, field = ''): Json {
  if (isObj(patch)) {
    if (patch.$patch === 'replace') {
      const { $patch: _, ...rest } = patch;
      return clone(rest);
    }
    const out: Obj = isObj(live) ? clone(live) : {};
    for (const [key, value] of Object.entries(patch)) {
      // Directives kubectl sends: list order and retained keys (not stored), deletions from primitive lists.
      if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
      if (key.startsWith('$deleteFromPrimitiveList/')) {
        const field = key.slice('$deleteFromPrimitiveList/'.length);
        if (Array.isArray(out[field]) && Array.isArray(value))
          out[field] = (out[field] as Json[]).filter((v) => !(value as Json[]).includes(v));
        continue;
      }
      if (value === null) delete out[key];
      else out[key] = strategicMerge(out[key] ?? null, value, key);
    }
    if (Array.isArray(patch.$retainKeys)) {
      const keep = new Set(patch.$retainKeys as string[]);
      for (const key of Object.keys(out)) if (!keep.has(key) && !(key in patch)) delete out[key];
    }
    return out;
  }
  if (Array.isArray(patch) && Array.isArray(live)) {
    const key = mergeKey(field, [...patch, ...live]);
    if (!key) return clone(patch);
    const out = clone(live) as Obj[];
    for (const item of patch as Obj[]) {
      const index = out.findIndex((o) => o[key] === item[key]);
      if (item.$patch === 'delete') {
        if (index >= 0) out.splice(index, 1);
      } else if (index >= 0) out[index] = strategicMerge(out[index] as Obj, item, '') as Obj;
      else out.push(clone(item));
    }
    return out;
  }
  return clone(patch);
}

export function mergePatch(live: Json, patch: Json): Json {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(live) ? clone(live) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key] ?? null, value);
  }
  return out;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`JSON pointer "${path}" must start with /`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: Json;
  from?: string;
}

export function jsonPatch(doc: Json, ops: JsonPatchOp[]): Json {
  let root = clone(doc);
  for (const op of ops) {
    const parts = pointer(op.path);
    if (parts.length === 0) {
      if (op.op === 'replace' || op.op === 'add') root = clone(op.value ?? null);
      continue;
    }
    const last = parts.pop() as string;
    let parent: Json = root;
    for (const part of parts) {
      parent = Array.isArray(parent)
        ? (parent[Number(part)] ?? null)
        : isObj(parent)
          ? (parent[part] ?? null)
          : null;
      if (parent === null) throw new Error(`path "${op.path}" does not exist`);
    }
    const container = parent as Obj | Json[];
    const has = Array.isArray(container) ? Number(last) < container.length : last in container;
    switch (op.op) {
      case 'add':
        if (Array.isArray(container))
          container.splice(last === '-' ? container.length : Number(last), 0, clone(op.value ?? null));
        else container[last] = clone(op.value ?? null);
        break;
      case 'replace':
        if (!has) throw new Error(`path "${op.path}" does not exist`);
        (container as Obj)[last] = clone(op.value ?? null);
        break;
      case 'remove':
        if (!has) throw new Error(`path "${op.path}" does not exist`);
        if (Array.isArray(container)) container.splice(Number(last), 1);
        else delete container[last];
        break;
      case 'test':
        if (JSON.stringify((container as Obj)[last]) !== JSON.stringify(op.value))
          throw new Error(`test failed for "${op.path}"`);
        break;
      default:
        throw new Error(`unsupported JSON patch op "${op.op}"`);
    }
  }
  return root;
}

/** Removes from `live` the fields present in `previous` (last applied) but absent from `next`. */
export function pruneApplied(live: Json, previous: Json, next: Json, field = ''): Json {
  if (isObj(live) && isObj(previous)) {
    const out = { ...live };
    for (const key of Object.keys(previous)) {
      const nextValue = isObj(next) ? next[key] : undefined;
      if (nextValue === undefined) delete out[key];
      else if (key in out) out[key] = pruneApplied(out[key] as Json, previous[key] as Json, nextValue, key);
    }
    return out;
  }
  if (Array.isArray(live) && Array.isArray(previous) && Array.isArray(next)) {
    const key = mergeKey(field, [...live, ...previous, ...next]);
    if (!key) return live;
    return (live as Obj[])
      .filter((item) => {
        const wasApplied = (previous as Obj[]).some((p) => p[key] === item[key]);
        const stillApplied = (next as Obj[]).some((n) => n[key] === item[key]);
        return !wasApplied || stillApplied;
      })
      .map((item) => {
        const p = (previous as Obj[]).find((x) => x[key] === item[key]);
        const n = (next as Obj[]).find((x) => x[key] === item[key]);
        return p && n ? (pruneApplied(item, p, n) as Obj) : item;
      });
  }
  return live;
}

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) cur = isObj(cur) ? cur[part] : undefined;
  return cur;
}

/** Equality-based and set-based label selectors: `a=b,c!=d,e in (x,y),f notin (z),g,!h`. */
export function matchesLabelSelector(labels: Record<string, string>, selector: string): boolean {
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms.every((raw) => {
    const term = raw.trim();
    if (!term) return true;
    const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = (set[3] as string).split(',').map((v) => v.trim());
      const has = values.includes(labels[set[1] as string] as string);
      return set[2] === 'in' ? has : !has;
    }
    const ne = /^([^!=]+)!=(.*)$/.exec(term);
    if (ne) return labels[(ne[1] as string).trim()] !== (ne[2] as string).trim();
    const eq = /^([^!=]+)==?(.*)$/.exec(term);
    if (eq) return labels[(eq[1] as string).trim()] === (eq[2] as string).trim();
    if (term.startsWith('!')) return !(term.slice(1) in labels);
    return term in labels;
  });
}

export function matchesFieldSelector(obj: unknown, selector: string): boolean {
  return selector
    .split(',')
    .filter(Boolean)
    .every((term) => {
      const ne = /^([^!=]+)!=(.*)$/.exec(term);
      if (ne) return String(getPath(obj, ne[1] as string) ?? '') !== ne[2];
      const eq = /^([^!=]+)==?(.*)$/.exec(term);
      if (!eq) throw new Error(`invalid field selector "${term}"`);
      return String(getPath(obj, eq[1] as string) ?? '') === eq[2];
    });
}
