/**
 * Pushing OCI 1.1 artifacts that refer to a manifest (`subject`): the registry indexes them when
 * it has the referrers API (it answers the manifest PUT with `OCI-Subject`); otherwise the client
 * keeps the referrers tag schema — the `sha256-<hex>` index of the subject lists every referrer.
 */
import { type FetchedManifest, type RegistryClient, sha256Digest } from './client.js';
import { type Descriptor, digestTag, isIndex, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from './media-types.js';

/** Uploads bytes as a blob unless the repository has it already; returns the digest. */
export async function uploadBlob(
  client: RegistryClient,
  repository: string,
  bytes: Uint8Array,
): Promise<string> {
  const digest = sha256Digest(bytes);
  if (await client.hasBlob(repository, digest)) return digest;
  const location = await client.startUpload(repository);
  await client.putBlob(
    repository,
    location,
    digest,
    bytes.length,
    new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(),
  );
  return digest;
}

/** Adds descriptors to the `sha256-<hex>` referrers index of `subject` (what is listed stays). */
export async function addToReferrersTag(
  client: RegistryClient,
  repository: string,
  subject: string,
  add: Descriptor[],
  /** The referrers tag as already read, null when known to be absent (undefined: read it now). */
  read?: FetchedManifest | null,
): Promise<void> {
  const tag = digestTag(subject);
  const existing = read !== undefined ? read : await client.getManifestIfAny(repository, tag);
  const listed =
    existing && isIndex(existing.mediaType, existing.manifest) ? existing.manifest.manifests : [];
  const known = new Set(listed.map((d) => d.digest));
  const missing = add.filter((d) => !known.has(d.digest));
  if (!missing.length) return;
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...listed, ...missing] };
  await client.putManifest(repository, tag, new TextEncoder().encode(JSON.stringify(index)), OCI_INDEX);
}

export interface ArtifactSpec {
  /** The manifest (or index) this artifact is about. */
  subject: Descriptor;
  artifactType: string;
  /** The artifact's content, one blob each. */
  layers: { mediaType: string; bytes: Uint8Array; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
}

export interface PushedArtifact {
  digest: string;
  /** The artifact's descriptor, as a referrers index lists it. */
  descriptor: Descriptor;
  /** `api`: the registry indexed it (OCI-Subject); `tag`: the referrers tag schema was updated. */
  via: 'api' | 'tag';
}

/** Pushes an OCI 1.1 artifact manifest (empty config) with a `subject`, stored by its digest. */
export async function pushArtifact(
  client: RegistryClient,
  repository: string,
  spec: ArtifactSpec,
): Promise<PushedArtifact> {
  const empty = new TextEncoder().encode('{}');
  const [emptyDigest, ...layerDigests] = await Promise.all([
    uploadBlob(client, repository, empty),
    ...spec.layers.map((l) => uploadBlob(client, repository, l.bytes)),
  ]);
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: spec.artifactType,
    config: { mediaType: OCI_EMPTY, digest: emptyDigest, size: empty.length },
    layers: spec.layers.map((l, i) => ({
      mediaType: l.mediaType,
      digest: layerDigests[i] as string,
      size: l.bytes.length,
      ...(l.annotations ? { annotations: l.annotations } : {}),
    })),
    subject: { mediaType: spec.subject.mediaType, digest: spec.subject.digest, size: spec.subject.size },
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const digest = sha256Digest(bytes);
  const pushed = await client.pushManifest(repository, digest, bytes, OCI_MANIFEST);
  const descriptor: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest,
    size: bytes.length,
    artifactType: spec.artifactType,
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  if (pushed.subject === spec.subject.digest) return { digest, descriptor, via: 'api' };
  await addToReferrersTag(client, repository, spec.subject.digest, [descriptor]);
  return { digest, descriptor, via: 'tag' };
}
