/**
 * The git writer of the gitops strategy: a clone of one branch, files read from the work tree,
 * a commit pushed without force. A push that loses the race fetches the branch again and reports
 * HeadMoved, so the plan is re-applied on the new head (changes.ts).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { InputError, StepError } from '../../errors.js';
import { retry } from '../../retry.js';
import type { DeployContext } from '../types.js';
import type { ChangeSet, ConfigWriter, FileVersion, Head } from './changes.js';
import { HeadMoved } from './changes.js';
import { Git, type GitAuth, gitEnv, isPermanent, isPushRace, isTransient, remoteUrl } from './git.js';

export interface GitRemote {
  /** Git URL or local path. */
  repository: string;
  /** Default: the remote's default branch. */
  branch?: string;
  /** Commit to this branch instead, starting from `branch` when it does not exist yet (pull-request mode). */
  targetBranch?: string;
  token?: string;
  tokenUser?: string;
}

/** Clones the branch (`history`: with the history a rollback reads) and returns its writer. */
export async function gitWriter(
  remoteOpts: GitRemote,
  ctx: DeployContext,
  history: boolean,
): Promise<ConfigWriter> {
  const remote = remoteUrl(remoteOpts.repository);
  const auth: GitAuth | undefined = remoteOpts.token
    ? { token: remoteOpts.token, user: remoteOpts.tokenUser ?? 'x-access-token' }
    : undefined;
  const dir = mkdtempSync(join(ctx.tempDir, 'gitops-'));
  const work = join(dir, 'repo');
  const git = new Git(work, gitEnv(ctx.env ?? {}, remote, auth), remoteOpts.token ? [remoteOpts.token] : []);
  const args = ['clone', '--quiet', '--single-branch', '--no-tags'];
  // A deploy needs only the tip; a rollback reads the file's history.
  if (!history) args.push('--depth', '1');
  if (remoteOpts.branch) args.push('--branch', remoteOpts.branch);
  args.push('--', remote, work);
  ctx.log.info(`Cloning ${safeRemote(remote)}${remoteOpts.branch ? ` (${remoteOpts.branch})` : ''}`);
  await withTransientRetry(() => git.run(args, `Cloning ${safeRemote(remote)}`, dir), ctx);
  const base =
    remoteOpts.branch ?? (await git.run(['symbolic-ref', '--short', 'HEAD'], 'Reading the branch')).trim();
  const branch = remoteOpts.targetBranch ?? base;
  let fresh = true;

  /** Moves the work tree to the remote head of the target branch (else of the base branch). */
  async function moveToRemoteHead(): Promise<void> {
    const depth = history ? [] : ['--depth', '1'];
    for (const ref of branch === base ? [base] : [branch, base]) {
      const found = await withTransientRetry(async () => {
        const args = ['fetch', '--quiet', '--no-tags', ...depth, '--', 'origin', `refs/heads/${ref}`];
        const fetched = await git.exec(args);
        if (fetched.code === 0) return true;
        // Pull-request mode: the target branch does not exist yet, so start from the base branch.
        if (ref !== base && /couldn't find remote ref/i.test(fetched.stderr)) return false;
        throw new StepError(
          `Fetching ${ref} failed (git fetch, exit ${fetched.code}): ${fetched.stderr.trim()}`,
        );
      }, ctx);
      if (found) {
        await git.run(['reset', '--quiet', '--hard', 'FETCH_HEAD'], 'Moving to the new head');
        return;
      }
    }
  }

  return {
    branch,
    base,
    where: safeRemote(remote),
    async head() {
      // The clone is the first head; after a lost race (or for another target branch) fetch again.
      if (!fresh || branch !== base) await moveToRemoteHead();
      fresh = false;
      const sha = (await git.run(['rev-parse', 'HEAD'], 'Reading HEAD')).trim();
      return gitHead(git, sha);
    },
    async commit(_head: Head, set: ChangeSet) {
      const written = set.changes.filter((c) => !c.deleted);
      const removed = set.changes.filter((c) => c.deleted).map((c) => resolveInside(work, c.path));
      const paths = written.map((c) => existingInside(work, c.path));
      for (const [i, change] of written.entries()) {
        const path = join(work, paths[i] as string);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, change.content);
      }
      if (paths.length) await git.run(['add', '--', ...paths], 'Staging the change');
      if (removed.length) await git.run(['rm', '--quiet', '--', ...removed], 'Removing files');
      await git.run(['commit', '--quiet', '--no-verify', '-m', set.message], 'Committing');
      const push = await git.exec(['push', '--quiet', '--', 'origin', `HEAD:refs/heads/${branch}`]);
      if (push.code !== 0) {
        if (isPushRace(push.stderr)) throw new HeadMoved('race', push.stderr);
        if (isTransient(push.stderr)) throw new HeadMoved('transient', push.stderr);
        throw new StepError(`Pushing to ${safeRemote(remote)} (${branch}) failed: ${push.stderr.trim()}`);
      }
      return (await git.run(['rev-parse', 'HEAD'], 'Reading HEAD')).trim();
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function gitHead(git: Git, sha: string): Head {
  return {
    sha,
    async read(file) {
      return readFileSync(join(git.cwd, resolveInside(git.cwd, file)), 'utf8');
    },
    async readIfExists(file) {
      const path = existingInside(git.cwd, file);
      return existsSync(join(git.cwd, path)) ? readFileSync(join(git.cwd, path), 'utf8') : undefined;
    },
    async list(dir) {
      const out = await git.run(['ls-files', '-z', '--', dir], 'Listing files');
      return out.split('\0').filter(Boolean);
    },
    async history(file, limit) {
      const path = resolveInside(git.cwd, file);
      const log = await git.run(
        ['log', '-n', String(limit), '--format=%H%x00%B%x1e', sha, '--', path],
        'Reading the history',
      );
      const versions: FileVersion[] = [];
      for (const record of log.split('\x1e')) {
        const [commit, message = ''] = record.trim().split('\x00');
        if (!commit) continue;
        const shown = await git.exec(['show', `${commit}:${path}`]);
        versions.push({ commit, message, text: shown.code === 0 ? shown.stdout : undefined });
      }
      return versions;
    },
  };
}

/** The remote without any user:password part, for logs. */
export function safeRemote(remote: string): string {
  try {
    const url = new URL(remote);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return remote;
  }
}

/** Clone and fetch: retried on anything that is not plainly permanent. */
function withTransientRetry<T>(fn: () => Promise<T>, ctx: DeployContext): Promise<T> {
  return retry(fn, {
    attempts: 4,
    baseMs: 500,
    capMs: 4000,
    jitter: 0.5,
    // Clones and fetches race with concurrent pushes too (the ref moves mid-transfer): retry
    // anything that is not plainly permanent.
    retryError: (err) => err instanceof StepError && !isPermanent(err.message) && {},
    onRetry: ({ attempt, attempts, reason }) =>
      ctx.log.warning(`${reason}; retrying (${attempt}/${attempts - 1})`),
  });
}

/** The real path of a file that exists (a symlink inside the repository is followed), else the path as given. */
function existingInside(root: string, file: string): string {
  try {
    return resolveInside(root, file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    return file;
  }
}

/**
 * The file's real path inside the clone. A symlink that leads out of the repository is a bad
 * input (it would write outside the repository the user named).
 */
function resolveInside(root: string, file: string): string {
  const realRoot = realpathSync(root);
  let real: string;
  try {
    real = realpathSync(join(realRoot, file));
  } catch {
    throw new StepError(`file ${file} does not exist in the repository; create it (with the key) first`);
  }
  const rel = relative(realRoot, real);
  if (rel.startsWith(`..${sep}`) || rel === '..' || rel.startsWith(`.git${sep}`) || rel === '') {
    throw new InputError('file', file, 'it resolves outside the repository (through a symlink)');
  }
  return rel.split(sep).join('/');
}
