/**
 * build-push-image with `sign`, run as the GitHub runner runs the committed bundle: real buildah
 * and buildx builds pushed to a real docker-registry, signed through the Sigstore stand-in
 * (test/fakes/sigstore/), the bundles stored through the fake GitHub's attestations API
 * (checked against GitHub's OpenAPI description). What was pushed is read back from the
 * registry and verified with @sigstore/verify; a promotion to another registry carries the
 * bundles, which verify there too. No token, key or password in the logs, outputs or summary.
 */

import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { SLSA_PROVENANCE_V1 } from '../../src/core/provenance.js';
import { RegistryClient } from '../../src/core/registry/client.js';
import { fetchBundles } from '../../src/core/sign/oci.js';
import { COSIGN_SIGN_PREDICATE, parseStatement } from '../../src/core/sign/statement.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { githubClaims, gitlabClaims } from '../fakes/sigstore/oidc.js';
import { type FakeSigstore, startSigstore } from '../fakes/sigstore/server.js';
import { parseOutputs, runCli } from '../helpers/cli.js';
import { encryptCosignKey } from '../helpers/cosign-key.js';
import { dockerEnv } from '../helpers/docker.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { type ActionRun, ROOT, runAction } from '../helpers/runner.js';

const TOKEN = 'ghs_attestations-token-value';
const IDENTITY = 'https://github.com/octo/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
let registry: TestRegistry;
let other: TestRegistry;
let sigstore: FakeSigstore;
let gh: FakeGitHub;
let context: string;
let signedByKey: { digest: string; repo: string } | undefined;
let signedKeyless: string | undefined;
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PASSWORD = 'k3y-passw0rd-never-printed';
let encryptedKey: string;

beforeAll(async () => {
  [registry, other, sigstore, gh] = await Promise.all([
    startRegistry(),
    startRegistry(),
    startSigstore(),
    startFakeGitHub({ token: TOKEN }),
  ]);
  Object.assign(
    sigstore.actions.claims,
    githubClaims({
      repository: 'octo/app',
      workflow: '.github/workflows/release.yml',
      ref: 'refs/heads/main',
    }),
  );
  context = mkdtempSync(join(tmpdir(), 'bps-context-'));
  cpSync(join(ROOT, 'test/fixtures/app'), context, { recursive: true });
  copyFileSync('/bin/busybox', join(context, 'busybox'));
  encryptedKey = await encryptCosignKey(pair.privateKey, PASSWORD);
});
afterAll(async () => {
  await Promise.all([registry?.stop(), other?.stop(), sigstore?.close(), gh?.close()]);
  if (context) rmSync(context, { recursive: true, force: true });
});

/** Every bundle referring to `digest`, verified with Sigstore's own verifier (keyless: with a policy). */
async function verifiedBundles(reg: TestRegistry, repo: string, digest: string, policy?: { key?: boolean }) {
  const client = new RegistryClient({ registry: reg.host, insecure: true });
  const found = await fetchBundles(client, repo, digest);
  const root = TrustedRoot.fromJSON(sigstore.trustedRoot);
  return found.map((f) => {
    const bundle = bundleFromJSON(JSON.parse(Buffer.from(f.bytes).toString('utf8')));
    const material = policy?.key
      ? toTrustMaterial(root, () => ({ publicKey: pair.publicKey, validFor: () => true }))
      : toTrustMaterial(root);
    const signer = new Verifier(
      material,
      policy?.key ? { ctlogThreshold: 0, timestampThreshold: 0, tlogThreshold: 0 } : {},
    ).verify(
      toSignedEntity(bundle),
      policy?.key ? undefined : { subjectAlternativeName: IDENTITY, extensions: { issuer: ISSUER } },
    );
    const envelope = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
    const statement = parseStatement(envelope?.payload ?? new Uint8Array());
    return {
      manifest: f.manifest,
      signer,
      statement,
      json: JSON.parse(Buffer.from(f.bytes).toString('utf8')),
    };
  });
}

function expectNoSecrets(run: ActionRun, secrets: string[]) {
  // `::add-mask::` lines are the runner's to consume (it never shows them): the rest must hold none.
  const stdout = run.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  // No JWT (the OIDC token) anywhere, whatever its value.
  expect(`${stdout}${run.stderr}${run.summary}`).not.toMatch(/eyJ[\w-]{20,}\.eyJ[\w-]{20,}/);
  for (const s of secrets) {
    expect(stdout).not.toContain(s);
    expect(run.stderr).not.toContain(s);
    expect(run.summary).not.toContain(s);
    expect(JSON.stringify(run.outputs)).not.toContain(s);
  }
}

describe('build-push-image sign', () => {
  it('keyless with buildah: signs the digest and the provenance, stores both as GitHub attestations', async () => {
    const repo = `${registry.host}/team/keyless`;
    const run = await runAction('build-push-image', {
      inputs: {
        image: repo,
        context,
        target: 'app',
        builder: 'buildah',
        'tls-verify': 'false',
        provenance: 'true',
        sign: 'keyless',
        'fulcio-url': sigstore.fulcioUrl,
        'rekor-url': sigstore.rekorUrl,
      },
      env: {
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: 'octo/app',
        GITHUB_API_URL: gh.url,
        ACTIONS_ID_TOKEN_REQUEST_URL: sigstore.actions.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: sigstore.actions.requestToken,
      },
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    const digest = run.outputs.digest as string;
    expect(run.outputs.referrers).toBe('2');
    signedKeyless = digest;
    const bundles = await verifiedBundles(registry, 'team/keyless', digest);
    expect(bundles.map((b) => b.statement?.predicateType).sort()).toEqual(
      [SLSA_PROVENANCE_V1, COSIGN_SIGN_PREDICATE].sort(),
    );
    expect(bundles.map((b) => b.manifest)).toContain(run.outputs.signature);
    for (const b of bundles) {
      expect(b.signer.identity?.subjectAlternativeName).toBe(IDENTITY);
      expect(b.statement?.subject).toEqual([
        expect.objectContaining({ digest: { sha256: digest.slice(7) } }),
      ]);
    }
    // No unsigned provenance beside them: every referrer is a bundle.
    const index = (await (
      await fetch(`${registry.url}/v2/team/keyless/manifests/${digest.replace(':', '-')}`, {
        headers: { accept: 'application/vnd.oci.image.index.v1+json' },
      })
    ).json()) as { manifests: { artifactType: string }[] };
    expect(index.manifests.map((m) => m.artifactType)).toEqual([
      'application/vnd.dev.sigstore.bundle.v0.3+json',
      'application/vnd.dev.sigstore.bundle.v0.3+json',
    ]);
    // Through the attestations API, validated against GitHub's OpenAPI description.
    expect(gh.violations).toEqual([]);
    expect(gh.calls('repos/create-attestation')).toHaveLength(2);
    expect(gh.store.attestations.map((a) => a.bundle)).toEqual(
      expect.arrayContaining(bundles.map((b) => b.json)),
    );
    expect(run.summary).toContain(IDENTITY);
    expect(run.masks.length).toBeGreaterThan(0);
    expectNoSecrets(run, [TOKEN, sigstore.actions.requestToken]);
  });

  it('keyless with buildx: the bundle on the pushed digest verifies with the workflow identity', async () => {
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${registry.host}/team/keyless-buildx`,
        context,
        target: 'app',
        builder: 'buildx',
        network: 'host',
        'tls-verify': 'false',
        sign: 'keyless',
        'fulcio-url': sigstore.fulcioUrl,
        'rekor-url': sigstore.rekorUrl,
        'tsa-url': sigstore.tsaUrl,
        'attest-to-github': 'false',
      },
      env: {
        ...dockerEnv(),
        GITHUB_TOKEN: TOKEN,
        ACTIONS_ID_TOKEN_REQUEST_URL: sigstore.actions.requestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: sigstore.actions.requestToken,
      },
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.stdout).toMatch(/Builder: buildx/);
    const bundles = await verifiedBundles(registry, 'team/keyless-buildx', run.outputs.digest as string);
    expect(bundles).toHaveLength(1);
    expect(bundles[0]?.manifest).toBe(run.outputs.signature);
    expect(bundles[0]?.json.verificationMaterial.timestampVerificationData.rfc3161Timestamps).toHaveLength(1);
    expectNoSecrets(run, [TOKEN, sigstore.actions.requestToken]);
  });

  it('key with buildx and a cosign encrypted key, no log: verifies with the public key; the password never shows', async () => {
    const engine = dockerEnv();
    const repo = `${registry.host}/team/key`;
    const keyFile = join(context, 'cosign.key');
    writeFileSync(keyFile, encryptedKey);
    const run = await runAction('build-push-image', {
      inputs: {
        image: repo,
        context,
        target: 'app',
        builder: 'buildx',
        network: 'host',
        'tls-verify': 'false',
        sign: 'key',
        'signing-key': encryptedKey,
        'signing-key-password': PASSWORD,
        'rekor-url': 'none',
        'attest-to-github': 'false',
      },
      env: { ...engine, GITHUB_TOKEN: TOKEN },
      timeoutMs: 180_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    const digest = run.outputs.digest as string;
    const [bundle] = await verifiedBundles(registry, 'team/key', digest, { key: true });
    expect(bundle?.statement?.predicateType).toBe(COSIGN_SIGN_PREDICATE);
    expect(bundle?.json.verificationMaterial.tlogEntries ?? []).toEqual([]);
    expectNoSecrets(run, [PASSWORD, ...encryptedKey.split('\n').filter((l) => l.length > 20)]);
    signedByKey = { digest, repo: 'team/key' };
  });

  it('a promotion to another registry carries the bundles, and they verify there', async () => {
    expect(signedByKey).toBeDefined();
    const { digest, repo } = signedByKey as { digest: string; repo: string };
    const run = await runAction('build-push-image', {
      inputs: {
        image: `${other.host}/prod/key`,
        'promote-from': `${registry.host}/${repo}@${digest}`,
        tags: 'v1',
        'tls-verify': 'false',
      },
      timeoutMs: 60_000,
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.digest).toBe(digest);
    const bundles = await verifiedBundles(other, 'prod/key', digest, { key: true });
    expect(bundles).toHaveLength(1);
    // And a keyless-signed one (signature and provenance), checked against the identity there.
    expect(signedKeyless).toBeDefined();
    const keylessRun = await runAction('build-push-image', {
      inputs: {
        image: `${other.host}/prod/keyless`,
        'promote-from': `${registry.host}/team/keyless@${signedKeyless}`,
        tags: 'v1',
        'tls-verify': 'false',
      },
      timeoutMs: 60_000,
    });
    expect(keylessRun.errors).toEqual([]);
    expect(keylessRun.outputs.referrers).toBe('2');
    const keylessBundles = await verifiedBundles(other, 'prod/keyless', signedKeyless as string);
    expect(keylessBundles.map((b) => b.signer.identity?.subjectAlternativeName)).toEqual([
      IDENTITY,
      IDENTITY,
    ]);
  });

  it('keyless in a GitLab job through the CLI on Node 20: SIGSTORE_ID_TOKEN, named as Fulcio names the pipeline', async () => {
    const token = sigstore.gitlab.mint(gitlabClaims({ project: 'acme/shop', ref: 'main' }));
    const run = await runCli(
      [
        'build-push-image',
        '--image',
        `${registry.host}/team/gitlab`,
        '--context',
        context,
        '--target',
        'app',
        '--builder',
        'buildah',
        '--tls-verify',
        'false',
        '--sign',
        'keyless',
        '--fulcio-url',
        sigstore.fulcioUrl,
        '--rekor-url',
        sigstore.rekorUrl,
      ],
      {
        GITLAB_CI: 'true',
        CI: 'true',
        CI_COMMIT_SHA: 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
        CI_COMMIT_BRANCH: 'main',
        CI_COMMIT_REF_NAME: 'main',
        CI_DEFAULT_BRANCH: 'main',
        CI_PROJECT_PATH: 'acme/shop',
        CI_SERVER_URL: 'https://gitlab.com',
        SIGSTORE_ID_TOKEN: token,
      },
      context,
      // The oldest Node the package supports (Sigstore's libraries declare ≥ 22 but are bundled).
      20,
    );
    expect(run.stderr).not.toContain('::error::');
    expect(run.code).toBe(0);
    const outputs = parseOutputs(run.stdout);
    const client = new RegistryClient({ registry: registry.host, insecure: true });
    const [found] = await fetchBundles(client, 'team/gitlab', outputs.digest as string);
    const bundle = bundleFromJSON(JSON.parse(Buffer.from(found?.bytes ?? []).toString('utf8')));
    const signer = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot))).verify(
      toSignedEntity(bundle),
    );
    expect(signer.identity?.subjectAlternativeName).toBe(
      'https://gitlab.com/acme/shop//.gitlab-ci.yml@refs/heads/main',
    );
    expect(signer.identity?.extensions?.issuer).toBe('https://gitlab.com');
    expect(`${run.stdout}${run.stderr}`).not.toContain(token);
  });

  it('a token without attestations: write fails the step naming the permission', async () => {
    const readOnly = await startFakeGitHub({ token: TOKEN, readOnly: true });
    try {
      const run = await runAction('build-push-image', {
        inputs: {
          image: `${registry.host}/team/attest`,
          context,
          target: 'app',
          builder: 'buildah',
          'tls-verify': 'false',
          sign: 'key',
          'signing-key': encryptedKey,
          'signing-key-password': PASSWORD,
          'rekor-url': 'none',
        },
        env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: readOnly.url },
        timeoutMs: 180_000,
      });
      expect(run.code).toBe(1);
      expect(run.errors).toEqual([
        expect.stringMatching(
          /attestations API failed: .*the token needs `attestations: write`.*or set attest-to-github: false/,
        ),
      ]);
    } finally {
      await readOnly.close();
    }
  });

  it('fails before building when keyless has no OIDC token, naming id-token: write', async () => {
    const run = await runAction('build-push-image', {
      inputs: { image: `${registry.host}/team/none`, context, sign: 'keyless', 'tls-verify': 'false' },
      env: { GITHUB_TOKEN: TOKEN },
      timeoutMs: 60_000,
    });
    expect(run.code).not.toBe(0);
    expect(run.errors).toEqual([
      expect.stringMatching(
        /Input "sign" has an invalid value "keyless": keyless signing needs the job's OIDC token: give the job `permissions: id-token: write`/,
      ),
    ]);
    expect(run.stdout).not.toMatch(/Builder:/);
  });
});
