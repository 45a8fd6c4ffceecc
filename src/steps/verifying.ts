/**
 * deploy-env's (and the root promote's) verified images: the inputs, the checks across them, and
 * the verification that runs before any change — the image's tag resolved to its digest, that
 * digest's Sigstore bundles verified against the expected signer — giving the digest reference
 * that is then deployed instead of the tag. Sigstore's code loads only when `verify-signature` is on.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, StepError } from '../core/errors.js';
import type { ParsedImage } from '../core/image-ref.js';
import { formatImageRef, type ImageRef, repositoryName } from '../core/image-ref.js';
import type { Credentials } from '../core/registry/docker-config.js';
import { choice, text } from '../platform/inputs.js';
import type { Runtime } from '../platform/runtime.js';

export const verifyingInputs = {
  'verify-signature': choice({
    description:
      '`keyless` or `key`: deploy only an image whose digest has a valid Sigstore bundle (the signature or a signed provenance, as build-push-image `sign` writes them) from the expected signer; the verified digest, never the tag, is what gets deployed',
    default: 'none',
    options: ['none', 'keyless', 'key'] as const,
  }),
  'certificate-identity': text({
    description:
      'keyless: the signer, e.g. `https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main` (GitLab: `https://gitlab.com/acme/shop//.gitlab-ci.yml@refs/heads/main`)',
  }),
  'certificate-identity-regexp': text({
    description: 'keyless: a regular expression the signer must match (instead of `certificate-identity`)',
  }),
  'certificate-oidc-issuer': text({
    description:
      "keyless: the signer's OIDC issuer, e.g. `https://token.actions.githubusercontent.com`, `https://gitlab.com`",
  }),
  'public-key': text({ description: 'key: the PEM public key (the text, or a path to it), e.g. cosign.pub' }),
  'trusted-root': text({
    description:
      "Path to a `trusted_root.json` for a private Sigstore (default: Sigstore's public instance, through TUF)",
  }),
  'registry-username': text({ description: "User name for the image's registry (else the docker config)" }),
  'registry-password': text({
    description: "Password or token for the image's registry (else the docker config)",
    secret: true,
  }),
  // `tls-verify` (plain HTTP to the image's registry) is the strategies' shared input.
};

export interface VerifyingInput {
  verifySignature: 'none' | 'keyless' | 'key';
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  publicKey?: string;
  trustedRoot?: string;
  registryUsername?: string;
  registryPassword?: string;
  tlsVerify: boolean;
}

export type VerifySettings = {
  insecure: boolean;
  credentials?: Credentials;
  trustedRoot?: string;
} & (
  | { mode: 'keyless'; identity?: string; identityRegexp?: string; issuer: string }
  | { mode: 'key'; publicKeyPem: string }
);

async function publicKeyText(value: string): Promise<string> {
  if (value.includes('-----BEGIN')) return value;
  try {
    return await readFile(resolve(value.trim()), 'utf8');
  } catch {
    throw new InputError('public-key', value, 'a PEM public key, or a path to one that can be read');
  }
}

/** The verification settings, every check made; undefined with `verify-signature: none`. */
export async function verifySettings(input: VerifyingInput): Promise<VerifySettings | undefined> {
  const keylessOnly = [
    'certificate-identity',
    'certificate-identity-regexp',
    'certificate-oidc-issuer',
  ] as const;
  const given = (name: string) =>
    (input as unknown as Record<string, unknown>)[
      name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
    ];
  if (Boolean(input.registryUsername) !== Boolean(input.registryPassword)) {
    throw input.registryUsername
      ? new InputError('registry-password', '', 'it is required with registry-username', true)
      : new InputError('registry-username', '', 'it is required with registry-password');
  }
  if (input.verifySignature === 'none') {
    for (const name of [...keylessOnly, 'public-key', 'trusted-root'] as const) {
      if (given(name) !== undefined) {
        throw new InputError(
          name,
          String(given(name)),
          'it is used only with verify-signature: keyless or key',
        );
      }
    }
    return undefined;
  }
  const common = {
    insecure: !input.tlsVerify,
    ...(input.registryUsername && input.registryPassword
      ? { credentials: { username: input.registryUsername, password: input.registryPassword } }
      : {}),
    ...(input.trustedRoot ? { trustedRoot: resolve(input.trustedRoot) } : {}),
  };
  if (input.verifySignature === 'key') {
    for (const name of keylessOnly) {
      if (given(name) !== undefined)
        throw new InputError(name, String(given(name)), 'it is used only with verify-signature: keyless');
    }
    if (!input.publicKey) throw new InputError('public-key', '', 'it is required with verify-signature: key');
    const publicKeyPem = await publicKeyText(input.publicKey);
    const { loadPublicKey } = await import('../core/sign/keys.js');
    loadPublicKey(publicKeyPem);
    return { mode: 'key', publicKeyPem, ...common };
  }
  if (input.publicKey)
    throw new InputError('public-key', input.publicKey, 'it is used only with verify-signature: key');
  if (input.certificateIdentity && input.certificateIdentityRegexp) {
    throw new InputError(
      'certificate-identity-regexp',
      input.certificateIdentityRegexp,
      'give certificate-identity or certificate-identity-regexp, not both',
    );
  }
  if (!input.certificateIdentity && !input.certificateIdentityRegexp) {
    throw new InputError(
      'certificate-identity',
      '',
      'it (or certificate-identity-regexp) is required with verify-signature: keyless',
    );
  }
  if (input.certificateIdentityRegexp) {
    try {
      new RegExp(input.certificateIdentityRegexp);
    } catch (err) {
      throw new InputError(
        'certificate-identity-regexp',
        input.certificateIdentityRegexp,
        `a regular expression (${(err as Error).message})`,
      );
    }
  }
  if (!input.certificateOidcIssuer) {
    throw new InputError(
      'certificate-oidc-issuer',
      '',
      'it is required with verify-signature: keyless (e.g. https://token.actions.githubusercontent.com)',
    );
  }
  return {
    mode: 'keyless',
    issuer: input.certificateOidcIssuer,
    ...(input.certificateIdentity ? { identity: input.certificateIdentity } : {}),
    ...(input.certificateIdentityRegexp ? { identityRegexp: input.certificateIdentityRegexp } : {}),
    ...common,
  };
}

export interface VerifiedImage {
  /** The image pinned to the verified digest: `registry/repo@sha256:…` (the tag dropped). */
  pinned: ImageRef;
  text: string;
  digest: string;
  signer: string;
  line: string;
}

/**
 * Resolves `image` to its digest and verifies that digest; returns the pinned reference to deploy.
 * `credentials` finds the registry's credentials when the inputs give none (the docker config).
 */
export async function verifyImageRef(
  settings: VerifySettings,
  image: ImageRef,
  rt: Runtime,
  credentials: (registry: string) => Promise<Credentials | undefined>,
): Promise<VerifiedImage> {
  const [{ RegistryClient }, { verifyImage, VerificationFailure }, { loadTrustedRoot }, { loadPublicKey }] =
    await Promise.all([
      import('../core/registry/client.js'),
      import('../core/sign/verify.js'),
      import('../core/sign/trust.js'),
      import('../core/sign/keys.js'),
    ]);
  const creds = settings.credentials ?? (await credentials(image.registry));
  const client = new RegistryClient({
    registry: image.registry,
    insecure: settings.insecure,
    ...(creds ? { credentials: creds } : {}),
    log: rt,
  });
  const repository = image.repository;
  const digest = image.digest ?? (await client.getManifest(repository, image.tag ?? 'latest')).digest;
  const policy =
    settings.mode === 'key'
      ? { mode: 'key' as const, publicKey: loadPublicKey(settings.publicKeyPem) }
      : {
          mode: 'keyless' as const,
          issuer: settings.issuer,
          ...(settings.identity ? { identity: settings.identity } : {}),
          ...(settings.identityRegexp ? { identityRegexp: settings.identityRegexp } : {}),
        };
  try {
    const verified = await verifyImage(client, repository, digest, policy, () =>
      loadTrustedRoot({
        ...(settings.trustedRoot ? { path: settings.trustedRoot } : {}),
        tufCachePath: resolve(rt.tempDir, 'sigstore-tuf'),
      }),
    );
    const pinned: ImageRef = { registry: image.registry, repository, digest };
    const text = formatImageRef(pinned);
    const from = image.digest
      ? ''
      : ` (${repositoryName(image)}:${image.tag ?? 'latest'} resolved to its digest)`;
    return {
      pinned,
      text,
      digest,
      signer: verified.signer,
      line: `Verified ${text}${from}: ${verified.predicateType} signed by ${verified.signer}${verified.issuer ? ` (issuer ${verified.issuer})` : ''}`,
    };
  } catch (err) {
    if (err instanceof VerificationFailure)
      throw new StepError(`Signature check refused the image, nothing was deployed: ${err.message}`);
    throw err;
  }
}

/** deploy-env's checks on top: an image to verify, and no gitops `value: tag` (a tag can move). */
export async function deployVerifySettings(
  input: VerifyingInput & { strategy: string; value?: string; updates?: unknown[]; image?: ParsedImage },
): Promise<VerifySettings | undefined> {
  const settings = await verifySettings(input);
  if (!settings) return undefined;
  if (!input.image || input.updates?.length) {
    throw new InputError(
      'verify-signature',
      input.verifySignature,
      'it checks `image`: give the image to deploy (gitops `updates` and an ecs `task-definition-arn` alone are not verified)',
    );
  }
  if (input.strategy === 'gitops' && input.value === 'tag') {
    throw new InputError(
      'value',
      'tag',
      'digest or ref with verify-signature: the verified digest is what gets written, a tag can move after it was verified',
    );
  }
  return settings;
}
