/**
 * gitops strategy: write the deployed version into a YAML file of a config repository (the one
 * Argo CD / Flux sync), as one commit, and push; roll back from the file's history. The clone and
 * the race-safe commit-and-push live in ./checkout.ts.
 */

import { rmSync } from 'node:fs';
import { StepError } from '../../errors.js';
import { parseImageRef, repositoryName } from '../../image-ref.js';
import { type Hold, liftedLine, newHold } from '../holds.js';
import { HOLDS_FILE } from '../holds-format.js';
import type { DeployContext, DeployResult, RollbackResult } from '../types.js';
import { type Checkout, checkout, commitAndPush, type Pushed, safeRemote } from './checkout.js';
import { type HistoryEntry, previousValue, ROLLED_BACK_TRAILER, rolledBackFrom } from './history.js';
import { checkGitopsHold, recordGitopsHold } from './holds-file.js';
import { getYamlValue, setYamlValue } from './yaml-edit.js';

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
  /** Deploy an image a rollback held, and lift the hold in the same commit (`force` input). */
  force?: boolean;
}

export interface GitopsRollbackOptions extends GitopsTarget {
  valueKind: ValueKind;
  /** Explicit version: an image reference or the bare value. */
  to?: string;
  reason?: string;
  /** Repository of the image (from the `image` input), to report full references. */
  imageRepository?: string;
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
    let lifted: Hold[] = [];
    const pushed = await commitAndPush(co, options, ctx, async (current) => {
      // Checked on the head this attempt commits on: a rollback that landed meanwhile counts.
      const held = checkGitopsHold(
        co.git.cwd,
        ctx.environment,
        { image: options.image, file: options.file, key: options.key.join('.'), value: options.value },
        options.force === true,
      );
      lifted = held.lifted;
      const edit = setYamlValue(current.text, options.key, options.value, options.file);
      if (!edit.changed && !held.change) return undefined;
      const message = [
        subject,
        '',
        `Set ${options.key.join('.')} in ${options.file} to ${options.value} (was ${current.value || 'empty'}).`,
        ...(held.change ? [`${liftedLine(held.lifted, ctx.environment)}.`] : []),
        ...runLine(ctx),
        '',
        `Stagecraft-Environment: ${ctx.environment}`,
        `Stagecraft-Image: ${options.image}`,
      ].join('\n');
      return { text: edit.text, message, ...(held.change ? { extra: [held.change] } : {}) };
    });
    if (lifted.length) ctx.log.info(liftedLine(lifted, ctx.environment));
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
        ...(lifted.length ? ['', `${liftedLine(lifted, ctx.environment)}.`] : []),
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
        ...(pushed.changed ? ['', `\`${from}\` is held in ${ctx.environment} (\`${HOLDS_FILE}\`).`] : []),
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
      const held = (value: string) => ({
        ...(options.valueKind === 'ref' || options.imageRepository
          ? { image: imageFor(options.valueKind, options.imageRepository, value) }
          : {}),
        value,
        file: options.file,
        key: options.key.join('.'),
      });
      const hold = newHold(held(current.value), options.reason, ctx.origin);
      const to = {
        image: imageFor(options.valueKind, options.imageRepository, target.value),
        ...held(target.value),
      };
      return {
        extra: [recordGitopsHold(co.git.cwd, ctx.environment, hold, to)],
        text: edit.text,
        message: [
          `rollback(${ctx.environment}): ${current.value} -> ${target.value}`,
          '',
          `Set ${options.key.join('.')} in ${options.file} back to ${target.value}${target.commit ? ` (as of ${target.commit.slice(0, 12)})` : ''}.`,
          ...(options.reason ? [`Reason: ${options.reason}`] : []),
          `Held ${current.value} in ${ctx.environment} (${HOLDS_FILE}): deploy-env refuses it there unless \`force: true\`.`,
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
