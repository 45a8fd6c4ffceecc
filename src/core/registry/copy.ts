/**
 * Promotion by digest: copies a whole artifact to another repository and tags without
 * rebuilding — an image manifest, or an index with every platform manifest (indexes nest), and
 * then everything that refers to it: OCI 1.1 referrers (through the referrers API where the
 * source registry has it, else the `sha256-<hex>` referrers tag schema) and cosign's tag schema
 * (`sha256-<hex>.sig`, `.att`, `.sbom`), recursively (a signature of an attestation travels too).
 *
 * Blobs already there are skipped, blobs in the same registry are cross-repository mounted (no
 * bytes move), others are streamed through, in parallel, each once. Manifest bytes are copied
 * verbatim, so no digest changes — and each is checked. The tags are written last: a promoted tag
 * never points at an artifact whose platforms, signatures or attestations are still on the way.
 */

import { isRetryableStatus, networkVerdict } from '../http.js';
import { type Log, silentLog } from '../log.js';
import { retry } from '../retry.js';
import { type FetchedManifest, type RegistryClient, RegistryError } from './client.js';
import { blobsOf, type Descriptor, digestTag, type ImageManifest, isIndex } from './media-types.js';
import { addToReferrersTag } from './referrers.js';

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

export interface CopyOptions {
  /** Copy the referrers (signatures, SBOMs, attestations) too; default true. */
  referrers?: boolean;
  /** Blob transfers in flight at once (default 8). */
  concurrency?: number;
}

export interface CopyResult {
  digest: string;
  mediaType: string;
  /** Total bytes of the image's manifests and blobs (what a pull may download). */
  size: number;
  /** Manifests of the image itself (an index and its platform manifests), not counting referrers. */
  manifests: number;
  /** Referrers carried along: OCI `subject` artifacts and cosign's tag-schema artifacts, recursively. */
  referrers: number;
  /** The cosign tag-schema tags written in the target (`sha256-<hex>.sig`, …). */
  referrerTags: string[];
  blobsPresent: number;
  blobsMounted: number;
  blobsCopied: number;
  bytesCopied: number;
}

/** cosign's tag schema: `sha256-<hex>.<suffix>` holds the signatures, attestations, SBOM of a digest. */
export const COSIGN_SUFFIXES = ['sig', 'att', 'sbom'] as const;

function sameRegistry(a: RegistryClient, b: RegistryClient): boolean {
  return a === b || a.baseUrl === b.baseUrl;
}

/** A counting semaphore: at most `limit` calls of `run` in flight. */
function limiter(limit: number) {
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

/** One promotion: its stats and the memo that makes every blob and manifest move once. */
class Copy {
  readonly stats = {
    manifests: 0,
    referrers: 0,
    blobsPresent: 0,
    blobsMounted: 0,
    blobsCopied: 0,
    bytesCopied: 0,
  };
  readonly referrerTags: string[] = [];
  private readonly blobs = new Map<string, Promise<void>>();
  private readonly manifests = new Map<string, Promise<FetchedManifest>>();
  private readonly subjects = new Set<string>();
  /** Whether the source registry has the referrers API (asked once per promotion). */
  private sourceApi: Promise<boolean> | undefined;
  private tags: Promise<Set<string> | undefined> | undefined;
  /** The target repository's tags, listed once (undefined when the registry will not list them). */
  private targetTags: Promise<Set<string> | undefined> | undefined;
  private readonly limit: ReturnType<typeof limiter>;
  /** Same repository: every blob, manifest and referrer is there already; only tags are new. */
  readonly sameRepository: boolean;
  /** Manifests stored in the target, by digest: a referrer is stored after its subject. */
  private readonly placed = new Map<string, { done: Promise<void>; resolve: () => void }>();
  /** Work started alongside the image copy (referrer discovery and copies), awaited by `settle`. */
  private readonly pending: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;
  private abort!: (err: unknown) => void;
  private readonly aborted = new Promise<never>((_, reject) => {
    this.abort = reject;
  });

  constructor(
    private readonly source: CopySource,
    private readonly target: CopyTarget,
    private readonly log: Log,
    concurrency: number,
  ) {
    this.limit = limiter(concurrency);
    this.sameRepository =
      sameRegistry(source.client, target.client) && source.repository === target.repository;
    this.aborted.catch(() => {});
  }

  private slot(digest: string) {
    let slot = this.placed.get(digest);
    if (!slot) {
      let resolve!: () => void;
      const done = new Promise<void>((r) => {
        resolve = r;
      });
      slot = { done, resolve };
      this.placed.set(digest, slot);
    }
    return slot;
  }

  /** Marks a manifest as stored in the target. */
  markPlaced(digest: string): void {
    this.slot(digest).resolve();
  }

  /** Resolves once `digest` is stored in the target; rejects when the promotion failed meanwhile. */
  private whenPlaced(digest: string): Promise<void> {
    return Promise.race([this.slot(digest).done, this.aborted]);
  }

  /** Runs `work` alongside; its failure fails the promotion (and stops what waits on it). */
  track(work: Promise<void>): void {
    this.pending.push(
      work.catch((error: unknown) => {
        this.fail(error);
      }),
    );
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.abort(error);
  }

  /** Waits for everything tracked, including what it started; throws the first failure. */
  async settle(): Promise<void> {
    while (this.pending.length) await Promise.all(this.pending.splice(0));
    if (this.failure) throw this.failure.error;
  }

  private get src() {
    return this.source.client;
  }
  private get dst() {
    return this.target.client;
  }

  /** Copies one blob, once per promotion however many manifests share it. */
  blob(blob: Descriptor): Promise<void> {
    let done = this.blobs.get(blob.digest);
    if (!done) {
      done = this.limit(() => this.copyBlob(blob));
      this.blobs.set(blob.digest, done);
    }
    return done;
  }

  /** Counts a blob the target has (its manifest is there), once per promotion. */
  private present(blob: Descriptor): void {
    if (this.blobs.has(blob.digest)) return;
    this.blobs.set(blob.digest, Promise.resolve());
    this.stats.blobsPresent++;
  }

  private async copyBlob(blob: Descriptor) {
    const { dst, target, source } = this;
    let location: string | undefined;
    if (sameRegistry(source.client, dst)) {
      // A mount links the blob (a no-op where the repository has it already): no bytes move.
      const mounted = await dst.mountBlob(target.repository, blob.digest, source.repository);
      if (mounted === true) {
        this.stats.blobsMounted++;
        this.log.debug(`mounted ${blob.digest} from ${source.repository}`);
        return;
      }
      location = mounted; // the registry would not mount it: upload into this session instead
    } else if (await dst.hasBlob(target.repository, blob.digest)) {
      this.stats.blobsPresent++;
      return;
    }
    const before = dst.bytesUploaded;
    await this.streamBlob(blob, location);
    this.stats.blobsCopied++;
    this.stats.bytesCopied += dst.bytesUploaded - before;
    this.log.debug(`copied ${blob.digest} (${blob.size} bytes)`);
  }

  private async streamBlob(blob: Descriptor, location?: string) {
    const { dst, target, source } = this;
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
          await res.body?.cancel().catch(() => {}); // free the download's connection
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

  /** A source manifest by digest, fetched once and checked against its digest. */
  fetch(digest: string): Promise<FetchedManifest> {
    let got = this.manifests.get(digest);
    if (!got) {
      got = this.src.getManifest(this.source.repository, digest).then((fetched) => {
        if (fetched.digest !== digest) {
          throw new RegistryError(
            `${this.source.repository}@${digest}: the registry returned a manifest whose digest is ${fetched.digest}`,
          );
        }
        return fetched;
      });
      this.manifests.set(digest, got);
    }
    return got;
  }

  /**
   * Copies what a manifest references — an index's manifests (recursively, each stored by
   * digest), an image's config and layers — but not the manifest itself. `present`: the target
   * already holds this manifest, so it holds everything under it. Returns the tree's size.
   */
  async contents(fetched: FetchedManifest, present: boolean, withReferrers: boolean): Promise<number> {
    if (isIndex(fetched.mediaType, fetched.manifest)) {
      const sizes = await Promise.all(
        fetched.manifest.manifests.map(async (child) => {
          // What refers to a platform manifest travels too (cosign sign --recursive).
          if (withReferrers) this.track(this.referrersOf(child.digest));
          const [got, there] = await Promise.all([
            this.fetch(child.digest),
            present || this.sameRepository ? true : this.targetHas(child.digest),
          ]);
          const size = await this.contents(got, there, withReferrers);
          // Children first: a registry may refuse an index whose manifests it does not have.
          if (!there) await this.put(child.digest, got);
          this.markPlaced(child.digest);
          this.stats.manifests++;
          return size;
        }),
      );
      return sizes.reduce((a, b) => a + b, fetched.bytes.length);
    }
    const blobs = blobsOf(fetched.manifest as ImageManifest);
    if (present) for (const blob of blobs) this.present(blob);
    else await Promise.all(blobs.map((blob) => this.blob(blob)));
    return blobs.reduce((sum, b) => sum + b.size, fetched.bytes.length);
  }

  /** Stores a manifest verbatim and checks the digest; returns the registry's `OCI-Subject`. */
  async put(reference: string, fetched: FetchedManifest): Promise<string | null> {
    const { digest, subject } = await this.dst.pushManifest(
      this.target.repository,
      reference,
      fetched.bytes,
      fetched.mediaType,
    );
    if (digest !== fetched.digest) {
      throw new RegistryError(
        `${this.target.repository}:${reference}: the registry stored digest ${digest}, expected ${fetched.digest}`,
      );
    }
    return subject;
  }

  /**
   * The source repository's tags, listed once: which `sha256-<hex>…` tags exist is then known
   * without probing each (undefined where the registry will not list them: then probe).
   */
  sourceTags(): Promise<Set<string> | undefined> {
    this.tags ??= this.src.listTags(this.source.repository).then(
      (t) => (t ? new Set(t) : undefined),
      () => undefined, // not listed: probe each tag instead
    );
    return this.tags;
  }

  /**
   * Whether the target holds a manifest. A target repository without any tag is taken as new:
   * nothing to ask (a repository holding manifests only by digest is copied into again, which
   * is correct, only slower).
   */
  async targetHas(digest: string): Promise<boolean> {
    const tags = await this.listTargetTags();
    if (tags && tags.size === 0) return false;
    return (await this.dst.headManifest(this.target.repository, digest)) !== undefined;
  }

  /** Lists the target's tags once (started early, alongside the first reads of the source). */
  listTargetTags(): Promise<Set<string> | undefined> {
    this.targetTags ??= this.dst
      .listTags(this.target.repository)
      .then((t) => (t ? new Set(t) : undefined))
      .catch(() => undefined);
    return this.targetTags;
  }

  /** The target's manifest under `tag`, if any (skipped when the tag list says there is none). */
  private async targetTag(tag: string): Promise<FetchedManifest | undefined> {
    const tags = await this.listTargetTags();
    if (tags && !tags.has(tag)) return undefined;
    return this.dst.getManifestIfAny(this.target.repository, tag);
  }

  /** A source manifest by tag (when it exists), remembered by its digest. */
  private async fetchTag(tag: string): Promise<FetchedManifest | undefined> {
    const tags = await this.sourceTags();
    if (tags && !tags.has(tag)) return undefined;
    const fetched = await this.src.getManifestIfAny(this.source.repository, tag);
    if (fetched && !this.manifests.has(fetched.digest))
      this.manifests.set(fetched.digest, Promise.resolve(fetched));
    return fetched;
  }

  /** The OCI referrers of `digest` in the source: the referrers API, else the referrers tag schema. */
  private async ociReferrers(digest: string): Promise<Descriptor[]> {
    const { src, source } = this;
    if (this.sourceApi === undefined) {
      // The first question also tells whether the source registry has the API at all.
      const first = src.getReferrers(source.repository, digest);
      this.sourceApi = first.then(
        (r) => r !== undefined,
        () => false,
      );
      const found = await first;
      if (found) return found;
    } else if (await this.sourceApi) {
      return (await src.getReferrers(source.repository, digest)) ?? [];
    }
    const index = await this.fetchTag(digestTag(digest));
    return index && isIndex(index.mediaType, index.manifest) ? index.manifest.manifests : [];
  }

  /** Copies everything that refers to `digest`, and what refers to that, and so on. */
  async referrersOf(digest: string): Promise<void> {
    if (this.subjects.has(digest)) return;
    this.subjects.add(digest);
    const [oci, cosign] = await Promise.all([
      this.ociReferrers(digest),
      Promise.all(
        COSIGN_SUFFIXES.map(async (suffix) => {
          const tag = `${digestTag(digest)}.${suffix}`;
          const fetched = await this.fetchTag(tag);
          return fetched ? { tag, digest: fetched.digest } : undefined;
        }),
      ),
    ]);
    const indexed: Descriptor[] = [];
    // Read alongside the copies: the target's referrers tag, in case it has no referrers API.
    const listed = oci.length && !this.sameRepository ? this.targetTag(digestTag(digest)) : undefined;
    listed?.catch(() => {});
    await Promise.all([
      ...oci.map(async (descriptor) => {
        const subject = await this.artifact(descriptor.digest, descriptor.digest, digest);
        // No OCI-Subject in the answer: the target has no referrers API, keep its tag schema.
        if (subject !== digest) indexed.push(descriptor);
      }),
      ...cosign.map(async (found) => {
        if (!found) return;
        await this.artifact(found.digest, found.tag, digest);
        this.referrerTags.push(found.tag);
      }),
    ]);
    if (indexed.length && !this.sameRepository) {
      const add = new Set(indexed.map((d) => d.digest));
      // In the source's order, whatever order the copies finished in.
      await addToReferrersTag(
        this.dst,
        this.target.repository,
        digest,
        oci.filter((d) => add.has(d.digest)),
        await listed,
      );
    }
  }

  /**
   * Copies one referrer (a manifest or index) of `subject` under `reference` — stored after its
   * subject — while its own referrers are looked up. Returns the target's `OCI-Subject`.
   */
  private async artifact(digest: string, reference: string, subject: string): Promise<string | null> {
    this.stats.referrers++;
    this.track(this.referrersOf(digest));
    if (this.sameRepository) {
      this.markPlaced(digest);
      return subject; // already where it belongs, indexed as it was
    }
    const [fetched, present] = await Promise.all([
      this.fetch(digest),
      // By digest, also for a cosign tag: a manifest the target holds brings its blobs along.
      this.targetHas(digest),
    ]);
    await this.contents(fetched, present, false);
    await this.whenPlaced(subject);
    // Stored again even when present: the answer says whether the target indexes it (OCI-Subject).
    const answer = await this.put(reference, fetched);
    this.markPlaced(digest);
    this.log.debug(`referrer ${reference} of ${subject}`);
    return answer;
  }
}

/**
 * Copies `source` to every tag of `target` (or only by digest when no tags are given), with its
 * referrers unless `options.referrers` is false.
 */
export async function copyImage(
  source: CopySource,
  target: CopyTarget,
  log: Log = silentLog,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const copy = new Copy(source, target, log, options.concurrency ?? 8);
  // Started at once, read by what follows: which tags the target and the source already have.
  if (!copy.sameRepository) void copy.listTargetTags();
  if (options.referrers !== false) void copy.sourceTags();
  const top = await source.client.getManifest(source.repository, source.reference);
  if (source.reference.startsWith('sha256:') && top.digest !== source.reference) {
    throw new RegistryError(
      `${source.repository}@${source.reference}: the registry returned a manifest whose digest is ${top.digest}`,
    );
  }
  const withReferrers = options.referrers !== false;
  let size: number;
  try {
    // Referrers are looked up (and copied, each after its subject) while the image moves.
    if (withReferrers) copy.track(copy.referrersOf(top.digest));
    // A target that holds the manifest holds everything under it (a re-run moves nothing).
    const present = copy.sameRepository || (await copy.targetHas(top.digest));
    size = await copy.contents(top, present, withReferrers);
    copy.stats.manifests++;
    if (withReferrers) {
      // By digest first (the subject of the referrers), the tags only when everything is there.
      if (!present) await copy.put(top.digest, top);
      copy.markPlaced(top.digest);
    }
    await copy.settle();
  } catch (err) {
    copy.fail(err);
    throw err;
  }
  await Promise.all(
    (target.tags.length ? target.tags : [top.digest]).map((reference) => copy.put(reference, top)),
  );
  return {
    digest: top.digest,
    mediaType: top.mediaType,
    size,
    ...copy.stats,
    referrerTags: copy.referrerTags.sort(),
  };
}
