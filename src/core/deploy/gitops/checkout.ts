/**
 * The config repository side of the gitops strategy: a shallow clone of one branch, reading the
 * value at a key, and commit-and-push that survives concurrent deployers (a push that loses the
 * race re-fetches the branch, re-applies the change on the new head and retries with jittered
 * backoff, a bounded number of times).
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { InputError, StepError } from '../../errors.js';
import { retry } from '../../retry.js';
import type { DeployContext } from '../types.js';
import { Git, type GitAuth, gitEnv, isPermanent, isPushRace, isTransient, remoteUrl } from './git.js';
import type { FileChange } from './holds-file.js';
import type { GitopsTarget } from './index.js';
import { getYamlValue, KeyPathError } from './yaml-edit.js';

export interface Checkout {
  git: Git;
  dir: string;
  branch: string;
  remote: string;
}

export async function checkout(
  target: GitopsTarget,
  ctx: DeployContext,
  history: boolean,
): Promise<Checkout> {
  const remote = remoteUrl(target.repository);
  const auth: GitAuth | undefined = target.token
    ? { token: target.token, user: target.tokenUser ?? 'x-access-token' }
    : undefined;
  const dir = mkdtempSync(join(ctx.tempDir, 'gitops-'));
  const git = new Git(
    join(dir, 'repo'),
    gitEnv(ctx.env ?? {}, remote, auth),
    target.token ? [target.token] : [],
  );
  const args = ['clone', '--quiet', '--single-branch', '--no-tags'];
  // A deploy needs only the tip; a rollback reads the file's history.
  if (!history) args.push('--depth', '1');
  if (target.branch) args.push('--branch', target.branch);
  args.push('--', remote, join(dir, 'repo'));
  ctx.log.info(`Cloning ${safeRemote(remote)}${target.branch ? ` (${target.branch})` : ''}`);
  await withTransientRetry(() => git.run(args, `Cloning ${safeRemote(remote)}`, dir), ctx);
  const branch =
    target.branch ?? (await git.run(['symbolic-ref', '--short', 'HEAD'], 'Reading the branch')).trim();
  return { git, dir, branch, remote };
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
  return rel;
}

export function readValue(
  dir: string,
  file: string,
  key: string[],
): { path: string; text: string; value: string } {
  const path = resolveInside(dir, file);
  const text = readFileSync(join(dir, path), 'utf8');
  try {
    return { path, text, value: getYamlValue(text, key, file) };
  } catch (err) {
    if (err instanceof KeyPathError) throw new InputError('key', key.join('.'), err.message);
    throw err;
  }
}

/**
 * Returns the new file text and a commit message, or undefined when nothing must change; `extra`
 * files (the holds file) go into the same commit.
 */
type Change = (current: {
  text: string;
  value: string;
  path: string;
}) => Promise<{ text: string; message: string; extra?: FileChange[] } | undefined>;

export interface Pushed {
  sha: string;
  changed: boolean;
  attempts: number;
  previous: string;
}

/** Applies `change` on the branch head and pushes, re-applying on the new head after each lost race. */
export async function commitAndPush(
  co: Checkout,
  target: GitopsTarget,
  ctx: DeployContext,
  change: Change,
  history = false,
): Promise<Pushed> {
  const maxAttempts = target.maxAttempts ?? 50;
  let attempts = 0;
  try {
    return await retry(
      async (attempt) => {
        attempts = attempt;
        // After a lost race, start again from the remote head: our commit is dropped and the change re-applied on top.
        if (attempt > 1) await moveToRemoteHead(co, ctx, history);
        const current = readValue(co.git.cwd, target.file, target.key);
        const next = await change(current);
        const head = (await co.git.run(['rev-parse', 'HEAD'], 'Reading HEAD')).trim();
        if (!next) return { sha: head, changed: false, attempts: attempt, previous: current.value };
        if (ctx.dryRun) {
          ctx.log.info(`Dry run: would commit to ${co.branch}: ${next.message.split('\n')[0]}`);
          return { sha: head, changed: true, attempts: attempt, previous: current.value };
        }
        writeFileSync(join(co.git.cwd, current.path), next.text);
        for (const extra of next.extra ?? []) {
          mkdirSync(dirname(join(co.git.cwd, extra.path)), { recursive: true });
          writeFileSync(join(co.git.cwd, extra.path), extra.text);
        }
        const paths = [current.path, ...(next.extra ?? []).map((e) => e.path)];
        await co.git.run(['add', '--', ...paths], 'Staging the change');
        await co.git.run(['commit', '--quiet', '--no-verify', '-m', next.message], 'Committing');
        const push = await co.git.exec(['push', '--quiet', '--', 'origin', `HEAD:refs/heads/${co.branch}`]);
        if (push.code !== 0) throw new PushRejected(push.stderr);
        const sha = (await co.git.run(['rev-parse', 'HEAD'], 'Reading HEAD')).trim();
        return { sha, changed: true, attempts: attempt, previous: current.value };
      },
      {
        attempts: maxAttempts,
        baseMs: target.backoffMs ?? 100,
        capMs: 2000,
        // Full-range jitter: concurrent deployers that lost one race must not collide again.
        jitter: 0.7,
        retryError: (err) =>
          err instanceof PushRejected &&
          (err.race || isTransient(err.stderr)) && {
            reason: err.race ? 'lost a race with another deployer' : 'failed transiently',
          },
        onRetry: ({ attempt, delayMs, reason }) =>
          ctx.log.info(
            `Push ${reason}; re-applying on the new head in ${delayMs} ms (attempt ${attempt + 1}/${maxAttempts})`,
          ),
      },
    );
  } catch (err) {
    if (!(err instanceof PushRejected)) throw err;
    throw new StepError(
      `Pushing to ${safeRemote(co.remote)} (${co.branch}) failed${err.race ? ` after ${attempts} attempts: other deployers kept pushing first` : ''}: ${err.stderr.trim()}`,
    );
  }
}

/** A push the remote refused; `race` when another deployer pushed first. */
class PushRejected extends Error {
  readonly race: boolean;
  constructor(readonly stderr: string) {
    super(stderr.trim().split('\n')[0]);
    this.race = isPushRace(stderr);
  }
}

async function moveToRemoteHead(co: Checkout, ctx: DeployContext, history: boolean): Promise<void> {
  await withTransientRetry(
    () =>
      co.git.run(
        [
          'fetch',
          '--quiet',
          '--no-tags',
          ...(history ? [] : ['--depth', '1']),
          '--',
          'origin',
          `refs/heads/${co.branch}`,
        ],
        'Fetching the new head',
      ),
    ctx,
  );
  await co.git.run(['reset', '--quiet', '--hard', 'FETCH_HEAD'], 'Moving to the new head');
}
