/**
 * gitops rollback: each entry's key goes back to the value before the current one (from the
 * file's history on the branch head, chosen again after every lost race) or to `to`, all in one
 * commit that records what it rolled back from (trailers, see history.ts).
 */
import { StepError } from '../../errors.js';
import { parseImageRef } from '../../image-ref.js';
import { type HoldCandidate, newHold } from '../holds.js';
import { HOLDS_FILE } from '../holds-format.js';
import type { DeployContext, RollbackResult } from '../types.js';
import { type ChangeSet, type Head, writeChangeSet } from './changes.js';
import { applyEdits, type KeyInput, readEntry } from './edits.js';
import {
  type HistoryEntry,
  previousValue,
  repositoryOfValue,
  rolledBackFrom,
  rolledBackTrailer,
} from './history.js';
import { recordGitopsHolds } from './holds-file.js';
import { pullRequest, pullRequestOutputs } from './pull-request.js';
import {
  type GitopsEntry,
  type GitopsTarget,
  imageFor,
  openWriter,
  runLine,
  type ValueKind,
  where,
} from './target.js';
import { getYamlValue } from './yaml-edit.js';

/** One key to roll back, with the image repository (when known) to report full references. */
export interface RollbackEntry extends GitopsEntry {
  imageRepository?: string;
}

export interface GitopsRollbackOptions extends GitopsTarget {
  entries: RollbackEntry[];
  input?: KeyInput;
  valueKind: ValueKind;
  /** Explicit version (one entry only): an image reference or the bare value. */
  to?: string;
  reason?: string;
}

/** How many commits of a file's history a rollback reads. */
const HISTORY_DEPTH = 200;

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

/** The key's values in the file's history, and the image repository its deploy commits name. */
async function readHistory(
  head: Head,
  entry: GitopsEntry,
  kind: ValueKind,
): Promise<{ entries: HistoryEntry[]; repository?: string }> {
  const entries: HistoryEntry[] = [];
  let repository: string | undefined;
  for (const version of await head.history(entry.file, HISTORY_DEPTH)) {
    if (version.text === undefined) continue; // the file was deleted in this commit
    let value: string;
    try {
      value = getYamlValue(version.text, entry.key, entry.file);
    } catch {
      continue; // the key did not exist yet, or the file was not valid YAML then
    }
    if (kind !== 'ref') repository ??= repositoryOfValue(version.message, kind, value);
    const from = rolledBackFrom(version.message, where(entry));
    entries.push({ commit: version.commit, value, ...(from !== undefined ? { rolledBackFrom: from } : {}) });
  }
  return { entries, ...(repository ? { repository } : {}) };
}

export interface RollbackStep {
  entry: RollbackEntry;
  from: string;
  to: string;
  /** The commit whose value is restored, when it came from the history. */
  commit?: string;
}

/**
 * Where each entry goes back to, on this head. A rollback's change set is these edits; the holds
 * (`.stagecraft/holds.yaml`) join the same commit from the same steps.
 */
export async function planRollback(
  head: Head,
  options: GitopsRollbackOptions,
  ctx: DeployContext,
): Promise<{ steps: RollbackStep[]; set: ChangeSet }> {
  const input = options.input ?? 'key';
  const several = options.entries.length > 1;
  const steps: RollbackStep[] = [];
  for (let entry of options.entries) {
    const current = await readEntry(head, entry, input);
    if (options.to) {
      steps.push({ entry, from: current, to: valueToWrite(options.valueKind, options.to) });
      continue;
    }
    const { entries: history, repository } = await readHistory(head, entry, options.valueKind);
    // Without the `image` input, the deploy commits name the repository: outputs stay full references.
    if (!entry.imageRepository && repository) entry = { ...entry, imageRepository: repository };
    const target = previousValue(current, history);
    if (!target) {
      throw new StepError(
        `No previous version to roll back to: ${where(entry)} is ${current || 'empty'} and its history (${history.length} commit(s)) holds no earlier value; nothing changed. Give \`to\` to choose a version.`,
      );
    }
    steps.push({ entry, from: current, to: target.value, commit: target.commit });
  }
  const moving = steps.filter((s) => s.from !== s.to);
  const edited = await applyEdits(
    head,
    moving.map((s) => ({ entry: s.entry, value: s.to })),
    input,
  );
  // What each step leaves is held in this environment, in the same commit (holds-file.ts).
  const holds = moving.length
    ? [
        await recordGitopsHolds(
          head,
          ctx.environment,
          moving.map((s) => ({
            hold: newHold(heldAs(options.valueKind, s.entry, s.from), options.reason, ctx.origin),
            // A candidate always has an image: the bare value where the repository is unknown.
            to: {
              ...heldAs(options.valueKind, s.entry, s.to),
              image: imageFor(options.valueKind, s.entry.imageRepository, s.to),
            },
          })),
        ),
      ]
    : [];
  const subject = several
    ? `rollback(${ctx.environment}): ${moving.length} key(s)`
    : `rollback(${ctx.environment}): ${steps[0]?.from} -> ${steps[0]?.to}`;
  const message = [
    subject,
    '',
    ...moving.map(
      (s) =>
        `Set ${s.entry.key.join('.')} in ${s.entry.file} back to ${s.to}${s.commit ? ` (as of ${s.commit.slice(0, 12)})` : ''}.`,
    ),
    ...(options.reason ? [`Reason: ${options.reason}`] : []),
    ...(moving.length
      ? [
          `Held ${moving.map((s) => s.from).join(', ')} in ${ctx.environment} (${HOLDS_FILE}): deploy-env refuses it there unless \`force: true\`.`,
        ]
      : []),
    ...runLine(ctx).map((l) => l.replace('Deployed', 'Rolled back')),
    '',
    `Stagecraft-Environment: ${ctx.environment}`,
    ...moving.map((s) => rolledBackTrailer(s.from, several ? where(s.entry) : undefined)),
  ].join('\n');
  return { steps, set: { changes: [...edited.changes, ...holds], message } };
}

/**
 * A value a rollback moves from or to, as a hold names it: the value at its file and key, and the
 * full image where it is known (a ref, or a tag/digest with the `image` input's repository).
 */
function heldAs(
  kind: ValueKind,
  entry: RollbackEntry,
  value: string,
): Omit<HoldCandidate, 'image'> & { image?: string } {
  const known = kind === 'ref' || entry.imageRepository;
  return {
    ...(known ? { image: imageFor(kind, entry.imageRepository, value) } : {}),
    value,
    file: entry.file,
    key: entry.key.join('.'),
  };
}

export async function rollbackGitops(
  options: GitopsRollbackOptions,
  ctx: DeployContext,
): Promise<RollbackResult> {
  const writer = await openWriter(options, ctx, true);
  try {
    const written = await writeChangeSet(
      writer,
      async (head) => {
        const { steps, set } = await planRollback(head, options, ctx);
        return { set, result: { steps, message: set.message } };
      },
      ctx,
      options,
    );
    const pr = await pullRequest(options, writer, ctx, written.result.message);
    const { steps } = written.result;
    const full = (s: RollbackStep, value: string) =>
      imageFor(options.valueKind, s.entry.imageRepository, value);
    return {
      from: steps.map((s) => full(s, s.from)).join('\n'),
      to: steps.map((s) => full(s, s.to)).join('\n'),
      revision: written.sha,
      ...(pr ? { extraOutputs: pullRequestOutputs(pr) } : {}),
      summary: [
        `${ctx.dryRun ? 'Would commit' : written.changed ? `Committed \`${written.sha.slice(0, 12)}\`` : 'No commit'} to \`${writer.branch}\`:`,
        '',
        ...steps.map((s) => `- \`${where(s.entry)}\` ${s.from} → ${s.to}`),
        ...(written.changed
          ? [
              '',
              `${steps.map((s) => `\`${s.from}\``).join(', ')} held in ${ctx.environment} (\`${HOLDS_FILE}\`).`,
            ]
          : []),
      ],
    };
  } finally {
    await writer.close();
  }
}
