/**
 * The repository behind the fake GitHub and GitLab APIs' git routes: a real bare repository,
 * changed only through git plumbing (hash-object, mktree via a private index, commit-tree and a
 * compare-and-swap `update-ref`), so object ids, trees and history are git's own. Synchronous: a
 * fake handles one request at a time, as one ref update at a time happens on the real service.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

const IDENTITY = {
  GIT_AUTHOR_NAME: 'github-actions[bot]',
  GIT_AUTHOR_EMAIL: '41898282+github-actions[bot]@users.noreply.github.com',
};

export class GitStore {
  // Objects never change: what was read once is kept (a fake serves every request from one thread).
  private readonly commits = new Map<string, CommitInfo>();
  private readonly files = new Map<string, StoredFile | undefined>();

  constructor(readonly path: string) {}

  git(args: string[], options: { input?: string; env?: Record<string, string> } = {}): string {
    return execFileSync('git', args, {
      cwd: this.path,
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        ...IDENTITY,
        GIT_COMMITTER_NAME: IDENTITY.GIT_AUTHOR_NAME,
        GIT_COMMITTER_EMAIL: IDENTITY.GIT_AUTHOR_EMAIL,
        ...options.env,
      },
      encoding: 'utf8',
      ...(options.input !== undefined ? { input: options.input } : {}),
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
  }

  private tryGit(args: string[]): string | undefined {
    try {
      return this.git(args);
    } catch {
      return undefined;
    }
  }

  defaultBranch(): string {
    return this.git(['symbolic-ref', '--short', 'HEAD']).trim();
  }

  /** The branch's head; undefined when it does not exist. */
  head(branch: string): string | undefined {
    // The loose ref file when there is one (update-ref writes loose refs), else ask git.
    try {
      const text = readFileSync(join(this.path, 'refs/heads', branch), 'utf8').trim();
      if (/^[0-9a-f]{40}$/.test(text)) return text;
    } catch {
      // packed or absent
    }
    return this.tryGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`])?.trim();
  }

  /** Whether an object of that type exists. */
  has(sha: string, type: 'blob' | 'tree' | 'commit'): boolean {
    if (type === 'commit' && this.commits.has(sha)) return true;
    return /^[0-9a-f]{40}$/.test(sha) && this.tryGit(['cat-file', '-t', sha])?.trim() === type;
  }

  /** A commit's id from a sha or a branch name. */
  resolve(ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/.test(ref) && this.commits.has(ref)) return ref;
    return this.tryGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])?.trim();
  }

  file(commit: string, path: string): StoredFile | undefined {
    const key = `${commit}:${path}`;
    if (/^[0-9a-f]{40}$/.test(commit) && this.files.has(key)) return this.files.get(key);
    const found = this.readFile(commit, path);
    if (/^[0-9a-f]{40}$/.test(commit)) this.files.set(key, found);
    return found;
  }

  private readFile(commit: string, path: string): StoredFile | undefined {
    const entry = this.tryGit(['ls-tree', commit, '--', path])?.trim();
    const m = /^(\d+) blob ([0-9a-f]{40})\t/.exec(entry ?? '');
    if (!m) return undefined;
    return {
      mode: m[1] as string,
      blob: m[2] as string,
      text: this.git(['cat-file', 'blob', m[2] as string]),
    };
  }

  writeBlob(content: string): string {
    return this.git(['hash-object', '-w', '--stdin'], { input: content }).trim();
  }

  commitInfo(sha: string): CommitInfo {
    const known = this.commits.get(sha);
    if (known) return known;
    const [tree = '', parents = '', author = '', date = '', ...message] = this.git([
      'show',
      '-s',
      '--format=%T%n%P%n%an <%ae>%n%aI%n%B',
      sha,
    ]).split('\n');
    const info = {
      tree,
      parents: parents.split(' ').filter(Boolean),
      author,
      date,
      message: message.join('\n').trimEnd(),
    };
    this.commits.set(sha, info);
    return info;
  }

  /** A new tree: `base` with `changes` applied (git's own tree objects, through a private index). */
  writeTree(base: string | undefined, changes: TreeChange[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'fake-index-'));
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    try {
      if (base) this.git(['read-tree', base], { env });
      const lines = changes.map((c) =>
        c.sha === null ? `0 ${'0'.repeat(40)}\t${c.path}` : `${c.mode} ${c.sha}\t${c.path}`,
      );
      this.git(['update-index', '--index-info'], { env, input: `${lines.join('\n')}\n` });
      return this.git(['write-tree'], { env }).trim();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  commitTree(tree: string, parents: string[], message: string): string {
    return this.git(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'], {
      input: message,
    }).trim();
  }

  /** Whether `ancestor` is reachable from `commit` (a walk over the parents, as `merge-base --is-ancestor`). */
  isAncestor(ancestor: string, commit: string): boolean {
    const seen = new Set<string>();
    const queue = [commit];
    while (queue.length) {
      const sha = queue.shift() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...this.commitInfo(sha).parents);
    }
    return false;
  }

  /** Moves (or with `old` undefined creates) a branch, only if it is still at `old`. */
  updateRef(branch: string, sha: string, old: string | undefined): boolean {
    return this.tryGit(['update-ref', `refs/heads/${branch}`, sha, old ?? '0'.repeat(40)]) !== undefined;
  }

  /** Commits that changed `path` up to `ref`, newest first (`git log -- path`). */
  fileCommits(ref: string, path: string | undefined, limit: number): string[] {
    const args = ['log', `-n${limit}`, '--format=%H', ref, ...(path ? ['--', path] : [])];
    return this.git(args).split('\n').filter(Boolean);
  }

  /** The number of commits reachable from a branch. */
  count(branch: string): number {
    return Number(this.git(['rev-list', '--count', `refs/heads/${branch}`]).trim());
  }
}
