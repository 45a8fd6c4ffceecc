/**
 * Writing one row of a PR's board when comments have no compare-and-swap. A run merges its row
 * into the rows of every board comment it sees, writes the oldest board (creating one when there
 * is none), deletes younger duplicates (a concurrent creator's), then waits a moment and re-reads:
 * when a concurrent writer's older view overwrote rows this run wrote, it merges and writes again,
 * a bounded number of times. Concurrent creators converge on the oldest comment, as sticky.ts does.
 */
import type { Log } from '../log.js';
import { sleep } from '../retry.js';
import {
  BOARD_MARKER,
  type BoardRow,
  holds,
  mergeRows,
  parseBoard,
  type Rows,
  renderBoard,
} from './board.js';
import { type Comment, type CommentApi, removeYounger } from './sticky.js';

export interface BoardOptions {
  /** The platform's comment size limit (characters). */
  limit: number;
  log: Log;
  /** Writes in all before giving up on confirming the board (default 5). */
  attempts?: number;
  /** Wait before each re-read, so a concurrent writer's in-flight write lands first (ms). */
  settleMs?: number;
  /** Comments already listed by the caller (saves one list call). */
  listed?: Comment[];
  random?: () => number;
}

export interface BoardResult {
  id: number;
  action: 'created' | 'updated' | 'unchanged';
  /** Writes (create/update) this run made. */
  writes: number;
  /** False when the rows could not be confirmed within the attempts (a warning, not an error). */
  confirmed: boolean;
  rows: Rows;
}

export function boards(comments: Comment[]): Comment[] {
  return comments.filter((c) => c.body.startsWith(BOARD_MARKER)).sort((a, b) => a.id - b.id);
}

/** The board rows already on a PR (all board comments merged). */
export function boardRows(comments: Comment[]): Rows {
  return mergeRows(...boards(comments).map((c) => parseBoard(c.body)));
}

export async function upsertBoardRow(
  api: CommentApi,
  row: BoardRow,
  options: BoardOptions,
): Promise<BoardResult> {
  const attempts = options.attempts ?? 5;
  const random = options.random ?? Math.random;
  const settle = () => sleep(Math.round((options.settleMs ?? 500) * (0.5 + random())));
  const mine: Rows = { [row.environment]: row };
  let comments = options.listed ?? (await api.list());
  let id: number | undefined;
  let action: BoardResult['action'] = 'unchanged';
  let writes = 0;
  // Rows this run has written: a re-read must still hold them (or newer ones).
  let written: Rows = mine;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const found = boards(comments);
    const rows = mergeRows(...found.map((c) => parseBoard(c.body)), written, mine);
    const body = renderBoard(rows, options.limit);
    const keeper = found[0];
    if (!keeper) {
      id = (await api.create(body)).id;
      action = 'created';
      writes++;
    } else {
      id = keeper.id;
      if (keeper.body !== body) {
        await api.update(keeper.id, body);
        if (action !== 'created') action = 'updated';
        writes++;
      }
      await removeYounger(api, keeper, found, options.log);
    }
    written = mergeRows(written, parseBoard(body));
    if (writes === 0) return { id, action, writes, confirmed: true, rows };
    await settle();
    comments = await api.list();
    const after = boards(comments);
    const shown = after[0] ? parseBoard(after[0].body) : {};
    if (after.length === 1 && holds(shown, mine) && holds(shown, written))
      return { id: after[0]?.id ?? id, action, writes, confirmed: true, rows: shown };
    options.log.debug(`board re-read ${attempt}: a concurrent run changed it; merging rows again`);
  }
  return { id: id as number, action, writes, confirmed: false, rows: written };
}
