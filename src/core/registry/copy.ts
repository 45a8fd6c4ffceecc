/**
 * Promotion by digest: copies an image (a manifest, or an index and every child manifest) to
 * another repository and tags without rebuilding. Blobs already there are skipped, blobs in the
 * same registry are cross-repository mounted (no bytes move), others are streamed through.
 * The manifest bytes are copied verbatim, so the digest never changes — and it is checked.
 */

import { isRetryableStatus, networkVerdict } from '../http.js';
import { type Log, silentLog } from '../log.js';
import { retry } from '../retry.js';
import { type FetchedManifest, type RegistryClient, RegistryError } from './client.js';
import { blobsOf, type Descriptor, type ImageManifest, isIndex } from './media-types.js';

export interface CopySource {
  client: RegistryClient;
  repository: string;
  /** A tag or a `sha256:` digest. */
  reference: string;
}

export interface CopyTarget {
  client: RegistryClient;
  repository: string;
  tags: string[];
}

export interface CopyResult {
  digest: string;
  mediaType: string;
  /** Total bytes of the image's manifests and blobs (what a pull may download). */
  size: number;
  manifests: number;
  blobsPresent: number;
  blobsMounted: number;
  blobsCopied: number;
  bytesCopied: number;
}

type Stats = Pick<CopyResult, 'manifests' | 'blobsPresent' | 'blobsMounted' | 'blobsCopied' | 'bytesCopied'>;

/** Runs `fn` over items with at most `limit` in flight. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(workers);
}

function sameRegistry(a: RegistryClient, b: RegistryClient): boolean {
  return a === b || a.baseUrl === b.baseUrl;
}

async function streamBlob(source: CopySource, target: CopyTarget, blob: Descriptor, location?: string) {
  const client = target.client;
  let upload = location;
  await retry(
    async (attempt) => {
      if (attempt > 1) upload = undefined; // a fresh upload session for each new attempt
      const res = await source.client.getBlob(source.repository, blob.digest);
      upload ??= await client.startUpload(target.repository);
      await client.putBlob(target.repository, upload, blob.digest, blob.size, res.body as ReadableStream);
    },
    {
      ...client.retryPolicy,
      attempts: 5,
      // A reset mid-stream or a 5xx on the PUT: start a fresh upload session and send it again.
      retryError: (err) =>
        err instanceof RegistryError
          ? (err.status === undefined || isRetryableStatus(err.status)) && { reason: err.message }
          : networkVerdict(err),
    },
  );
}

async function copyBlob(source: CopySource, target: CopyTarget, blob: Descriptor, stats: Stats, log: Log) {
  const dst = target.client;
  if (await dst.hasBlob(target.repository, blob.digest)) {
    stats.blobsPresent++;
    return;
  }
  let location: string | undefined;
  if (sameRegistry(source.client, dst)) {
    const mounted = await dst.mountBlob(target.repository, blob.digest, source.repository);
    if (mounted === true) {
      stats.blobsMounted++;
      log.debug(`mounted ${blob.digest} from ${source.repository}`);
      return;
    }
    location = mounted;
  }
  const before = dst.bytesUploaded;
  await streamBlob(source, target, blob, location);
  stats.blobsCopied++;
  stats.bytesCopied += dst.bytesUploaded - before;
  log.debug(`copied ${blob.digest} (${blob.size} bytes)`);
}

async function copyImageManifest(
  source: CopySource,
  target: CopyTarget,
  fetched: FetchedManifest,
  stats: Stats,
  log: Log,
): Promise<number> {
  const blobs = blobsOf(fetched.manifest as ImageManifest);
  await eachLimited(blobs, 4, (blob) => copyBlob(source, target, blob, stats, log));
  return blobs.reduce((sum, b) => sum + b.size, fetched.bytes.length);
}

/** Copies `source` to every tag of `target` (or only by digest when no tags are given). */
export async function copyImage(
  source: CopySource,
  target: CopyTarget,
  log: Log = silentLog,
): Promise<CopyResult> {
  const stats: Stats = { manifests: 0, blobsPresent: 0, blobsMounted: 0, blobsCopied: 0, bytesCopied: 0 };
  const top = await source.client.getManifest(source.repository, source.reference);
  if (source.reference.startsWith('sha256:') && top.digest !== source.reference) {
    throw new RegistryError(
      `${source.repository}@${source.reference}: the registry returned a manifest whose digest is ${top.digest}`,
    );
  }
  let size = 0;
  if (isIndex(top.mediaType, top.manifest)) {
    // Children first: a registry may refuse an index whose manifests it does not have.
    for (const child of top.manifest.manifests) {
      const fetched = await source.client.getManifest(source.repository, child.digest);
      if (isIndex(fetched.mediaType, fetched.manifest)) {
        throw new RegistryError(
          `${source.repository}@${child.digest}: nested image indexes are not supported`,
        );
      }
      size += await copyImageManifest(source, target, fetched, stats, log);
      await putVerified(target, child.digest, fetched);
      stats.manifests++;
    }
    size += top.bytes.length;
  } else {
    size += await copyImageManifest(source, target, top, stats, log);
  }
  for (const reference of target.tags.length ? target.tags : [top.digest]) {
    await putVerified(target, reference, top);
  }
  stats.manifests++;
  return { digest: top.digest, mediaType: top.mediaType, size, ...stats };
}

async function putVerified(target: CopyTarget, reference: string, fetched: FetchedManifest) {
  const digest = await target.client.putManifest(
    target.repository,
    reference,
    fetched.bytes,
    fetched.mediaType,
  );
  if (digest !== fetched.digest) {
    throw new RegistryError(
      `${target.repository}:${reference}: the registry stored digest ${digest}, expected ${fetched.digest}`,
    );
  }
}
