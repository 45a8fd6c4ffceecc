/* biome-ignore-all lint/suspicious/noExplicitAny: registry JSON read back as it is */
/**
 * Promotion of the whole artifact against real docker-registry instances on 127.0.0.1: a
 * two-platform index, signed and attested with cosign's tag schema and with OCI 1.1 referrers
 * (recursively: a signature of an attestation), within one registry (mounts, 0 blob uploads in
 * the registry's access log) and across registries (each blob streamed once). Debian's
 * docker-registry (distribution 2.8) has no referrers API: the referrers tag schema is tested
 * against it, the API against test/fakes/referrers-proxy.ts in front of it. The target is read
 * back with skopeo and the raw registry API.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RegistryClient } from '../../src/core/registry/client.js';
import { copyImage } from '../../src/core/registry/copy.js';
import { digestTag } from '../../src/core/registry/media-types.js';
import { type ForwardedRequest, startFaultProxy } from '../fakes/fault-proxy.js';
import { type ReferrersProxy, startReferrersProxy } from '../fakes/referrers-proxy.js';
import { pushSignedIndex, type SignedIndex } from '../helpers/images.js';
import { blobUploads, startRegistry, type TestRegistry } from '../helpers/registry.js';

const fast = { baseDelayMs: 20, maxDelayMs: 200 };
const INDEX = 'application/vnd.oci.image.index.v1+json';
const ACCEPT = [
  INDEX,
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

let one: TestRegistry;
let two: TestRegistry;
let api1: ReferrersProxy;
let api2: ReferrersProxy;
/** Pushed once to `one` (tag schema: no API) and reused. */
let signed: SignedIndex;

beforeAll(async () => {
  [one, two] = await Promise.all([startRegistry({ accessLog: true }), startRegistry({ accessLog: true })]);
  [api1, api2] = await Promise.all([
    startReferrersProxy(one.url),
    startReferrersProxy(two.url, { pageSize: 1 }),
  ]);
  signed = await pushSignedIndex(
    new RegistryClient({ registry: one.host, insecure: true, ...fast }),
    'team/signed',
    'v1',
  );
});
afterAll(async () => {
  await Promise.all([api1?.close(), api2?.close()]);
  await Promise.all([one?.stop(), two?.stop()]);
});

async function raw(url: string, accept = ACCEPT): Promise<{ status: number; digest: string; json: any }> {
  const res = await fetch(url, { headers: { accept } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return { status: res.status, digest, json: res.ok ? JSON.parse(bytes.toString('utf8')) : undefined };
}

function skopeo(args: string[]): string {
  return execFileSync('skopeo', args, { encoding: 'utf8' });
}

/**
 * Reads the target back: the tag serves the same index bytes (skopeo), both platform manifests
 * and every referrer are there by digest, the cosign tags exist, and the OCI referrers are listed
 * — through `referrersOf` (the API) or the `sha256-<hex>` referrers tag.
 */
async function expectComplete(
  reg: TestRegistry,
  repo: string,
  tag: string,
  referrersOf?: (digest: string) => Promise<string[]>,
) {
  const rawIndex = skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/${repo}:${tag}`]);
  expect(`sha256:${createHash('sha256').update(rawIndex).digest('hex')}`).toBe(signed.digest);
  const index = JSON.parse(rawIndex) as {
    manifests: { digest: string; platform: { architecture: string } }[];
  };
  expect(index.manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
  for (const digest of [...signed.children, ...signed.referrers]) {
    const got = await raw(`${reg.url}/v2/${repo}/manifests/${digest}`);
    expect([digest, got.status, got.digest]).toEqual([digest, 200, digest]);
  }
  const tags = JSON.parse(skopeo(['list-tags', '--tls-verify=false', `docker://${reg.host}/${repo}`])).Tags;
  expect(tags).toEqual(expect.arrayContaining([tag, ...signed.cosignTags]));
  const [attestation] = signed.ociReferrers as [string];
  const listed = referrersOf
    ? { index: await referrersOf(signed.digest), nested: await referrersOf(attestation) }
    : {
        index: (await raw(`${reg.url}/v2/${repo}/manifests/${digestTag(signed.digest)}`)).json.manifests.map(
          (d: { digest: string }) => d.digest,
        ),
        nested: (await raw(`${reg.url}/v2/${repo}/manifests/${digestTag(attestation)}`)).json.manifests.map(
          (d: { digest: string }) => d.digest,
        ),
      };
  // A registry with the API lists in its own order; the tag schema keeps the source's.
  expect([...listed.index].sort()).toEqual([...signed.ociReferrers].sort());
  expect(listed.nested).toHaveLength(1);
  expect(signed.referrers).toContain(listed.nested[0]);
}

describe('promotion carries the whole artifact', () => {
  it('within one registry: index, platforms, cosign tags, referrers (recursively); 0 blobs uploaded', async () => {
    const client = new RegistryClient({ registry: one.host, insecure: true, ...fast });
    const mark = one.requests().length;
    const result = await copyImage(
      { client, repository: 'team/signed', reference: 'v1' },
      { client, repository: 'prod/signed', tags: ['1.0.0'] },
    );
    expect(result).toMatchObject({
      digest: signed.digest,
      manifests: 3,
      referrers: signed.referrers.length,
      referrerTags: signed.cosignTags,
      blobsCopied: 0,
      bytesCopied: 0,
    });
    expect(result.blobsMounted).toBeGreaterThan(0);
    expect(blobUploads(one.requests().slice(mark))).toEqual([]);
    await expectComplete(one, 'prod/signed', '1.0.0');

    // Again: nothing moves, nothing is duplicated in the referrers tag.
    const again = await copyImage(
      { client, repository: 'team/signed', reference: signed.digest },
      { client, repository: 'prod/signed', tags: ['1.0.0'] },
    );
    expect(again).toMatchObject({ referrers: signed.referrers.length, blobsMounted: 0, blobsCopied: 0 });
    await expectComplete(one, 'prod/signed', '1.0.0');
  });

  it('across registries, all at once: the target never gets a manifest before what it references, the tag last', async () => {
    // Layers over the small-blob size: both lanes of the blob copy (blob-copy.ts) are in use.
    const src = new RegistryClient({ registry: one.host, insecure: true, ...fast });
    const pushed = await pushSignedIndex(src, 'team/order', 'v1', { layers: 2, layerSize: 1_200_000 });
    const recorder = await startFaultProxy(two.url, []);
    try {
      const dst = new RegistryClient({ registry: recorder.host, insecure: true, ...fast });
      await copyImage(
        { client: src, repository: 'team/order', reference: 'v1' },
        { client: dst, repository: 'mirror/order', tags: ['v1'] },
      );
      const puts = recorder.log.filter((r) => r.method === 'PUT');
      const done = (what: (r: ForwardedRequest) => boolean, before: ForwardedRequest, why: string) => {
        const first = puts.find((r) => what(r) && r.status === 201);
        expect([why, first !== undefined && (first.end as number) < before.start]).toEqual([why, true]);
      };
      const blobStored = (digest: string) => (r: ForwardedRequest) =>
        r.path.includes('/blobs/uploads/') && decodeURIComponent(r.path).includes(`digest=${digest}`);
      const manifestStored = (digest: string) => (r: ForwardedRequest) =>
        r.path.includes('/manifests/') && r.digest === digest;
      const manifestPuts = puts.filter((r) => r.path.includes('/manifests/'));
      // Every manifest, index, referrer and referrers tag of the artifact is in the log.
      expect(manifestPuts.length).toBeGreaterThanOrEqual(3 + pushed.referrers.length + 2);
      for (const put of manifestPuts) {
        const reference = put.path.split('/manifests/')[1] as string;
        const { json } = await raw(`${one.url}/v2/team/order/manifests/${put.digest}`);
        const label = `${reference.slice(0, 20)} (${put.digest?.slice(7, 19)})`;
        for (const blob of [json.config, ...(json.layers ?? [])].filter(Boolean)) {
          done(blobStored(blob.digest), put, `${label}: blob ${blob.digest.slice(7, 19)}`);
        }
        // An index's manifests; the referrers tag is an index of referrers, not in the source.
        const listed = reference.startsWith('sha256-')
          ? ((await raw(`${two.url}/v2/mirror/order/manifests/${reference}`)).json.manifests ?? [])
          : (json.manifests ?? []);
        for (const child of listed)
          done(manifestStored(child.digest), put, `${label}: lists ${child.digest}`);
        // A referrer after its subject (the cosign tags name theirs).
        const subject = json.subject?.digest ?? /^(sha256)-(\w{64})\./.exec(reference)?.slice(1).join(':');
        if (subject) done(manifestStored(subject), put, `${label}: subject ${subject.slice(7, 19)}`);
      }
      // The tag last: sent after every other write was answered.
      const tag = puts.find((r) => r.path.endsWith('/manifests/v1')) as ForwardedRequest;
      for (const other of puts.filter((r) => r !== tag)) expect((other.end as number) < tag.start).toBe(true);
      expect(tag.digest).toBe(pushed.digest);
    } finally {
      await recorder.close();
    }
  });

  it('across registries: from a registry with the referrers API to one without, each blob once', async () => {
    const src = new RegistryClient({ registry: api1.host, insecure: true, ...fast });
    const pushed = await pushSignedIndex(src, 'team/api', 'v2');
    // The source registry indexed the OCI referrers itself: no referrers tag there.
    expect((await raw(`${one.url}/v2/team/api/manifests/${digestTag(pushed.digest)}`)).status).toBe(404);
    const mark = two.requests().length;
    const dst = new RegistryClient({ registry: two.host, insecure: true, ...fast });
    const result = await copyImage(
      { client: src, repository: 'team/api', reference: 'v2' },
      { client: dst, repository: 'mirror/api', tags: ['v2'] },
    );
    expect(result).toMatchObject({
      digest: pushed.digest,
      referrers: pushed.referrers.length,
      blobsMounted: 0,
    });
    expect(api1.seen.some((l) => l.startsWith(`GET /v2/team/api/referrers/${pushed.digest}`))).toBe(true);
    // Each blob streamed once: as many uploads as distinct blobs copied.
    const uploads = blobUploads(two.requests().slice(mark));
    const digests = uploads.map((l) => /digest=(sha256(?::|%3A)[a-f0-9]{64})/i.exec(l)?.[1]);
    expect(new Set(digests).size).toBe(uploads.length);
    expect(uploads).toHaveLength(result.blobsCopied);
    signed = { ...pushed };
    await expectComplete(two, 'mirror/api', 'v2');
  });

  it('into a registry with the referrers API: it lists every referrer (paged), no referrers tag is written', async () => {
    const src = new RegistryClient({ registry: api1.host, insecure: true, ...fast });
    const dst = new RegistryClient({ registry: api2.host, insecure: true, ...fast });
    const result = await copyImage(
      { client: src, repository: 'team/api', reference: signed.digest },
      { client: dst, repository: 'prod/api', tags: ['stable'] },
    );
    expect(result.referrers).toBe(signed.referrers.length);
    const tags = (await raw(`${two.url}/v2/prod/api/tags/list`)).json.tags as string[];
    expect(tags).not.toContain(digestTag(signed.digest));
    // pageSize 1: the client follows the Link header through every page.
    await expectComplete(two, 'prod/api', 'stable', async (digest) =>
      ((await dst.getReferrers('prod/api', digest)) ?? []).map((d) => d.digest),
    );
    const filtered = await raw(
      `${api2.url}/v2/prod/api/referrers/${signed.digest}?artifactType=${encodeURIComponent('application/spdx+json')}`,
      INDEX,
    );
    expect(filtered.json.manifests.map((d: { artifactType: string }) => d.artifactType)).toEqual([
      'application/spdx+json',
    ]);
  });
});
