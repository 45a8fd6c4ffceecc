/**
 * smoke-test run exactly as the GitHub runner runs the committed bundle, against real HTTP
 * servers on 127.0.0.1: healthy, slow, flapping, dead port and wrong JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deadPort, json, startServer, type TestServer } from '../helpers/http.js';
import { runAction } from '../helpers/runner.js';

let app: TestServer;
let flaps = 0;

beforeAll(async () => {
  app = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/health') return json(res, 200, { Status: 'Success' });
    if (url.pathname === '/version') return json(res, 200, { version: '1a2b3c4', build: { number: 7 } });
    if (url.pathname === '/api/mirror') {
      res.end(
        String(url.searchParams.get('word') ?? '')
          .toUpperCase()
          .split('')
          .reverse()
          .join(''),
      );
      return;
    }
    if (url.pathname === '/slow') {
      setTimeout(() => json(res, 200, { ok: true }), 400);
      return;
    }
    if (url.pathname === '/flap')
      return ++flaps % 3 === 0 ? json(res, 200, { ok: true }) : json(res, 503, { ok: false });
    if (url.pathname === '/private') {
      return req.headers.authorization === 'Bearer s3cr3t-token' ? json(res, 200, {}) : json(res, 401, {});
    }
    json(res, 404, { error: 'not found' });
  });
});
afterAll(() => app.close());

const fast = { retries: '3', 'retry-delay': '50ms', timeout: '2s' };

describe('smoke-test action', () => {
  it('passes a healthy service on the first attempt and reports every check', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        ...fast,
        url: app.url,
        checks: [
          'GET /health 200 json:Status=Success',
          'GET /version 200 json:version=1a2b3c4 json:build.number=7',
          'GET /api/mirror?word=ab 200 contains:BA',
        ].join('\n'),
      },
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs.passed).toBe('true');
    const report = JSON.parse(run.outputs.report as string);
    expect(report).toHaveLength(3);
    expect(report.map((r: { attempts: number; ok: boolean }) => [r.ok, r.attempts])).toEqual([
      [true, 1],
      [true, 1],
      [true, 1],
    ]);
    expect(Number(run.outputs['duration-ms'])).toBeGreaterThanOrEqual(0);
    expect(run.summary).toContain('3/3 checks passed');
    expect(run.summary).toContain('| `GET /api/mirror?word=ab 200 contains:BA` | ✅ pass | 200 | 1 |');
  });

  it('fails on a wrong version, naming the check, the value and a body excerpt', async () => {
    const run = await runAction('smoke-test', {
      inputs: { ...fast, url: app.url, checks: 'GET /version 200 json:version=ffffff0' },
    });
    expect(run.code).toBe(1);
    expect(run.outputs.passed).toBe('false');
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('GET /version 200 json:version=ffffff0');
    expect(run.errors[0]).toContain(
      'json version is \\"1a2b3c4\\", expected \\"ffffff0\\"'.replace(/\\"/g, '"'),
    );
    expect(run.errors[0]).toContain('body: {"version":"1a2b3c4"');
    expect(JSON.parse(run.outputs.report as string)[0]).toMatchObject({
      ok: false,
      status: 200,
      attempts: 3,
    });
  });

  it('retries a flapping endpoint until it recovers', async () => {
    flaps = 0;
    const run = await runAction('smoke-test', { inputs: { ...fast, url: app.url, checks: 'GET /flap 200' } });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.report as string)[0]).toMatchObject({ ok: true, attempts: 3 });
  });

  it('detects a dead port within retries × retry-delay', async () => {
    const port = await deadPort();
    const started = Date.now();
    const run = await runAction('smoke-test', {
      inputs: { url: `http://127.0.0.1:${port}`, retries: '3', 'retry-delay': '200ms', timeout: '1s' },
    });
    const elapsed = Date.now() - started;
    expect(run.code).toBe(1);
    expect(run.errors[0]).toContain('GET /health 200: ECONNREFUSED');
    // 2 waits of ≤200ms between 3 attempts, plus node start-up; far below one timeout per attempt.
    expect(elapsed).toBeLessThan(3000);
  });

  it('fails a response slower than max-latency and one slower than timeout', async () => {
    const latency = await runAction('smoke-test', {
      inputs: { ...fast, retries: '1', url: app.url, checks: 'GET /slow', 'max-latency': '100ms' },
    });
    expect(latency.code).toBe(1);
    expect(latency.errors[0]).toMatch(/over max-latency 100ms/);
    const timeout = await runAction('smoke-test', {
      inputs: { ...fast, retries: '2', url: app.url, checks: 'GET /slow', timeout: '150ms' },
    });
    expect(timeout.code).toBe(1);
    expect(timeout.errors[0]).toMatch(/no response within 150ms after 2 attempt/);
  });

  it('stops at the deadline even with retries left', async () => {
    const port = await deadPort();
    const started = Date.now();
    const run = await runAction('smoke-test', {
      inputs: { url: `http://127.0.0.1:${port}`, retries: '100', 'retry-delay': '100ms', deadline: '700ms' },
    });
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(JSON.parse(run.outputs.report as string)[0].attempts).toBeLessThan(20);
  });

  it('sends headers and never prints their values', async () => {
    const run = await runAction('smoke-test', {
      inputs: {
        ...fast,
        url: app.url,
        checks: 'GET /private 200',
        headers: 'Authorization: Bearer s3cr3t-token',
      },
    });
    expect(run.code).toBe(0);
    expect(run.masks).toContain('Bearer s3cr3t-token');
    const printed = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain('s3cr3t');
    expect(run.summary).not.toContain('s3cr3t');
    expect(run.summary).toContain('headers: Authorization (values hidden)');
  });

  it.each([
    [{ checks: 'FETCH /health' }, 'checks', '"FETCH" is not a method'],
    [{ checks: 'GET health' }, 'checks', 'must start with "/"'],
    [{ retries: 'many' }, 'retries', 'a whole number'],
    [{ 'retry-delay': 'soon' }, 'retry-delay', '500ms, 3s, 2m'],
    [{ url: 'ftp://example.com' }, 'url', 'an http(s) URL'],
    [{ headers: 'Authorization Bearer s3cr3t-token' }, 'headers', '"Name: value" lines'],
  ])('rejects bad input %j with one error before any request', async (bad, input, accepted) => {
    const before = app.requests.length;
    const run = await runAction('smoke-test', { inputs: { url: app.url, ...bad } });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`Input "${input}" has an invalid value`);
    expect(run.errors[0]).toContain(accepted);
    const printed = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain('s3cr3t');
    expect(app.requests.length).toBe(before);
  });

  it('requires url', async () => {
    const run = await runAction('smoke-test', { inputs: {} });
    expect(run.errors).toEqual([
      expect.stringContaining('Input "url" has an invalid value "": it is required'),
    ]);
  });
});
