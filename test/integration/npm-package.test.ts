/**
 * The npm package as users install it: `npm pack` of this tree, published to a real npm registry
 * on loopback (verdaccio, no uplinks: nothing can come from the public registry), then
 * `npx --yes stagecraft@<version> smoke-test …` on Node 20 (the `engines` floor) and npm 10,
 * the documented `cli` alternative for any Node image.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { nodeBinary, ROOT } from '../helpers/runner.js';
import { startVerdaccio, type TestNpmRegistry } from '../helpers/verdaccio.js';

jest.setTimeout(180_000);
const run = promisify(execFile);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; name: string };
const NPM = join(ROOT, '.tools/npm10/bin/npm-cli.js');
const NPX = join(ROOT, '.tools/npm10/bin/npx-cli.js');
let npm: TestNpmRegistry;
let app: TestServer;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-npm-'));
  [npm, app] = await Promise.all([
    startVerdaccio(),
    startServer((req, res) => json(res, req.url === '/health' ? 200 : 404, { status: 'ok' })),
  ]);
});

afterAll(async () => {
  await npm?.stop();
  await app?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** npm 10 on the given node, with a private cache and the test registry's .npmrc. */
function npmEnv(node: string): NodeJS.ProcessEnv {
  return {
    PATH: `${join(node, '..')}:/usr/bin:/bin`,
    HOME: work,
    npm_config_userconfig: npm.npmrc,
    npm_config_registry: npm.url,
    npm_config_cache: join(work, 'cache'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}

test('npm pack → verdaccio → npx --yes stagecraft@<version> smoke-test on Node 20', async () => {
  const env = npmEnv(nodeBinary());
  const packed = await run(nodeBinary(), [NPM, 'pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  const files = (info?.files ?? []).map((f) => f.path);
  expect(files).toContain('dist/cli/index.js');
  // Self-contained: nothing to install, no install scripts.
  const manifest = JSON.parse(
    (await run('tar', ['-xOzf', join(work, info?.filename as string), 'package/package.json'])).stdout,
  ) as Record<string, Record<string, string> | undefined>;
  expect(manifest.bin).toEqual({ stagecraft: 'dist/cli/index.js' });
  expect(manifest.dependencies ?? {}).toEqual({});
  expect(Object.keys(manifest.scripts ?? {}).filter((s) => /install|prepare/.test(s))).toEqual([]);

  await run(nodeBinary(), [NPM, 'publish', join(work, info?.filename as string)], { cwd: work, env });
  expect(Object.keys((await npm.packument(pkg.name))?.versions ?? {})).toEqual([pkg.version]);

  const node20 = join(ROOT, '.tools/node20/bin/node');
  const smoke = await run(
    node20,
    [
      NPX,
      '--yes',
      `${pkg.name}@${pkg.version}`,
      'smoke-test',
      '--url',
      app.url,
      '--checks',
      'GET /health 200',
    ],
    { cwd: work, env: npmEnv(node20) },
  );
  expect(smoke.stdout).toMatch(/^passed=true$/m);
  const version = await run(node20, [NPX, '--yes', `${pkg.name}@${pkg.version}`, '--version'], {
    cwd: work,
    env: npmEnv(node20),
  });
  expect(version.stdout.trim()).toBe(pkg.version);
});
