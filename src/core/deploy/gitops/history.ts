/**
 * Rollback target from a file's history: the newest value before the current one, skipping
 * values that a later rollback moved away from (rolling back twice must not return to the
 * version the first rollback escaped from).
 */

import { parseImageRef, repositoryName } from '../../image-ref.js';

/** Trailer a deploy commit carries for each image it wrote. */
export const IMAGE_TRAILER = 'Stagecraft-Image';

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

/**
 * The trailer of one rolled-back key. A commit that rolls back several keys names each
 * (`<value> @ <file>:<key>`); one key alone keeps the plain form.
 */
export function rolledBackTrailer(value: string, where?: string): string {
  return `${ROLLED_BACK_TRAILER}: ${value}${where ? ` @ ${where}` : ''}`;
}

/** Reads the rollback trailer (for `where`, when the commit names its keys) from a commit message. */
export function rolledBackFrom(message: string, where?: string): string | undefined {
  for (const match of message.matchAll(new RegExp(`^${ROLLED_BACK_TRAILER}: (.+)$`, 'gm'))) {
    const text = (match[1] as string).trim();
    const at = text.lastIndexOf(' @ ');
    if (at < 0) return text; // one key: the plain form
    if (where !== undefined && text.slice(at + 3) === where) return text.slice(0, at);
  }
  return undefined;
}

/**
 * The image repository of a value a deploy commit wrote (`tag` or `digest`), from its
 * `Stagecraft-Image` trailers: how a rollback given no `image` still reports full references.
 */
export function repositoryOfValue(
  message: string,
  kind: 'tag' | 'digest',
  value: string,
): string | undefined {
  for (const match of message.matchAll(new RegExp(`^${IMAGE_TRAILER}: (.+)$`, 'gm'))) {
    try {
      const ref = parseImageRef((match[1] as string).trim());
      if ((kind === 'tag' ? ref.tag : ref.digest) === value) return repositoryName(ref);
    } catch {
      // not an image reference: written by hand
    }
  }
  return undefined;
}
