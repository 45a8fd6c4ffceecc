/**
 * The in-toto statements we sign: cosign v3's plain image signature (predicate type
 * `https://sigstore.dev/cosign/sign/v1`, cosign's `CosignSignPredicateType`, predicate `{}`) and
 * the SLSA provenance (provenance.ts). Both name the pushed digest as their only subject.
 * https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** The DSSE payload type of an in-toto statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface Statement {
  _type: string;
  subject: { name?: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: unknown;
}

/** What `cosign sign` v3 signs for an image: the digest, and nothing else. */
export function signatureStatement(digest: string): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ digest: { sha256: hexOf(digest) } }],
    predicateType: COSIGN_SIGN_PREDICATE,
    predicate: {},
  };
}

export function hexOf(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m?.[1]) throw new Error(`not a sha256 digest: ${digest}`);
  return m[1];
}

/** Parses a DSSE payload as an in-toto v1 statement; undefined when it is not one. */
export function parseStatement(payload: Uint8Array): Statement | undefined {
  try {
    const s = JSON.parse(new TextDecoder().decode(payload)) as Partial<Statement>;
    if (s._type !== STATEMENT_TYPE || !Array.isArray(s.subject) || typeof s.predicateType !== 'string') {
      return undefined;
    }
    return s as Statement;
  } catch {
    return undefined;
  }
}

/** True when one of the statement's subjects is `digest`. */
export function namesDigest(statement: Statement, digest: string): boolean {
  const hex = hexOf(digest);
  return statement.subject.some((s) => s?.digest?.sha256 === hex);
}
