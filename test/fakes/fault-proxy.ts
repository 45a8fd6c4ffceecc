/**
 * An HTTP proxy for tests that sits in front of a real server and injects faults: a chosen
 * number of requests (matching a filter) get a 429/503 with Retry-After, or have their
 * connection reset. Everything else is forwarded as is, bodies streamed both ways.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = { kind: 'status'; status: number; retryAfter?: string } | { kind: 'reset' };

export interface FaultRule {
  /** Which requests the fault applies to, e.g. `(m, p) => m === 'PUT' && p.includes('/manifests/')`. */
  match: (method: string, path: string) => boolean;
  fault: Fault;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

export interface ForwardedRequest {
  method: string;
  path: string;
  start: number;
  end?: number;
  status?: number;
  /** The `Docker-Content-Digest` of the answer, if any. */
  digest?: string;
}

export interface FaultProxy {
  /** `127.0.0.1:<port>` */
  host: string;
  url: string;
  /** Faults injected so far, as `METHOD path → fault`. */
  injected: string[];
  /** Every request seen, as `METHOD path`. */
  seen: string[];
  /**
   * Every forwarded request in the order it arrived: `start` and `end` (the upstream answer fully
   * sent back) are steps of one counter, so `a.end < b.start` means b was sent after a was done.
   */
  log: ForwardedRequest[];
  close(): Promise<void>;
}

export async function startFaultProxy(targetUrl: string, rules: FaultRule[]): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const left = rules.map((r) => r.times ?? 1);
  const injected: string[] = [];
  const seen: string[] = [];
  const log: ForwardedRequest[] = [];
  let step = 0;
  const server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    seen.push(`${method} ${path}`);
    const index = rules.findIndex((r, i) => (left[i] as number) > 0 && r.match(method, path));
    const rule = rules[index];
    if (rule) {
      left[index] = (left[index] as number) - 1;
      injected.push(`${method} ${path} → ${rule.fault.kind === 'reset' ? 'reset' : rule.fault.status}`);
      if (rule.fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      req.resume();
      res.writeHead(rule.fault.status, {
        'content-type': 'application/json',
        ...(rule.fault.retryAfter !== undefined ? { 'retry-after': rule.fault.retryAfter } : {}),
      });
      res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
      return;
    }
    const entry: ForwardedRequest = { method, path, start: step++ };
    log.push(entry);
    const upstream = request(
      { host: target.hostname, port: target.port, method, path, headers: req.headers },
      (up) => {
        entry.status = up.statusCode;
        const digest = up.headers['docker-content-digest'];
        if (typeof digest === 'string') entry.digest = digest;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('end', () => {
          entry.end = step++;
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    injected,
    seen,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
