/**
 * A fake Slack Web API on 127.0.0.1 (`<url>/api/<method>`): chat.postMessage and chat.update,
 * checked against Slack's documented arguments for each method. As Slack does, it answers errors
 * with HTTP 200 and `{ ok: false, error }` (not_authed, invalid_auth, channel_not_found,
 * message_not_found, no_text, invalid_blocks, invalid_arguments, unknown_method), 429 with
 * Retry-After when rate limited, and 5xx on demand. Arguments no method documents, and requests
 * a real client could not make (no JSON body, token outside the Authorization header), are
 * recorded in `violations`, which tests assert empty.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackPost {
  channel: string;
  ts: string;
  text?: string;
  blocks?: Array<Record<string, unknown>>;
  thread_ts?: string;
  /** Texts of the versions chat.update replaced. */
  edits: number;
}

export interface FakeSlack {
  /** The Web API base to give as `slack-api-url`. */
  apiUrl: string;
  /** Top-level messages and replies, in posting order. */
  messages: SlackPost[];
  calls: Array<{ method: string; status: number; error?: string; args: Record<string, unknown> }>;
  violations: string[];
  /** Answers the next `times` calls (of `method`, or any) with an HTTP status (500, 429 + Retry-After). */
  failNext(fault: { status: number; method?: string; times?: number; retryAfter?: number }): void;
  /** Deletes a message, as a user can in the client (later chat.update: message_not_found). */
  remove(ts: string): void;
  close(): Promise<void>;
}

/** Channel names the workspace has, and their ids. */
const CHANNELS: Record<string, string> = { deploys: 'C0DEPLOYS01', releases: 'C0RELEASES1' };

const ARGS: Record<string, string[]> = {
  'chat.postMessage': [
    'channel',
    'text',
    'blocks',
    'attachments',
    'thread_ts',
    'reply_broadcast',
    'unfurl_links',
    'unfurl_media',
    'mrkdwn',
    'parse',
    'link_names',
    'icon_emoji',
    'icon_url',
    'username',
    'metadata',
    'as_user',
  ],
  'chat.update': [
    'channel',
    'ts',
    'text',
    'blocks',
    'attachments',
    'parse',
    'link_names',
    'reply_broadcast',
    'file_ids',
    'metadata',
    'as_user',
  ],
};

/** Block Kit limits as Slack documents them; a breach is `invalid_blocks`. */
function blockProblems(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const out: string[] = [];
  if (blocks.length > 50) out.push(`${blocks.length} blocks (at most 50)`);
  const textOf = (t: unknown, where: string, max: number, plainOnly = false) => {
    const o = t as { type?: string; text?: unknown };
    if (!o || typeof o.text !== 'string' || !o.text) return out.push(`${where}: text object needs text`);
    if (o.type !== 'plain_text' && (plainOnly || o.type !== 'mrkdwn')) out.push(`${where}: type ${o.type}`);
    if (o.text.length > max) out.push(`${where}: ${o.text.length} characters (at most ${max})`);
  };
  blocks.forEach((b: Record<string, unknown>, i) => {
    const at = `blocks[${i}]`;
    if (b.type === 'header') textOf(b.text, `${at}.text`, 150, true);
    else if (b.type === 'section') {
      if (!b.text && !b.fields) out.push(`${at}: section needs text or fields`);
      if (b.text) textOf(b.text, `${at}.text`, 3000);
      if (b.fields) {
        const fields = b.fields as unknown[];
        if (fields.length > 10) out.push(`${at}.fields: ${fields.length} (at most 10)`);
        for (const [j, f] of fields.entries()) textOf(f, `${at}.fields[${j}]`, 2000);
      }
    } else if (b.type === 'context') {
      const el = b.elements as unknown[];
      if (!Array.isArray(el) || !el.length || el.length > 10) out.push(`${at}.elements: 1 to 10`);
      else for (const [j, e] of el.entries()) textOf(e, `${at}.elements[${j}]`, 3000);
    } else if (b.type !== 'divider') out.push(`${at}: block type ${String(b.type)} not known to this fake`);
  });
  return out;
}

export async function startFakeSlack(options: { token: string }): Promise<FakeSlack> {
  const messages: SlackPost[] = [];
  const calls: FakeSlack['calls'] = [];
  const violations: string[] = [];
  const faults: Array<{ status: number; method?: string; left: number; retryAfter?: number }> = [];
  let clock = 1_764_450_000;
  let seq = 0;
  const channelId = (c: string) =>
    CHANNELS[c.replace(/^#/, '')] ?? (Object.values(CHANNELS).includes(c) ? c : undefined);

  function call(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const known = ARGS[method];
    if (!known) return { ok: false, error: 'unknown_method' };
    for (const k of Object.keys(args))
      if (!known.includes(k)) violations.push(`${method}: argument "${k}" is not documented`);
    if (args.token !== undefined) violations.push(`${method}: token sent in the body, not the header`);
    if (typeof args.channel !== 'string' || !args.channel) return { ok: false, error: 'channel_not_found' };
    if (args.blocks !== undefined) {
      const problems = blockProblems(args.blocks);
      if (problems.length) {
        violations.push(`${method}: ${problems.join('; ')}`);
        return { ok: false, error: 'invalid_blocks', response_metadata: { messages: problems } };
      }
    }
    const hasContent = (typeof args.text === 'string' && args.text) || Array.isArray(args.blocks);
    if (!hasContent) return { ok: false, error: 'no_text' };
    if (typeof args.text === 'string' && args.text.length > 40_000)
      return { ok: false, error: 'msg_too_long' };
    if (method === 'chat.postMessage') {
      const id = channelId(args.channel);
      if (!id) return { ok: false, error: 'channel_not_found' };
      if (args.thread_ts !== undefined && !messages.some((m) => m.ts === args.thread_ts && m.channel === id))
        return { ok: false, error: 'thread_not_found' };
      const ts = `${clock++}.${String(++seq).padStart(6, '0')}`;
      const post: SlackPost = { channel: id, ts, edits: 0 };
      for (const k of ['text', 'blocks', 'thread_ts'] as const)
        if (args[k] !== undefined) Object.assign(post, { [k]: args[k] });
      messages.push(post);
      return { ok: true, channel: id, ts, message: { type: 'message', text: post.text ?? '', ts } };
    }
    // chat.update takes the channel id only; a name is channel_not_found.
    if (!Object.values(CHANNELS).includes(args.channel)) return { ok: false, error: 'channel_not_found' };
    if (typeof args.ts !== 'string') return { ok: false, error: 'invalid_arguments' };
    const post = messages.find((m) => m.ts === args.ts && m.channel === args.channel);
    if (!post) return { ok: false, error: 'message_not_found' };
    if (args.text !== undefined) post.text = args.text as string;
    if (args.blocks !== undefined) post.blocks = args.blocks as SlackPost['blocks'];
    post.edits++;
    return { ok: true, channel: post.channel, ts: post.ts, text: post.text ?? '' };
  }

  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const method = /^\/api\/([\w.]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1] ?? '';
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(body));
      };
      let args: Record<string, unknown> = {};
      const seen = { method, status: 200, args } as FakeSlack['calls'][number];
      calls.push(seen);
      if (req.method !== 'POST') violations.push(`${req.method} ${method}: Web API writes are POSTs`);
      if (!/^application\/json/.test(req.headers['content-type'] ?? ''))
        violations.push(`${method}: content-type ${req.headers['content-type']} (JSON expected)`);
      try {
        args = JSON.parse(text || '{}');
        seen.args = args;
      } catch {
        violations.push(`${method}: body is not JSON`);
        return reply(200, { ok: false, error: 'invalid_json' });
      }
      const fault = faults.find((f) => f.left > 0 && (!f.method || f.method === method));
      if (fault) {
        fault.left--;
        seen.status = fault.status;
        const headers: Record<string, string> =
          fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
        return reply(
          fault.status,
          { ok: false, error: fault.status === 429 ? 'ratelimited' : 'fatal_error' },
          headers,
        );
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      let answer: Record<string, unknown>;
      if (!token) answer = { ok: false, error: 'not_authed' };
      else if (token !== options.token) answer = { ok: false, error: 'invalid_auth' };
      else answer = call(method, args);
      if (answer.error) seen.error = answer.error as string;
      reply(200, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${url}/api`,
    messages,
    calls,
    violations,
    failNext: (f) =>
      faults.push({
        status: f.status,
        left: f.times ?? 1,
        ...(f.method ? { method: f.method } : {}),
        ...(f.retryAfter !== undefined ? { retryAfter: f.retryAfter } : {}),
      }),
    remove(ts) {
      const i = messages.findIndex((m) => m.ts === ts);
      if (i >= 0) messages.splice(i, 1);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
