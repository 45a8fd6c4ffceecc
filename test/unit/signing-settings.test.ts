/** The checks across the signing and verification inputs: each bad combination is one error naming the input. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { CiContext } from '../../src/platform/context.js';
import { signSettings } from '../../src/steps/signing.js';
import { verifySettings } from '../../src/steps/verifying.js';

const ctx = (provider: CiContext['provider'], repository = 'acme/shop') =>
  ({ provider, repository }) as CiContext;
const base = { push: true, sign: 'keyless' as const };
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const privatePem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const publicPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();

describe('sign', () => {
  it('is off by default, and its other inputs are refused without it', async () => {
    await expect(
      signSettings({ push: true, sign: 'false' }, { ctx: ctx('local'), env: {} }),
    ).resolves.toBeUndefined();
    await expect(
      signSettings({ push: true, sign: 'false', signingKey: privatePem }, { ctx: ctx('local'), env: {} }),
    ).rejects.toThrow(
      'Input "signing-key" has an invalid value ***: it is used only with sign: keyless or key',
    );
  });

  it('keyless on GitHub: the token request and attestations by default; none of them missing', async () => {
    const env = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/t', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'r' };
    const s = await signSettings({ ...base, githubToken: 't' }, { ctx: ctx('github'), env });
    expect(s).toMatchObject({
      mode: 'keyless',
      fulcioUrl: 'https://fulcio.sigstore.dev',
      rekorUrl: 'https://rekor.sigstore.dev',
      oidc: { kind: 'github', requestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL },
      attestTo: { owner: 'acme', repo: 'shop', token: 't' },
    });
    await expect(
      signSettings({ ...base, githubToken: 't' }, { ctx: ctx('github'), env: {} }),
    ).rejects.toThrow(/id-token: write/);
    await expect(
      signSettings({ ...base, attestToGithub: false }, { ctx: ctx('github'), env }),
    ).resolves.not.toHaveProperty('attestTo');
    await expect(
      signSettings({ ...base, attestToGithub: true, oidcToken: 'x' }, { ctx: ctx('gitlab'), env: {} }),
    ).rejects.toThrow('Input "attest-to-github" has an invalid value "true": only on GitHub Actions');
  });

  it('refuses keyless without a log, a key without sign: key, push: false and promote-from', async () => {
    const src = { ctx: ctx('local'), env: {} };
    await expect(signSettings({ ...base, oidcToken: 'x', rekorUrl: 'none' }, src)).rejects.toThrow(
      /Input "rekor-url".*keyless signing needs a transparency log/,
    );
    await expect(signSettings({ ...base, oidcToken: 'x', signingKey: privatePem }, src)).rejects.toThrow(
      /Input "signing-key".*only with sign: key/,
    );
    await expect(signSettings({ ...base, push: false, oidcToken: 'x' }, src)).rejects.toThrow(
      /Input "sign".*needs push: true/,
    );
    await expect(signSettings({ ...base, oidcToken: 'x', promoteFrom: {} }, src)).rejects.toThrow(
      /Input "sign".*promote-from/,
    );
  });

  it('key: loads the key (text), logs nothing with rekor-url: none; requires the key', async () => {
    const src = { ctx: ctx('local'), env: {} };
    const s = await signSettings({ push: true, sign: 'key', signingKey: privatePem, rekorUrl: 'none' }, src);
    expect(s).toMatchObject({ mode: 'key', rekorUrl: null });
    await expect(signSettings({ push: true, sign: 'key' }, src)).rejects.toThrow(
      /Input "signing-key".*required with sign: key/,
    );
    await expect(
      signSettings({ push: true, sign: 'key', signingKey: '/nonexistent/key.pem' }, src),
    ).rejects.toThrow(
      'Input "signing-key" has an invalid value ***: a PEM private key, or a path to one that can be read',
    );
  });
});

describe('verify-signature', () => {
  const none = { verifySignature: 'none' as const, tlsVerify: true };
  it('is off by default; its inputs alone are refused', async () => {
    await expect(verifySettings(none)).resolves.toBeUndefined();
    await expect(verifySettings({ ...none, certificateIdentity: 'x' })).rejects.toThrow(
      /Input "certificate-identity".*only with verify-signature/,
    );
  });

  it('keyless needs an identity (or regexp, not both) and an issuer', async () => {
    const k = { verifySignature: 'keyless' as const, tlsVerify: true };
    await expect(verifySettings({ ...k, certificateOidcIssuer: 'https://gitlab.com' })).rejects.toThrow(
      /Input "certificate-identity".*required/,
    );
    await expect(verifySettings({ ...k, certificateIdentity: 'a' })).rejects.toThrow(
      /Input "certificate-oidc-issuer".*required/,
    );
    await expect(
      verifySettings({
        ...k,
        certificateIdentity: 'a',
        certificateIdentityRegexp: 'b',
        certificateOidcIssuer: 'i',
      }),
    ).rejects.toThrow(/not both/);
    await expect(
      verifySettings({ ...k, certificateIdentityRegexp: '(', certificateOidcIssuer: 'i' }),
    ).rejects.toThrow(/Input "certificate-identity-regexp".*regular expression/);
    await expect(
      verifySettings({ ...k, certificateIdentity: 'a', certificateOidcIssuer: 'i', tlsVerify: false }),
    ).resolves.toEqual({
      mode: 'keyless',
      identity: 'a',
      issuer: 'i',
      insecure: true,
    });
  });

  it('key needs a public key (not a private one) and no identity', async () => {
    const k = { verifySignature: 'key' as const, tlsVerify: true };
    await expect(verifySettings({ ...k, publicKey: publicPem })).resolves.toMatchObject({
      mode: 'key',
      publicKeyPem: publicPem,
    });
    await expect(verifySettings(k)).rejects.toThrow(/Input "public-key".*required/);
    await expect(verifySettings({ ...k, publicKey: privatePem })).rejects.toThrow(
      /Input "public-key" has an invalid value \*\*\*: a PEM public key/,
    );
    await expect(verifySettings({ ...k, publicKey: publicPem, certificateOidcIssuer: 'i' })).rejects.toThrow(
      /Input "certificate-oidc-issuer"/,
    );
  });
});
