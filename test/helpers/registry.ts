/**
 * A real OCI registry for tests: the Debian `docker-registry` (CNCF distribution) on 127.0.0.1
 * with a free port, a temp storage directory and, with `auth`, an htpasswd file (bcrypt, made by
 * `htpasswd` from apache2-utils). `stop()` kills it and removes the directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RegistryAuth {
  username: string;
  password: string;
}

export interface TestRegistry {
  /** `127.0.0.1:<port>`, as image references name it. */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** The temp dir holding config and storage. */
  dir: string;
  /** With `accessLog`: the registry's access log so far, one `METHOD path status` a line. */
  requests(): string[];
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, deadline: number, exited: () => string | undefined): Promise<void> {
  for (;;) {
    const why = exited();
    if (why) throw new Error(`docker-registry exited: ${why}`);
    try {
      const res = await fetch(`${url}/v2/`);
      await res.body?.cancel();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer on ${url} within 10s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Blob uploads (bytes sent: PATCH or PUT on an upload session) among access-log lines of `requests()`. */
export function blobUploads(lines: string[]): string[] {
  return lines.filter((l) => /^(PUT|PATCH) \S+\/blobs\/uploads\//.test(l));
}

export async function startRegistry(
  options: { auth?: RegistryAuth; accessLog?: boolean } = {},
): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'test-registry-'));
  const port = await freePort();
  const auth = options.auth
    ? (() => {
        const file = join(dir, 'htpasswd');
        // -B bcrypt (the only scheme distribution accepts), -b password from argv, -c create.
        execFileSync('htpasswd', ['-Bbc', file, options.auth.username, options.auth.password], {
          stdio: 'ignore',
        });
        return `auth:\n  htpasswd:\n    realm: test-registry\n    path: ${file}\n`;
      })()
    : '';
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      `    disabled: ${options.accessLog ? 'false' : 'true'}`,
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      auth,
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], {
    stdio: ['ignore', options.accessLog ? 'pipe' : 'ignore', 'pipe'],
  });
  // The access log (combined log format on stdout): `"METHOD /path HTTP/1.1" status`.
  const access: string[] = [];
  let partial = '';
  child.stdout?.on('data', (d) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const m = /"(\w+) (\S+) HTTP\/[\d.]+" (\d+)/.exec(line);
      if (m) access.push(`${m[1]} ${m[2]} ${m[3]}`);
    }
  });
  let stderr = '';
  let exit: string | undefined;
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  child.on('exit', (code, signal) => (exit = `${signal ?? code}: ${stderr}`));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, Date.now() + 10_000, () => exit);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    port,
    dir,
    requests: () => [...access],
    stop: async () => {
      if (exit === undefined) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
