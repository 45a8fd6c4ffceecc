/**
 * A loopback stand-in for Sigstore: Fulcio, Rekor and a timestamp authority built on
 * @sigstore/mock's request handlers (served over HTTP the way sigstore-js's own mock-server does),
 * with the trust root for their keys, and the OIDC issuers whose tokens Fulcio exchanges — plus
 * GitHub Actions' token request endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN).
 *
 * Where @sigstore/mock 0.13 passes what real Sigstore refuses, this fills the gap:
 * - Fulcio checks the token: signature against the issuer's JWKS, audience `sigstore`, expiry;
 *   and the proof of possession (the `sub` signed with the key to certify). It names GitHub
 *   workflows `https://github.com/<job_workflow_ref>` and GitLab pipelines
 *   `https://<ci_config_ref_uri>`, as real Fulcio does, instead of the raw `sub`.
 * - Rekor checks each `dsse` entry's signature against its verifier and logs it canonicalised
 *   (envelopeHash, payloadHash, signatures with their verifiers), as real Rekor does.
 * - The TSA stamps whole seconds (see tsaClock below).
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  verify,
  X509Certificate,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mock from '@sigstore/mock';
import { HashAlgorithm, PublicKeyDetails, TrustedRoot } from '@sigstore/protobuf-specs';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startServer } from '../../helpers/http.js';
import { createIssuer, GITHUB_ISSUER, GITLAB_ISSUER, type OidcIssuer } from './oidc.js';

type HandlerFn = (
  body: string,
) => Promise<{ statusCode: number; response: string | ArrayBufferView; contentType?: string }>;

export interface FakeSigstore {
  url: string;
  fulcioUrl: string;
  rekorUrl: string;
  tsaUrl: string;
  /** trusted_root.json for this instance's CA, CT log, transparency log and TSA. */
  trustedRootPath: string;
  trustedRoot: Record<string, unknown>;
  github: OidcIssuer;
  gitlab: OidcIssuer;
  /** GitHub Actions' token request: the URL (with `?api-version=2.0`) and the bearer token it wants. */
  actions: { requestUrl: string; requestToken: string; claims: Record<string, unknown> };
  /** `METHOD path status` of every request so far. */
  requests: string[];
  close(): Promise<void>;
}

const PAE = (type: string, body: Buffer) =>
  Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);

function verifierKey(b64: string): KeyObject {
  const pem = Buffer.from(b64, 'base64').toString('utf8');
  return pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

/** Real Rekor's dsse v0.0.1 canonical form, after checking every signature against a verifier. */
function canonicalDsse(entry: {
  apiVersion: string;
  spec: { proposedContent?: { envelope: string; verifiers: string[] } };
}): object {
  const proposed = entry.spec.proposedContent;
  if (entry.apiVersion !== '0.0.1' || !proposed)
    throw new Error('dsse: only v0.0.1 proposedContent is accepted');
  const envelope = JSON.parse(proposed.envelope) as {
    payloadType: string;
    payload: string;
    signatures: { sig: string }[];
  };
  const payload = Buffer.from(envelope.payload, 'base64');
  const pae = PAE(envelope.payloadType, payload);
  const signatures = envelope.signatures.map(({ sig }) => {
    const verifier = proposed.verifiers.find((v) =>
      verify('sha256', pae, verifierKey(v), Buffer.from(sig, 'base64')),
    );
    if (!verifier) throw new Error('dsse: a signature does not verify with any of the verifiers');
    return { signature: sig, verifier };
  });
  const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: hex(proposed.envelope) },
      payloadHash: { algorithm: 'sha256', value: hex(payload) },
      signatures,
    },
  };
}

function unsignedJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none' })}.${enc(claims)}.`;
}

/** The certificate's identity, as real Fulcio derives it from the issuer's claims. */
function subjectOf(claims: Record<string, unknown>): string {
  if (claims.iss === GITHUB_ISSUER && typeof claims.job_workflow_ref === 'string') {
    return `https://github.com/${claims.job_workflow_ref}`;
  }
  if (typeof claims.ci_config_ref_uri === 'string') return `https://${claims.ci_config_ref_uri}`;
  return String(claims.email ?? claims.sub);
}

export async function startSigstore(): Promise<FakeSigstore> {
  const keyPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const issuers = [createIssuer(GITHUB_ISSUER), createIssuer(GITLAB_ISSUER)] as const;
  const [github, gitlab] = issuers;
  const requests: string[] = [];
  const requestToken = `actions-request-${Math.random().toString(36).slice(2)}`;
  const actionsClaims: Record<string, unknown> = {};
  let handlers: Record<string, HandlerFn> = {};

  const server = await startServer((req, res) => void route(req, res));
  const url = server.url;
  const ctlog = await mock.initializeCTLog(keyPair);
  const ca = await mock.initializeCA(keyPair, ctlog);
  const tlog = await mock.initializeTLog(url, keyPair);
  // Its clock, set to the whole second before each timestamp: with the clock running free, a
  // time whose milliseconds end in 0 comes out as `….12Z` (DER drops trailing zeros), which
  // @sigstore/core's parser refuses ("invalid time") one time in ten.
  const tsaClock = new Date();
  const tsa = await mock.initializeTSA(keyPair, tsaClock);
  const fulcio = mock.fulcioHandler(ca, { strict: true });
  const rekor = mock.rekorHandler(tlog, { strict: true });
  const timestamp = mock.tsaHandler(tsa, { strict: true });

  async function fulcioChecked(body: string) {
    const req = JSON.parse(body) as {
      credentials?: { oidcIdentityToken?: string };
      publicKeyRequest?: { publicKey: { content: string }; proofOfPossession: string };
    };
    const token = req.credentials?.oidcIdentityToken ?? '';
    let claims: Record<string, unknown>;
    try {
      const iss = decodeJwt(token).iss;
      const issuer = issuers.find((i) => i.issuer === iss);
      if (!issuer) throw new Error(`unknown issuer ${iss}`);
      ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(issuer.jwks as never), {
        issuer: issuer.issuer,
        audience: 'sigstore',
      }));
    } catch (err) {
      return {
        statusCode: 401,
        response: `There was an error processing the identity token: ${(err as Error).message}`,
      };
    }
    const pop = req.publicKeyRequest;
    const challenge = String(claims.email ?? claims.sub);
    if (
      !pop ||
      !verify(
        'sha256',
        Buffer.from(challenge),
        createPublicKey(pop.publicKey.content),
        Buffer.from(pop.proofOfPossession, 'base64'),
      )
    ) {
      return { statusCode: 400, response: 'The signature supplied in the request could not be verified' };
    }
    const rewritten = {
      ...req,
      credentials: { oidcIdentityToken: unsignedJwt({ ...claims, sub: subjectOf(claims) }) },
    };
    return fulcio.fn(JSON.stringify(rewritten));
  }

  async function rekorCanonical(body: string) {
    const entry = JSON.parse(body) as { kind?: string };
    if (entry.kind !== 'dsse') return rekor.fn(body);
    try {
      return rekor.fn(JSON.stringify(canonicalDsse(entry as never)));
    } catch (err) {
      return { statusCode: 400, response: (err as Error).message };
    }
  }

  handlers = {
    [`POST ${fulcio.path}`]: fulcioChecked,
    [`POST ${rekor.path}`]: rekorCanonical,
    [`POST ${timestamp.path}`]: (body) => {
      tsaClock.setTime(Math.floor(Date.now() / 1000) * 1000);
      return (timestamp.fn as HandlerFn)(body);
    },
  };

  async function route(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = new URL(req.url ?? '/', url);
    const done = (status: number, body: string | ArrayBufferView, type = 'text/plain') => {
      requests.push(`${req.method} ${path.pathname} ${status}`);
      // Fulcio and Rekor answer errors as JSON {code, message}.
      if (status >= 400 && typeof body === 'string') {
        type = 'application/json';
        body = JSON.stringify({ code: status, message: body });
      }
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method === 'GET' && path.pathname === '/actions/token') {
      if (req.headers.authorization !== `Bearer ${requestToken}`) return done(401, 'Bad credentials');
      const audience = path.searchParams.get('audience') ?? undefined;
      const value = github.mint(actionsClaims, audience ? { audience } : {});
      return done(200, JSON.stringify({ count: 1, value }), 'application/json');
    }
    const handler = handlers[`${req.method} ${path.pathname}`];
    if (!handler) return done(404, 'not found');
    const out = await handler(Buffer.concat(chunks).toString('utf8'));
    done(out.statusCode, out.response, out.contentType);
  }

  const dir = mkdtempSync(join(tmpdir(), 'sigstore-fake-'));
  const start = new Date(Date.now() - 3600_000);
  const authority = (certs: ArrayBufferView[]) => ({
    subject: { commonName: 'sigstore', organization: 'sigstore.mock' },
    uri: url,
    certChain: { certificates: certs.map((c) => ({ rawBytes: Buffer.from(c.buffer as ArrayBuffer) })) },
    validFor: { start },
  });
  const logInstance = (key: Buffer) => ({
    baseUrl: url,
    hashAlgorithm: HashAlgorithm.SHA2_256,
    publicKey: { rawBytes: key, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start } },
    logId: { keyId: createHash('sha256').update(key).digest() },
  });
  const trustedRoot = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    certificateAuthorities: [authority([ca.rootCertificate])],
    ctlogs: [logInstance(ctlog.publicKey)],
    tlogs: [logInstance(tlog.publicKey)],
    timestampAuthorities: [authority([tsa.intCertificate, tsa.rootCertificate])],
  } as TrustedRoot) as Record<string, unknown>;
  const trustedRootPath = join(dir, 'trusted_root.json');
  writeFileSync(trustedRootPath, JSON.stringify(trustedRoot, null, 2));

  return {
    url,
    fulcioUrl: url,
    rekorUrl: url,
    tsaUrl: url,
    trustedRootPath,
    trustedRoot,
    github,
    gitlab,
    actions: { requestUrl: `${url}/actions/token?api-version=2.0`, requestToken, claims: actionsClaims },
    requests,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
