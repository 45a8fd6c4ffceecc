/**
 * The repository behind the fake GitHub and GitLab APIs' git routes: a real bare repository.
 * Blobs, trees and commits are written in git's own format in-process (./git-objects.ts), so a
 * request costs no git process, as a forge answers without one; objects the fake did not write
 * are read once with `git cat-file` and kept. Branches move only through git's compare-and-swap
 * `update-ref`, and history queries (`log`, `rev-list`) are git's own. Asynchronous, as the real
 * services are: requests are served side by side, and what checks a branch and then moves it
 * runs under `exclusive`, as a forge moves one branch at a time.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type GitObject,
  type ObjectType,
  parseCommit,
  parseTree,
  serializeCommit,
  serializeTree,
  TREE_MODE,
  type TreeEntry,
  writeLooseObject,
} from './git-objects.js';

export interface StoredFile {
  text: string;
  /** git's blob id. */
  blob: string;
  mode: string;
}

export interface TreeChange {
  path: string;
  mode: string;
  /** Blob id; null removes the path. */
  sha: string | null;
}

interface CommitInfo {
  tree: string;
  parents: string[];
  message: string;
  author: string;
  date: string;
}

const IDENTITY = 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>';
const SHA = /^[0-9a-f]{40}$/;

export class GitStore {
  // Objects never change: what was read or written once is kept.
  private readonly objects = new Map<string, GitObject | undefined>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Runs git in the repository; `input` goes to its stdin. */
  git(args: string[], input?: string): Promise<string> {
    return this.run(args, input).then((out) => out.toString('utf8'));
  }

  private run(args: string[], input?: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        args,
        {
          cwd: this.path,
          env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
          encoding: 'buffer',
          maxBuffer: 256 * 1024 * 1024,
        },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      );
      // git may exit before reading what it does not need: that is not an error here.
      child.stdin?.on('error', () => {});
      child.stdin?.end(input);
    });
  }

  private async tryGit(args: string[]): Promise<string | undefined> {
    try {
      return await this.git(args);
    } catch {
      return undefined;
    }
  }

  /** Runs `fn` after every earlier exclusive section: a branch is checked and moved by one request at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** An object by id, or undefined when the repository has none. */
  private async object(sha: string): Promise<GitObject | undefined> {
    if (!SHA.test(sha)) return undefined;
    if (this.objects.has(sha)) return this.objects.get(sha);
    const out = await this.run(['cat-file', '--batch'], `${sha}\n`);
    const eol = out.indexOf(0x0a);
    const [, type, size] = out.subarray(0, eol).toString('latin1').split(' ');
    const found =
      type === 'blob' || type === 'tree' || type === 'commit'
        ? { type: type as ObjectType, content: out.subarray(eol + 1, eol + 1 + Number(size)) }
        : undefined;
    // Objects are never removed, so only a found one is kept (a missing one may be pushed later).
    if (found) this.objects.set(sha, found);
    return found;
  }

  private write(type: ObjectType, content: Buffer): string {
    const sha = writeLooseObject(this.path, type, content);
    this.objects.set(sha, { type, content });
    return sha;
  }

  async defaultBranch(): Promise<string> {
    const head = readFileSync(join(this.path, 'HEAD'), 'utf8').trim();
    return head.replace(/^ref: refs\/heads\//, '');
  }

  /** The branch's head; undefined when it does not exist. */
  async head(branch: string): Promise<string | undefined> {
    // The loose ref file when there is one (update-ref writes loose refs), else ask git.
    try {
      const text = readFileSync(join(this.path, 'refs/heads', branch), 'utf8').trim();
      if (SHA.test(text)) return text;
    } catch {
      // packed or absent
    }
    return (await this.tryGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]))?.trim();
  }

  /** Whether an object of that type exists. */
  async has(sha: string, type: ObjectType): Promise<boolean> {
    return (await this.object(sha))?.type === type;
  }

  /** A commit's id from a sha or a branch name. */
  async resolve(ref: string): Promise<string | undefined> {
    if (await this.has(ref, 'commit')) return ref;
    return (await this.tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]))?.trim();
  }

  private async treeEntries(sha: string | undefined): Promise<TreeEntry[]> {
    const found = sha ? await this.object(sha) : undefined;
    if (found?.type === 'commit') return this.treeEntries(parseCommit(found.content).tree);
    return found?.type === 'tree' ? parseTree(found.content) : [];
  }

  /** A file at a commit: undefined when the path is absent or not a file. */
  async file(commit: string, path: string): Promise<StoredFile | undefined> {
    let entry: TreeEntry | undefined = { mode: TREE_MODE, name: '', sha: commit };
    for (const name of path.split('/').filter(Boolean)) {
      if (entry?.mode !== TREE_MODE) return undefined;
      entry = (await this.treeEntries(entry.sha)).find((e) => e.name === name);
    }
    const blob = entry && entry.mode !== TREE_MODE ? await this.object(entry.sha) : undefined;
    if (!entry || blob?.type !== 'blob') return undefined;
    return { mode: entry.mode, blob: entry.sha, text: blob.content.toString('utf8') };
  }

  async writeBlob(content: string): Promise<string> {
    return this.write('blob', Buffer.from(content));
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    const found = await this.object(sha);
    if (found?.type !== 'commit') throw new Error(`${sha} is not a commit`);
    const c = parseCommit(found.content);
    return { tree: c.tree, parents: c.parents, author: c.author, date: c.date, message: c.message.trimEnd() };
  }

  /** A new tree: `base` (a tree or a commit) with `changes` applied; a directory left empty goes. */
  async writeTree(base: string | undefined, changes: TreeChange[]): Promise<string> {
    const split = changes.map((c) => ({ ...c, parts: c.path.split('/').filter(Boolean) }));
    return (await this.applyTree(base, split)) ?? this.write('tree', Buffer.alloc(0));
  }

  private async applyTree(
    base: string | undefined,
    changes: Array<TreeChange & { parts: string[] }>,
  ): Promise<string | undefined> {
    const entries = new Map((await this.treeEntries(base)).map((e) => [e.name, e]));
    const nested = new Map<string, Array<TreeChange & { parts: string[] }>>();
    for (const c of changes) {
      const [name, ...rest] = c.parts as [string, ...string[]];
      if (rest.length === 0) {
        if (c.sha === null) entries.delete(name);
        else entries.set(name, { mode: c.mode, name, sha: c.sha });
      } else nested.set(name, [...(nested.get(name) ?? []), { ...c, parts: rest }]);
    }
    for (const [name, inner] of nested) {
      const current = entries.get(name);
      const sub = await this.applyTree(current?.mode === TREE_MODE ? current.sha : undefined, inner);
      if (sub) entries.set(name, { mode: TREE_MODE, name, sha: sub });
      else entries.delete(name);
    }
    if (entries.size === 0) return undefined;
    return this.write('tree', serializeTree([...entries.values()]));
  }

  async commitTree(tree: string, parents: string[], message: string): Promise<string> {
    const time = Math.floor(Date.now() / 1000);
    return this.write(
      'commit',
      serializeCommit({ tree, parents, author: IDENTITY, committer: IDENTITY, time, message }),
    );
  }

  /** Whether `ancestor` is reachable from `commit` (a walk over the parents, as `merge-base --is-ancestor`). */
  async isAncestor(ancestor: string, commit: string): Promise<boolean> {
    const seen = new Set<string>();
    const queue = [commit];
    while (queue.length) {
      const sha = queue.shift() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(await this.commitInfo(sha)).parents);
    }
    return false;
  }

  /** Moves (or with `old` undefined creates) a branch, only if it is still at `old`. */
  async updateRef(branch: string, sha: string, old: string | undefined): Promise<boolean> {
    return (
      (await this.tryGit(['update-ref', `refs/heads/${branch}`, sha, old ?? '0'.repeat(40)])) !== undefined
    );
  }

  /** Commits that changed `path` up to `ref`, newest first (`git log -- path`). */
  async fileCommits(ref: string, path: string | undefined, limit: number): Promise<string[]> {
    const args = ['log', `-n${limit}`, '--format=%H', ref, ...(path ? ['--', path] : [])];
    return (await this.git(args)).split('\n').filter(Boolean);
  }

  /** The number of commits reachable from a branch. */
  async count(branch: string): Promise<number> {
    return Number((await this.git(['rev-list', '--count', `refs/heads/${branch}`])).trim());
  }
}
