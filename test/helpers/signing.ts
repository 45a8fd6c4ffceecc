/**
 * Signed (and deliberately badly signed) images for tests: a small image pushed with the real
 * registry client, and a Sigstore bundle for it made by our signing core through the Sigstore
 * stand-in (test/fakes/sigstore/), attached as cosign v3 does.
 */
import { RegistryClient } from '../../src/core/registry/client.js';
import { pushBundle } from '../../src/core/sign/oci.js';
import { type SignWith, signStatement } from '../../src/core/sign/sign.js';
import { COSIGN_SIGN_PREDICATE, signatureStatement } from '../../src/core/sign/statement.js';
import { githubClaims } from '../fakes/sigstore/oidc.js';
import type { FakeSigstore } from '../fakes/sigstore/server.js';
import { pushRandomImage } from './images.js';

/** The identity Fulcio gives a GitHub workflow `workflow` of acme/shop on `ref`. */
export function githubIdentity(workflow = '.github/workflows/release.yml', ref = 'refs/heads/main') {
  return `https://github.com/acme/shop/${workflow}@${ref}`;
}

export function keyless(
  sigstore: FakeSigstore,
  workflow = '.github/workflows/release.yml',
  tsa = false,
): SignWith {
  const token = sigstore.github.mint(
    githubClaims({ repository: 'acme/shop', workflow, ref: 'refs/heads/main' }),
  );
  return {
    mode: 'keyless',
    token,
    fulcioUrl: sigstore.fulcioUrl,
    rekorUrl: sigstore.rekorUrl,
    ...(tsa ? { tsaUrl: sigstore.tsaUrl } : {}),
  };
}

/** The descriptor of `digest` in `repo`, as a referrer's `subject`. */
export async function subjectOf(client: RegistryClient, repo: string, digest: string) {
  const m = await client.getManifest(repo, digest);
  return { mediaType: m.mediaType, digest, size: m.bytes.length };
}

type Subject = Awaited<ReturnType<typeof subjectOf>>;
type Signed = { digest: string; subject: Subject };
type WithBundle = Signed & {
  signed: Awaited<ReturnType<typeof signStatement>>;
  pushed: Awaited<ReturnType<typeof pushBundle>>;
};

/** Pushes a fresh image tagged `tag` (signed with `how` unless null); returns its digest and bundle. */
export async function signedImage(
  client: RegistryClient,
  repo: string,
  tag: string,
  how: SignWith,
): Promise<WithBundle>;
export async function signedImage(
  client: RegistryClient,
  repo: string,
  tag: string,
  how: null,
): Promise<Signed>;
export async function signedImage(
  client: RegistryClient,
  repo: string,
  tag: string,
  how: SignWith | null,
): Promise<Signed | WithBundle> {
  const image = await pushRandomImage(client, repo, tag, { layers: 1, layerSize: 512 });
  const subject = await subjectOf(client, repo, image.digest);
  if (!how) return { digest: image.digest, subject };
  const signed = await signStatement(signatureStatement(image.digest), how);
  const pushed = await pushBundle(client, repo, subject, signed.bytes, COSIGN_SIGN_PREDICATE, new Date());
  return { digest: image.digest, subject, signed, pushed };
}

/** Attaches raw bundle bytes to `digest` (a bundle made for something else, or tampered with). */
export async function attachBundle(client: RegistryClient, repo: string, digest: string, bytes: Uint8Array) {
  return pushBundle(
    client,
    repo,
    await subjectOf(client, repo, digest),
    bytes,
    COSIGN_SIGN_PREDICATE,
    new Date(),
  );
}

/** A copy of a bundle with one byte of its DSSE signature changed (everything else as signed). */
export function tamperedBundle(json: Record<string, unknown>): Uint8Array {
  const envelope = json.dsseEnvelope as { payload: string; signatures: { sig: string; keyid?: string }[] };
  const sig = Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64');
  sig[sig.length - 5] = (sig[sig.length - 5] ?? 0) ^ 0x01;
  const forged = {
    ...json,
    dsseEnvelope: { ...envelope, signatures: [{ ...envelope.signatures[0], sig: sig.toString('base64') }] },
  };
  return new TextEncoder().encode(JSON.stringify(forged));
}

export function clientFor(host: string) {
  return new RegistryClient({ registry: host, insecure: true, baseDelayMs: 20, maxDelayMs: 200 });
}
