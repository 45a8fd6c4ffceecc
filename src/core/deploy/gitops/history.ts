/**
 * Rollback target from a file's history: the newest value before the current one, skipping
 * values that a later rollback moved away from (rolling back twice must not return to the
 * version the first rollback escaped from).
 */

/** Trailer a rollback commit carries, naming the value it rolled back away from. */
export const ROLLED_BACK_TRAILER = 'Stagecraft-Rolled-Back';

export interface HistoryEntry {
  commit: string;
  /** The value after this commit. */
  value: string;
  /** Set on rollback commits: the value this commit moved away from. */
  rolledBackFrom?: string;
}

/** `entries` newest first; returns the entry whose value to restore, or undefined when there is none. */
export function previousValue(current: string, entries: HistoryEntry[]): HistoryEntry | undefined {
  const skip = new Set<string>([current]);
  for (const entry of entries) {
    if (!skip.has(entry.value)) return entry;
    // Older commits that hold the value this rollback left behind are not candidates.
    if (entry.rolledBackFrom !== undefined) skip.add(entry.rolledBackFrom);
  }
  return undefined;
}

/** Reads the rollback trailer from a commit message. */
export function rolledBackFrom(message: string): string | undefined {
  const match = new RegExp(`^${ROLLED_BACK_TRAILER}: (.+)$`, 'm').exec(message);
  return match?.[1]?.trim();
}
