/**
 * Promotion by digest: copies a whole artifact to another repository and tags without
 * rebuilding — an image manifest, or an index with every platform manifest (indexes nest), and
 * then everything that refers to it: OCI 1.1 referrers (through the referrers API where the
 * source registry has it, else the `sha256-<hex>` referrers tag schema) and cosign's tag schema
 * (`sha256-<hex>.sig`, `.att`, `.sbom`), recursively (a signature of an attestation travels too).
 *
 * Blobs already there are skipped, blobs in the same registry are cross-repository mounted (no
 * bytes move), others are streamed through, in parallel, each once (blob-copy.ts). Manifest bytes are copied
 * verbatim, so no digest changes — and each is checked. The tags are written last: a promoted tag
 * never points at an artifact whose platforms, signatures or attestations are still on the way.
 */

import { type Log, silentLog } from '../log.js';
import { BlobCopier, sameRegistry } from './blob-copy.js';
import { type FetchedManifest, type RegistryClient, RegistryError } from './client.js';
import { CopyOrder } from './copy-order.js';
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
  /** Blob transfers in flight at once, per lane (layers; small blobs): default 8 each (blob-copy.ts). */
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

/** One promotion: its stats and the memo that makes every blob and manifest move once. */
class Copy {
  readonly stats = { manifests: 0, referrers: 0 };
  readonly referrerTags: string[] = [];
  readonly blobs: BlobCopier;
  readonly order = new CopyOrder();
  private readonly manifests = new Map<string, Promise<FetchedManifest>>();
  /** Subjects whose referrers are looked up, with whether any were found. */
  private readonly subjects = new Map<string, Promise<boolean>>();
  /** Whether the source registry has the referrers API (asked once per promotion). */
  private sourceApi: Promise<boolean> | undefined;
  private tags: Promise<Set<string> | undefined> | undefined;
  /** The target repository's tags, listed once (undefined when the registry will not list them). */
  private targetTags: Promise<Set<string> | undefined> | undefined;
  /** Same repository: every blob, manifest and referrer is there already; only tags are new. */
  readonly sameRepository: boolean;

  constructor(
    private readonly source: CopySource,
    private readonly target: CopyTarget,
    private readonly log: Log,
    concurrency: number,
  ) {
    this.sameRepository =
      sameRegistry(source.client, target.client) && source.repository === target.repository;
    this.blobs = new BlobCopier(source, target, log, concurrency, () => this.targetIsNew());
  }

  private get src() {
    return this.source.client;
  }
  private get dst() {
    return this.target.client;
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
          if (withReferrers) this.referrersOf(child.digest);
          const [got, there] = await Promise.all([
            this.fetch(child.digest),
            present || this.sameRepository ? true : this.targetHas(child.digest),
          ]);
          const size = await this.contents(got, there, withReferrers);
          // Children first: a registry may refuse an index whose manifests it does not have.
          if (!there) await this.put(child.digest, got);
          this.order.markPlaced(child.digest);
          this.stats.manifests++;
          return size;
        }),
      );
      return sizes.reduce((a, b) => a + b, fetched.bytes.length);
    }
    const blobs = blobsOf(fetched.manifest as ImageManifest);
    if (present) for (const blob of blobs) this.blobs.present(blob);
    else await Promise.all(blobs.map((blob) => this.blobs.copy(blob)));
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

  /** Whether the target repository has no tags: new, or never completed (then nothing is asked). */
  async targetIsNew(): Promise<boolean> {
    return (await this.listTargetTags())?.size === 0;
  }

  /**
   * Whether the target holds a manifest. A target repository without any tag is taken as new:
   * nothing to ask (a repository holding manifests only by digest is copied into again, which
   * is correct, only slower).
   */
  async targetHas(digest: string): Promise<boolean> {
    if (await this.targetIsNew()) return false;
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

  /** The target's manifest under `tag`, or null (not read when the tag list says there is none). */
  private async targetTag(tag: string): Promise<FetchedManifest | null> {
    const tags = await this.listTargetTags();
    if (tags && !tags.has(tag)) return null;
    return (await this.dst.getManifestIfAny(this.target.repository, tag)) ?? null;
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

  /**
   * Looks up what refers to `digest` and copies it alongside (tracked), and what refers to that,
   * and so on. Resolves, once looked up, to whether anything refers to `digest`.
   */
  referrersOf(digest: string): Promise<boolean> {
    let found = this.subjects.get(digest);
    if (!found) {
      const referrers = this.findReferrers(digest);
      found = referrers.then(({ oci, cosign }) => oci.length + cosign.length > 0);
      found.catch(() => {}); // the failure is the tracked copy's
      this.subjects.set(digest, found);
      this.order.track(referrers.then((r) => this.copyReferrers(digest, r)));
    }
    return found;
  }

  /** The OCI referrers and the cosign tag-schema artifacts of `digest` in the source. */
  private async findReferrers(digest: string) {
    const [oci, cosign] = await Promise.all([
      this.ociReferrers(digest),
      Promise.all(
        COSIGN_SUFFIXES.map(async (suffix) => {
          const tag = `${digestTag(digest)}.${suffix}`;
          const fetched = await this.fetchTag(tag);
          return fetched ? [{ tag, digest: fetched.digest }] : [];
        }),
      ),
    ]);
    return { oci, cosign: cosign.flat() };
  }

  private async copyReferrers(
    digest: string,
    { oci, cosign }: { oci: Descriptor[]; cosign: { tag: string; digest: string }[] },
  ): Promise<void> {
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
    this.referrersOf(digest);
    if (this.sameRepository) {
      this.order.markPlaced(digest);
      return subject; // already where it belongs, indexed as it was
    }
    const [fetched, present] = await Promise.all([
      this.fetch(digest),
      // By digest, also for a cosign tag: a manifest the target holds brings its blobs along.
      this.targetHas(digest),
    ]);
    await this.contents(fetched, present, false);
    await this.order.whenPlaced(subject);
    // Stored again even when present: the answer says whether the target indexes it (OCI-Subject).
    const answer = await this.put(reference, fetched);
    this.order.markPlaced(digest);
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
    const referred = withReferrers && copy.referrersOf(top.digest);
    // An index's platform manifests are read while the target is asked what it holds.
    if (isIndex(top.mediaType, top.manifest)) {
      for (const child of top.manifest.manifests) copy.fetch(child.digest).catch(() => {});
    }
    // A target that holds the manifest holds everything under it (a re-run moves nothing).
    const present = copy.sameRepository || (await copy.targetHas(top.digest));
    size = await copy.contents(top, present, withReferrers);
    copy.stats.manifests++;
    if (referred) {
      // By digest first where referrers wait for it (their subject); the tags only when
      // everything is there (without referrers, the tags store it).
      if (!present && (await referred)) await copy.put(top.digest, top);
      copy.order.markPlaced(top.digest);
    }
    await copy.order.settle();
  } catch (err) {
    copy.order.fail(err);
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
    ...copy.blobs.stats,
    referrerTags: copy.referrerTags.sort(),
  };
}
