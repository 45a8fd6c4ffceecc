/**
 * Slack incoming-webhook message (Block Kit) and its delivery. The webhook URL is a secret: no
 * error message built here contains it.
 */
import { httpFetch, networkReason } from '../http.js';
import type { HttpResponse } from '../transport.js';
import { type NotifyValues, statusIcon } from './message.js';

/** Slack mrkdwn needs exactly these three escaped; anything more shows up literally. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function link(url: string, label: string): string {
  // `|` and `>` end a Slack link; an URL containing them is shown as text instead.
  return /[|>]/.test(url) ? slackEscape(url) : `<${url.replace(/&/g, '&amp;')}|${slackEscape(label)}>`;
}

export interface SlackExtras {
  /** PR links shown under the message: number → URL. */
  pulls?: Array<{ number: number; url: string }>;
  repository?: string;
  /** The commit's page on the code host (the commit field links to it). */
  commitUrl?: string;
}

/** Block Kit's documented limits (characters unless said otherwise). */
export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  field: 2000,
  fields: 10,
  contextElements: 10,
  /** `text` is truncated by Slack past 40,000; 4,000 is the recommended maximum. */
  text: 4000,
};

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

type Block = Record<string, unknown>;
type TextObject = { type: string; text: string; emoji?: boolean };

/** Cuts every text object and list to Block Kit's limits, so Slack never answers invalid_blocks. */
export function clampBlocks(blocks: Block[]): Block[] {
  const text = (t: TextObject, max: number): TextObject => ({ ...t, text: clip(t.text, max) });
  return blocks.slice(0, SLACK_LIMITS.blocks).map((b) => {
    if (b.type === 'header') return { ...b, text: text(b.text as TextObject, SLACK_LIMITS.header) };
    if (b.type === 'section')
      return {
        ...b,
        ...(b.text ? { text: text(b.text as TextObject, SLACK_LIMITS.sectionText) } : {}),
        ...(b.fields
          ? {
              fields: (b.fields as TextObject[])
                .slice(0, SLACK_LIMITS.fields)
                .map((f) => text(f, SLACK_LIMITS.field)),
            }
          : {}),
      };
    if (b.type === 'context')
      return {
        ...b,
        elements: (b.elements as TextObject[])
          .slice(0, SLACK_LIMITS.contextElements)
          .map((e) => text(e, SLACK_LIMITS.sectionText)),
      };
    return b;
  });
}

const CHANGES: Record<string, string> = {
  success: 'deployed',
  deployed: 'deployed',
  failure: 'failed',
  failed: 'failed',
  'smoke-failed': 'smoke test failed',
  'rolled-back': 'rolled back',
  promoted: 'promoted',
};

/** The thread reply for a status change: `↩️ rolled back (was: deployed)`. */
export function statusChange(status: string, was: string): string {
  const word = (s: string) => CHANGES[s.toLowerCase()] ?? s;
  return clip(`${statusIcon(status)} ${word(status)} (was: ${word(was)})`, SLACK_LIMITS.text);
}

export function slackPayload(values: NotifyValues, extras: SlackExtras = {}): Record<string, unknown> {
  const env = values.environment ?? 'an environment';
  const title = `${statusIcon(values.status)} Deployment to ${env}: ${values.status}`;
  const fields = [
    ['Status', values.status],
    ['Environment', values.environment],
    ['Image', values.image && `\`${values.image}\``],
  ]
    .filter(([, v]) => v)
    .map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${slackEscape(v as string)}` }));
  if (values.sha) {
    const short = `\`${values.sha.slice(0, 12)}\``;
    fields.push({
      type: 'mrkdwn',
      text: `*Commit*\n${extras.commitUrl ? link(extras.commitUrl, short) : short}`,
    });
  }
  const links = [
    values.url && link(values.url, 'Open environment'),
    values.runUrl && link(values.runUrl, 'Pipeline run'),
    ...(extras.pulls ?? []).map((p) => link(p.url, `PR #${p.number}`)),
  ].filter(Boolean) as string[];
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
  ];
  if (fields.length) blocks.push({ type: 'section', fields });
  if (links.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] });
  if (extras.repository) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(extras.repository) }] });
  }
  // `text` is the notification / fallback line.
  return {
    text: clip(`${title}${values.image ? ` (${values.image})` : ''}`, SLACK_LIMITS.text),
    blocks: clampBlocks(blocks),
  };
}

export interface PostOptions {
  retries?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  warn?: (message: string) => void;
}

/** Posts to the webhook; retries 429/5xx (Retry-After honoured) and network errors; throws on the rest. */
export async function postSlack(
  webhookUrl: string,
  payload: unknown,
  options: PostOptions = {},
): Promise<void> {
  const retries = options.retries ?? 3;
  let res: HttpResponse;
  try {
    res = await httpFetch(
      webhookUrl,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) },
      {
        timeoutMs: options.timeoutMs ?? 10_000,
        retry: {
          attempts: retries + 1,
          baseMs: options.retryBaseMs ?? 1000,
          capMs: 30_000,
          onRetry: ({ attempt, delayMs, reason }) =>
            options.warn?.(`Slack: ${reason}; retry ${attempt}/${retries} in ${delayMs}ms`),
        },
      },
    );
  } catch (err) {
    // fetch errors name the host at most, never the path that holds the secret; say it our way anyway.
    throw new Error(`Slack webhook unreachable (${networkReason(err)})`);
  }
  if (res.ok) {
    await res.cancel(); // read out (small): the connection is kept
    return;
  }
  const text = (await res.text()).slice(0, 200);
  throw new Error(`Slack answered ${res.status}${text ? ` ${text}` : ''}`);
}
