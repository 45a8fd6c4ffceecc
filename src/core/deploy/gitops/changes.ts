/**
 * The write path of the gitops strategy, whatever carries the commit: a *plan* reads the files it
 * needs at the branch head and returns the changes (path + new content) and a commit message; a
 * *writer* (git: clone/commit/push, or a forge API: no clone) commits them on exactly that head.
 * When the head moved meanwhile (another deployer won the race) the plan runs again on the new
 * head, in the one retry loop below.
 */
import { StepError } from '../../errors.js';
import { retry } from '../../retry.js';
import type { DeployContext } from '../types.js';

export interface FileChange {
  /** Repository-relative path. */
  path: string;
  content: string;
  /** The file is removed (stop-env removing an environment's directory); `content` is unused. */
  deleted?: boolean;
}

export interface ChangeSet {
  changes: FileChange[];
  message: string;
}

export interface FileVersion {
  commit: string;
  /** The commit's full message (trailers included). */
  message: string;
  /** The file's text after that commit; undefined when the commit deleted it. */
  text: string | undefined;
}

/** The branch head a plan reads from. */
export interface Head {
  /** Commit sha (empty on a dry run of a branch that does not exist yet). */
  sha: string;
  /** A file's text at this head; a missing file is a StepError, a path out of the repository an InputError. */
  read(path: string): Promise<string>;
  /** A file's text at this head, or undefined when it does not exist (files a change may create). */
  readIfExists(path: string): Promise<string | undefined>;
  /** The commits that changed `path` up to this head, newest first, with the file at each. */
  history(path: string, limit: number): Promise<FileVersion[]>;
  /** The files under a directory at this head (repository-relative); absent where the writer cannot list. */
  list?(dir: string): Promise<string[]>;
}

/** Carries commits to one branch of the config repository. */
export interface ConfigWriter {
  /** The branch committed to. */
  branch: string;
  /** The branch it starts from and a pull request goes into (equal to `branch` without one). */
  base: string;
  /** Where, for logs and summaries (no credentials). */
  where: string;
  /** The branch head now (read again after a lost race). */
  head(): Promise<Head>;
  /** Commits `set` on `head` and moves the branch to it; throws HeadMoved when the branch moved first. */
  commit(head: Head, set: ChangeSet): Promise<string>;
  close(): Promise<void>;
}

/** The branch moved between reading and committing (or a transient failure worth re-applying). */
export class HeadMoved extends Error {
  constructor(
    /** `race` when another writer moved the branch first. */
    readonly kind: 'race' | 'transient',
    detail: string,
  ) {
    super(detail.trim().split('\n')[0] || detail);
    this.name = 'HeadMoved';
  }
}

/** What a plan decides on one head: the changes to commit (none: nothing to do) and its own result. */
export type Plan<R> = (head: Head) => Promise<{ set?: ChangeSet; result: R }>;

export interface Written<R> {
  /** The new commit, or the head when nothing changed. */
  sha: string;
  changed: boolean;
  attempts: number;
  result: R;
}

export interface WriteTuning {
  /** How often the head may move under us before giving up (default 50). */
  maxAttempts?: number;
  /** The least backoff slot (default 50 ms); a slot is otherwise as long as the last attempt took. */
  backoffMs?: number;
}

/** Runs `plan` on the branch head and commits its changes, re-planning on the new head after each lost race. */
export async function writeChangeSet<R>(
  writer: ConfigWriter,
  plan: Plan<R>,
  ctx: DeployContext,
  tuning: WriteTuning = {},
): Promise<Written<R>> {
  const maxAttempts = tuning.maxAttempts ?? 50;
  const minSlotMs = tuning.backoffMs ?? 50;
  let attempts = 0;
  // A lost race means another deployer committed while our attempt ran, so the wait before the
  // next one is counted in attempts (a slot: as long as the last attempt took), doubling per lost
  // race up to 8 slots, with full jitter: many deployers spread out instead of colliding again,
  // whatever the forge's latency.
  let slotMs = minSlotMs;
  try {
    return await retry(
      async (attempt) => {
        attempts = attempt;
        const started = Date.now();
        const head = await writer.head();
        const { set, result } = await plan(head);
        const unchanged = !set || set.changes.length === 0;
        if (unchanged || ctx.dryRun) {
          if (!unchanged)
            ctx.log.info(`Dry run: would commit to ${writer.branch}: ${set.message.split('\n')[0]}`);
          return { sha: head.sha, changed: !unchanged, attempts: attempt, result };
        }
        try {
          const sha = await writer.commit(head, set);
          return { sha, changed: true, attempts: attempt, result };
        } finally {
          slotMs = Math.max(minSlotMs, Date.now() - started);
        }
      },
      {
        attempts: maxAttempts,
        baseMs: () => slotMs,
        capMs: () => 8 * slotMs,
        jitter: 1,
        retryError: (err) =>
          err instanceof HeadMoved && {
            reason: err.kind === 'race' ? 'lost a race with another deployer' : 'failed transiently',
          },
        onRetry: ({ attempt, delayMs, reason }) =>
          ctx.log.info(
            `Commit ${reason}; re-applying on the new head in ${delayMs} ms (attempt ${attempt + 1}/${maxAttempts})`,
          ),
      },
    );
  } catch (err) {
    if (!(err instanceof HeadMoved)) throw err;
    throw new StepError(
      `Committing to ${writer.where} (${writer.branch}) failed${err.kind === 'race' ? ` after ${attempts} attempts: other deployers kept committing first` : ''}: ${err.message}`,
    );
  }
}
