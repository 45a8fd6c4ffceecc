/**
 * A stopped preview environment's row on the PR/MR board (notify-pr `board: true`) says
 * `stopped`. Only an existing row is rewritten: stop-env adds no board where none was asked for.
 * A board that cannot be written is a warning.
 */
import { errorMessage } from '../core/errors.js';
import { boardRows, upsertBoardRow } from '../core/notify/board-sync.js';
import { commentLimit } from '../core/notify/message.js';
import { connectForge } from '../platform/forge.js';
import type { Runtime } from '../platform/runtime.js';

export async function markBoardStopped(
  rt: Runtime,
  token: string | undefined,
  environment: string,
  pull: number | undefined,
): Promise<string[]> {
  if (pull === undefined) return [];
  try {
    const forge = await connectForge(rt, { ...(token ? { token } : {}) });
    const api = forge.comments(pull);
    const listed = await api.list();
    const row = boardRows(listed)[environment];
    if (!row) return [];
    const result = await upsertBoardRow(
      api,
      {
        ...row,
        status: 'stopped',
        time: new Date().toISOString(),
        ...(rt.ctx.runUrl ? { runUrl: rt.ctx.runUrl } : {}),
      },
      { limit: commentLimit(forge.kind), log: rt, settleMs: (rt.tuning.retryBaseMs ?? 1000) / 2, listed },
    );
    rt.info(`Board of #${pull}: row ${environment} says stopped (${result.action})`);
    return [`Board row \`${environment}\` on #${pull}: \`stopped\`.`];
  } catch (err) {
    rt.warning(`Could not mark ${environment} stopped on the board of #${pull}: ${errorMessage(err)}`);
    return [];
  }
}
