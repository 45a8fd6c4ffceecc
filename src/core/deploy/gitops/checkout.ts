/**
 * The config repository side of the gitops strategy: a shallow clone of one branch, reading the
 * value at a key, and commit-and-push that survives concurrent deployers (a push that loses the
 * race re-fetches the branch, re-applies the change on the new head and retries with jittered
 * backoff, a bounded number of times).
 */
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError, StepError } from '../../errors.js';
import { sleep } from '../../retry.js';
import type { DeployContext } from '../types.js';
import { Git, type GitAuth, gitEnv, isPermanent, isPushRace, isTransient, remoteUrl } from './git.js';
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

async function withTransientRetry<T>(fn: () => Promise<T>, ctx: DeployContext, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      // Clones and fetches race with concurrent pushes too (the ref moves mid-transfer): retry
      // anything that is not plainly permanent.
      if (i >= attempts || !(err instanceof StepError) || isPermanent(err.message)) throw err;
      ctx.log.warning(`${err.message.split('\n')[0]}; retrying (${i}/${attempts - 1})`);
      await sleep(250 * 2 ** i * (0.5 + Math.random() / 2));
    }
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

/** Backoff before retry `n` (1-based) after a lost race: exponential, capped, with full-range jitter. */
function raceDelay(n: number, base: number): number {
  const cap = Math.min(2000, base * 2 ** Math.min(n - 1, 10));
  return Math.round(cap * (0.3 + 0.7 * Math.random()));
}

/** Returns the new file text and a commit message, or undefined when nothing must change. */
type Change = (current: {
  text: string;
  value: string;
  path: string;
}) => Promise<{ text: string; message: string } | undefined>;

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
  for (let attempt = 1; ; attempt++) {
    const current = readValue(co.git.cwd, target.file, target.key);
    const next = await change(current);
    const head = (await co.git.run(['rev-parse', 'HEAD'], 'Reading HEAD')).trim();
    if (!next) return { sha: head, changed: false, attempts: attempt, previous: current.value };
    if (ctx.dryRun) {
      ctx.log.info(`Dry run: would commit to ${co.branch}: ${next.message.split('\n')[0]}`);
      return { sha: head, changed: true, attempts: attempt, previous: current.value };
    }
    writeFileSync(join(co.git.cwd, current.path), next.text);
    await co.git.run(['add', '--', current.path], 'Staging the change');
    await co.git.run(['commit', '--quiet', '--no-verify', '-m', next.message], 'Committing');
    const push = await co.git.exec(['push', '--quiet', '--', 'origin', `HEAD:refs/heads/${co.branch}`]);
    if (push.code === 0) {
      const sha = (await co.git.run(['rev-parse', 'HEAD'], 'Reading HEAD')).trim();
      return { sha, changed: true, attempts: attempt, previous: current.value };
    }
    const race = isPushRace(push.stderr);
    if ((!race && !isTransient(push.stderr)) || attempt >= maxAttempts) {
      throw new StepError(
        `Pushing to ${safeRemote(co.remote)} (${co.branch}) failed${race ? ` after ${attempt} attempts: other deployers kept pushing first` : ''}: ${push.stderr.trim()}`,
      );
    }
    const delay = raceDelay(attempt, target.backoffMs ?? 100);
    ctx.log.info(
      `Push ${race ? 'lost a race with another deployer' : 'failed transiently'}; re-applying on the new head in ${delay} ms (attempt ${attempt + 1}/${maxAttempts})`,
    );
    await sleep(delay);
    // Start again from the remote head: our commit is dropped and the change re-applied on top.
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
}
