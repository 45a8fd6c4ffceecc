/** smoke-test run in-process against a local HTTP server: a pass, a failure, secrets masked. */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { runStep } from '../../src/platform/host.js';
import { smokeTest } from '../../src/steps/smoke-test.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { fakeHost } from './fake-host.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/health' && req.headers.authorization === 'Bearer s3cret') {
      res.setHeader('content-type', 'application/json');
      res.end('{"status":"ok"}');
    } else {
      res.statusCode = req.url === '/health' ? 401 : 503;
      res.end('down');
    }
  });
});
afterAll(() => server.close());

it('passes when every check passes, on the first attempt', async () => {
  const host = fakeHost({
    url: server.url,
    checks: 'GET /health 200 json:status=ok',
    headers: 'Authorization: Bearer s3cret',
  });
  expect(await runStep(smokeTest, host)).toBe(true);
  expect(host.failures).toEqual([]);
  expect(host.outputs.passed).toBe('true');
  expect(JSON.parse(host.outputs.report ?? '')).toEqual([
    expect.objectContaining({ check: 'GET /health 200 json:status=ok', ok: true, status: 200, attempts: 1 }),
  ]);
  expect(host.masks).toContain('Bearer s3cret');
  expect(host.summaries.join('\n')).toContain('1/1 checks passed');
  expect(host.summaries.join('\n')).not.toContain('s3cret');
});

it('fails naming the check after its retries, and still writes the outputs', async () => {
  const host = fakeHost({
    url: server.url,
    checks: 'GET /health 200\nGET /ready 200',
    headers: 'Authorization: Bearer s3cret',
    retries: '2',
    'retry-delay': '1ms',
  });
  expect(await runStep(smokeTest, host)).toBe(false);
  expect(host.failures).toHaveLength(1);
  expect(host.failures[0]).toContain('1 of 2 smoke check(s) failed');
  expect(host.failures[0]).toContain('GET /ready 200');
  expect(host.outputs.passed).toBe('false');
  expect(host.summaries.join('\n')).toContain('1/2 checks passed');
});
