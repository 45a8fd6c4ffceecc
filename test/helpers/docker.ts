/**
 * A real Docker engine for tests: Debian's `dockerd` (scripts/setup.sh installs it where none
 * exists) started with its own data root, exec root, socket and pid file, no bridge, no iptables
 * and no IP forwarding (containers and RUN steps use `--network host` or none, so only loopback is
 * reached and the machine's firewall is left alone). The docker CLI reaches it through the
 * DOCKER_HOST / DOCKER_CONFIG pair of `dockerEnv()`; DOCKER_CONFIG holds the buildx plugin.
 *
 * One engine serves a whole jest run: jest.config.js's globalSetup starts it and exports
 * STAGECRAFT_TEST_DOCKER_HOST / STAGECRAFT_TEST_DOCKER_CONFIG to the test workers; DOCKER_HOST
 * itself is never set globally (tests with `builder: auto` keep using buildah unless they opt in
 * by passing `dockerEnv()` to the step). globalTeardown removes every container and stops the
 * engine by its pid.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const ROOT = join(import.meta.dirname ?? __dirname, '../..');

/** The variables the test workers read (set by the jest global setup). */
export const HOST_VAR = 'STAGECRAFT_TEST_DOCKER_HOST';
export const CONFIG_VAR = 'STAGECRAFT_TEST_DOCKER_CONFIG';

export interface TestDocker {
  /** `unix:///…/docker.sock` */
  host: string;
  socket: string;
  /** DOCKER_CONFIG directory: `cli-plugins/docker-buildx`, no credentials. */
  config: string;
  pid: number;
  storageDriver: 'overlay2' | 'vfs';
  /** The engine's version, as `docker version` reports it. */
  version: string;
  dir: string;
  /** Removes every container, stops the engine (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

/** DOCKER_HOST and DOCKER_CONFIG of the jest run's engine, to hand to a step or the docker CLI. */
export function dockerEnv(): { DOCKER_HOST: string; DOCKER_CONFIG: string } {
  const host = process.env[HOST_VAR];
  const config = process.env[CONFIG_VAR];
  if (!host || !config) {
    throw new Error(
      `${HOST_VAR} is not set: run the tests through jest.config.js (its globalSetup starts dockerd)`,
    );
  }
  return { DOCKER_HOST: host, DOCKER_CONFIG: config };
}

/** Runs the docker CLI against `env`'s engine (argv, no shell); returns stdout. */
export function docker(args: string[], env: { DOCKER_HOST: string; DOCKER_CONFIG: string }): string {
  return execFileSync('docker', args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function findExecutable(name: string, extra: string[]): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extra].filter(Boolean);
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p));
}

/** The buildx plugin: the one scripts/setup.sh unpacked, else one the docker CLI finds itself. */
function buildxPlugin(): { path?: string; system: boolean } {
  const local = join(ROOT, '.tools/docker/cli-plugins/docker-buildx');
  if (existsSync(local)) return { path: local, system: false };
  const system = [
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins',
  ].some((d) => existsSync(join(d, 'docker-buildx')));
  return { system };
}

/** A request to the engine's API over its unix socket. */
function api(
  socket: string,
  method: string,
  path: string,
  timeoutMs = 5000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}

function alive(pid: number): boolean {
  try {
    // A zombie is dead for our purposes.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
async function stopPid(pid: number, graceMs: number): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitGone(pid, graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitGone(pid, 5000);
}

/** Unmounts whatever the engine left mounted under `dir` (deepest first), so it can be removed. */
function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

interface Started {
  child: ChildProcess;
  version: string;
}

async function launch(
  dockerd: string,
  dir: string,
  driver: 'overlay2' | 'vfs',
): Promise<Started | { failed: string }> {
  const data = join(dir, 'data');
  const exec = join(dir, 'exec');
  const socket = join(dir, 'docker.sock');
  mkdirSync(data, { recursive: true });
  mkdirSync(exec, { recursive: true });
  const log = openSync(join(dir, `dockerd-${driver}.log`), 'w');
  const child = spawn(
    dockerd,
    [
      '--data-root',
      data,
      '--exec-root',
      exec,
      '-H',
      `unix://${socket}`,
      '--pidfile',
      join(dir, 'docker.pid'),
      '--storage-driver',
      driver,
      '--exec-opt',
      'native.cgroupdriver=cgroupfs',
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      '--userland-proxy=false',
      // Its own containerd namespaces: a runner's engine may share the system containerd.
      '--containerd-namespace',
      `stagecraft-${basename(dir)}`,
      '--containerd-plugins-namespace',
      `stagecraft-${basename(dir)}-plugins`,
    ],
    {
      stdio: ['ignore', log, log],
      env: { PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`, HOME: dir },
    },
  );
  closeSync(log);
  child.unref();
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `${signal ?? code}`));
  child.on('error', (err) => (exited = err.message));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited !== undefined) {
      const text = readFileSync(join(dir, `dockerd-${driver}.log`), 'utf8');
      return {
        failed: `dockerd (${driver}) exited (${exited}): ${text.trim().split('\n').slice(-3).join(' | ')}`,
      };
    }
    try {
      const res = await api(socket, 'GET', '/version', 1000);
      if (res.status === 200) {
        return { child, version: (JSON.parse(res.body) as { Version: string }).Version };
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopPid(child.pid as number, 5000);
      return { failed: `dockerd (${driver}) did not answer on ${socket} within 30s` };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The managed containerd dockerd started (it stops it itself on a clean shutdown). */
function containerdPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, 'exec/containerd/containerd.pid'), 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function startDocker(): Promise<TestDocker> {
  const dockerd = findExecutable('dockerd', ['/usr/local/sbin', '/usr/sbin', '/sbin']);
  if (!dockerd) throw new Error('no dockerd on this machine: run scripts/setup.sh (it installs docker.io)');
  const plugin = buildxPlugin();
  if (!plugin.path && !plugin.system) {
    throw new Error('no docker buildx plugin: run scripts/setup.sh (it unpacks one into .tools/docker)');
  }
  // unix socket paths must stay under 108 bytes: a short directory in /tmp when TMPDIR is long.
  const base = tmpdir().length > 40 ? '/tmp' : tmpdir();
  const dir = mkdtempSync(join(base, 'sc-dockerd-'));
  const config = join(dir, 'config');
  mkdirSync(join(config, 'cli-plugins'), { recursive: true });
  if (plugin.path) symlinkSync(plugin.path, join(config, 'cli-plugins/docker-buildx'));

  const problems: string[] = [];
  let started: Started | undefined;
  let driver: 'overlay2' | 'vfs' = 'overlay2';
  for (const d of ['overlay2', 'vfs'] as const) {
    driver = d;
    const res = await launch(dockerd, dir, d);
    if ('child' in res) {
      started = res;
      break;
    }
    problems.push(res.failed);
    unmountUnder(dir);
    const stray = containerdPid(dir);
    if (stray) await stopPid(stray, 5000);
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    rmSync(join(dir, 'exec'), { recursive: true, force: true });
  }
  if (!started) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start dockerd: ${problems.join('; ')}`);
  }
  const { child, version } = started;
  const socket = join(dir, 'docker.sock');
  const pid = child.pid as number;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      const res = await api(socket, 'GET', '/containers/json?all=1');
      for (const c of JSON.parse(res.body) as { Id: string }[]) {
        await api(socket, 'DELETE', `/containers/${c.Id}?force=1&v=1`, 30_000);
      }
    } catch {
      // the engine is already gone: stop what is left
    }
    const containerd = containerdPid(dir);
    await stopPid(pid, 20_000);
    if (containerd) await stopPid(containerd, 5000);
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    host: `unix://${socket}`,
    socket,
    config,
    pid,
    storageDriver: driver,
    version,
    dir,
    stop,
  };
}
