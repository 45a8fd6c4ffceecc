/** Manifest media types of the OCI image spec and Docker's schema 2, and helpers over them. */
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** What we accept when fetching a manifest: every current kind, indexes first. */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: { os?: string; architecture?: string; variant?: string };
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
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
