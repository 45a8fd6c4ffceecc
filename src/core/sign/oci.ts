/**
 * Sigstore bundles in an OCI registry, as cosign v3 stores them (sigstore/cosign
 * specs/BUNDLE_SPEC.md): the bundle JSON as the one layer of an OCI 1.1 artifact manifest
 * (artifactType `application/vnd.dev.sigstore.bundle.v0.3+json`, empty config) whose `subject` is
 * the signed manifest; found again through the referrers API, else the referrers tag schema.
 */
import { type RegistryClient, sha256Digest } from '../registry/client.js';
import { type Descriptor, digestTag, type ImageManifest, isIndex } from '../registry/media-types.js';
import { type PushedArtifact, pushArtifact } from '../registry/referrers.js';

export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const ANNOTATION_CONTENT = 'dev.sigstore.bundle.content';
export const ANNOTATION_PREDICATE = 'dev.sigstore.bundle.predicateType';
const CREATED = 'org.opencontainers.image.created';

/** Pushes `bundle` as a referrer of `subject` in `repository`. */
export function pushBundle(
  client: RegistryClient,
  repository: string,
  subject: Descriptor,
  bundle: Uint8Array,
  predicateType: string,
  created: Date,
): Promise<PushedArtifact> {
  const annotations = {
    [ANNOTATION_CONTENT]: 'dsse-envelope',
    [ANNOTATION_PREDICATE]: predicateType,
    [CREATED]: created.toISOString(),
  };
  return pushArtifact(client, repository, {
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    artifactType: BUNDLE_V03,
    layers: [
      {
        mediaType: BUNDLE_V03,
        bytes: bundle,
        annotations: { 'org.opencontainers.image.title': `${digestTag(sha256Digest(bundle))}.sigstore.json` },
      },
    ],
    annotations,
  });
}

export interface FoundBundle {
  /** The artifact manifest's digest. */
  manifest: string;
  bytes: Uint8Array;
  /** The digest the manifest gives the bundle's bytes. */
  layerDigest: string;
  predicateType?: string;
}

/** The Sigstore bundles that refer to `digest` (none: an empty list). */
export async function fetchBundles(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<FoundBundle[]> {
  let referrers = await client.getReferrers(repository, digest);
  if (referrers === undefined) {
    const index = await client.getManifestIfAny(repository, digestTag(digest));
    referrers = index && isIndex(index.mediaType, index.manifest) ? index.manifest.manifests : [];
  }
  const candidates = referrers.filter((d) => d.artifactType === BUNDLE_V03);
  const found: FoundBundle[] = [];
  for (const d of candidates) {
    const fetched = await client.getManifestIfAny(repository, d.digest);
    if (!fetched || isIndex(fetched.mediaType, fetched.manifest)) continue;
    const manifest = fetched.manifest as ImageManifest;
    // A referrers tag can list anything; only an artifact whose subject is this digest counts.
    if (manifest.subject?.digest !== digest || manifest.artifactType !== BUNDLE_V03) continue;
    const layer = manifest.layers.find((l) => l.mediaType === BUNDLE_V03);
    if (!layer) continue;
    const res = await client.getBlob(repository, layer.digest);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const predicateType = manifest.annotations?.[ANNOTATION_PREDICATE];
    found.push({
      manifest: fetched.digest,
      bytes,
      layerDigest: layer.digest,
      ...(predicateType ? { predicateType } : {}),
    });
  }
  return found;
}
