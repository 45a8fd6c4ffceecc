/**
 * gitops strategy: write the deployed version into a YAML file of a config repository (the one
 * Argo CD / Flux sync), as one commit, and push. Concurrent deployers are expected: a push that
 * loses the race re-fetches the branch, re-applies the change on the new head and retries with
 * jittered backoff, a bounded number of times.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError, StepError } from '../../errors.js';
import { parseImageRef, repositoryName } from '../../image-ref.js';
import { sleep } from '../../retry.js';
import type { DeployContext, DeployResult, RollbackResult } from '../types.js';
import { Git, type GitAuth, gitEnv, isPermanent, isPushRace, isTransient, remoteUrl } from './git.js';
import { type HistoryEntry, previousValue, ROLLED_BACK_TRAILER, rolledBackFrom } from './history.js';
import { getYamlValue, KeyPathError, setYamlValue } from './yaml-edit.js';

export type ValueKind = 'tag' | 'digest' | 'ref';

export interface GitopsTarget {
  /** Git URL or local path. */
  repository: string;
  /** Default: the remote's default branch. */
  branch?: string;
  /** Repository-relative path, `{environment}` already replaced. */
  file: string;
  key: string[];
  token?: string;
  tokenUser?: string;
  /** How often a push may lose a race before giving up (default 50). */
  maxAttempts?: number;
  /** First backoff delay; doubles per lost race up to 2 s (default 100 ms). */
  backoffMs?: number;
}

export interface GitopsDeployOptions extends GitopsTarget {
  /** The text to write (already chosen from the image by `value`). */
  value: string;
  valueKind: ValueKind;
  /** The full image reference, for messages and outputs. */
  image: string;
  /** Commit subject template: `{environment}`, `{image}`, `{value}`. */
  message?: string;
}

export interface GitopsRollbackOptions extends GitopsTarget {
  valueKind: ValueKind;
  /** Explicit version: an image reference or the bare value. */
  to?: string;
  reason?: string;
  /** Repository of the image (from the `image` input), to report full references. */
  imageRepository?: string;
}

interface Checkout {
  git: Git;
  dir: string;
  branch: string;
  remote: string;
}

async function checkout(target: GitopsTarget, ctx: DeployContext, history: boolean): Promise<Checkout> {
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
function safeRemote(remote: string): string {
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

function readValue(dir: string, file: string, key: string[]): { path: string; text: string; value: string } {
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

interface Pushed {
  sha: string;
  changed: boolean;
  attempts: number;
  previous: string;
}

/** Applies `change` on the branch head and pushes, re-applying on the new head after each lost race. */
async function commitAndPush(
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

function imageFor(kind: ValueKind, repository: string | undefined, value: string): string {
  if (!value) return '';
  if (kind === 'ref' || !repository) return value;
  return kind === 'digest' ? `${repository}@${value}` : `${repository}:${value}`;
}

function runLine(ctx: DeployContext): string[] {
  const o = ctx.origin ?? {};
  const who = o.actor ? `by ${o.actor}` : 'by stagecraft';
  return [
    `Deployed ${who}${o.runUrl ? ` in ${o.runUrl}` : ''}.`,
    ...(o.repository || o.sha
      ? [`Source: ${o.repository ?? ''}${o.sha ? `@${o.sha}` : ''}${o.ref ? ` (${o.ref})` : ''}`]
      : []),
  ];
}

export async function deployGitops(options: GitopsDeployOptions, ctx: DeployContext): Promise<DeployResult> {
  const repository = repositoryName(parseImageRef(options.image));
  const co = await checkout(options, ctx, false);
  try {
    const subject = (options.message ?? 'deploy({environment}): {image}')
      .replaceAll('{environment}', ctx.environment)
      .replaceAll('{image}', options.image)
      .replaceAll('{value}', options.value);
    const pushed = await commitAndPush(co, options, ctx, async (current) => {
      const edit = setYamlValue(current.text, options.key, options.value, options.file);
      if (!edit.changed) return undefined;
      const message = [
        subject,
        '',
        `Set ${options.key.join('.')} in ${options.file} to ${options.value} (was ${current.value || 'empty'}).`,
        ...runLine(ctx),
        '',
        `Stagecraft-Environment: ${ctx.environment}`,
        `Stagecraft-Image: ${options.image}`,
      ].join('\n');
      return { text: edit.text, message };
    });
    const key = `${options.file}:${options.key.join('.')}`;
    ctx.log.info(
      pushed.changed
        ? `${ctx.dryRun ? 'Would set' : 'Set'} ${key} to ${options.value} (was ${pushed.previous || 'empty'})${ctx.dryRun ? '' : `: commit ${pushed.sha.slice(0, 12)} after ${pushed.attempts} attempt(s)`}`
        : `${key} is already ${options.value}: no commit`,
    );
    return {
      image: options.image,
      previousImage: imageFor(options.valueKind, repository, pushed.previous),
      revision: pushed.sha,
      changed: pushed.changed,
      extraOutputs: {},
      summary: [
        pushed.changed
          ? `${ctx.dryRun ? 'Would commit' : `Committed \`${pushed.sha.slice(0, 12)}\``} to \`${co.branch}\` of \`${safeRemote(co.remote)}\`: \`${key}\` ${pushed.previous || 'empty'} → ${options.value}` +
            (pushed.attempts > 1 ? ` (after ${pushed.attempts - 1} lost push race(s))` : '')
          : `\`${key}\` in \`${co.branch}\` already is \`${options.value}\`: no commit.`,
      ],
    };
  } finally {
    rmSync(co.dir, { recursive: true, force: true });
  }
}

/** The value to write for an explicit `to`: an image reference gives its tag/digest, else taken as is. */
function valueToWrite(kind: ValueKind, to: string): string {
  if (kind === 'ref') return to;
  try {
    const ref = parseImageRef(to);
    const value = kind === 'tag' ? ref.tag : ref.digest;
    if (value && (to.includes(':') || to.includes('@'))) return value;
  } catch {
    // not an image reference: a bare tag or digest
  }
  return to;
}

async function readHistory(co: Checkout, path: string, key: string[], file: string): Promise<HistoryEntry[]> {
  const log = await co.git.run(
    ['log', '-n', '200', '--format=%H%x00%B%x1e', '--', path],
    'Reading the history',
  );
  const entries: HistoryEntry[] = [];
  for (const record of log.split('\x1e')) {
    const [commit, message = ''] = record.trim().split('\x00');
    if (!commit) continue;
    const shown = await co.git.exec(['show', `${commit}:${path}`]);
    if (shown.code !== 0) continue; // the file was deleted in this commit
    let value: string;
    try {
      value = getYamlValue(shown.stdout, key, file);
    } catch {
      continue; // the key did not exist yet, or the file was not valid YAML then
    }
    const from = rolledBackFrom(message);
    entries.push({ commit, value, ...(from !== undefined ? { rolledBackFrom: from } : {}) });
  }
  return entries;
}

export async function rollbackGitops(
  options: GitopsRollbackOptions,
  ctx: DeployContext,
): Promise<RollbackResult> {
  const repository = options.imageRepository;
  const co = await checkout(options, ctx, true);
  try {
    let from = '';
    let to = '';
    const pushed = await commitAndPushRollback(co, options, ctx, (f, t) => {
      from = f;
      to = t;
    });
    const key = `${options.file}:${options.key.join('.')}`;
    return {
      from: imageFor(options.valueKind, repository, from),
      to: imageFor(options.valueKind, repository, to),
      revision: pushed.sha,
      summary: [
        `${ctx.dryRun ? 'Would commit' : `Committed \`${pushed.sha.slice(0, 12)}\``} to \`${co.branch}\`: \`${key}\` ${from} → ${to}`,
      ],
    };
  } finally {
    rmSync(co.dir, { recursive: true, force: true });
  }
}

/** Rollback: choose the target on the current head (again after each lost race), then commit it. */
function commitAndPushRollback(
  co: Checkout,
  options: GitopsRollbackOptions,
  ctx: DeployContext,
  report: (from: string, to: string) => void,
): Promise<Pushed> {
  const where = `${options.file}:${options.key.join('.')}`;
  return commitAndPush(
    co,
    options,
    ctx,
    async (current) => {
      // Chosen per attempt: a deploy that landed meanwhile changes what "previous" means.
      let target: { value: string; commit?: string } | undefined;
      if (options.to) target = { value: valueToWrite(options.valueKind, options.to) };
      else {
        const history = await readHistory(co, current.path, options.key, options.file);
        target = previousValue(current.value, history);
        if (!target) {
          throw new StepError(
            `No previous version to roll back to: ${where} is ${current.value || 'empty'} and its history (${history.length} commit(s)) holds no earlier value; nothing changed. Give \`to\` to choose a version.`,
          );
        }
      }
      report(current.value, target.value);
      if (current.value === target.value) return undefined;
      const edit = setYamlValue(current.text, options.key, target.value, options.file);
      return {
        text: edit.text,
        message: [
          `rollback(${ctx.environment}): ${current.value} -> ${target.value}`,
          '',
          `Set ${options.key.join('.')} in ${options.file} back to ${target.value}${target.commit ? ` (as of ${target.commit.slice(0, 12)})` : ''}.`,
          ...(options.reason ? [`Reason: ${options.reason}`] : []),
          ...runLine(ctx).map((l) => l.replace('Deployed', 'Rolled back')),
          '',
          `Stagecraft-Environment: ${ctx.environment}`,
          `${ROLLED_BACK_TRAILER}: ${current.value}`,
        ].join('\n'),
      };
    },
    true,
  );
}
