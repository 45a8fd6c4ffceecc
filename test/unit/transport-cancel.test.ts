/**
 * Dropping a response body (src/core/transport.ts `HttpResponse.cancel`): a small or fully
 * received body is read to its end, so the next request reuses the connection (no new TCP or
 * TLS handshake); a large one is cut off with its connection.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { send } from '../../src/core/transport.js';

let server: Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/large') {
      res.writeHead(200, { 'content-length': String(8 * 1024 * 1024) });
      res.write(Buffer.alloc(64 * 1024)); // the rest never comes: only a cut-off frees the client
      return;
    }
    const body =
      req.url === '/created'
        ? ''
        : JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'unknown' }] });
    res.writeHead(req.url === '/created' ? 201 : 404, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('dropping a response body', () => {
  it('keeps the connection for small bodies and cuts it for a large one', async () => {
    const before = connections;
    for (const path of ['/created', '/missing', '/created', '/missing']) {
      const res = await send(`${base}${path}`, { method: path === '/created' ? 'PUT' : 'GET' });
      await res.cancel();
    }
    // A HEAD answer (read out by the transport itself) is dropped at once too.
    await (await send(`${base}/missing`, { method: 'HEAD' })).cancel();
    // One after another, each dropped unread: all on the first connection.
    expect(connections - before).toBe(1);

    const large = await send(`${base}/large`);
    await large.cancel();
    const after = await send(`${base}/created`, { method: 'PUT' });
    await after.cancel();
    // The large body was cut off with its connection: the next request needed a new one.
    expect(connections - before).toBe(2);
  });
});
