/**
 * Signing and verification core against a real registry (Debian's docker-registry: the referrers
 * tag schema; test/fakes/referrers-proxy.ts in front of it: the referrers API) and the Sigstore
 * stand-in (test/fakes/sigstore/). What we push is read back raw and checked with Sigstore's own
 * verifier (@sigstore/verify's Verifier with a policy), not only with ours.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { provenanceStatement, SLSA_PROVENANCE_V1 } from '../../src/core/provenance.js';
import { RegistryClient } from '../../src/core/registry/client.js';
import { digestTag } from '../../src/core/registry/media-types.js';
import { loadPublicKey, loadSigningKey } from '../../src/core/sign/keys.js';
import { BUNDLE_V03, fetchBundles, pushBundle } from '../../src/core/sign/oci.js';
import { type SignWith, signStatement } from '../../src/core/sign/sign.js';
import { COSIGN_SIGN_PREDICATE, signatureStatement } from '../../src/core/sign/statement.js';
import { loadTrustedRoot } from '../../src/core/sign/trust.js';
import { type VerifyPolicy, verifyImage } from '../../src/core/sign/verify.js';
import { type ReferrersProxy, startReferrersProxy } from '../fakes/referrers-proxy.js';
import { githubClaims, gitlabClaims } from '../fakes/sigstore/oidc.js';
import { type FakeSigstore, startSigstore } from '../fakes/sigstore/server.js';
import { encryptCosignKey } from '../helpers/cosign-key.js';
import { pushRandomImage } from '../helpers/images.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { attachBundle, signedImage } from '../helpers/signing.js';

const fast = { baseDelayMs: 20, maxDelayMs: 200 };
const WORKFLOW = 'acme/shop/.github/workflows/release.yml@refs/heads/main';
const IDENTITY = `https://github.com/${WORKFLOW}`;
const ISSUER = 'https://token.actions.githubusercontent.com';

let registry: TestRegistry;
let proxy: ReferrersProxy;
let sigstore: FakeSigstore;
let client: RegistryClient;
let apiClient: RegistryClient;

beforeAll(async () => {
  [registry, sigstore] = await Promise.all([startRegistry(), startSigstore()]);
  proxy = await startReferrersProxy(registry.url);
  client = new RegistryClient({ registry: registry.host, insecure: true, ...fast });
  apiClient = new RegistryClient({ registry: proxy.host, insecure: true, ...fast });
});
afterAll(async () => {
  await proxy?.close();
  await Promise.all([registry?.stop(), sigstore?.close()]);
});

function githubToken(workflow = '.github/workflows/release.yml', ref = 'refs/heads/main', opts = {}) {
  return sigstore.github.mint(githubClaims({ repository: 'acme/shop', workflow, ref }), opts);
}

function withToken(token: string, tsa = false): SignWith {
  return {
    mode: 'keyless',
    token,
    fulcioUrl: sigstore.fulcioUrl,
    rekorUrl: sigstore.rekorUrl,
    ...(tsa ? { tsaUrl: sigstore.tsaUrl } : {}),
  };
}

const trust = () => loadTrustedRoot({ path: sigstore.trustedRootPath });
const githubPolicy: VerifyPolicy = { mode: 'keyless', identity: IDENTITY, issuer: ISSUER };

describe('keyless', () => {
  it('pushes a cosign v3 bundle referrer that Sigstore’s verifier accepts with the workflow identity', async () => {
    const { digest, signed, pushed } = await signedImage(
      client,
      'team/keyless',
      'v1',
      withToken(githubToken()),
    );
    expect(signed.signer).toBe(IDENTITY);
    expect(pushed.via).toBe('tag');
    // The referrers tag lists it with cosign's artifactType and annotations.
    const index = (await (
      await fetch(`${registry.url}/v2/team/keyless/manifests/${digestTag(digest)}`, {
        headers: { accept: 'application/vnd.oci.image.index.v1+json' },
      })
    ).json()) as { manifests: { artifactType: string; annotations: Record<string, string> }[] };
    expect(index.manifests).toHaveLength(1);
    expect(index.manifests[0]?.artifactType).toBe(BUNDLE_V03);
    expect(index.manifests[0]?.annotations['dev.sigstore.bundle.content']).toBe('dsse-envelope');
    expect(index.manifests[0]?.annotations['dev.sigstore.bundle.predicateType']).toBe(COSIGN_SIGN_PREDICATE);
    const manifest = (await (
      await fetch(`${registry.url}/v2/team/keyless/manifests/${pushed.digest}`, {
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
    ).json()) as {
      artifactType: string;
      config: { mediaType: string };
      subject: { digest: string };
      layers: { mediaType: string; digest: string; annotations: Record<string, string> }[];
    };
    expect(manifest.artifactType).toBe(BUNDLE_V03);
    expect(manifest.config.mediaType).toBe('application/vnd.oci.empty.v1+json');
    expect(manifest.subject.digest).toBe(digest);
    expect(manifest.layers[0]?.annotations['org.opencontainers.image.title']).toBe(
      `${digestTag(manifest.layers[0]?.digest ?? '')}.sigstore.json`,
    );
    // The blob, read back raw, verified by @sigstore/verify with a policy.
    const blob = await (
      await fetch(`${registry.url}/v2/team/keyless/blobs/${manifest.layers[0]?.digest}`)
    ).json();
    const bundle = bundleFromJSON(blob);
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind).toBe('dsse');
    expect(bundle.verificationMaterial.tlogEntries[0]?.inclusionProof).toBeDefined();
    // Logged as real Rekor logs a dsse entry: canonicalised, not as proposed.
    const logged = JSON.parse(
      Buffer.from(bundle.verificationMaterial.tlogEntries[0]?.canonicalizedBody ?? []).toString(),
    );
    expect(Object.keys(logged.spec).sort()).toEqual(['envelopeHash', 'payloadHash', 'signatures']);
    expect(logged.spec.payloadHash.value).toBe(
      createHash('sha256')
        .update(Buffer.from((blob as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64'))
        .digest('hex'),
    );
    const root = TrustedRoot.fromJSON(sigstore.trustedRoot);
    const signer = new Verifier(toTrustMaterial(root)).verify(toSignedEntity(bundle), {
      subjectAlternativeName: IDENTITY,
      extensions: { issuer: ISSUER },
    });
    expect(signer.identity?.subjectAlternativeName).toBe(IDENTITY);
    // And ours says the same.
    const verified = await verifyImage(client, 'team/keyless', digest, githubPolicy, trust);
    expect(verified).toMatchObject({
      signer: IDENTITY,
      issuer: ISSUER,
      predicateType: COSIGN_SIGN_PREDICATE,
    });
    expect(verified.bundle).toBe(pushed.digest);
  });

  it('goes through the referrers API where the registry has one, and adds a TSA timestamp', async () => {
    const { digest, pushed } = await signedImage(apiClient, 'team/api', 'v1', withToken(githubToken(), true));
    expect(pushed.via).toBe('api');
    const [found] = await fetchBundles(apiClient, 'team/api', digest);
    const bundle = bundleFromJSON(JSON.parse(Buffer.from(found?.bytes ?? []).toString()));
    expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
    const root = TrustedRoot.fromJSON(sigstore.trustedRoot);
    new Verifier(toTrustMaterial(root), { timestampThreshold: 2 }).verify(toSignedEntity(bundle));
    await expect(verifyImage(apiClient, 'team/api', digest, githubPolicy, trust)).resolves.toMatchObject({
      signer: IDENTITY,
    });
  });

  it('names GitLab pipelines as Fulcio does, and matches identities by regular expression', async () => {
    const token = sigstore.gitlab.mint(gitlabClaims({ project: 'acme/shop', ref: 'main' }));
    const { digest, signed } = await signedImage(client, 'team/gitlab', 'v1', withToken(token));
    expect(signed.signer).toBe('https://gitlab.com/acme/shop//.gitlab-ci.yml@refs/heads/main');
    const policy: VerifyPolicy = {
      mode: 'keyless',
      identityRegexp: '^https://gitlab\\.com/acme/shop//',
      issuer: 'https://gitlab.com',
    };
    await expect(verifyImage(client, 'team/gitlab', digest, policy, trust)).resolves.toMatchObject({
      signer: signed.signer,
      issuer: 'https://gitlab.com',
    });
  });

  it('signs the SLSA provenance the same way, and it verifies as the image’s signature', async () => {
    const image = await pushRandomImage(client, 'team/prov', 'v1', { layers: 1, layerSize: 512 });
    const m = await client.getManifest('team/prov', image.digest);
    const subject = { mediaType: m.mediaType, digest: image.digest, size: m.bytes.length };
    const statement = provenanceStatement({
      name: `${registry.host}/team/prov`,
      subject,
      ctx: {
        provider: 'github',
        sha: 'a'.repeat(40),
        ref: 'refs/heads/main',
        eventName: 'push',
        repository: 'acme/shop',
        serverUrl: 'https://github.com',
      },
      inputs: {},
      builder: 'buildah',
      platforms: [],
      startedOn: new Date(),
      finishedOn: new Date(),
    });
    const signed = await signStatement(statement, withToken(githubToken()));
    await pushBundle(client, 'team/prov', subject, signed.bytes, SLSA_PROVENANCE_V1, new Date());
    await expect(verifyImage(client, 'team/prov', image.digest, githubPolicy, trust)).resolves.toMatchObject({
      predicateType: SLSA_PROVENANCE_V1,
    });
  });

  it('refuses an unsigned image, another identity, another issuer, a tampered bundle and a bundle for another digest', async () => {
    const unsigned = await pushRandomImage(client, 'team/refuse', 'plain', { layers: 1, layerSize: 256 });
    await expect(verifyImage(client, 'team/refuse', unsigned.digest, githubPolicy, trust)).rejects.toThrow(
      /is not signed: no Sigstore bundle refers to it/,
    );

    const other = await signedImage(
      client,
      'team/refuse',
      'v1',
      withToken(githubToken('.github/workflows/other.yml')),
    );
    await expect(verifyImage(client, 'team/refuse', other.digest, githubPolicy, trust)).rejects.toThrow(
      `it is signed by "https://github.com/acme/shop/.github/workflows/other.yml@refs/heads/main" from issuer "${ISSUER}", not "${IDENTITY}"`,
    );
    await expect(
      verifyImage(
        client,
        'team/refuse',
        other.digest,
        { mode: 'keyless', identityRegexp: 'release\\.yml', issuer: ISSUER },
        trust,
      ),
    ).rejects.toThrow(/not an identity matching \/release\\.yml\//);
    await expect(
      verifyImage(
        client,
        'team/refuse',
        other.digest,
        { mode: 'keyless', identityRegexp: '.*', issuer: 'https://gitlab.com' },
        trust,
      ),
    ).rejects.toThrow(
      `from issuer "${ISSUER}", not an identity matching /.*/ from issuer "https://gitlab.com"`,
    );

    // One byte of the signed payload changed, pushed as a bundle of the same digest.
    const good = await signedImage(client, 'team/refuse', 'v1', withToken(githubToken()));
    const json = good.signed.json as { dsseEnvelope: { payload: string } };
    const payload = Buffer.from(json.dsseEnvelope.payload, 'base64');
    const at = payload.indexOf('"predicate"');
    payload[at + 2] = payload[at + 2] === 0x70 ? 0x71 : 0x70;
    const tamperedImage = await pushRandomImage(client, 'team/refuse', 'tampered', {
      layers: 1,
      layerSize: 256,
    });
    const tm = await client.getManifest('team/refuse', tamperedImage.digest);
    // Re-point the tampered statement at this image so only the signature can catch it.
    const statement = JSON.parse(
      payload
        .toString('utf8')
        .replace(/"sha256":"[0-9a-f]{64}"/, `"sha256":"${tamperedImage.digest.slice(7)}"`),
    );
    const forged = {
      ...json,
      dsseEnvelope: {
        ...json.dsseEnvelope,
        payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      },
    };
    await pushBundle(
      client,
      'team/refuse',
      { mediaType: tm.mediaType, digest: tamperedImage.digest, size: tm.bytes.length },
      new TextEncoder().encode(JSON.stringify(forged)),
      COSIGN_SIGN_PREDICATE,
      new Date(),
    );
    await expect(
      verifyImage(client, 'team/refuse', tamperedImage.digest, githubPolicy, trust),
    ).rejects.toThrow(/Sigstore verification failed/);

    // A valid bundle, made for `good`, attached to another image.
    const moved = await pushRandomImage(client, 'team/refuse', 'moved', { layers: 1, layerSize: 256 });
    const mm = await client.getManifest('team/refuse', moved.digest);
    await pushBundle(
      client,
      'team/refuse',
      { mediaType: mm.mediaType, digest: moved.digest, size: mm.bytes.length },
      good.signed.bytes,
      COSIGN_SIGN_PREDICATE,
      new Date(),
    );
    await expect(verifyImage(client, 'team/refuse', moved.digest, githubPolicy, trust)).rejects.toThrow(
      `it was made for another digest (${good.digest})`,
    );

    // The same valid signature without its Rekor entry: nothing proves when the short-lived
    // certificate was used.
    const bare = await signedImage(client, 'team/refuse', 'no-log', null);
    const logged = await signStatement(signatureStatement(bare.digest), withToken(githubToken()));
    const material = (logged.json as { verificationMaterial: Record<string, unknown> }).verificationMaterial;
    const stripped = { ...logged.json, verificationMaterial: { ...material, tlogEntries: [] } };
    await attachBundle(
      client,
      'team/refuse',
      bare.digest,
      new TextEncoder().encode(JSON.stringify(stripped)),
    );
    await expect(verifyImage(client, 'team/refuse', bare.digest, githubPolicy, trust)).rejects.toThrow(
      /Sigstore verification failed: expected 1 timestamps, got 0/,
    );
  });
});

describe('the fake Fulcio checks tokens as the real one does', () => {
  it('refuses an expired token, another audience and a token signed by another key', async () => {
    await expect(
      signStatement(
        signatureStatement(`sha256:${'1'.repeat(64)}`),
        withToken(githubToken(undefined, undefined, { expiresInS: -60, issuedAgoS: 600 })),
      ),
    ).rejects.toThrow(
      /Signing failed at Fulcio \(http:\/\/127.0.0.1:\d+\): error creating signing certificate.*identity token.*"exp"/s,
    );
    await expect(
      signStatement(
        signatureStatement(`sha256:${'1'.repeat(64)}`),
        withToken(githubToken(undefined, undefined, { audience: 'other' })),
      ),
    ).rejects.toThrow(/identity token.*aud/s);
    const { createIssuer } = await import('../fakes/sigstore/oidc.js');
    const rogue = createIssuer(ISSUER).mint(
      githubClaims({
        repository: 'acme/shop',
        workflow: '.github/workflows/release.yml',
        ref: 'refs/heads/main',
      }),
    );
    await expect(
      signStatement(signatureStatement(`sha256:${'1'.repeat(64)}`), withToken(rogue)),
    ).rejects.toThrow(/identity token/);
  });

  it('never puts the token in an error', async () => {
    const token = 'not-a-jwt-secret-value';
    const err = await signStatement(signatureStatement(`sha256:${'1'.repeat(64)}`), withToken(token)).catch(
      (e) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).not.toContain(token);
  });
});

function pem(key: KeyObject, type: 'spki' | 'pkcs8') {
  return key.export({ format: 'pem', type } as never).toString();
}

describe('key', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('signs with a PKCS#8 key, no log (rekor-url: none): verifies with the public key, not with another', async () => {
    const key = await loadSigningKey(pem(pair.privateKey, 'pkcs8'));
    const fp = `sha256:${createHash('sha256')
      .update(pair.publicKey.export({ format: 'der', type: 'spki' }))
      .digest('hex')}`;
    expect(key.fingerprint).toBe(fp);
    const { digest, signed } = await signedImage(client, 'team/key', 'v1', {
      mode: 'key',
      key,
      rekorUrl: null,
    });
    const bundle = bundleFromJSON(signed.json);
    expect(bundle.verificationMaterial.content).toEqual({
      $case: 'publicKey',
      publicKey: {
        hint: createHash('sha256')
          .update(pair.publicKey.export({ format: 'der', type: 'spki' }))
          .digest('base64'),
      },
    });
    expect(bundle.verificationMaterial.tlogEntries).toHaveLength(0);
    const policy: VerifyPolicy = { mode: 'key', publicKey: loadPublicKey(pem(pair.publicKey, 'spki')) };
    let rootLoaded = false;
    await expect(
      verifyImage(client, 'team/key', digest, policy, async () => {
        rootLoaded = true;
        return trust();
      }),
    ).resolves.toMatchObject({ signer: fp });
    expect(rootLoaded).toBe(false);
    await expect(
      verifyImage(client, 'team/key', digest, { mode: 'key', publicKey: other.publicKey }, trust),
    ).rejects.toThrow(/it is not signed by the key sha256:/);
    await expect(verifyImage(client, 'team/key', digest, githubPolicy, trust)).rejects.toThrow(
      /signed with a key, not a Sigstore certificate/,
    );
  });

  it('signs with a cosign encrypted key and its password, logged in Rekor', async () => {
    const encrypted = await encryptCosignKey(pair.privateKey, 'correct horse');
    expect(encrypted).toMatch(/^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----/);
    await expect(loadSigningKey(encrypted, 'wrong')).rejects.toThrow(/signing-key-password.*\*\*\*/);
    const key = await loadSigningKey(encrypted, 'correct horse');
    const { digest, signed } = await signedImage(client, 'team/cosignkey', 'v1', {
      mode: 'key',
      key,
      rekorUrl: sigstore.rekorUrl,
    });
    const bundle = bundleFromJSON(signed.json);
    expect(bundle.verificationMaterial.tlogEntries[0]?.kindVersion?.kind).toBe('dsse');
    const root = TrustedRoot.fromJSON(sigstore.trustedRoot);
    new Verifier(
      toTrustMaterial(root, () => ({ publicKey: pair.publicKey, validFor: () => true })),
      { ctlogThreshold: 0, timestampThreshold: 1 },
    ).verify(toSignedEntity(bundle));
    await expect(
      verifyImage(client, 'team/cosignkey', digest, { mode: 'key', publicKey: pair.publicKey }, trust),
    ).resolves.toMatchObject({ signer: key.fingerprint });
  });

  it('refuses keys that are not EC P-256, naming the input and never the key', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const text = pem(rsa.privateKey, 'pkcs8');
    const err = await loadSigningKey(text).catch((e) => e as Error);
    expect((err as Error).message).toMatch(
      /Input "signing-key" has an invalid value \*\*\*: an EC P-256 key is accepted, this is rsa/,
    );
    expect((err as Error).message).not.toContain('PRIVATE');
    await expect(loadSigningKey('garbage')).rejects.toThrow(/Input "signing-key"/);
    expect(() => loadPublicKey(text)).toThrow(/Input "public-key"/);
  });
});
