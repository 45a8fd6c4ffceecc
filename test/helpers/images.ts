/**
 * Synthetic images pushed straight through the registry client (no builder needed): random
 * layers of a chosen size, an OCI config and manifest, and optionally an index over two of them.
 */
import { randomBytes } from 'node:crypto';
import type { RegistryClient } from '../../src/core/registry/client.js';
import { digestTag, OCI_INDEX, OCI_MANIFEST } from '../../src/core/registry/media-types.js';
import { pushArtifact, uploadBlob } from '../../src/core/registry/referrers.js';

interface LayerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** Uploads `config` and stores an OCI image manifest over it and `layers` as `reference`. */
async function putImageManifest(
  client: RegistryClient,
  repository: string,
  reference: string,
  config: Uint8Array,
  layers: LayerDescriptor[],
): Promise<{ digest: string; bytes: Uint8Array }> {
  const configDigest = await uploadBlob(client, repository, config);
  const bytes = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers,
    }),
  );
  return { digest: await client.putManifest(repository, reference, bytes, OCI_MANIFEST), bytes };
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
    const digest = await uploadBlob(client, repository, bytes);
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
  const { digest, bytes: manifest } = await putImageManifest(client, repository, tag, config, layerDescs);
  return {
    digest,
    size: manifest.length + config.length + layers * layerSize,
    layerBytes: layers * layerSize,
  };
}

/** Pushes an amd64 and an arm64 image and an OCI index over both, tagged `tag`. */
export async function pushRandomIndex(
  client: RegistryClient,
  repository: string,
  tag: string,
  { layers = 1, layerSize = 64 * 1024 } = {},
) {
  const amd = await pushRandomImage(client, repository, `${tag}-amd64`, { arch: 'amd64', layers, layerSize });
  const arm = await pushRandomImage(client, repository, `${tag}-arm64`, { arch: 'arm64', layers, layerSize });
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

/** cosign's tag-schema artifact: an image manifest tagged `sha256-<hex>.<suffix>` with one layer. */
async function pushCosignArtifact(
  client: RegistryClient,
  repository: string,
  subject: string,
  suffix: 'sig' | 'att' | 'sbom',
  layer: { mediaType: string; bytes: Uint8Array; annotations: Record<string, string> },
): Promise<string> {
  const config = new TextEncoder().encode(
    JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const layerDigest = await uploadBlob(client, repository, layer.bytes);
  const reference = `${digestTag(subject)}.${suffix}`;
  const descriptor = {
    mediaType: layer.mediaType,
    digest: layerDigest,
    size: layer.bytes.length,
    annotations: layer.annotations,
  };
  return (await putImageManifest(client, repository, reference, config, [descriptor])).digest;
}

/** A cosign signature (simple signing payload) of `subject`, tagged `sha256-<hex>.sig`. */
export function pushCosignSignature(client: RegistryClient, repository: string, subject: string) {
  const payload = {
    critical: {
      identity: { 'docker-reference': repository },
      image: { 'docker-manifest-digest': subject },
      type: 'cosign container image signature',
    },
    optional: null,
  };
  return pushCosignArtifact(client, repository, subject, 'sig', {
    mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
    bytes: new TextEncoder().encode(JSON.stringify(payload)),
    annotations: { 'dev.cosignproject.cosign/signature': randomBytes(64).toString('base64') },
  });
}

/** A cosign attestation (a DSSE envelope of an in-toto statement) of `subject`, tagged `sha256-<hex>.att`. */
export function pushCosignAttestation(client: RegistryClient, repository: string, subject: string) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: repository, digest: { sha256: subject.slice(7) } }],
    predicateType: 'https://cyclonedx.org/bom',
    predicate: { bomFormat: 'CycloneDX', specVersion: '1.5', components: [] },
  };
  const envelope = {
    payloadType: 'application/vnd.in-toto+json',
    payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
    signatures: [{ keyid: '', sig: randomBytes(64).toString('base64') }],
  };
  return pushCosignArtifact(client, repository, subject, 'att', {
    mediaType: 'application/vnd.dsse.envelope.v1+json',
    bytes: new TextEncoder().encode(JSON.stringify(envelope)),
    annotations: { predicateType: 'https://cyclonedx.org/bom' },
  });
}

/** An OCI 1.1 referrer of `subject` (artifactType, one small JSON layer); API or tag schema as the registry allows. */
export async function pushReferrer(
  client: RegistryClient,
  repository: string,
  subject: string,
  artifactType: string,
) {
  const head = await client.headManifest(repository, subject);
  if (!head) throw new Error(`${repository}@${subject} does not exist`);
  return pushArtifact(client, repository, {
    subject: { mediaType: head.mediaType, digest: subject, size: head.size },
    artifactType,
    layers: [
      {
        mediaType: artifactType,
        bytes: new TextEncoder().encode(
          JSON.stringify({ about: subject, nonce: randomBytes(8).toString('hex') }),
        ),
      },
    ],
    annotations: { 'org.opencontainers.image.created': new Date().toISOString() },
  });
}

export interface SignedIndex {
  digest: string;
  children: string[];
  /** Every referrer pushed, recursively (cosign tags and OCI subject artifacts). */
  referrers: string[];
  /** The cosign tags pushed. */
  cosignTags: string[];
  /** OCI referrers of the index itself. */
  ociReferrers: string[];
}

/**
 * A two-platform index that is signed and attested as in the wild: cosign `.sig` and `.att`
 * tags of the index, an SBOM and an in-toto attestation as OCI referrers, and — recursively — a
 * cosign signature of the `.att` manifest and an OCI signature of the attestation referrer.
 * `small`: only the `.sig` tag, one attestation and one SBOM (3 referrers).
 */
export async function pushSignedIndex(
  client: RegistryClient,
  repository: string,
  tag: string,
  { small = false, layers = 1, layerSize = 64 * 1024 } = {},
): Promise<SignedIndex> {
  const index = await pushRandomIndex(client, repository, tag, { layers, layerSize });
  const sig = await pushCosignSignature(client, repository, index.digest);
  const attestation = await pushReferrer(client, repository, index.digest, 'application/vnd.in-toto+json');
  const sbom = await pushReferrer(client, repository, index.digest, 'application/spdx+json');
  const cosignTags = [`${digestTag(index.digest)}.sig`];
  const referrers = [sig, attestation.digest, sbom.digest];
  if (!small) {
    const att = await pushCosignAttestation(client, repository, index.digest);
    const attSig = await pushCosignSignature(client, repository, att);
    const nested = await pushReferrer(
      client,
      repository,
      attestation.digest,
      'application/vnd.dev.sigstore.bundle.v0.3+json',
    );
    cosignTags.push(`${digestTag(index.digest)}.att`, `${digestTag(att)}.sig`);
    referrers.push(att, attSig, nested.digest);
  }
  return {
    digest: index.digest,
    children: index.children,
    referrers,
    cosignTags: cosignTags.sort(),
    ociReferrers: [attestation.digest, sbom.digest],
  };
}
