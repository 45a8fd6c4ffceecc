/**
 * build-push-image `secrets`, `secret-files` and `ssh` with the real builders (buildah, and buildx
 * on the jest run's Docker engine) and a real docker-registry, run as the GitHub runner runs the
 * committed bundle. One RUN step mounts a secret from `secrets`, one from `secret-files` and the
 * SSH agent (`required=true`: the build fails without them), checks each against its sha256 (only
 * hashes are in the Dockerfile) and lists the agent's keys with a real `ssh-add` (copied into the
 * context with its libraries). Then every byte the registry holds (every blob, gzipped layers
 * decompressed, the provenance too), the log, the outputs and the summary are searched for the
 * secrets' values and the private key: none may hold them. Bad inputs fail before anything runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dockerEnv } from '../helpers/docker.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { type ActionRun, runAction } from '../helpers/runner.js';

let registry: TestRegistry;
let dir: string;
let context: string;
let keyFile: string;
let agent: ReturnType<typeof spawn> | undefined;
let agentSocket: string;
let storages = 0;
const TOKEN = `tok-${randomBytes(16).toString('hex')}`;
const NPMRC = `//npm.example.com/:_authToken=npm-${randomBytes(16).toString('hex')}\n`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function freshStorage(): string {
  const root = join(dir, `storage-${++storages}`);
  mkdirSync(root);
  const conf = join(root, 'storage.conf');
  writeFileSync(conf, `[storage]\ndriver = "vfs"\ngraphroot = "${root}/graph"\nrunroot = "${root}/run"\n`);
  return conf;
}

/** `ssh-add` and the shared libraries it loads (as `ldd` names them), under `root`. */
function copyWithLibraries(binary: string, root: string): void {
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(binary, join(root, 'bin', binary.split('/').pop() as string));
  const libs = execFileSync('ldd', [binary], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
    .filter((p): p is string => Boolean(p));
  for (const lib of libs) {
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(root, lib));
  }
}

beforeAll(async () => {
  registry = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'bpi-secrets-'));
  keyFile = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'build', '-f', keyFile]);
  const fingerprint = execFileSync('ssh-keygen', ['-lf', `${keyFile}.pub`], { encoding: 'utf8' }).split(
    ' ',
  )[1];
  // A real agent holding the key, for `ssh: default`.
  agentSocket = join(dir, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(agentSocket); i++) await new Promise((r) => setTimeout(r, 50));
  execFileSync('ssh-add', [keyFile], {
    env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
    stdio: 'ignore',
  });

  context = join(dir, 'context');
  mkdirSync(join(context, 'rootfs/bin'), { recursive: true });
  copyFileSync('/bin/busybox', join(context, 'rootfs/bin/busybox'));
  copyWithLibraries('/usr/bin/ssh-add', join(context, 'rootfs'));
  const check = [
    `/bin/busybox echo '${sha256(TOKEN)}  /run/secrets/token' | /bin/busybox sha256sum -c -s`,
    `/bin/busybox echo '${sha256(NPMRC)}  /run/secrets/npmrc' | /bin/busybox sha256sum -c -s`,
    `/bin/ssh-add -l | /bin/busybox grep -q '${fingerprint}'`,
    '/bin/busybox echo checked > /checked',
  ].join(' && ');
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY rootfs/ /',
      `RUN --mount=type=secret,id=token,required=true --mount=type=secret,id=npmrc,required=true --mount=type=ssh,required=true ${JSON.stringify(['/bin/busybox', 'sh', '-c', check])}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'npmrc'), NPMRC, { mode: 0o600 });
});
afterAll(async () => {
  agent?.kill('SIGTERM');
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Every file the registry stores as a blob, and gzipped ones decompressed too. */
function registryBytes(): Buffer[] {
  const out: Buffer[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'data') {
        const bytes = readFileSync(path);
        out.push(bytes);
        if (bytes[0] === 0x1f && bytes[1] === 0x8b) out.push(gunzipSync(bytes));
      }
    }
  };
  walk(join(registry.dir, 'data/docker/registry/v2/blobs'));
  return out;
}

/** The secret material that must appear nowhere: the two values and the private key's body. */
function secretNeedles(): string[] {
  const keyLines = readFileSync(keyFile, 'utf8')
    .split('\n')
    .filter((l) => l.length > 20 && !l.startsWith('-----'));
  return [TOKEN, NPMRC.trim(), ...keyLines];
}

function expectNoSecretIn(run: ActionRun): void {
  const blobs = registryBytes();
  // The search can find what is there: the step's hash of the token in the config's history, and
  // the file the RUN step wrote inside a decompressed layer.
  expect(blobs.some((b) => b.includes(Buffer.from(sha256(TOKEN))))).toBe(true);
  expect(blobs.some((b) => b.includes(Buffer.from('checked\n')) && b[0] !== 0x1f)).toBe(true);
  // `::add-mask::` is how the runner is told what to hide; it never shows those lines.
  const log = `${run.stdout}${run.stderr}`
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const needle of secretNeedles()) {
    const bytes = Buffer.from(needle);
    expect(blobs.filter((b) => b.includes(bytes)).length).toBe(0);
    expect(log).not.toContain(needle);
    expect(run.summary).not.toContain(needle);
    expect(JSON.stringify(run.outputs)).not.toContain(needle);
  }
}

const SECRETS = {
  secrets: `token=${TOKEN}`,
  'secret-files': `npmrc=NPMRC_PATH`,
  provenance: 'true',
  'tls-verify': 'false',
  tags: 'v1',
};

describe('build secrets and SSH reach RUN steps and nothing else', () => {
  it('buildah: secrets, secret-files and the runner SSH agent (ssh: default)', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        ...SECRETS,
        'secret-files': `npmrc=${join(dir, 'npmrc')}`,
        ssh: 'default',
        image: `${registry.host}/team/bah`,
        context,
        builder: 'buildah',
      },
      env: { CONTAINERS_STORAGE_CONF: freshStorage(), SSH_AUTH_SOCK: agentSocket },
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.masks).toContain(TOKEN);
    expectNoSecretIn(run);

    // Without the secret the RUN step cannot read it, and the build fails (fresh storage: no cache).
    const without = await runAction('build-push-image', {
      inputs: {
        ...SECRETS,
        'secret-files': `npmrc=${join(dir, 'npmrc')}`,
        secrets: 'other=value',
        ssh: 'default',
        image: `${registry.host}/team/bah-fails`,
        context,
        builder: 'buildah',
      },
      env: { CONTAINERS_STORAGE_CONF: freshStorage(), SSH_AUTH_SOCK: agentSocket },
      timeoutMs: 180_000,
    });
    expect(without.code).toBe(1);
    expect(without.errors.join('\n')).toContain('secret required but no secret with id token found');
  }, 400_000);

  it('buildx: secrets, secret-files and an SSH key (ssh: default=<key>)', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        ...SECRETS,
        'secret-files': `npmrc=${join(dir, 'npmrc')}`,
        ssh: `default=${keyFile}`,
        image: `${registry.host}/team/bx`,
        context,
        builder: 'buildx',
        network: 'host',
      },
      env: dockerEnv(),
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expectNoSecretIn(run);
  }, 300_000);

  it.each([
    ['secrets', { secrets: 'no-equals-sign' }, 'line 1 is not id=value'],
    ['secret-files', { 'secret-files': 'npmrc=/nonexistent/npmrc' }, '/nonexistent/npmrc is not a file'],
    ['secrets', { secrets: `token=${TOKEN}`, builder: 'kaniko' }, 'kaniko, which cannot mount secrets'],
    ['ssh', { ssh: 'default', builder: 'kaniko' }, 'kaniko, which cannot forward SSH'],
    ['cache-repository', { cache: 'true', 'cache-repository': 'REGISTRY/team/c:v1' }, 'without a tag'],
    ['ssh', { ssh: 'default' }, 'SSH_AUTH_SOCK'],
    ['ssh', { ssh: 'deploy' }, 'has no =path'],
    ['cache-from', { 'cache-from': 'REGISTRY/team/base-cache' }, 'given only with cache: true'],
    ['cache', { cache: 'true', 'promote-from': 'REGISTRY/team/bah:v1' }, 'nothing with promote-from'],
  ])('bad input %s (case %#): one error before anything is built', async (input, given, reason) => {
    const inputs = Object.fromEntries(
      Object.entries(given).map(([k, v]) => [k, v.replace('REGISTRY', registry.host)]),
    );
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/team/bad`,
        context,
        'tls-verify': 'false',
        builder: 'buildah',
        ...inputs,
      },
      env: { CONTAINERS_STORAGE_CONF: freshStorage() },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(`"${input}"`);
    expect(run.errors[0]).toContain(reason);
    expect(run.errors[0]).not.toContain(TOKEN);
    expect(run.stdout).not.toContain('Builder:');
    const catalog = (await (await fetch(`${registry.url}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(catalog.repositories).not.toContain('team/bad');
  });
});
