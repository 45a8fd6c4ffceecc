/**
 * `node:fs/promises` as our own sources see it in the bundles (scripts/build.mjs points their
 * imports here): everything re-exported from Node, plus `glob` on Node 20, which lacks it
 * (`fs/promises.glob` is Node 22+). A named import of a missing export fails the whole chunk at
 * link time, so on Node 20 the Kubernetes chunk would not even load without this.
 *
 * Node ≥ 22 gets its own `glob`. The fallback covers what the steps pass to it: `*`, `?`,
 * `[...]` (`[!...]`), `**` and `{a,b}`, relative patterns (results relative to `cwd`) and
 * absolute ones (absolute results); like Node's, `*` and `?` skip names starting with a dot unless
 * the pattern segment starts with one, and `**` does not descend into symbolic links.
 */
import * as fsp from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export * from 'node:fs/promises';

type Glob = typeof fsp.glob;
interface GlobOptions {
  cwd?: string | URL;
  exclude?: (path: string) => boolean;
  withFileTypes?: boolean;
}

const MAGIC = /[*?[]/;

/** `a{b,c}d` → `abd`, `acd` (nested braces too); a brace without a comma stays literal. */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') i++;
    else if (ch === '{' && depth++ === 0) open = i;
    else if (ch === '}' && depth > 0 && --depth === 0) {
      const body = pattern.slice(open + 1, i);
      const options: string[] = [];
      let level = 0;
      let start = 0;
      for (let j = 0; j < body.length; j++) {
        if (body[j] === '\\') j++;
        else if (body[j] === '{') level++;
        else if (body[j] === '}') level--;
        else if (body[j] === ',' && level === 0) {
          options.push(body.slice(start, j));
          start = j + 1;
        }
      }
      if (options.length === 0) continue;
      options.push(body.slice(start));
      const head = pattern.slice(0, open);
      const tails = expandBraces(pattern.slice(i + 1));
      return options.flatMap((o) => expandBraces(head + o).flatMap((h) => tails.map((t) => h + t)));
    }
  }
  return [pattern];
}

/** One path segment of a pattern (`*.ya?ml`, `[!_]*`) as an anchored regular expression. */
function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch === '\\' && i + 1 < segment.length) re += escapeRegex(segment[++i] as string);
    else if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        const negate = body[0] === '!' || body[0] === '^';
        if (negate) body = body.slice(1);
        re += `[${negate ? '^' : ''}${body.replace(/[\\^]/g, '\\$&')}]`;
        i = close;
      }
    } else re += escapeRegex(ch);
  }
  return new RegExp(`^${re}$`);
}

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

async function entries(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return []; // not a directory, gone, or unreadable: nothing matches below it
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fsp.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Paths (relative to `cwd`, or absolute for an absolute pattern) that match `segments[index...]`. */
async function* walk(base: string, shown: string, segments: string[], index: number): AsyncGenerator<string> {
  if (index === segments.length) {
    yield shown || '.';
    return;
  }
  const segment = segments[index] as string;
  const child = (name: string) => (shown ? join(shown, name) : name);
  if (segment === '**') {
    yield* walk(base, shown, segments, index + 1); // zero directories
    for (const entry of await entries(join(base, shown))) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) yield* walk(base, child(entry.name), segments, index);
      else if (index === segments.length - 1) yield child(entry.name); // a trailing ** matches files too
    }
    return;
  }
  if (!MAGIC.test(segment)) {
    const literal = segment.replace(/\\(.)/g, '$1');
    if (await exists(join(base, shown, literal))) yield* walk(base, child(literal), segments, index + 1);
    return;
  }
  const regex = segmentRegex(segment);
  const dots = segment.startsWith('.');
  for (const entry of await entries(join(base, shown))) {
    if (entry.name.startsWith('.') && !dots) continue;
    if (regex.test(entry.name)) yield* walk(base, child(entry.name), segments, index + 1);
  }
}

/** `fs/promises.glob` for Node versions without it (see the file comment for what it supports). */
export async function* globFallback(pattern: string | readonly string[], options: GlobOptions = {}) {
  if (options.withFileTypes || (options.exclude && typeof options.exclude !== 'function'))
    throw new Error('glob: withFileTypes and exclude patterns need Node 22 or later');
  const cwd = options.cwd instanceof URL ? fileURLToPath(options.cwd) : String(options.cwd ?? process.cwd());
  const excluded = options.exclude ?? (() => false);
  const seen = new Set<string>();
  for (const one of (typeof pattern === 'string' ? [pattern] : pattern).flatMap(expandBraces)) {
    const absolute = isAbsolute(one);
    const segments = one.split('/').filter((s, i) => s !== '' && !(s === '.' && i > 0));
    const start = absolute ? '/' : '';
    for await (const path of walk(absolute ? '/' : cwd, start, segments, 0)) {
      if (seen.has(path) || excluded(path)) continue;
      seen.add(path);
      yield path;
    }
  }
}

export const glob: Glob = (fsp as { glob?: Glob }).glob ?? (globFallback as unknown as Glob);
