/**
 * Signs an in-toto statement into a Sigstore bundle v0.3 with a DSSE envelope, with Sigstore's
 * own libraries (loaded only here, so entries that never sign stay small):
 * - keyless: an ephemeral key, a Fulcio certificate for the OIDC token, a Rekor `dsse` entry;
 * - key: the given P-256 key, named by cosign's key hint; logged in Rekor unless `rekorUrl` is null.
 * A TSA countersignature is added when `tsaUrl` is set.
 */
import { sign as cryptoSign } from 'node:crypto';
import { cjs } from './cjs.js';
import type { SigningKey } from './keys.js';
import { IN_TOTO_PAYLOAD_TYPE } from './statement.js';

export const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';
export const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev';

export type SignWith =
  | { mode: 'keyless'; token: string; fulcioUrl: string; rekorUrl: string; tsaUrl?: string }
  | { mode: 'key'; key: SigningKey; rekorUrl: string | null; tsaUrl?: string };

/** The bundle as JSON (the form stored in the registry), and what it says about the signer. */
export interface SignedBundle {
  json: Record<string, unknown>;
  bytes: Uint8Array;
  /** Keyless: the certificate's identity (SAN); key: the key's `sha256:` fingerprint. */
  signer: string;
  /** Rekor log index, when logged. */
  logIndex?: string;
}

export class SigningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningError';
  }
}

/** Where a Sigstore call failed and why, without the token or anything else secret. */
function signingFailure(err: unknown, opts: SignWith): SigningError {
  const e = err as { message?: string; code?: string; cause?: { message?: string } };
  const where: Record<string, string> = {
    CA_CREATE_SIGNING_CERTIFICATE_ERROR: `Fulcio (${opts.mode === 'keyless' ? opts.fulcioUrl : ''})`,
    IDENTITY_TOKEN_PARSE_ERROR: 'reading the OIDC token (oidc-token): it is not a JWT',
    TLOG_CREATE_ENTRY_ERROR: `Rekor (${opts.rekorUrl})`,
    TLOG_FETCH_ENTRY_ERROR: `Rekor (${opts.rekorUrl})`,
    TSA_CREATE_TIMESTAMP_ERROR: `the timestamp authority (${opts.tsaUrl})`,
  };
  const cause = e?.cause?.message && !e.message?.includes(e.cause.message) ? `: ${e.cause.message}` : '';
  const what = e?.code === 'IDENTITY_TOKEN_PARSE_ERROR' ? '' : `: ${e?.message ?? String(err)}${cause}`;
  const message = `Signing failed at ${where[e?.code ?? ''] ?? 'Sigstore'}${what}`;
  // @sigstore/sign quotes a token it cannot parse; never let it out.
  return new SigningError(
    opts.mode === 'keyless' && opts.token ? message.split(opts.token).join('***') : message,
  );
}

export async function signStatement(statement: unknown, opts: SignWith): Promise<SignedBundle> {
  const [
    { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness },
    { bundleToJSON },
    { X509Certificate },
  ] = await Promise.all([
    cjs(import('@sigstore/sign')),
    cjs(import('@sigstore/bundle')),
    cjs(import('@sigstore/core')),
  ]);
  type Witnesses = ConstructorParameters<typeof DSSEBundleBuilder>[0]['witnesses'];
  const witnesses: Witnesses = [];
  const rekorUrl = opts.rekorUrl;
  if (rekorUrl)
    witnesses.push(
      new RekorWitness({ rekorBaseURL: rekorUrl, entryType: 'dsse', retry: 2, timeout: 30_000 }),
    );
  if (opts.tsaUrl) witnesses.push(new TSAWitness({ tsaBaseURL: opts.tsaUrl, retry: 2, timeout: 30_000 }));
  const signer =
    opts.mode === 'keyless'
      ? new FulcioSigner({
          fulcioBaseURL: opts.fulcioUrl,
          identityProvider: { getToken: async () => opts.token },
          retry: 2,
          timeout: 30_000,
        })
      : {
          sign: async (data: Buffer) => ({
            signature: cryptoSign('sha256', data, opts.key.privateKey),
            key: { $case: 'publicKey' as const, publicKey: opts.key.publicKeyPem, hint: opts.key.hint },
          }),
        };
  const builder = new DSSEBundleBuilder({ signer, witnesses, certificateChain: false });
  let bundle: Awaited<ReturnType<typeof builder.create>>;
  try {
    bundle = await builder.create({
      data: Buffer.from(JSON.stringify(statement)),
      type: IN_TOTO_PAYLOAD_TYPE,
    });
  } catch (err) {
    throw signingFailure(err, opts);
  }
  const json = bundleToJSON(bundle) as unknown as Record<string, unknown>;
  const content = bundle.verificationMaterial.content;
  let signer_ = opts.mode === 'key' ? opts.key.fingerprint : '';
  if (content.$case === 'certificate') {
    const cert = X509Certificate.parse(Buffer.from(content.certificate.rawBytes));
    signer_ = cert.subjectAltName ?? '';
  }
  const entry = bundle.verificationMaterial.tlogEntries[0];
  return {
    json,
    bytes: new TextEncoder().encode(JSON.stringify(json)),
    signer: signer_,
    ...(entry ? { logIndex: entry.logIndex } : {}),
  };
}
