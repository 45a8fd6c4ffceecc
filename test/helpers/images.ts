/**
 * Synthetic images pushed straight through the registry client (no builder needed): random
 * layers of a chosen size, an OCI config and manifest, and optionally an index over two of them.
 */
import { randomBytes } from 'node:crypto';
import { type RegistryClient, sha256Digest } from '../../src/core/registry/client.js';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/core/registry/media-types.js';

async function pushBlob(client: RegistryClient, repository: string, bytes: Uint8Array): Promise<string> {
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

export interface PushedImage {
  digest: string;
  size: number;
  layerBytes: number;
}

/** Pushes an image with `layers` random layers of `layerSize` bytes, tagged `tag`. */
export async function pushRandomImage(
  client: RegistryClient,
  repository: string,
  tag: string,
  { layers = 2, layerSize = 64 * 1024, arch = 'amd64' } = {},
): Promise<PushedImage> {
  const layerDescs = [];
  for (let i = 0; i < layers; i++) {
    const bytes = new Uint8Array(randomBytes(layerSize));
    const digest = await pushBlob(client, repository, bytes);
    layerDescs.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size: bytes.length });
  }
  const config = new TextEncoder().encode(
    JSON.stringify({
      architecture: arch,
      os: 'linux',
      config: { Labels: { 'org.opencontainers.image.version': tag } },
      rootfs: { type: 'layers', diff_ids: layerDescs.map((l) => l.digest) },
    }),
  );
  const configDigest = await pushBlob(client, repository, config);
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: layerDescs,
    }),
  );
  const digest = await client.putManifest(repository, tag, manifest, OCI_MANIFEST);
  return {
    digest,
    size: manifest.length + config.length + layers * layerSize,
    layerBytes: layers * layerSize,
  };
}

/** Pushes an amd64 and an arm64 image and an OCI index over both, tagged `tag`. */
export async function pushRandomIndex(client: RegistryClient, repository: string, tag: string) {
  const amd = await pushRandomImage(client, repository, `${tag}-amd64`, { arch: 'amd64', layers: 1 });
  const arm = await pushRandomImage(client, repository, `${tag}-arm64`, { arch: 'arm64', layers: 1 });
  const children = [amd, arm].map((image, i) => ({
    mediaType: OCI_MANIFEST,
    digest: image.digest,
    size: 0,
    platform: { os: 'linux', architecture: i === 0 ? 'amd64' : 'arm64' },
  }));
  for (const child of children) {
    const fetched = await client.getManifest(repository, child.digest);
    child.size = fetched.bytes.length;
  }
  const index = new TextEncoder().encode(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: children }),
  );
  const digest = await client.putManifest(repository, tag, index, OCI_INDEX);
  return { digest, children: children.map((c) => c.digest) };
}
