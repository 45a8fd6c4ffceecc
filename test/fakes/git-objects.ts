/**
 * Git objects in git's own format, made in-process for the forge fakes (../git-store.ts): loose
 * objects (a `type size\0` header, SHA-1, zlib), trees in git's entry order, commits with git's
 * headers. Real git reads what is written here (`git fsck --strict` passes on it), and a fake
 * serves a tree or a commit without starting a git process, as a forge answers without one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export type ObjectType = 'blob' | 'tree' | 'commit';

export interface GitObject {
  type: ObjectType;
  content: Buffer;
}

export interface TreeEntry {
  /** `100644`, `100755`, `120000`, `40000` (a tree) or `160000`. */
  mode: string;
  name: string;
  sha: string;
}

export const TREE_MODE = '40000';

function header(type: ObjectType, content: Buffer): Buffer {
  return Buffer.from(`${type} ${content.length}\0`);
}

export function objectId(type: ObjectType, content: Buffer): string {
  return createHash('sha1').update(header(type, content)).update(content).digest('hex');
}

/** Stores an object as a loose object (kept when it is already there) and returns its id. */
export function writeLooseObject(gitDir: string, type: ObjectType, content: Buffer): string {
  const sha = objectId(type, content);
  const dir = join(gitDir, 'objects', sha.slice(0, 2));
  const file = join(dir, sha.slice(2));
  if (existsSync(file)) return sha;
  mkdirSync(dir, { recursive: true });
  // Written aside, then renamed: a concurrent reader never sees half an object.
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, deflateSync(Buffer.concat([header(type, content), content])), { mode: 0o444 });
  renameSync(temp, file);
  return sha;
}

/** A tree object's entries, in stored order. */
export function parseTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space);
    entries.push({
      mode: content.subarray(at, space).toString('latin1'),
      name: content.subarray(space + 1, nul).toString('utf8'),
      sha: content.subarray(nul + 1, nul + 21).toString('hex'),
    });
    at = nul + 21;
  }
  return entries;
}

/** A tree object for `entries`, sorted as git sorts them (a tree's name compares as `name/`). */
export function serializeTree(entries: TreeEntry[]): Buffer {
  const key = (e: TreeEntry) => Buffer.from(e.mode === TREE_MODE ? `${e.name}/` : e.name);
  const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
  return Buffer.concat(
    sorted.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')]),
  );
}

export interface CommitFields {
  tree: string;
  parents: string[];
  /** `Name <email>`. */
  author: string;
  committer: string;
  /** Seconds since the epoch. */
  time: number;
  message: string;
}

/** A commit object as `git commit-tree` writes it (UTC, the message as given). */
export function serializeCommit(c: CommitFields): Buffer {
  const lines = [
    `tree ${c.tree}`,
    ...c.parents.map((p) => `parent ${p}`),
    `author ${c.author} ${c.time} +0000`,
    `committer ${c.committer} ${c.time} +0000`,
  ];
  return Buffer.from(`${lines.join('\n')}\n\n${c.message}`);
}

export interface ParsedCommit {
  tree: string;
  parents: string[];
  /** `Name <email>`. */
  author: string;
  /** Author date, strict ISO 8601 with the stored offset (as git's `%aI`). */
  date: string;
  message: string;
}

export function parseCommit(content: Buffer): ParsedCommit {
  const text = content.toString('utf8');
  const split = text.indexOf('\n\n');
  const head = (split < 0 ? text : text.slice(0, split)).split('\n');
  const message = split < 0 ? '' : text.slice(split + 2);
  let tree = '';
  let author = '';
  let date = '';
  const parents: string[] = [];
  for (const line of head) {
    const [field, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (field === 'tree') tree = value;
    else if (field === 'parent') parents.push(value);
    else if (field === 'author') {
      const m = /^(.*) (\d+) ([+-]\d{4})$/.exec(value);
      author = m?.[1] ?? value;
      date = m ? isoWithOffset(Number(m[2]), m[3] as string) : '';
    }
  }
  return { tree, parents, author, date, message };
}

/** `2026-11-30T01:13:00+01:00` for an epoch and a git offset (`+0100`). */
function isoWithOffset(seconds: number, offset: string): string {
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5)));
  const local = new Date((seconds + minutes * 60) * 1000).toISOString().slice(0, 19);
  return `${local}${offset.slice(0, 3)}:${offset.slice(3, 5)}`;
}
