/**
 * Sticky comments: one comment per marker on a PR/MR, updated in place. Concurrent runs with one
 * marker converge: every run keeps the OLDEST marked comment (lowest id) and deletes the younger
 * ones after it created its own, so no two runs ever delete each other's keeper.
 */
import type { Log } from '../log.js';

export interface Comment {
  id: number;
  body: string;
}

/** The comments of one PR/MR; GitHub issue comments and GitLab MR notes both fit. */
export interface CommentApi {
  list(): Promise<Comment[]>;
  create(body: string): Promise<Comment>;
  update(id: number, body: string): Promise<void>;
  /** Deletes a comment; resolves false when it was already gone. */
  remove(id: number): Promise<boolean>;
}

export interface StickyResult {
  id: number;
  action: 'created' | 'updated' | 'unchanged';
  /** Younger duplicates removed (left by concurrent runs or older versions). */
  removed: number[];
}

function marked(comments: Comment[], marker: string): Comment[] {
  return comments.filter((c) => c.body.includes(marker)).sort((a, b) => a.id - b.id);
}

/** Deletes every comment of `all` but `keeper`; returns the ids that were still there. */
export async function removeYounger(
  api: CommentApi,
  keeper: Comment,
  all: Comment[],
  log: Log,
): Promise<number[]> {
  const removed: number[] = [];
  for (const c of all) {
    if (c.id === keeper.id) continue;
    if (await api.remove(c.id)) removed.push(c.id);
    log.debug(`removed duplicate comment ${c.id} (keeping ${keeper.id})`);
  }
  return removed;
}

export async function upsertComment(
  api: CommentApi,
  body: string,
  options: { marker: string; sticky: boolean; log: Log },
): Promise<StickyResult> {
  const { marker, log } = options;
  if (!options.sticky) return { id: (await api.create(body)).id, action: 'created', removed: [] };

  const existing = marked(await api.list(), marker);
  const keeper = existing[0];
  if (keeper) {
    const unchanged = keeper.body === body;
    if (!unchanged) await api.update(keeper.id, body);
    const removed = await removeYounger(api, keeper, existing, log);
    return { id: keeper.id, action: unchanged ? 'unchanged' : 'updated', removed };
  }

  const created = await api.create(body);
  // Another run may have created one at the same time: re-list and keep the oldest.
  const after = marked(await api.list(), marker);
  const oldest = after[0] ?? created;
  const removed = await removeYounger(
    api,
    oldest,
    after.some((c) => c.id === created.id) ? after : [...after, created],
    log,
  );
  if (oldest.id === created.id) return { id: created.id, action: 'created', removed };
  if (oldest.body !== body) await api.update(oldest.id, body);
  return { id: oldest.id, action: 'updated', removed };
}
