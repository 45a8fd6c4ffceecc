/**
 * build-push-image's signing: the inputs (declared once, spread into the step's inputs), the
 * checks across them (before anything is built), and the run: sign each statement (the cosign
 * signature, and the SLSA provenance with `provenance: true`), push each bundle as a referrer of
 * the pushed digest, and on GitHub store it through the attestations API too.
 * The Sigstore code is in lazy chunks: a build without `sign` never loads it.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errorMessage, InputError } from '../core/errors.js';
import type { RegistryClient } from '../core/registry/client.js';
import type { Descriptor } from '../core/registry/media-types.js';
import type { SigningKey } from '../core/sign/keys.js';
import { bool, choice, parsed, text } from '../platform/inputs.js';
import { fetchOidcToken, type OidcSource, oidcSource } from '../platform/oidc.js';
import type { Runtime } from '../platform/runtime.js';
import type { SettingsSource } from '../platform/step.js';
import { parseHttpUrl } from './shared-inputs.js';

const PUBLIC_FULCIO = 'https://fulcio.sigstore.dev';
const PUBLIC_REKOR = 'https://rekor.sigstore.dev';

/** A service's base URL without the trailing slash (the Sigstore clients append `/api/…`). */
function baseUrl(raw: string): string {
  return parseHttpUrl(raw).replace(/\/+$/, '');
}

export const signingInputs = {
  sign: choice({
    description:
      "`keyless`: sign with a short-lived Sigstore certificate for the job's OIDC identity (GitHub: `permissions: id-token: write`; GitLab: `id_tokens: SIGSTORE_ID_TOKEN: { aud: sigstore }`), logged in Rekor; `key`: with `signing-key`. The bundle (cosign v3 format) refers to the pushed digest; with `provenance: true` the provenance is signed too",
    default: 'false',
    options: ['false', 'keyless', 'key'] as const,
  }),
  'signing-key': text({
    description:
      '`sign: key`: a PEM PKCS#8 EC P-256 private key, or a cosign encrypted private key (`cosign generate-key-pair`) — the text, or a path to the file',
    secret: true,
  }),
  'signing-key-password': text({ description: 'Password of a cosign encrypted `signing-key`', secret: true }),
  'fulcio-url': parsed(
    {
      description: "Fulcio of a private Sigstore (default Sigstore's public instance)",
      accepted: 'an http(s) URL',
    },
    baseUrl,
  ),
  'rekor-url': parsed(
    {
      description:
        "Rekor of a private Sigstore (default Sigstore's public instance); `none` with `sign: key` logs nothing",
      accepted: 'an http(s) URL, or none',
    },
    (raw) => (raw.trim() === 'none' ? ('none' as const) : baseUrl(raw)),
  ),
  'tsa-url': parsed(
    {
      description: 'RFC 3161 timestamp authority to countersign each bundle (default: none)',
      accepted: 'an http(s) URL',
    },
    baseUrl,
  ),
  'oidc-token': text({
    description:
      "Keyless: the OIDC ID token (audience `sigstore`) to exchange at Fulcio (default: the platform's)",
    secret: true,
  }),
  'attest-to-github': bool({
    description:
      "Also store each bundle through GitHub's attestations API (needs `permissions: attestations: write`), so `gh attestation verify oci://…` finds it. Default: `true` on GitHub with `sign`",
  }),
  'github-token': text({
    description:
      'GitHub token for `attest-to-github` (needs `attestations: write`); default the workflow token',
    githubDefault: '${{ github.token }}',
    secret: true,
  }),
};

export interface SigningInput {
  sign: 'false' | 'keyless' | 'key';
  signingKey?: string;
  signingKeyPassword?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
  oidcToken?: string;
  attestToGithub?: boolean;
  githubToken?: string;
}

export type SignSettings = {
  rekorUrl: string | null;
  tsaUrl?: string;
  /** owner/repo to store attestations in, when attest-to-github. */
  attestTo?: { owner: string; repo: string; token: string; apiUrl?: string };
} & ({ mode: 'keyless'; oidc: OidcSource; fulcioUrl: string } | { mode: 'key'; key: SigningKey });

async function keyText(value: string): Promise<string> {
  if (value.includes('-----BEGIN')) return value;
  try {
    return await readFile(resolve(value.trim()), 'utf8');
  } catch {
    throw new InputError('signing-key', value, 'a PEM private key, or a path to one that can be read', true);
  }
}

/** The signing settings, every check made; undefined without `sign`. */
export async function signSettings(
  input: SigningInput & { push: boolean; promoteFrom?: unknown },
  { ctx, env }: SettingsSource,
): Promise<SignSettings | undefined> {
  if (input.sign === 'false') {
    for (const name of ['signing-key', 'oidc-token', 'fulcio-url', 'rekor-url', 'tsa-url'] as const) {
      const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof SigningInput;
      if (input[key] !== undefined)
        throw new InputError(name, '', 'it is used only with sign: keyless or key', true);
    }
    return undefined;
  }
  if (!input.push)
    throw new InputError('sign', input.sign, 'needs push: true (the bundle refers to the pushed digest)');
  if (input.promoteFrom) {
    throw new InputError(
      'sign',
      input.sign,
      "false with promote-from: a promotion carries the source's bundles, which still verify",
    );
  }
  const rekor = input.rekorUrl ?? PUBLIC_REKOR;
  const attest = input.attestToGithub ?? ctx.provider === 'github';
  let attestTo: SignSettings['attestTo'];
  if (attest) {
    const [owner, repo] = (ctx.repository ?? '').split('/');
    if (ctx.provider !== 'github' || !owner || !repo) {
      throw new InputError(
        'attest-to-github',
        'true',
        'only on GitHub Actions (it stores the bundle in this repository)',
      );
    }
    if (!input.githubToken) {
      throw new InputError('github-token', '', 'it is required with attest-to-github (attestations: write)');
    }
    attestTo = { owner, repo, token: input.githubToken, ...(ctx.apiUrl ? { apiUrl: ctx.apiUrl } : {}) };
  }
  const common = {
    ...(input.tsaUrl ? { tsaUrl: input.tsaUrl } : {}),
    ...(attestTo ? { attestTo } : {}),
  };
  if (input.sign === 'key') {
    if (!input.signingKey) throw new InputError('signing-key', '', 'it is required with sign: key');
    if (input.oidcToken || input.fulcioUrl) {
      throw new InputError(
        input.oidcToken ? 'oidc-token' : 'fulcio-url',
        '',
        'it is used only with sign: keyless',
        true,
      );
    }
    const { loadSigningKey } = await import('../core/sign/keys.js');
    const key = await loadSigningKey(await keyText(input.signingKey), input.signingKeyPassword);
    return { mode: 'key', key, rekorUrl: rekor === 'none' ? null : rekor, ...common };
  }
  if (input.signingKey) throw new InputError('signing-key', '', 'it is used only with sign: key', true);
  if (rekor === 'none') {
    throw new InputError(
      'rekor-url',
      'none',
      'keyless signing needs a transparency log (its certificate lives minutes); none is for sign: key',
    );
  }
  return {
    mode: 'keyless',
    oidc: oidcSource(ctx, env, input.oidcToken),
    fulcioUrl: input.fulcioUrl ?? PUBLIC_FULCIO,
    rekorUrl: rekor,
    ...common,
  };
}

export interface SignedResult {
  /** Digest of the first bundle's manifest (the signature). */
  signature: string;
  signer: string;
  lines: string[];
}

/** Signs each statement, pushes each bundle as a referrer of `subject`, and attests on GitHub. */
export async function signAndAttach(
  settings: SignSettings,
  target: { client: RegistryClient; repository: string; subject: Descriptor },
  statements: { statement: unknown; predicateType: string }[],
  rt: Runtime,
): Promise<SignedResult> {
  const [{ signStatement }, { pushBundle }] = await Promise.all([
    import('../core/sign/sign.js'),
    import('../core/sign/oci.js'),
  ]);
  const how =
    settings.mode === 'keyless'
      ? {
          mode: 'keyless' as const,
          token: await fetchOidcToken(settings.oidc),
          fulcioUrl: settings.fulcioUrl,
          rekorUrl: settings.rekorUrl as string,
          ...(settings.tsaUrl ? { tsaUrl: settings.tsaUrl } : {}),
        }
      : {
          mode: 'key' as const,
          key: settings.key,
          rekorUrl: settings.rekorUrl,
          ...(settings.tsaUrl ? { tsaUrl: settings.tsaUrl } : {}),
        };
  if (how.mode === 'keyless') rt.setSecret(how.token);
  const lines: string[] = [];
  let signature = '';
  let signer = '';
  for (const { statement, predicateType } of statements) {
    const signed = await signStatement(statement, how);
    signer = signed.signer;
    const pushed = await pushBundle(
      target.client,
      target.repository,
      target.subject,
      signed.bytes,
      predicateType,
      new Date(),
    );
    signature ||= pushed.digest;
    lines.push(
      `Signed ${predicateType} as ${signed.signer}${signed.logIndex ? ` (Rekor log index ${signed.logIndex})` : ''}: bundle ${pushed.digest} refers to ${target.subject.digest} (${pushed.via === 'api' ? 'referrers API' : 'referrers tag'})`,
    );
    if (settings.attestTo) {
      const { owner, repo, token, apiUrl } = settings.attestTo;
      try {
        const [{ createGitHubClient }, { storeAttestation }] = await Promise.all([
          import('../platform/github-api.js'),
          import('../platform/github-attestations.js'),
        ]);
        const client = createGitHubClient({
          token,
          ...(apiUrl ? { apiUrl } : {}),
          warn: (m) => rt.warning(m),
        });
        const id = await storeAttestation(client, { owner, repo }, signed.json);
        lines.push(`Stored as GitHub attestation ${id} in ${owner}/${repo}`);
      } catch (err) {
        throw new Error(
          `Storing the bundle through GitHub's attestations API failed: ${errorMessage(err)} (give the job \`permissions: attestations: write\`, or set attest-to-github: false)`,
        );
      }
    }
  }
  return { signature, signer, lines };
}
