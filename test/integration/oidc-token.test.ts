/**
 * Where keyless signing gets its OIDC token (src/platform/oidc.ts): GitHub's token request
 * against the Sigstore stand-in's runner endpoint (the token it hands out is then exchanged at
 * the fake Fulcio, which checks it), GitLab's SIGSTORE_ID_TOKEN, the oidc-token input, and the
 * one error naming the fix when the platform gives none.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { signStatement } from '../../src/core/sign/sign.js';
import { signatureStatement } from '../../src/core/sign/statement.js';
import { fetchOidcToken, oidcSource } from '../../src/platform/oidc.js';
import { githubClaims } from '../fakes/sigstore/oidc.js';
import { type FakeSigstore, startSigstore } from '../fakes/sigstore/server.js';

let sigstore: FakeSigstore;
beforeAll(async () => {
  sigstore = await startSigstore();
  Object.assign(
    sigstore.actions.claims,
    githubClaims({
      repository: 'acme/shop',
      workflow: '.github/workflows/release.yml',
      ref: 'refs/tags/v1.2.0',
    }),
  );
});
afterAll(() => sigstore?.close());

const github = { provider: 'github' as const };
const gitlab = { provider: 'gitlab' as const };

describe('GitHub Actions', () => {
  it('requests a token for audience sigstore, which Fulcio certifies as the workflow', async () => {
    const source = oidcSource(
      github,
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: sigstore.actions.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: sigstore.actions.requestToken,
      },
      undefined,
    );
    const token = await fetchOidcToken(source);
    expect(decodeJwt(token).aud).toBe('sigstore');
    const signed = await signStatement(signatureStatement(`sha256:${'2'.repeat(64)}`), {
      mode: 'keyless',
      token,
      fulcioUrl: sigstore.fulcioUrl,
      rekorUrl: sigstore.rekorUrl,
    });
    expect(signed.signer).toBe('https://github.com/acme/shop/.github/workflows/release.yml@refs/tags/v1.2.0');
    expect(sigstore.requests).toContain('GET /actions/token 200');
  });

  it('without id-token: write fails before anything, naming the permission', () => {
    expect(() => oidcSource(github, {}, undefined)).toThrow(
      /Input "sign" has an invalid value "keyless": keyless signing needs the job's OIDC token: give the job `permissions: id-token: write`/,
    );
  });

  it('a refused token request names the fix, not the request token', async () => {
    const err = await fetchOidcToken({
      kind: 'github',
      requestUrl: sigstore.actions.requestUrl,
      requestToken: 'wrong-secret',
    }).catch((e) => e as Error);
    expect((err as Error).message).toBe(
      'Requesting the GitHub OIDC token failed: HTTP 401 (give the job `permissions: id-token: write` (GitHub sets ACTIONS_ID_TOKEN_REQUEST_URL only then), or pass oidc-token)',
    );
  });
});

describe('GitLab and elsewhere', () => {
  it('reads SIGSTORE_ID_TOKEN, or names id_tokens when it is missing', async () => {
    await expect(
      fetchOidcToken(oidcSource(gitlab, { SIGSTORE_ID_TOKEN: 'jwt-from-gitlab' }, undefined)),
    ).resolves.toBe('jwt-from-gitlab');
    expect(() => oidcSource(gitlab, {}, undefined)).toThrow(
      /id_tokens: \{ SIGSTORE_ID_TOKEN: \{ aud: sigstore \} \}/,
    );
  });

  it('takes oidc-token anywhere, and requires it on other runners', async () => {
    await expect(fetchOidcToken(oidcSource({ provider: 'local' }, {}, 'given'))).resolves.toBe('given');
    await expect(
      fetchOidcToken(oidcSource(github, { ACTIONS_ID_TOKEN_REQUEST_URL: 'x' }, 'given')),
    ).resolves.toBe('given');
    expect(() => oidcSource({ provider: 'local' }, {}, undefined)).toThrow(
      /Input "oidc-token".*required for sign: keyless/,
    );
  });
});
