/**
 * The blobs of a promotion (copy.ts): each moves once however many manifests share it. Within
 * one registry a blob is cross-repository mounted (no bytes move); across registries it is
 * streamed from the source straight into the target's upload, in parallel with the others.
 *
 * Two lanes of `concurrency` transfers each: small blobs (configs, signatures, attestations) never
 * queue behind layers, and layers never queue behind them, so every layer starts at once.
 */

import { isRetryableStatus, networkVerdict } from '../http.js';
import type { Log } from '../log.js';
import { retry } from '../retry.js';
import { type RegistryClient, RegistryError } from './client.js';
import type { Descriptor } from './media-types.js';

/** Blobs below this size take the small lane. */
export const SMALL_BLOB = 1024 * 1024;

export interface BlobEnd {
  client: RegistryClient;
  repository: string;
}

export interface BlobStats {
  blobsPresent: number;
  blobsMounted: number;
  blobsCopied: number;
  /** Bytes of the blobs the target received in completed uploads. */
  bytesCopied: number;
}

/** A counting semaphore: at most `limit` calls of `run` in flight. */
export function limiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(fn: () => Promise<T>): Promise<T> {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export function sameRegistry(a: RegistryClient, b: RegistryClient): boolean {
  return a === b || a.baseUrl === b.baseUrl;
}

export class BlobCopier {
  readonly stats: BlobStats = { blobsPresent: 0, blobsMounted: 0, blobsCopied: 0, bytesCopied: 0 };
  private readonly done = new Map<string, Promise<void>>();
  private readonly small: ReturnType<typeof limiter>;
  private readonly large: ReturnType<typeof limiter>;

  constructor(
    private readonly source: BlobEnd,
    private readonly target: BlobEnd,
    private readonly log: Log,
    concurrency: number,
    /**
     * Whether the target repository is new (no tags): then nothing is asked before an upload
     * (a blob left there by an earlier, failed promotion is uploaded again: correct, only slower).
     */
    private readonly targetIsNew: () => Promise<boolean>,
  ) {
    this.small = limiter(concurrency);
    this.large = limiter(concurrency);
  }

  /** Copies one blob, once per promotion however many manifests share it. */
  copy(blob: Descriptor): Promise<void> {
    let done = this.done.get(blob.digest);
    if (!done) {
      const lane = blob.size < SMALL_BLOB ? this.small : this.large;
      done = lane(() => this.copyOne(blob));
      this.done.set(blob.digest, done);
    }
    return done;
  }

  /** Counts a blob the target has (its manifest is there), once per promotion. */
  present(blob: Descriptor): void {
    if (this.done.has(blob.digest)) return;
    this.done.set(blob.digest, Promise.resolve());
    this.stats.blobsPresent++;
  }

  private async copyOne(blob: Descriptor) {
    const { source, target } = this;
    let location: string | undefined;
    if (sameRegistry(source.client, target.client)) {
      // A mount links the blob (a no-op where the repository has it already): no bytes move.
      const mounted = await target.client.mountBlob(target.repository, blob.digest, source.repository);
      if (mounted === true) {
        this.stats.blobsMounted++;
        this.log.debug(`mounted ${blob.digest} from ${source.repository}`);
        return;
      }
      location = mounted; // the registry would not mount it: upload into this session instead
    } else if (!(await this.targetIsNew()) && (await target.client.hasBlob(target.repository, blob.digest))) {
      this.stats.blobsPresent++;
      return;
    }
    await this.stream(blob, location);
    this.stats.blobsCopied++;
    this.stats.bytesCopied += blob.size;
    this.log.debug(`copied ${blob.digest} (${blob.size} bytes)`);
  }

  private async stream(blob: Descriptor, location?: string) {
    const { source, target } = this;
    const dst = target.client;
    let upload = location;
    await retry(
      async (attempt) => {
        if (attempt > 1) upload = undefined; // a fresh upload session for each new attempt
        // Both at once: the download starts while the target opens the upload session.
        const [got, opened] = await Promise.allSettled([
          source.client.getBlob(source.repository, blob.digest),
          upload ?? dst.startUpload(target.repository),
        ]);
        if (got.status === 'rejected') throw got.reason;
        const res = got.value;
        if (opened.status === 'rejected') {
          await res.cancel(); // free the download's connection
          throw opened.reason;
        }
        const location = opened.value;
        upload = location;
        const body = res.readable();
        // A failed upload leaves the download half-read: drop it, so its connection is freed.
        await dst.putBlob(target.repository, location, blob.digest, blob.size, body).catch((err: unknown) => {
          body.destroy();
          throw err;
        });
      },
      {
        ...dst.retryPolicy,
        attempts: 5,
        // A reset mid-stream or a 5xx on the PUT: start a fresh upload session and send it again.
        retryError: (err) =>
          err instanceof RegistryError
            ? (err.status === undefined || isRetryableStatus(err.status)) && { reason: err.message }
            : networkVerdict(err),
      },
    );
  }
}
