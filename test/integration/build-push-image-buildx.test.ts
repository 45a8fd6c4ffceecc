/**
 * build-push-image on a real Docker engine with buildx (the `docker` driver: BuildKit inside
 * dockerd), as on GitHub-hosted runners: the jest run's dockerd (test/helpers/docker.ts), reached
 * through DOCKER_HOST / DOCKER_CONFIG handed to the step, real docker-registry instances on
 * 127.0.0.1 (the engine treats 127.0.0.0/8 as insecure registries: plain HTTP). The engine has
 * no bridge network, so RUN steps use `network: host` (or none). One image is built and reused
 * by the promotion case; every other build is a few kilobytes on top of a static busybox.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { docker, dockerEnv } from '../helpers/docker.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT, runAction } from '../helpers/runner.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'; // GITHUB_SHA of the runner harness
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const AUTH = { username: 'builder', password: 'S3cret-buildx-pass' };

let engine: { DOCKER_HOST: string; DOCKER_CONFIG: string };
let registry: TestRegistry;
let secured: TestRegistry;
let context: string;
let fetchContext: string;
let server: Server;
let serverUrl: string;
const requests: string[] = [];
let built: { digest: string; repo: string } | undefined;

/** The digest the registry serves for `repo:tag` (HEAD with the OCI and Docker Accept headers). */
async function servedDigest(reg: TestRegistry, repo: string, tag: string, auth?: typeof AUTH) {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      Accept: ACCEPT,
      ...(auth
        ? { Authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
        : {}),
    },
  });
  expect(res.status).toBe(200);
  return res.headers.get('docker-content-digest');
}

async function tagsOf(reg: TestRegistry, repo: string): Promise<string[]> {
  const res = await fetch(`${reg.url}/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as { tags?: string[] }).tags ?? [];
}

function skopeoLabels(ref: string): Record<string, string> {
  const out = execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`], {
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { Labels: Record<string, string> }).Labels;
}

/** Runs `cmd` in a throwaway container of `ref` (no network), removed whatever happens. */
function runInImage(ref: string, cmd: string[]): string {
  const name = `bpi-buildx-${process.pid}-${Date.now()}`;
  try {
    return docker(['run', '--rm', '--name', name, '--network', 'none', ref, ...cmd], engine);
  } finally {
    try {
      docker(['rm', '-f', name], engine);
    } catch {
      // --rm already removed it
    }
  }
}

beforeAll(async () => {
  engine = dockerEnv();
  [registry, secured] = await Promise.all([startRegistry(), startRegistry({ auth: AUTH })]);
  context = mkdtempSync(join(tmpdir(), 'bpx-context-'));
  cpSync(join(ROOT, 'test/fixtures/app'), context, { recursive: true });
  copyFileSync('/bin/busybox', join(context, 'busybox'));
  // A context whose only RUN step fetches a URL: it passes only where RUN has the host's network.
  fetchContext = mkdtempSync(join(tmpdir(), 'bpx-fetch-'));
  copyFileSync('/bin/busybox', join(fetchContext, 'busybox'));
  writeFileSync(
    join(fetchContext, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      'ARG URL',
      'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox wget -q -O /fetched \\"$URL\\""]',
      '',
    ].join('\n'),
  );
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end('fetched\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([registry?.stop(), secured?.stop()]);
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  for (const dir of [context, fetchContext]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('build-push-image with buildx on a Docker engine', () => {
  it('runs the test stage, pushes every policy tag with the registry digest, OCI labels and build-args', async () => {
    const repo = `${registry.host}/team/app`;
    const greeting = `hi-from-buildx-${Date.now()}`;
    const run = await runAction('build-push-image', {
      inputs: {
        image: repo,
        context,
        builder: 'buildx',
        network: 'host',
        'test-target': 'test',
        target: 'app',
        'build-args': `GREETING=${greeting}\nTEST_RUN=${Date.now()}`,
        labels: 'com.example.team=shop',
        'tls-verify': 'false',
      },
      env: engine,
      event: { repository: { default_branch: 'main' } },
      timeoutMs: 120_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Builder: buildx (builder "buildx" was asked for)');
    expect(run.stdout).toContain('ok: 3 passed');
    // buildx's own digest (its metadata file) and the registry's agree: no warning.
    expect(run.stdout).not.toMatch(/::warning::/);
    const tags = ['a1b2c3d', 'main', 'latest'];
    expect(run.outputs.tags).toBe(tags.map((t) => `${repo}:${t}`).join('\n'));
    expect(run.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs['image-ref']).toBe(`${repo}@${run.outputs.digest}`);
    for (const tag of tags) expect(await servedDigest(registry, 'team/app', tag)).toBe(run.outputs.digest);
    const labels = skopeoLabels(`${repo}:latest`);
    expect(labels).toMatchObject({
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.source': 'https://github.com/octo/app',
      'org.opencontainers.image.version': 'a1b2c3d',
      'com.example.team': 'shop',
    });
    expect(Date.parse(labels['org.opencontainers.image.created'] as string)).toBeGreaterThan(0);
    // The build-arg reached the image that the registry holds under that digest.
    expect(runInImage(`${repo}@${run.outputs.digest}`, ['/bin/sh', '/app.sh']).trim()).toBe(greeting);
    expect(run.summary).toContain(run.outputs.digest as string);
    expect(run.summary).toContain('built with buildx');
    built = { digest: run.outputs.digest as string, repo };
  }, 120_000);

  it('a failing test stage fails the step with the build log and pushes nothing', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/team/broken`,
        context,
        builder: 'buildx',
        network: 'none',
        'test-target': 'test',
        'build-args': `FAIL_TESTS=true\nTEST_RUN=${Date.now()}`,
        'tls-verify': 'false',
      },
      env: engine,
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/test stage "test" failed, nothing was pushed/);
    expect(run.errors[0]).toContain('FAIL: greeting_test');
    expect(await tagsOf(registry, 'team/broken')).toEqual([]);
    expect(run.outputs.digest).toBeUndefined();
  }, 120_000);

  it('auto picks buildx when DOCKER_HOST names a live engine; a release tag gets its version tags', async () => {
    const server = docker(['version', '--format', '{{.Server.Version}}'], engine).trim();
    const repo = `${registry.host}/team/release`;
    const run = await runAction('build-push-image', {
      inputs: { image: repo, context, target: 'app', network: 'host', 'tls-verify': 'false' },
      // A build time to honour: this engine's BuildKit (Debian's Docker 20.10: 0.8) cannot.
      env: { ...engine, GITHUB_REF: 'refs/tags/v1.4.2', SOURCE_DATE_EPOCH: '1700000000' },
      timeoutMs: 120_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.stdout).toContain('Build time: 2023-11-14T22:13:20Z (SOURCE_DATE_EPOCH)');
    expect(run.stdout).toMatch(
      /::warning::BuildKit 0\.8\S* ignores SOURCE_DATE_EPOCH \(0\.11\+\) and rewrite-timestamp \(0\.13\+\)/,
    );
    expect(run.stdout).toContain(
      `Builder: buildx (a Docker engine answers (server ${server}) and buildx is installed)`,
    );
    expect(run.summary).toContain(`built with buildx (a Docker engine answers (server ${server})`);
    const tags = ['a1b2c3d', 'v1.4.2', '1.4.2', '1.4', '1'];
    expect(run.outputs.tags).toBe(tags.map((t) => `${repo}:${t}`).join('\n'));
    expect(run.outputs.version).toBe('1.4.2');
    for (const tag of tags)
      expect(await servedDigest(registry, 'team/release', tag)).toBe(run.outputs.digest);
    expect(skopeoLabels(`${repo}:1.4`)).toMatchObject({
      'org.opencontainers.image.version': '1.4.2',
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
    });
  }, 120_000);

  it('pushes several explicit tags to a registry with credentials (a Docker config of its own, buildx still found)', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'bpx-runner-temp-'));
    try {
      const repo = `${secured.host}/team/app`;
      const run = await runAction('build-push-image', {
        inputs: {
          image: repo,
          context,
          builder: 'buildx',
          target: 'app',
          network: 'host',
          tags: 'rc, candidate, 2026.11',
          'tls-verify': 'false',
          'registry-username': AUTH.username,
          'registry-password': AUTH.password,
        },
        env: { ...engine, RUNNER_TEMP: temp },
        timeoutMs: 120_000,
      });
      expect(run.errors).toEqual([]);
      expect(run.outputs.tags).toBe(['rc', 'candidate', '2026.11'].map((t) => `${repo}:${t}`).join('\n'));
      for (const tag of ['rc', 'candidate', '2026.11']) {
        expect(await servedDigest(secured, 'team/app', tag, AUTH)).toBe(run.outputs.digest);
      }
      expect(run.stdout.replaceAll(`::add-mask::${AUTH.password}`, '')).not.toContain(AUTH.password);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }, 120_000);

  it('promote-from copies the buildx-built digest to another repository, no build', async () => {
    expect(built).toBeDefined();
    const { digest, repo } = built as { digest: string; repo: string };
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/prod/app`,
        'promote-from': `${repo}:main`,
        tags: 'v1.0.0, stable',
        'tls-verify': 'false',
      },
      env: engine,
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(digest);
    expect(run.stdout).not.toContain('Builder:');
    expect(run.summary).toMatch(/promoted from .* blobs mounted, 0 copied/);
    for (const tag of ['v1.0.0', 'stable'])
      expect(await servedDigest(registry, 'prod/app', tag)).toBe(digest);
  });

  it('without a network the bridge-less engine cannot run RUN steps, and the error says what to set', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/team/nonet`,
        context,
        builder: 'buildx',
        target: 'app',
        'build-args': `TEST_RUN=${Date.now()}`,
        'tls-verify': 'false',
      },
      env: engine,
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/no bridge network; set `network: host`/);
    expect(await tagsOf(registry, 'team/nonet')).toEqual([]);
  }, 120_000);
});

describe('network: RUN steps reach the host network with host, nothing with none', () => {
  const cases: [string, 'host' | 'none', boolean][] = [
    ['buildx', 'host', true],
    ['buildx', 'none', false],
    ['buildah', 'host', true],
    ['buildah', 'none', false],
  ];
  it.each(cases)(
    '%s with network %s',
    async (builder, network, reaches) => {
      const path = `/${builder}-${network}-${Date.now()}`;
      const run = await runAction('build-push-image', {
        inputs: {
          image: `${registry.host}/team/fetch`,
          context: fetchContext,
          builder,
          network,
          push: 'false',
          'build-args': `URL=${serverUrl}${path}`,
        },
        env: engine,
        timeoutMs: 120_000,
      });
      expect(run.stdout).toContain(`Builder: ${builder} (builder "${builder}" was asked for)`);
      expect(run.code).toBe(reaches ? 0 : 1);
      expect(requests.filter((r) => r === path)).toHaveLength(reaches ? 1 : 0);
      if (!reaches) expect(run.errors[0]).toMatch(new RegExp(`${builder} build failed`));
      expect(await tagsOf(registry, 'team/fetch')).toEqual([]);
    },
    120_000,
  );
});
