/**
 * Verifies that an image digest was signed by the expected signer: fetches the Sigstore bundles
 * that refer to it (oci.ts), and accepts the first that @sigstore/verify finds valid against the
 * trust root, whose in-toto statement names this digest (the cosign signature or a signed SLSA
 * provenance), and whose certificate identity and issuer (keyless) or key (key) are the expected
 * ones. Otherwise fails naming what each bundle was refused for.
 */
import type { KeyObject } from 'node:crypto';
import { SLSA_PROVENANCE_V1 } from '../provenance.js';
import { type RegistryClient, sha256Digest } from '../registry/client.js';
import { cjs } from './cjs.js';
import { keyFingerprint } from './keys.js';
import { type FoundBundle, fetchBundles } from './oci.js';
import { COSIGN_SIGN_PREDICATE, IN_TOTO_PAYLOAD_TYPE, namesDigest, parseStatement } from './statement.js';
import { emptyTrustedRoot, type TrustedRoot } from './trust.js';

export const ACCEPTED_PREDICATES = [COSIGN_SIGN_PREDICATE, SLSA_PROVENANCE_V1];

export type VerifyPolicy =
  | {
      mode: 'keyless';
      /** Exact certificate identity (SAN), or a regular expression over it (as cosign's, unanchored). */
      identity?: string;
      identityRegexp?: string;
      issuer: string;
    }
  | { mode: 'key'; publicKey: KeyObject };

export interface Verified {
  /** The certificate identity, or `sha256:<hex>` of the key. */
  signer: string;
  issuer?: string;
  predicateType: string;
  /** The bundle artifact's manifest digest. */
  bundle: string;
}

export class VerificationFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationFailure';
  }
}

type SigstoreVerify = typeof import('@sigstore/verify');
type SigstoreBundle = typeof import('@sigstore/bundle');

interface Libraries {
  verify: SigstoreVerify;
  bundle: SigstoreBundle;
}

function describePolicy(policy: VerifyPolicy): string {
  if (policy.mode === 'key') return `the key ${keyFingerprint(policy.publicKey)}`;
  const who = policy.identity ? `"${policy.identity}"` : `an identity matching /${policy.identityRegexp}/`;
  return `${who} from issuer "${policy.issuer}"`;
}

/** Checks one bundle; returns what it verified as, or throws the reason it was refused. */
function checkBundle(
  found: FoundBundle,
  digest: string,
  policy: VerifyPolicy,
  trust: TrustedRoot,
  libs: Libraries,
): Verified {
  let bundle: ReturnType<SigstoreBundle['bundleFromJSON']>;
  try {
    bundle = libs.bundle.bundleFromJSON(JSON.parse(new TextDecoder().decode(found.bytes)));
  } catch (err) {
    throw new Error(`not a valid Sigstore bundle (${(err as Error).message})`);
  }
  if (bundle.content.$case !== 'dsseEnvelope') throw new Error('not a DSSE bundle');
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new Error(`payload type ${envelope.payloadType}`);
  const statement = parseStatement(envelope.payload);
  if (!statement) throw new Error('its payload is not an in-toto statement');
  if (!ACCEPTED_PREDICATES.includes(statement.predicateType)) {
    throw new Error(`predicate type ${statement.predicateType} is neither a signature nor a provenance`);
  }
  if (!namesDigest(statement, digest)) {
    const names = statement.subject.map((s) => `sha256:${s?.digest?.sha256}`).join(', ');
    throw new Error(`it was made for another digest (${names})`);
  }
  const keyed = bundle.verificationMaterial.content.$case === 'publicKey';
  if (policy.mode === 'keyless' && keyed)
    throw new Error('it is signed with a key, not a Sigstore certificate');
  if (policy.mode === 'key' && !keyed)
    throw new Error('it is signed keyless (a certificate), not with a key');
  const { Verifier, toSignedEntity, toTrustMaterial } = libs.verify;
  const material =
    policy.mode === 'key'
      ? toTrustMaterial(trust, () => ({ publicKey: policy.publicKey, validFor: () => true }))
      : toTrustMaterial(trust);
  const verifier = new Verifier(
    material,
    policy.mode === 'key'
      ? { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }
      : { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 },
  );
  let signer: ReturnType<InstanceType<SigstoreVerify['Verifier']>['verify']>;
  try {
    signer = verifier.verify(toSignedEntity(bundle));
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (policy.mode === 'key' && e.code === 'SIGNATURE_ERROR') {
      throw new Error(`it is not signed by ${describePolicy(policy)}`);
    }
    throw new Error(
      `Sigstore verification failed: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`,
    );
  }
  if (policy.mode === 'key') {
    return {
      signer: keyFingerprint(policy.publicKey),
      predicateType: statement.predicateType,
      bundle: found.manifest,
    };
  }
  const identity = signer.identity?.subjectAlternativeName ?? '';
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const identityOk = policy.identity
    ? identity === policy.identity
    : new RegExp(policy.identityRegexp ?? '^$').test(identity);
  if (issuer !== policy.issuer || !identityOk) {
    throw new Error(`it is signed by "${identity}" from issuer "${issuer}", not ${describePolicy(policy)}`);
  }
  return { signer: identity, issuer, predicateType: statement.predicateType, bundle: found.manifest };
}

/**
 * Verifies `digest` in `repository`. `trustRoot` is called only when a trust root is needed
 * (keyless always; key only for a bundle with log entries or timestamps).
 */
export async function verifyImage(
  client: RegistryClient,
  repository: string,
  digest: string,
  policy: VerifyPolicy,
  trustRoot: () => Promise<TrustedRoot>,
): Promise<Verified> {
  // Sigstore's code loads while the registry answers.
  const loading = Promise.all([cjs(import('@sigstore/verify')), cjs(import('@sigstore/bundle'))]);
  loading.catch(() => {});
  const found = await fetchBundles(client, repository, digest);
  const where = `${client.registry}/${repository}@${digest}`;
  if (!found.length) {
    throw new VerificationFailure(`${where} is not signed: no Sigstore bundle refers to it`);
  }
  const [verify, bundle] = await loading;
  const libs: Libraries = { verify, bundle };
  const reasons: string[] = [];
  let trust: TrustedRoot | undefined;
  for (const f of found) {
    try {
      if (f.layerDigest && sha256Digest(f.bytes) !== f.layerDigest)
        throw new Error('its bytes do not match their digest');
      const needsRoot =
        policy.mode === 'keyless' ||
        /"(tlogEntries|rfc3161Timestamps)":\s*\[\s*\{/.test(new TextDecoder().decode(f.bytes));
      trust ??= needsRoot ? await trustRoot() : undefined;
      return checkBundle(f, digest, policy, trust ?? emptyTrustedRoot(), libs);
    } catch (err) {
      reasons.push(`bundle ${f.manifest}: ${(err as Error).message}`);
    }
  }
  throw new VerificationFailure(
    `${where} has no valid signature from ${describePolicy(policy)}: ${reasons.join('; ')}`,
  );
}
