/**
 * The blob scheduling of a promotion across registries (src/core/registry/blob-copy.ts), with
 * registry clients whose transfers finish when the test says: the two lanes, one transfer per
 * digest, no question asked of a new repository, and the bytes counted once per completed blob.
 * (Against real registries: test/integration/registry.test.ts and promote-artifact.test.ts.)
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { silentLog } from '../../src/core/log.js';
import { BlobCopier, SMALL_BLOB } from '../../src/core/registry/blob-copy.js';
import type { RegistryClient } from '../../src/core/registry/client.js';

/** Two clients of different registries; every upload waits until `finish(digest)`. */
function registries(existing: string[] = []) {
  const calls: string[] = [];
  const pending = new Map<string, () => void>();
  const retryPolicy = { attempts: 1, baseMs: 1, capMs: 1 };
  const source = {
    baseUrl: 'http://source',
    retryPolicy,
    getBlob: async (_repo: string, digest: string) => {
      calls.push(`get ${digest}`);
      return { readable: () => Readable.from([Buffer.from(digest)]), body: null };
    },
  };
  const target = {
    baseUrl: 'http://target',
    retryPolicy,
    hasBlob: async (_repo: string, digest: string) => {
      calls.push(`head ${digest}`);
      return existing.includes(digest);
    },
    startUpload: async () => 'http://target/upload',
    putBlob: (_repo: string, _location: string, digest: string, _size: number, body: Readable) => {
      calls.push(`put ${digest}`);
      body.resume();
      return new Promise<void>((resolve) => pending.set(digest, resolve));
    },
  };
  const settled = () => new Promise((r) => setImmediate(r));
  return {
    source: { client: source as unknown as RegistryClient, repository: 'team/app' },
    target: { client: target as unknown as RegistryClient, repository: 'prod/app' },
    calls,
    inFlight: () => [...pending.keys()],
    async finish(digest: string) {
      const resolve = pending.get(digest);
      if (!resolve) throw new Error(`${digest} is not being uploaded`);
      pending.delete(digest);
      resolve();
      await settled();
    },
    settled,
  };
}

const blob = (digest: string, size: number) => ({ mediaType: 'application/octet-stream', digest, size });
const LAYER = 10 * SMALL_BLOB;

describe('blob copy across registries', () => {
  it('small blobs do not queue behind layers, nor layers behind them; each digest moves once', async () => {
    const r = registries();
    const copier = new BlobCopier(r.source, r.target, silentLog, 1, async () => true);
    const all = [
      copier.copy(blob('layer-1', LAYER)),
      copier.copy(blob('layer-2', LAYER)),
      copier.copy(blob('config', 500)),
      copier.copy(blob('signature', 900)),
      copier.copy(blob('layer-1', LAYER)), // shared by a second manifest
    ];
    await r.settled();
    // One transfer per lane at concurrency 1: the first layer and the first small blob.
    expect(r.inFlight()).toEqual(['layer-1', 'config']);
    await r.finish('config');
    expect(r.inFlight()).toEqual(['layer-1', 'signature']);
    await r.finish('layer-1');
    expect(r.inFlight()).toEqual(['signature', 'layer-2']);
    await r.finish('signature');
    await r.finish('layer-2');
    await Promise.all(all);
    expect(r.calls.filter((c) => c === 'put layer-1')).toHaveLength(1);
    expect(copier.stats).toEqual({
      blobsPresent: 0,
      blobsMounted: 0,
      blobsCopied: 4,
      bytesCopied: 2 * LAYER + 500 + 900,
    });
  });

  it('asks a repository that has tags which blobs it holds; a new one is not asked', async () => {
    for (const isNew of [false, true]) {
      const r = registries(['layer-1']);
      const copier = new BlobCopier(r.source, r.target, silentLog, 4, async () => isNew);
      const copies = [copier.copy(blob('layer-1', LAYER)), copier.copy(blob('config', 500))];
      await r.settled();
      for (const digest of r.inFlight()) await r.finish(digest);
      await Promise.all(copies);
      if (isNew) {
        expect(r.calls.filter((c) => c.startsWith('head'))).toEqual([]);
        expect(copier.stats).toMatchObject({ blobsPresent: 0, blobsCopied: 2 });
      } else {
        expect(r.calls.filter((c) => c.startsWith('head')).sort()).toEqual(['head config', 'head layer-1']);
        expect(r.calls).not.toContain('get layer-1');
        expect(copier.stats).toMatchObject({ blobsPresent: 1, blobsCopied: 1, bytesCopied: 500 });
      }
    }
  });
});
