/**
 * The registry client and promotion against real `docker-registry` instances on 127.0.0.1:
 * mount within a registry, streaming across registries, image indexes, auth, and faults
 * injected by a proxy in front of the registry. (The parsers without a registry are in
 * test/unit/registry.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient, RegistryError } from '../../src/core/registry/client.js';
import { copyImage } from '../../src/core/registry/copy.js';
import { startFaultProxy } from '../fakes/fault-proxy.js';
import { pushRandomImage, pushRandomIndex } from '../helpers/images.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

let one: TestRegistry;
let two: TestRegistry;
let secured: TestRegistry;
const fast = { baseDelayMs: 20, maxDelayMs: 200 };

beforeAll(async () => {
  [one, two, secured] = await Promise.all([
    startRegistry(),
    startRegistry(),
    startRegistry({ auth: { username: 'ci', password: 'hunter2-secret' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop(), secured?.stop()]);
});

describe('promotion by digest', () => {
  it('mounts blobs across repositories of one registry: no layer bytes move, digest unchanged', async () => {
    const client = new RegistryClient({ registry: one.host, insecure: true, ...fast });
    const image = await pushRandomImage(client, 'team/app', 'build-1');
    const result = await copyImage(
      { client, repository: 'team/app', reference: 'build-1' },
      { client, repository: 'prod/app', tags: ['1.0.0', 'stable'] },
    );
    expect(result).toMatchObject({ digest: image.digest, blobsMounted: 3, blobsCopied: 0, bytesCopied: 0 });
    expect(result.size).toBe(image.size);
    for (const tag of ['1.0.0', 'stable']) {
      expect((await client.headManifest('prod/app', tag))?.digest).toBe(image.digest);
    }
    // Again: everything is already there, the result is the same.
    const again = await copyImage(
      { client, repository: 'team/app', reference: image.digest },
      { client, repository: 'prod/app', tags: ['stable'] },
    );
    expect(again).toMatchObject({ digest: image.digest, blobsPresent: 3, blobsMounted: 0 });
  });

  it('streams blobs to another registry with the same digest', async () => {
    const src = new RegistryClient({ registry: one.host, insecure: true, ...fast });
    const image = await pushRandomImage(src, 'team/api', 'v1', { layers: 2, layerSize: 300_000 });
    const recorder = await startFaultProxy(two.url, []);
    try {
      const dst = new RegistryClient({ registry: recorder.host, insecure: true, ...fast });
      const result = await copyImage(
        { client: src, repository: 'team/api', reference: 'v1' },
        { client: dst, repository: 'mirror/api', tags: ['v1'] },
      );
      expect(result).toMatchObject({ digest: image.digest, blobsCopied: 3, blobsMounted: 0 });
      const copied = await dst.getManifest('mirror/api', 'v1');
      expect(copied.digest).toBe(image.digest);
      // Exactly the blobs' bytes (config and layers), though they were uploaded at once.
      expect(result.bytesCopied).toBe(image.size - copied.bytes.length);
      // A new repository: no question per blob; and nothing refers to the image, so it is
      // stored once, by its tag.
      const seen = recorder.log.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`);
      expect(seen.filter((l) => l.startsWith('HEAD'))).toEqual([]);
      expect(seen.filter((l) => l.startsWith('PUT /v2/mirror/api/manifests/'))).toEqual([
        'PUT /v2/mirror/api/manifests/v1',
      ]);
    } finally {
      await recorder.close();
    }
  });

  it('copies an image index with every child manifest', async () => {
    const client = new RegistryClient({ registry: one.host, insecure: true, ...fast });
    const index = await pushRandomIndex(client, 'team/multi', 'v2');
    const result = await copyImage(
      { client, repository: 'team/multi', reference: 'v2' },
      { client, repository: 'prod/multi', tags: ['v2'] },
    );
    expect(result.digest).toBe(index.digest);
    expect(result.manifests).toBe(3);
    for (const child of index.children) {
      expect((await client.headManifest('prod/multi', child))?.digest).toBe(child);
    }
  });

  it('fails clearly on a missing source, without retrying a 404', async () => {
    const proxy = await startFaultProxy(one.url, []);
    try {
      const client = new RegistryClient({ registry: proxy.host, insecure: true, ...fast });
      const err = await copyImage(
        { client, repository: 'team/app', reference: 'nope' },
        { client, repository: 'prod/app', tags: ['x'] },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as Error).message).toMatch(/manifest team\/app:nope .*HTTP 404 MANIFEST_UNKNOWN/);
      expect(proxy.seen.filter((s) => s.includes('/manifests/nope'))).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('faults', () => {
  it('promotion completes through 503 + Retry-After, 429 and connection resets', async () => {
    const direct = new RegistryClient({ registry: one.host, insecure: true, ...fast });
    const image = await pushRandomImage(direct, 'team/flaky', 'v3', { layers: 2, layerSize: 200_000 });
    const proxy = await startFaultProxy(one.url, [
      { match: (m, p) => m === 'GET' && p.includes('/manifests/v3'), fault: { kind: 'reset' } },
      {
        // The first reads of a promotion: which tags the source and the target hold.
        match: (m, p) => m === 'GET' && p.includes('/tags/list'),
        fault: { kind: 'status', status: 429 },
        times: 2,
      },
      {
        match: (m, p) => m === 'POST' && p.includes('mount='),
        fault: { kind: 'status', status: 503, retryAfter: '0' },
      },
      {
        match: (m, p) => m === 'PUT' && p.includes('/manifests/'),
        fault: { kind: 'status', status: 503, retryAfter: '1' },
      },
    ]);
    try {
      const client = new RegistryClient({ registry: proxy.host, insecure: true, ...fast });
      const started = Date.now();
      const result = await copyImage(
        { client, repository: 'team/flaky', reference: 'v3' },
        { client, repository: 'prod/flaky', tags: ['v3'] },
      );
      expect(result.digest).toBe(image.digest);
      expect(proxy.injected).toHaveLength(5);
      // Retry-After: 1 was honoured (the client's own backoff here is ≤ 200ms).
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect((await direct.headManifest('prod/flaky', 'v3'))?.digest).toBe(image.digest);
    } finally {
      await proxy.close();
    }
  });

  it('a streamed blob copy survives a reset mid-way and a 503 on the upload', async () => {
    const src = new RegistryClient({ registry: one.host, insecure: true, ...fast });
    const image = await pushRandomImage(src, 'team/stream', 'v1', { layers: 1, layerSize: 500_000 });
    const proxy = await startFaultProxy(two.url, [
      { match: (m, p) => m === 'PUT' && p.includes('/blobs/uploads/'), fault: { kind: 'reset' } },
      {
        match: (m, p) => m === 'POST' && p.includes('/blobs/uploads/'),
        fault: { kind: 'status', status: 503 },
      },
    ]);
    try {
      const dst = new RegistryClient({ registry: proxy.host, insecure: true, ...fast });
      const result = await copyImage(
        { client: src, repository: 'team/stream', reference: 'v1' },
        { client: dst, repository: 'mirror/stream', tags: ['v1'] },
      );
      expect(result.digest).toBe(image.digest);
      expect(proxy.injected).toHaveLength(2);
      const direct = new RegistryClient({ registry: two.host, insecure: true });
      for (const layer of (
        (await direct.getManifest('mirror/stream', 'v1')).manifest as { layers: { digest: string }[] }
      ).layers) {
        expect(await direct.hasBlob('mirror/stream', layer.digest)).toBe(true);
      }
    } finally {
      await proxy.close();
    }
  });

  it('gives up after the attempts are spent, naming the endpoint', async () => {
    const proxy = await startFaultProxy(one.url, [
      { match: () => true, fault: { kind: 'status', status: 503 }, times: 100 },
    ]);
    try {
      const client = new RegistryClient({ registry: proxy.host, insecure: true, attempts: 3, ...fast });
      await expect(client.headManifest('team/app', 'build-1')).rejects.toThrow(/HTTP 503/);
      expect(proxy.seen).toHaveLength(3);
    } finally {
      await proxy.close();
    }
  });
});

describe('auth', () => {
  it('answers a Basic challenge with the credentials and reports bad ones clearly', async () => {
    const good = new RegistryClient({
      registry: secured.host,
      insecure: true,
      credentials: { username: 'ci', password: 'hunter2-secret' },
    });
    const image = await pushRandomImage(good, 'team/private', 'v1', { layers: 1, layerSize: 1000 });
    expect((await good.headManifest('team/private', 'v1'))?.digest).toBe(image.digest);

    const bad = new RegistryClient({
      registry: secured.host,
      insecure: true,
      credentials: { username: 'ci', password: 'wrong' },
    });
    const err = (await bad.getManifest('team/private', 'v1').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/HTTP 401 UNAUTHORIZED.*registry-username/);
    expect(err.message).not.toContain('wrong');
    const anonymous = new RegistryClient({ registry: secured.host, insecure: true });
    await expect(anonymous.getManifest('team/private', 'v1')).rejects.toThrow(/HTTP 401/);
  });
});
