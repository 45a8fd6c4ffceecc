/**
 * The transport's connections read into one reused buffer each (src/core/transport.ts
 * `reusingReads`). Bodies must still arrive byte for byte: over HTTP and HTTPS, many at once,
 * read fast or slowly (the socket pauses and resumes), one response after another on a kept
 * connection, and streamed on into an upload as a blob copy does. Each body is checked by its
 * SHA-256 against what the server sent.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { send } from '../../src/core/transport.js';
import { pki } from '../fakes/kube-apiserver/tls.js';
import { startServer, type TestServer } from '../helpers/http.js';

const SIZE = 3 * 1024 * 1024 + 12_344; // not a multiple of any read size

/** A body of `SIZE` bytes that differs per seed, so a byte from another body or read shows. */
const bodies = new Map<number, Buffer>();
function body(seed: number): Buffer {
  const made = bodies.get(seed);
  if (made) return made;
  const out = Buffer.allocUnsafe(SIZE);
  let x = seed;
  for (let i = 0; i < SIZE; i += 4) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.writeUInt32LE(x, i);
  }
  bodies.set(seed, out);
  return out;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The SHA-256 of each upload received, by the server's port and the path. */
const uploads = new Map<string, string>();

function serve(req: IncomingMessage, res: ServerResponse) {
  const seed = Number(/\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
  if (req.method === 'PUT') {
    const hash = createHash('sha256');
    req.on('data', (chunk: Buffer) => hash.update(chunk));
    req.on('end', () => {
      uploads.set(`${req.socket.localPort}${req.url}`, hash.digest('hex'));
      res.writeHead(201, { 'content-length': '0' }).end();
    });
    return;
  }
  const bytes = body(seed);
  res.writeHead(200, { 'content-length': String(bytes.length) });
  // Odd-sized writes: the client's reads never line up with them.
  let at = 0;
  const next = () => {
    while (at < bytes.length) {
      const end = Math.min(at + 100_003, bytes.length);
      const more = res.write(bytes.subarray(at, end));
      at = end;
      if (!more) return void res.once('drain', next);
    }
    res.end();
  };
  next();
}

let plain: TestServer;
let secure: TestServer;
const defaultCAs = tls.getCACertificates('default');

beforeAll(async () => {
  const { server: pair, ca } = pki();
  // The test CA is trusted the way NODE_EXTRA_CA_CERTS would make it trusted.
  tls.setDefaultCACertificates([...defaultCAs, ca]);
  plain = await startServer(serve);
  secure = await startServer(serve, pair);
});

afterAll(async () => {
  tls.setDefaultCACertificates(defaultCAs);
  await Promise.all([plain?.close(), secure?.close()]);
});

/** Reads a body slowly (a pause every 8 chunks), so the socket stops and starts reading. */
async function readSlowly(readable: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  let chunks = 0;
  for await (const chunk of readable) {
    hash.update(chunk);
    if (++chunks % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return hash.digest('hex');
}

describe.each([
  ['HTTP', () => plain],
  ['HTTPS', () => secure],
])('bodies over %s', (_name, target) => {
  it('arrive intact, six at once, read fast and slowly', async () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const hashes = await Promise.all(
      seeds.map(async (seed) => {
        const res = await send(`${target().url}/blob/${seed}`);
        expect(res.status).toBe(200);
        if (seed % 2) return sha256(new Uint8Array(await res.arrayBuffer()));
        return readSlowly(res.readable());
      }),
    );
    expect(hashes).toEqual(seeds.map((seed) => sha256(body(seed))));
  });

  it('arrive intact one after another on one kept connection', async () => {
    const before = target().connections();
    for (const seed of [7, 8, 9]) {
      const res = await send(`${target().url}/blob/${seed}`);
      expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(body(seed)));
    }
    expect(target().connections() - before).toBeLessThanOrEqual(1);
  });

  it('stream on into an upload intact, as a blob copy does', async () => {
    const seeds = [10, 11, 12];
    await Promise.all(
      seeds.map(async (seed) => {
        const download = await send(`${target().url}/blob/${seed}`);
        const upload = await send(`${target().url}/upload/${seed}`, {
          method: 'PUT',
          headers: { 'content-length': String(SIZE) },
          body: download.readable(),
        });
        expect(upload.status).toBe(201);
        await upload.cancel();
      }),
    );
    for (const seed of seeds) expect(uploads.get(`${target().port}/upload/${seed}`)).toBe(sha256(body(seed)));
  });
});
