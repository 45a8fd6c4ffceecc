/**
 * build-push-image `cache: true` with the real builders and a real docker-registry, run as the
 * GitHub runner runs the committed bundle. Each RUN step calls a counter server on loopback
 * (RUN steps share the host network: buildah's chroot isolation, buildx with `network: host`), so
 * the test sees which steps ran. A cold build fills the cache; a second build of the unchanged
 * context in fresh, empty storage (buildah: a new graph root; buildx: a new Docker engine) runs
 * no RUN step, the test stage's included, and pushes the same digest; a changed source file
 * re-runs only the steps after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDocker } from '../helpers/docker.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runAction } from '../helpers/runner.js';

let registry: TestRegistry;
let counter: TestServer;
let dir: string;
let storages = 0;
const hits = new Map<string, number>();

/** The times each RUN step (by name) ran so far. */
function ran(): Record<string, number> {
  return Object.fromEntries(hits);
}

/** A containers storage.conf whose graph and run roots are new, empty directories: a fresh job. */
function freshStorage(): string {
  const root = join(dir, `storage-${++storages}`);
  mkdirSync(root);
  const conf = join(root, 'storage.conf');
  writeFileSync(conf, `[storage]\ndriver = "vfs"\ngraphroot = "${root}/graph"\nrunroot = "${root}/run"\n`);
  return conf;
}

/**
 * A context whose RUN steps report to the counter: a base stage (`deps`, then `src.txt`), a test
 * stage on it (`unit-tests`, the step's `test-target`) and the image on it (`compile`).
 */
function makeContext(name: string): string {
  const context = join(dir, name);
  mkdirSync(context);
  // Bytes of its own after the ELF image (the loader ignores them): no other build (another
  // context of this file, another test's) has this first layer in any cache.
  writeFileSync(join(context, 'busybox'), Buffer.concat([readFileSync('/bin/busybox'), randomBytes(32)]), {
    mode: 0o755,
  });
  const call = (step: string) =>
    `RUN ["/bin/busybox", "sh", "-c", "/bin/busybox wget -q -O /${step} ${counter.url}/${name}/${step}"]`;
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      'FROM scratch AS base',
      'COPY busybox /bin/busybox',
      call('deps'),
      'COPY src.txt /src.txt',
      'FROM base AS test',
      call('unit-tests'),
      'FROM base',
      call('compile'),
      '',
    ].join('\n'),
  );
  writeFileSync(join(context, 'src.txt'), 'v1\n');
  return context;
}

beforeAll(async () => {
  registry = await startRegistry();
  counter = await startServer((req, res) => {
    const key = (req.url ?? '').slice(1);
    hits.set(key, (hits.get(key) ?? 0) + 1);
    res.end('ran\n');
  });
  dir = mkdtempSync(join(tmpdir(), 'bpi-cache-'));
});
afterAll(async () => {
  await counter?.close();
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The layer digests of a pushed image. */
async function layersOf(repository: string, digest: string): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, {
    headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  return ((await res.json()) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
}

async function tagsOf(repository: string): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/${repository}/tags/list`);
  return res.status === 200 ? (((await res.json()) as { tags: string[] }).tags ?? []) : [];
}

const COMMON = {
  'tls-verify': 'false',
  cache: 'true',
  'test-target': 'test',
};
// One build time for every run (as one commit has): the digests can only differ by content.
const ENV = { SOURCE_DATE_EPOCH: '1748764800' };
const EVENT = { repository: { default_branch: 'main' } };

describe('a registry layer cache survives fresh storage', () => {
  it('buildah: --cache-to fills <image>-cache; a fresh root runs no RUN step and pushes the same digest; a changed file re-runs only later steps', async () => {
    const context = makeContext('bah');
    const build = async () => {
      const run = await runAction('build-push-image', {
        inputs: { ...COMMON, image: `${registry.host}/team/bah`, context, builder: 'buildah' },
        env: { ...ENV, CONTAINERS_STORAGE_CONF: freshStorage() },
        event: EVENT,
        timeoutMs: 180_000,
      });
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      return run;
    };
    const cold = await build();
    expect(ran()).toMatchObject({ 'bah/deps': 1, 'bah/unit-tests': 1, 'bah/compile': 1 });
    // The image's base stage comes from the layers the test stage just built.
    expect(cold.summary).toContain(`3 of 8 build steps from the cache (\`${registry.host}/team/bah-cache\`)`);
    // One cache image per step (the test stage's too), tagged with buildah's cache key.
    expect((await tagsOf('team/bah-cache')).length).toBeGreaterThanOrEqual(5);

    const warm = await build();
    expect(ran()).toMatchObject({ 'bah/deps': 1, 'bah/unit-tests': 1, 'bah/compile': 1 });
    expect(warm.stdout).toContain('Cache pulled from remote');
    expect(warm.summary).toContain('8 of 8 build steps from the cache');
    expect(warm.outputs.digest).toBe(cold.outputs.digest);

    writeFileSync(join(context, 'src.txt'), 'v2\n');
    const changed = await build();
    expect(ran()).toMatchObject({ 'bah/deps': 1, 'bah/unit-tests': 2, 'bah/compile': 2 });
    // Test stage: busybox and deps cached; image: those and the new src.txt (the test stage's).
    expect(changed.summary).toContain('5 of 8 build steps from the cache');
    expect(changed.outputs.digest).not.toBe(cold.outputs.digest);

    // A build that pushes nothing (a pull request's) reads the cache and writes nothing to it.
    const cacheTags = (await tagsOf('team/bah-cache')).sort();
    writeFileSync(join(context, 'src.txt'), 'v3\n');
    const readOnly = await runAction('build-push-image', {
      inputs: { ...COMMON, image: `${registry.host}/team/bah`, context, builder: 'buildah', push: 'false' },
      env: { ...ENV, CONTAINERS_STORAGE_CONF: freshStorage() },
      event: EVENT,
      timeoutMs: 180_000,
    });
    expect(readOnly.errors).toEqual([]);
    expect(ran()).toMatchObject({ 'bah/deps': 1, 'bah/unit-tests': 3, 'bah/compile': 3 });
    expect(readOnly.stdout).not.toContain('Pushing cache');
    expect(readOnly.summary).toContain('5 of 8 build steps from the cache');
    expect((await tagsOf('team/bah-cache')).sort()).toEqual(cacheTags);
  }, 600_000);

  it('buildx on the docker driver: inline cache read back from the branch tag by a new engine', async () => {
    // Each build on a Docker engine of its own, started for it and stopped after it: empty image
    // store and build cache, as on a fresh runner (the jest run's shared engine is left alone).
    const build = async (name: string, context: string, inputs: Record<string, string> = {}) => {
      const engine = await startDocker();
      try {
        const run = await runAction('build-push-image', {
          inputs: {
            ...COMMON,
            image: `${registry.host}/team/${name}`,
            context,
            builder: 'buildx',
            network: 'host',
            ...inputs,
          },
          env: { ...ENV, DOCKER_HOST: engine.host, DOCKER_CONFIG: engine.config },
          event: EVENT,
          timeoutMs: 180_000,
        });
        expect(run.errors).toEqual([]);
        expect(run.code).toBe(0);
        return run;
      } finally {
        await engine.stop();
      }
    };
    const context = makeContext('bx');
    const cold = await build('bx', context);
    expect(ran()).toMatchObject({ 'bx/deps': 1, 'bx/unit-tests': 1, 'bx/compile': 1 });
    expect(cold.stdout).toContain('Cache: inline in the pushed image');
    expect(cold.summary).toContain('3 of 8 build steps from the cache');
    // The test stage, pushed with its inline cache into the cache repository.
    expect(await tagsOf('team/bx-cache')).toEqual(['buildcache-test']);
    // The inline cache is in the pushed image's config.
    const manifest = (await (
      await fetch(`${registry.url}/v2/team/bx/manifests/main`, {
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      })
    ).json()) as { config: { digest: string } };
    const config = await (await fetch(`${registry.url}/v2/team/bx/blobs/${manifest.config.digest}`)).text();
    expect(config).toContain('moby.buildkit.cache.v0');

    const warm = await build('bx', context);
    expect(ran()).toMatchObject({ 'bx/deps': 1, 'bx/unit-tests': 1, 'bx/compile': 1 });
    expect(warm.summary).toContain('8 of 8 build steps from the cache');
    // The layers are the same; BuildKit 0.8's inline cache record (in the config) is not when a
    // test stage resolved the shared steps first, so the digest is checked without one below.
    expect(await layersOf('team/bx', warm.outputs.digest as string)).toEqual(
      await layersOf('team/bx', cold.outputs.digest as string),
    );

    writeFileSync(join(context, 'src.txt'), 'v2\n');
    const changed = await build('bx', context);
    expect(ran()).toMatchObject({ 'bx/deps': 1, 'bx/unit-tests': 2, 'bx/compile': 2 });
    expect(changed.summary).toContain('5 of 8 build steps from the cache');
    expect(changed.outputs.digest).not.toBe(cold.outputs.digest);

    // Without a test stage: the same digest.
    const plain = makeContext('bxp');
    const first = await build('bxp', plain, { 'test-target': '' });
    const again = await build('bxp', plain, { 'test-target': '' });
    expect(ran()).toMatchObject({ 'bxp/deps': 1, 'bxp/compile': 1 });
    expect(first.summary).toContain('0 of 4 build steps from the cache');
    expect(again.summary).toContain('4 of 4 build steps from the cache');
    expect(again.outputs.digest).toBe(first.outputs.digest);
  }, 600_000);
});
