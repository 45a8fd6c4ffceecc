/** Manifest media types of the OCI image spec and Docker's schema 2, and helpers over them. */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** The empty config of OCI artifacts (`{}`), and the media type of in-toto statements. */
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const IN_TOTO = 'application/vnd.in-toto+json';

/** What we accept when fetching a manifest: every current kind, indexes first. */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: { os?: string; architecture?: string; variant?: string };
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  artifactType?: string;
  /** OCI 1.1: the manifest this one refers to (a signature, SBOM or attestation of it). */
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  artifactType?: string;
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type Manifest = ImageManifest | ImageIndex;

export function isIndex(mediaType: string, manifest: Manifest): manifest is ImageIndex {
  return mediaType === OCI_INDEX || mediaType === DOCKER_LIST || 'manifests' in manifest;
}

/** The media type of a manifest body: the server's Content-Type, else the body's own field. */
export function manifestMediaType(contentType: string | null, manifest: Manifest): string {
  const type = contentType?.split(';')[0]?.trim();
  if (type && type !== 'application/json' && type !== 'application/octet-stream') return type;
  if (manifest.mediaType) return manifest.mediaType;
  return 'manifests' in manifest ? OCI_INDEX : OCI_MANIFEST;
}

/** Blobs an image manifest references (config first); foreign layers (with `urls`) are not in the registry. */
export function blobsOf(manifest: ImageManifest): Descriptor[] {
  return [manifest.config, ...manifest.layers.filter((l) => !l.urls?.length)];
}

/** `sha256:abc…` → `sha256-abc…`: the tag of the referrers tag schema (and cosign's prefix). */
export function digestTag(digest: string): string {
  return digest.replace(':', '-');
}
