/**
 * A stopped preview environment's row on the PR/MR board (notify-pr `board: true`) says
 * `stopped`. Only an existing row is rewritten: stop-env adds no board where none was asked for.
 * A board that cannot be written is a warning.
 */
import { errorMessage } from '../core/errors.js';
import type { BoardRow, SlackRef } from '../core/notify/board.js';
import { boardRows, upsertBoardRow } from '../core/notify/board-sync.js';
import { commentLimit } from '../core/notify/message.js';
import { slackPayload, statusChange } from '../core/notify/slack.js';
import { deliverSlack, type SlackMessage } from '../core/notify/slack-api.js';
import { connectForge } from '../platform/forge.js';
import type { Runtime } from '../platform/runtime.js';

export interface SlackBot {
  token: string;
  apiUrl: string;
}

/** The Slack message a row names, updated to `stopped` with a reply in its thread; the new reference. */
async function updateSlack(rt: Runtime, row: BoardRow, bot: SlackBot): Promise<SlackRef | undefined> {
  const previous = row.slack as SlackRef;
  const values = {
    environment: row.environment,
    status: 'stopped',
    ...(row.image ? { image: row.image } : {}),
    ...(row.sha ? { sha: row.sha } : {}),
    ...(rt.ctx.runUrl ? { runUrl: rt.ctx.runUrl } : {}),
  };
  try {
    const delivery = await deliverSlack(
      slackPayload(values) as unknown as SlackMessage,
      {
        channel: previous.channel,
        sha: previous.sha,
        status: 'stopped',
        reply: statusChange('stopped', previous.status),
      },
      previous,
      {
        token: bot.token,
        apiUrl: bot.apiUrl,
        warn: (m) => rt.warning(m),
        retryBaseMs: rt.tuning.retryBaseMs ?? 1000,
      },
    );
    rt.info(`Slack: message ${delivery.ref.ts} ${delivery.action} (stopped)`);
    return delivery.ref;
  } catch (err) {
    rt.warning(`Could not update the Slack message of ${row.environment}: ${errorMessage(err)}`);
    return undefined;
  }
}

export async function markBoardStopped(
  rt: Runtime,
  token: string | undefined,
  environment: string,
  pull: number | undefined,
  slack?: SlackBot,
): Promise<string[]> {
  if (pull === undefined) return [];
  try {
    const forge = await connectForge(rt, { ...(token ? { token } : {}) });
    const api = forge.comments(pull);
    const listed = await api.list();
    const row = boardRows(listed)[environment];
    if (!row) return [];
    const slackRef = row.slack && slack ? await updateSlack(rt, row, slack) : undefined;
    const result = await upsertBoardRow(
      api,
      {
        ...row,
        status: 'stopped',
        time: new Date().toISOString(),
        ...(rt.ctx.runUrl ? { runUrl: rt.ctx.runUrl } : {}),
        ...(slackRef ? { slack: slackRef } : {}),
      },
      { limit: commentLimit(forge.kind), log: rt, settleMs: (rt.tuning.retryBaseMs ?? 1000) / 2, listed },
    );
    rt.info(`Board of #${pull}: row ${environment} says stopped (${result.action})`);
    return [
      `Board row \`${environment}\` on #${pull}: \`stopped\`.`,
      ...(slackRef ? [`Slack message ${slackRef.ts} updated: \`stopped\`.`] : []),
    ];
  } catch (err) {
    rt.warning(`Could not mark ${environment} stopped on the board of #${pull}: ${errorMessage(err)}`);
    return [];
  }
}
