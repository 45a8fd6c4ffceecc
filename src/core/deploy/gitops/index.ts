/**
 * gitops strategy: write the deployed version into YAML files of a config repository (the one
 * Argo CD / Flux sync), as one commit; roll back from the files' history. A plan turns the files
 * at the branch head into a change set; a writer (git or forge API) commits it, re-planning after
 * a lost race (changes.ts). Pull-request mode commits to `stagecraft/<environment>` and opens or
 * updates one PR/MR.
 */
import { type ParsedImage, repositoryName } from '../../image-ref.js';
import { type Hold, liftedLine } from '../holds.js';
import type { DeployContext, DeployResult } from '../types.js';
import { type ConfigWriter, type Written, writeChangeSet } from './changes.js';
import { applyEdits, type KeyInput } from './edits.js';
import { IMAGE_TRAILER } from './history.js';
import { checkGitopsHold } from './holds-file.js';
import { type OpenedPull, pullRequest, pullRequestOutputs } from './pull-request.js';
import {
  type GitopsEntry,
  type GitopsTarget,
  imageFor,
  openWriter,
  runLine,
  type ValueKind,
  where,
} from './target.js';

export { type GitopsRollbackOptions, rollbackGitops } from './rollback.js';
export type { GitopsEntry, GitopsTarget, PullRequestApi, ValueKind } from './target.js';

/** One key to set to a value taken from an image. */
export interface GitopsUpdate extends GitopsEntry {
  /** The text to write (already chosen from the image by `value`). */
  value: string;
  /** The full image reference (parsed at the edge), for messages, outputs and the previous value. */
  image: ParsedImage;
}

export interface GitopsDeployOptions extends GitopsTarget {
  /** One entry (`file`/`key`/`image`) or several (`updates`), all in one commit. */
  updates: GitopsUpdate[];
  /** Which input named the keys, for errors: `key` or `updates`. */
  input?: KeyInput;
  valueKind: ValueKind;
  /** Commit subject template: `{environment}`, `{image}`, `{value}`. */
  message?: string;
  /** Deploy an image a rollback held, and lift the hold in the same commit (`force` input). */
  force?: boolean;
}

function deployMessage(
  options: GitopsDeployOptions,
  ctx: DeployContext,
  previous: string[],
  lifted: Hold[],
): string {
  const { updates } = options;
  const first = updates[0] as GitopsUpdate;
  const images = updates.map((u) => u.image.text).join(', ');
  const subject = (options.message ?? 'deploy({environment}): {image}')
    .replaceAll('{environment}', ctx.environment)
    .replaceAll('{image}', images)
    .replaceAll('{value}', updates.length === 1 ? first.value : updates.map((u) => u.value).join(', '));
  return [
    subject,
    '',
    ...updates.map(
      (u, i) => `Set ${u.key.join('.')} in ${u.file} to ${u.value} (was ${previous[i] || 'empty'}).`,
    ),
    ...(lifted.length ? [`${liftedLine(lifted, ctx.environment)}.`] : []),
    ...runLine(ctx),
    '',
    `Stagecraft-Environment: ${ctx.environment}`,
    ...updates.map((u) => `${IMAGE_TRAILER}: ${u.image.text}`),
  ].join('\n');
}

export async function deployGitops(options: GitopsDeployOptions, ctx: DeployContext): Promise<DeployResult> {
  const input = options.input ?? 'key';
  const writer = await openWriter(options, ctx, false);
  try {
    const written = await writeChangeSet(
      writer,
      async (head) => {
        // Holds are checked on the head this attempt commits on (a rollback that landed meanwhile
        // counts), side by side with the edits' reads: a short attempt loses fewer races.
        const [held, edited] = await Promise.all([
          checkGitopsHold(
            head,
            ctx.environment,
            options.updates.map((u) => ({
              image: u.image.text,
              file: u.file,
              key: u.key.join('.'),
              value: u.value,
            })),
            options.force === true,
          ),
          applyEdits(
            head,
            options.updates.map((u) => ({ entry: u, value: u.value })),
            input,
          ),
        ]);
        // A forced deploy of a value already written still lifts the hold.
        const changes = [...edited.changes, ...(held.change ? [held.change] : [])];
        const message = deployMessage(options, ctx, edited.previous, held.lifted);
        return {
          set: { changes, message },
          result: { previous: edited.previous, message, lifted: held.lifted },
        };
      },
      ctx,
      options,
    );
    const pr = await pullRequest(options, writer, ctx, written.result.message);
    return deployResult(options, ctx, writer, written, pr);
  } finally {
    await writer.close();
  }
}

function deployResult(
  options: GitopsDeployOptions,
  ctx: DeployContext,
  writer: ConfigWriter,
  written: Written<{ previous: string[]; lifted: Hold[] }>,
  pr: OpenedPull | undefined,
): DeployResult {
  const { previous, lifted } = written.result;
  if (lifted.length) ctx.log.info(liftedLine(lifted, ctx.environment));
  const lines = options.updates.map((u, i) => {
    const key = where(u);
    return written.changed && previous[i] !== u.value
      ? `\`${key}\` ${previous[i] || 'empty'} → ${u.value}`
      : `\`${key}\` already is \`${u.value}\``;
  });
  for (const [i, u] of options.updates.entries()) {
    ctx.log.info(
      previous[i] !== u.value
        ? `${ctx.dryRun ? 'Would set' : 'Set'} ${where(u)} to ${u.value} (was ${previous[i] || 'empty'})`
        : `${where(u)} is already ${u.value}`,
    );
  }
  ctx.log.info(
    written.changed
      ? ctx.dryRun
        ? 'Dry run: nothing committed'
        : `Commit ${written.sha.slice(0, 12)} on ${writer.branch} after ${written.attempts} attempt(s)`
      : 'Nothing to change: no commit',
  );
  const previousImages = options.updates.map((u, i) =>
    imageFor(options.valueKind, repositoryName(u.image.ref), previous[i] ?? ''),
  );
  const head = written.changed
    ? `${ctx.dryRun ? 'Would commit' : `Committed \`${written.sha.slice(0, 12)}\``} to \`${writer.branch}\` of \`${writer.where}\`` +
      (written.attempts > 1 ? ` (after ${written.attempts - 1} lost race(s))` : '')
    : `No commit to \`${writer.branch}\`: nothing changed.`;
  return {
    image: options.updates.map((u) => u.image.text).join('\n'),
    previousImage: previousImages.join('\n'),
    revision: written.sha,
    changed: written.changed,
    extraOutputs: pullRequestOutputs(pr),
    summary: [
      head,
      '',
      ...lines.map((l) => `- ${l}`),
      ...(lifted.length ? ['', `${liftedLine(lifted, ctx.environment)}.`] : []),
      ...(pr ? ['', `${pr.created ? 'Opened' : 'Updated'} [#${pr.number}](${pr.url}).`] : []),
    ],
  };
}
