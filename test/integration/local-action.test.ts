/** smoke-test through @github/local-action, GitHub's own local runner for JavaScript actions. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { nodeBinary, ROOT } from '../helpers/runner.js';

let app: TestServer;
beforeAll(async () => {
  app = await startServer((_req, res) => json(res, 200, { version: '9' }));
});
afterAll(() => app.close());

async function localAction(inputs: Record<string, string>) {
  const envFile = join(mkdtempSync(join(tmpdir(), 'local-action-')), '.env');
  writeFileSync(
    envFile,
    Object.entries(inputs)
      .map(([k, v]) => `INPUT_${k.toUpperCase()}=${v}`)
      .join('\n'),
  );
  const cli = join(ROOT, 'node_modules/@github/local-action/bin/local-action.js');
  const args = [
    cli,
    'run',
    join(ROOT, 'actions/smoke-test'),
    '../../test/local-action/smoke-test.ts',
    envFile,
  ];
  const env = { ...process.env, PATH: `${join(nodeBinary(), '..')}:${process.env.PATH}` };
  const result = await promisify(execFile)(nodeBinary(), args, { cwd: ROOT, env }).catch((err) => err);
  const out = String(result.stdout);
  const outputs = Object.fromEntries(
    [...out.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)].map((m) => [m[1], m[2]]),
  );
  return { out, outputs };
}

it('runs the smoke-test logic under @github/local-action', async () => {
  const ok = await localAction({ url: app.url, checks: 'GET /version 200 json:version=9', retries: '1' });
  expect(ok.outputs.passed).toBe('true');
  const bad = await localAction({ url: app.url, checks: 'GET /version 200 json:version=8', retries: '1' });
  expect(bad.outputs.passed).toBe('false');
  expect(bad.out).toContain('json version is "9", expected "8"');
  // local-action compiles the action's TypeScript on every run: ~5 s alone, far more beside a build.
}, 180_000);
