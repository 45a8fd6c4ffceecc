/** Small real HTTP(S) servers on 127.0.0.1 for tests: each call gets a free port and a close(). */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  port: number;
  requests: IncomingMessage[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  /** A certificate and key: serve HTTPS. */
  tls?: { cert: string; key: string },
): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req);
    handler(req, res);
  };
  const server = tls ? createHttpsServer(tls, onRequest) : createServer(onRequest);
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago and has nothing listening now. */
export async function deadPort(): Promise<number> {
  const s = await startServer(() => {});
  await s.close();
  return s.port;
}

export function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
