/**
 * A real npm registry on loopback: verdaccio (scripts/setup.sh installs it into .tools/verdaccio)
 * with a temp config and storage and no uplinks, so nothing is ever fetched from the public registry.
 * `start()` creates a user and returns its token; `stop()` ends the server by its pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBinary, ROOT } from './runner.js';

export interface TestNpmRegistry {
  /** http://127.0.0.1:<port>/ */
  url: string;
  token: string;
  dir: string;
  /** An .npmrc naming this registry and the token (for npm publish / npx). */
  npmrc: string;
  /** The package document (all versions), or undefined when the registry does not have it. */
  packument(
    name: string,
  ): Promise<{ versions: Record<string, unknown>; 'dist-tags': Record<string, string> } | undefined>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startVerdaccio(): Promise<TestNpmRegistry> {
  const bin = join(ROOT, '.tools/verdaccio/node_modules/verdaccio/bin/verdaccio');
  if (!existsSync(bin))
    throw new Error('verdaccio is not installed in .tools/verdaccio: run scripts/setup.sh');
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-verdaccio-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    nodeBinary(),
    [bin, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: dir } },
  );
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited: ${log}`);
      try {
        if ((await fetch(`${url}-/ping`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url}: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch(`${url}-/user/org.couchdb.user:ci`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', password: 'ci-password-1', type: 'user', roles: [] }),
    });
    const { token } = (await res.json()) as { token?: string };
    if (!token) throw new Error(`verdaccio: no token for the test user (${res.status})`);
    const npmrc = join(dir, '.npmrc');
    writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    return {
      url,
      token,
      dir,
      npmrc,
      packument: async (name) => {
        const r = await fetch(`${url}${name.replace('/', '%2f')}`);
        return r.ok ? ((await r.json()) as Awaited<ReturnType<TestNpmRegistry['packument']>>) : undefined;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
