/**
 * The one HTTP transport: a fetch-shaped `send` on node:http/https. Every client of the pack
 * (registry, GitHub through Octokit's `request.fetch`, GitLab, Slack, smoke checks) sends
 * through it instead of the global fetch, whose first call costs ~100 ms of undici start-up
 * before a byte goes out (measured in bench/api-calls.mjs): the steps that make one or two API
 * calls spend most of their time there.
 *
 * What it does as fetch does: redirects are followed (up to 20; 303, and 301/302 after a POST,
 * become a GET; `authorization` is dropped when the redirect leaves the origin), request bodies
 * may be strings, bytes or a web ReadableStream, the response body is read once as text, JSON,
 * bytes or a web ReadableStream, a failed connection rejects with `TypeError('fetch failed')`
 * whose `cause` is the socket error, and an aborted signal rejects with its reason.
 */
import type { Agent, AgentOptions, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

// `import … from 'node:http'` fills the ES module namespace from every export of node:http, and
// its lazy WebSocket/MessageEvent exports start undici (~60 ms, the very cost this transport
// avoids): node:http and node:https are loaded with require instead.
const nodeRequire = createRequire(import.meta.url);
const http = nodeRequire('node:http') as typeof import('node:http');
const https = nodeRequire('node:https') as typeof import('node:https');

/** One read buffer per connection, as large as the reads libuv makes. */
const READ_BUFFER = 64 * 1024;

/**
 * An agent with the global agent's options (keep-alive, and on Node 24 any proxy settings) whose
 * connections read into one buffer each, reused for every read (node's documented `onread`).
 *
 * By default every socket read gets a fresh 64 KB buffer that lives until V8 collects it: a blob
 * streamed through the pack would leave 64 KB of garbage per read. Collected in batches, that
 * memory goes back to the system and the next reads fault it in again. Streaming six 10 MB blobs
 * between two local registries took about 300 ms of CPU before and 170 ms after (4,400 page faults
 * against 700, means of 21 copies); in bench/promote.mjs the index went from 0.99× to 0.93–0.96×.
 *
 * The HTTP client still gets each read as a `data` event, and its parser consumes it before the
 * event returns (body bytes are copied out, header text becomes strings), so the buffer is free
 * again for the next read. `pause()` and `resume()` stop and start the reads as usual.
 */
function reusingReads<A extends Agent>(agent: A): A {
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (options, onCreate) => {
    const buffer = Buffer.allocUnsafe(READ_BUFFER);
    const socket = connect(
      {
        ...options,
        onread: {
          buffer,
          callback: (length: number) => void socket?.emit('data', buffer.subarray(0, length)),
        },
      } as typeof options,
      onCreate,
    );
    return socket;
  };
  return agent;
}

/** The options an agent was made with (a property node has, but not its type declarations). */
const optionsOf = (agent: Agent) => (agent as unknown as { options: AgentOptions }).options;
const httpAgent = reusingReads(new http.Agent({ ...optionsOf(http.globalAgent) }));
const httpsAgent = reusingReads(new https.Agent({ ...optionsOf(https.globalAgent) }));

export interface SendInit {
  method?: string;
  headers?: Record<string, string>;
  /** A web ReadableStream, or a Node Readable (streamed copies: no web-stream hops per chunk). */
  body?: string | Uint8Array | ReadableStream<Uint8Array> | Readable | null;
  signal?: AbortSignal | null;
  redirect?: 'follow' | 'manual' | 'error';
}

/** Response headers: lower-case names, iterable like fetch's Headers. */
export class HttpHeaders implements Iterable<[string, string]> {
  private readonly map = new Map<string, string>();
  constructor(raw: IncomingMessage['headers'] = {}) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  forEach(fn: (value: string, name: string) => void): void {
    for (const [k, v] of this.map) fn(v, k);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/** Bodies up to this size are read to their end when dropped, to keep the connection. */
const DRAIN_LIMIT = 64 * 1024;

export class HttpResponse {
  readonly ok: boolean;
  readonly headers: HttpHeaders;
  private used = false;
  private web: ReadableStream<Uint8Array> | undefined;

  constructor(
    private readonly message: IncomingMessage,
    readonly url: string,
  ) {
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new HttpHeaders(message.headers);
  }

  get status(): number {
    return this.message.statusCode ?? 0;
  }

  get statusText(): string {
    return this.message.statusMessage ?? '';
  }

  /** The body as a web stream (for streamed copies); null once it was read another way. */
  get body(): ReadableStream<Uint8Array> | null {
    if (!this.web) {
      if (this.used) return null;
      this.used = true;
      this.web = Readable.toWeb(this.message) as unknown as ReadableStream<Uint8Array>;
    }
    return this.web;
  }

  /** The body as the Node stream it is (piped on without web-stream overhead); read once. */
  readable(): Readable {
    this.take();
    return this.message;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /**
   * Drops the body without handing it to anyone. A body already received, or small, is read to
   * its end, so the connection goes back to the pool for the next request (destroying it would
   * close the connection: a new TCP and TLS handshake for the next request); a large one, or one
   * being read, is cut off with its connection.
   */
  async cancel(): Promise<void> {
    if (this.web) return this.web.cancel().catch(() => {});
    const { message } = this;
    const length = Number(message.headers['content-length']);
    const unread = !this.used;
    this.used = true;
    if (message.readableEnded || message.destroyed) return;
    if (unread && message.complete) {
      // All there: read it out, and return once the connection is back in the pool.
      await new Promise<void>((resolve) => {
        message.once('end', resolve).once('close', resolve).resume();
      });
    } else if (unread && Number.isFinite(length) && length <= DRAIN_LIMIT) {
      message.resume(); // the rest is small: the connection is reused once it has arrived
    } else {
      message.destroy();
    }
  }

  private take(): void {
    if (this.used) throw new TypeError('Body has already been used');
    this.used = true;
  }

  private async bytes(): Promise<Buffer> {
    this.take();
    const chunks: Buffer[] = [];
    for await (const chunk of this.message) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Sends one request (following redirects); resolves when the response headers arrive. */
export async function send(input: string | URL, init: SendInit = {}): Promise<HttpResponse> {
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body ?? undefined;
  const headers = { ...init.headers };
  for (let hops = 0; ; hops++) {
    const res = await once(url, method, headers, body, init.signal ?? undefined);
    const location = res.headers.get('location');
    if (!REDIRECTS.has(res.status) || !location || init.redirect === 'manual') return res;
    await res.cancel();
    if (init.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error('redirect') });
    if (hops >= 20) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
    const next = new URL(location, url);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      for (const name of Object.keys(headers)) {
        if (/^content-(type|length|encoding|language|location)$/i.test(name)) delete headers[name];
      }
    } else if (body && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('fetch failed', {
        cause: new Error('cannot follow a redirect with a streamed body'),
      });
    }
    if (next.origin !== url.origin) {
      for (const name of Object.keys(headers))
        if (/^(authorization|cookie)$/i.test(name)) delete headers[name];
    }
    url = next;
  }
}

function once(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: SendInit['body'],
  signal: AbortSignal | undefined,
): Promise<HttpResponse> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(
      new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) }),
    );
  }
  const secure = url.protocol === 'https:';
  const make = secure ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = make(url, { method, headers, agent: secure ? httpsAgent : httpAgent });
    const onAbort = () => req.destroy(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (message) => {
      signal?.removeEventListener('abort', onAbort);
      // An abort after the headers ends the body stream with the signal's reason.
      if (signal) {
        const onLateAbort = () => message.destroy(signal.reason);
        signal.addEventListener('abort', onLateAbort, { once: true });
        message.once('close', () => signal.removeEventListener('abort', onLateAbort));
      }
      // A response without a body must still be read to its end, or its socket is never freed.
      if (method === 'HEAD' || [204, 205, 304].includes(message.statusCode ?? 0)) message.resume();
      resolve(new HttpResponse(message, url.href));
    });
    req.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err }));
    });
    if (body === undefined || body === null) req.end();
    else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
    else if (body instanceof Readable) body.on('error', (err) => req.destroy(err)).pipe(req);
    else {
      Readable.fromWeb(body as unknown as WebReadableStream<Uint8Array>)
        .on('error', (err) => req.destroy(err))
        .pipe(req);
    }
  });
}
