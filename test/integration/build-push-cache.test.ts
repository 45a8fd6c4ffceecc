/**
 * build-push-image `cache: true` with the real builders and a real docker-registry, run as the
 * GitHub runner runs the committed bundle. Each RUN step calls a counter server on loopback
 * (RUN steps share the host network: buildah's chroot isolation, buildx with `network: host`), so
 * the test sees which steps ran. A cold build fills the cache; a second build of the unchanged
 * context in fresh, empty storage (buildah: a new graph root; buildx: the engine's build cache
 * pruned and its images removed) runs no RUN step and pushes the same digest; a changed source
 * file re-runs only the steps after it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { docker, dockerEnv } from '../helpers/docker.js';
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

/** A context whose two RUN steps report to the counter; `src.txt` is copied between them. */
function makeContext(name: string): string {
  const context = join(dir, name);
  mkdirSync(context);
  // Bytes of its own after the ELF image (the loader ignores them): no other test's build on the
  // shared engine has this layer in its build cache.
  writeFileSync(join(context, 'busybox'), Buffer.concat([readFileSync('/bin/busybox'), randomBytes(32)]), {
    mode: 0o755,
  });
  const call = (step: string) =>
    `RUN ["/bin/busybox", "sh", "-c", "/bin/busybox wget -q -O /${step} ${counter.url}/${name}/${step}"]`;
  writeFileSync(
    join(context, 'Dockerfile'),
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      call('deps'),
      'COPY src.txt /src.txt',
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

async function tagsOf(repository: string): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/${repository}/tags/list`);
  return res.status === 200 ? (((await res.json()) as { tags: string[] }).tags ?? []) : [];
}

const COMMON = {
  'tls-verify': 'false',
  cache: 'true',
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
    expect(ran()).toMatchObject({ 'bah/deps': 1, 'bah/compile': 1 });
    expect(cold.summary).toContain(`0 of 4 build steps from the cache (\`${registry.host}/team/bah-cache\`)`);
    // One cache image per step, tagged with buildah's cache key.
    expect((await tagsOf('team/bah-cache')).length).toBeGreaterThanOrEqual(4);

    const warm = await build();
    expect(ran()).toMatchObject({ 'bah/deps': 1, 'bah/compile': 1 });
    expect(warm.stdout).toContain('Cache pulled from remote');
    expect(warm.summary).toContain('4 of 4 build steps from the cache');
    expect(warm.outputs.digest).toBe(cold.outputs.digest);

    writeFileSync(join(context, 'src.txt'), 'v2\n');
    const changed = await build();
    expect(ran()).toMatchObject({ 'bah/deps': 1, 'bah/compile': 2 });
    expect(changed.summary).toContain('2 of 4 build steps from the cache');
    expect(changed.outputs.digest).not.toBe(cold.outputs.digest);
  }, 600_000);

  it('buildx on the docker driver: inline cache read back from the branch tag after the build cache is pruned', async () => {
    const env = dockerEnv();
    const context = makeContext('bx');
    const fresh = () => {
      // The same engine, with nothing of the last build: no build cache, no images.
      docker(['builder', 'prune', '-af'], env);
      const images = docker(['images', '-aq'], env).split('\n').filter(Boolean);
      if (images.length) docker(['rmi', '-f', ...new Set(images)], env);
      expect(docker(['images', '-aq'], env).trim()).toBe('');
    };
    const build = async () => {
      fresh();
      const run = await runAction('build-push-image', {
        inputs: { ...COMMON, image: `${registry.host}/team/bx`, context, builder: 'buildx', network: 'host' },
        env: { ...ENV, ...env },
        event: EVENT,
        timeoutMs: 180_000,
      });
      expect(run.errors).toEqual([]);
      expect(run.code).toBe(0);
      return run;
    };
    const cold = await build();
    expect(ran()).toMatchObject({ 'bx/deps': 1, 'bx/compile': 1 });
    expect(cold.stdout).toContain('Cache: inline in the pushed image');
    expect(cold.summary).toContain('0 of 4 build steps from the cache');
    // The inline cache is in the pushed image's config.
    const manifest = (await (
      await fetch(`${registry.url}/v2/team/bx/manifests/main`, {
        headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      })
    ).json()) as { config: { digest: string } };
    const config = await (await fetch(`${registry.url}/v2/team/bx/blobs/${manifest.config.digest}`)).text();
    expect(config).toContain('moby.buildkit.cache.v0');

    const warm = await build();
    expect(ran()).toMatchObject({ 'bx/deps': 1, 'bx/compile': 1 });
    expect(warm.summary).toContain('4 of 4 build steps from the cache');
    expect(warm.outputs.digest).toBe(cold.outputs.digest);

    writeFileSync(join(context, 'src.txt'), 'v2\n');
    const changed = await build();
    expect(ran()).toMatchObject({ 'bx/deps': 1, 'bx/compile': 2 });
    expect(changed.summary).toContain('2 of 4 build steps from the cache');
    expect(changed.outputs.digest).not.toBe(cold.outputs.digest);
  }, 600_000);
});
