/**
 * Slack Web API with a bot token: `chat.postMessage` once per (commit, environment), then
 * `chat.update` of that message for each later status, plus a reply in its thread for each
 * status change. Slack answers most errors with HTTP 200 and `{ ok: false, error }`; 429 carries
 * Retry-After; both 429 and 5xx are retried through the one retry helper. The token never
 * appears in an error message.
 */
import { httpFetch, networkReason } from '../http.js';
import type { SlackRef } from './board.js';

export interface SlackApiOptions {
  token: string;
  /** Web API base, `https://slack.com/api` by default. */
  apiUrl: string;
  retries?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  warn?: (message: string) => void;
}

/** A Slack error: `code` is Slack's own (`channel_not_found`, `invalid_auth`, …) or the HTTP status. */
export class SlackError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
  ) {
    super(`Slack ${method}: ${code}`);
  }
}

interface SlackAnswer {
  ok: boolean;
  error?: string;
  channel?: string;
  ts?: string;
  response_metadata?: { messages?: string[] };
}

/** Calls one Web API method with a JSON body (token in the Authorization header). */
export async function slackCall(
  method: string,
  args: Record<string, unknown>,
  options: SlackApiOptions,
): Promise<SlackAnswer> {
  const retries = options.retries ?? 3;
  const url = `${options.apiUrl.replace(/\/+$/, '')}/${method}`;
  let res: Awaited<ReturnType<typeof httpFetch>>;
  try {
    res = await httpFetch(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json; charset=utf-8',
        },
        body: JSON.stringify(args),
      },
      {
        timeoutMs: options.timeoutMs ?? 10_000,
        retry: {
          attempts: retries + 1,
          baseMs: options.retryBaseMs ?? 1000,
          capMs: 30_000,
          maxRetryAfterMs: 60_000,
          onRetry: ({ attempt, delayMs, reason }) =>
            options.warn?.(`Slack ${method}: ${reason}; retry ${attempt}/${retries} in ${delayMs}ms`),
        },
      },
    );
  } catch (err) {
    throw new SlackError(method, `unreachable (${networkReason(err)})`);
  }
  const text = await res.text();
  if (!res.ok) throw new SlackError(method, `HTTP ${res.status}${text ? ` ${text.slice(0, 200)}` : ''}`);
  let answer: SlackAnswer;
  try {
    answer = JSON.parse(text) as SlackAnswer;
  } catch {
    throw new SlackError(method, `not a Web API answer (${text.slice(0, 100)})`);
  }
  if (!answer.ok) {
    const detail = answer.response_metadata?.messages?.join('; ');
    throw new SlackError(method, `${answer.error ?? 'unknown_error'}${detail ? ` (${detail})` : ''}`);
  }
  return answer;
}

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export interface SlackDelivery {
  ref: SlackRef;
  action: 'posted' | 'updated';
  /** True when a reply went into the message's thread. */
  replied: boolean;
}

/**
 * Posts the message, or updates the one in `previous` (same commit and channel) and replies in
 * its thread when the status changed. A message deleted since is posted anew.
 */
export async function deliverSlack(
  message: SlackMessage,
  target: { channel: string; sha: string; status: string; reply: string },
  previous: SlackRef | undefined,
  options: SlackApiOptions,
): Promise<SlackDelivery> {
  const same = previous && previous.sha === target.sha && previous.channel === target.channel;
  if (same) {
    try {
      await slackCall(
        'chat.update',
        { channel: previous.channelId, ts: previous.ts, text: message.text, blocks: message.blocks },
        options,
      );
      const changed = previous.status !== target.status;
      if (changed)
        await slackCall(
          'chat.postMessage',
          { channel: previous.channelId, thread_ts: previous.ts, text: target.reply },
          options,
        );
      return { ref: { ...previous, status: target.status }, action: 'updated', replied: changed };
    } catch (err) {
      if (!(err instanceof SlackError && err.code === 'message_not_found')) throw err;
      options.warn?.(`Slack message ${previous.ts} is gone; posting a new one`);
    }
  }
  const posted = await slackCall(
    'chat.postMessage',
    { channel: target.channel, text: message.text, blocks: message.blocks },
    options,
  );
  if (!posted.ts || !posted.channel) throw new SlackError('chat.postMessage', 'answer without ts/channel');
  return {
    ref: {
      channel: target.channel,
      channelId: posted.channel,
      ts: posted.ts,
      sha: target.sha,
      status: target.status,
    },
    action: 'posted',
    replied: false,
  };
}
