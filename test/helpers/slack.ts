/** A Slack incoming-webhook receiver on 127.0.0.1: records JSON payloads; can answer errors. */
import { startServer, type TestServer } from './http.js';

export interface SlackReceiver extends TestServer {
  /** The webhook URL, with a secret-looking path like Slack's. */
  webhook: string;
  payloads: Array<{ text?: string; blocks?: Array<Record<string, unknown>> }>;
  /** Answer the next `times` posts with this status (Slack's text bodies, e.g. 500 / 404 no_service). */
  failNext(status: number, times?: number, retryAfter?: number): void;
}

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const secretPath = '/services/T0000000/B0000000/XXsecretXXhookXX';
  const payloads: SlackReceiver['payloads'] = [];
  const faults: Array<{ status: number; left: number; retryAfter?: number }> = [];
  const server = await startServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== secretPath) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('no_service');
      }
      const fault = faults.find((f) => f.left > 0);
      if (fault) {
        fault.left--;
        res.writeHead(fault.status, {
          'content-type': 'text/plain',
          ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}),
        });
        return res.end(fault.status === 429 ? 'rate_limited' : 'internal_error');
      }
      try {
        payloads.push(JSON.parse(body));
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' });
        return res.end('invalid_payload');
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  return {
    ...server,
    webhook: `${server.url}${secretPath}`,
    payloads,
    failNext: (status, times = 1, retryAfter) =>
      faults.push({ status, left: times, ...(retryAfter !== undefined ? { retryAfter } : {}) }),
  };
}
