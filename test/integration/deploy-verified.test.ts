/**
 * deploy-env with `verify-signature`, run as the runner runs the committed bundle: images in a
 * real docker-registry, signed through the Sigstore stand-in (test/fakes/sigstore/) with our
 * signing core, verified against its trusted_root.json. A signed image is deployed by digest
 * (GitOps, Kubernetes on the fake API server, ECS on the fake ECS); every refusal happens before
 * any change (the config repository's head, the Deployment and the service are untouched) and
 * names why.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadSigningKey } from '../../src/core/sign/keys.js';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { type FakeSigstore, startSigstore } from '../fakes/sigstore/server.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';
import { pushRandomImage } from '../helpers/images.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runAction } from '../helpers/runner.js';
import {
  attachBundle,
  clientFor,
  githubIdentity,
  keyless,
  signedImage,
  tamperedBundle,
} from '../helpers/signing.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const VALUES = 'image:\n  repository: app\n  tag: "old" # written by stagecraft\n';
let registry: TestRegistry;
let sigstore: FakeSigstore;
let repo: BareRepo;
let dir: string;
const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const otherPair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
let publicKeyFile: string;
let image: string;
const digests: Record<string, string> = {};

beforeAll(async () => {
  [registry, sigstore] = await Promise.all([startRegistry(), startSigstore()]);
  image = `${registry.host}/team/app`;
  repo = createBareRepo({ 'deploy/staging/values.yaml': VALUES });
  dir = mkdtempSync(join(tmpdir(), 'verified-'));
  publicKeyFile = join(dir, 'cosign.pub');
  writeFileSync(publicKeyFile, pair.publicKey.export({ format: 'pem', type: 'spki' }).toString());
  const c = clientFor(registry.host);
  digests.signed = (await signedImage(c, 'team/app', 'v1', keyless(sigstore))).digest;
  digests.unsigned = (await signedImage(c, 'team/app', 'unsigned', null)).digest;
  digests.other = (
    await signedImage(c, 'team/app', 'other-workflow', keyless(sigstore, '.github/workflows/other.yml'))
  ).digest;
  // A valid bundle of `v1`, attached to another image.
  const v1 = await signedImage(c, 'team/app', 'v1-again', keyless(sigstore));
  digests.copied = (await signedImage(c, 'team/app', 'copied', null)).digest;
  await attachBundle(c, 'team/app', digests.copied, v1.signed.bytes);
  digests.v1again = v1.digest;
  // A bundle made for this image, with one byte of its signature changed.
  digests.tampered = (await signedImage(c, 'team/app', 'tampered', null)).digest;
  const forged = await (await import('../../src/core/sign/sign.js')).signStatement(
    (await import('../../src/core/sign/statement.js')).signatureStatement(digests.tampered),
    keyless(sigstore),
  );
  await attachBundle(c, 'team/app', digests.tampered, tamperedBundle(forged.json));
  // Key-signed images: by our key and by another key.
  digests.key = (
    await signedImage(c, 'team/app', 'key', {
      mode: 'key',
      key: await loadSigningKey(pem(pair)),
      rekorUrl: null,
    })
  ).digest;
  digests.otherKey = (
    await signedImage(c, 'team/app', 'other-key', {
      mode: 'key',
      key: await loadSigningKey(pem(otherPair)),
      rekorUrl: null,
    })
  ).digest;
  // A tag signed, then moved to an unsigned image.
  await signedImage(c, 'team/app', 'moving', keyless(sigstore));
  await pushRandomImage(c, 'team/app', 'moving', { layers: 1, layerSize: 300 });
}, 60_000);
afterAll(async () => {
  repo?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await Promise.all([registry?.stop(), sigstore?.close()]);
});

function pem(p: typeof pair) {
  return p.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

const keylessInputs = (extra: Record<string, string> = {}) => ({
  'verify-signature': 'keyless',
  'certificate-identity': githubIdentity(),
  'certificate-oidc-issuer': ISSUER,
  'trusted-root': sigstore.trustedRootPath,
  'tls-verify': 'false',
  ...extra,
});
const gitops = (extra: Record<string, string>) => ({
  strategy: 'gitops',
  environment: 'staging',
  repository: repo.url,
  file: 'deploy/{environment}/values.yaml',
  key: 'image.tag',
  value: 'ref',
  token: '',
  record: 'false',
  ...extra,
});

describe('deploy-env verify-signature (gitops)', () => {
  it('deploys a signed tag as its verified digest and reports the signer', async () => {
    const run = await runAction('deploy-env', {
      inputs: gitops({ image: `${image}:v1`, ...keylessInputs() }),
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs.signer).toBe(githubIdentity());
    expect(run.outputs.image).toBe(`${image}@${digests.signed}`);
    expect(repo.read('deploy/staging/values.yaml')).toContain(
      `tag: "${image}@${digests.signed}" # written by stagecraft`,
    );
    expect(run.stdout).toContain(`Verified ${image}@${digests.signed} (${image}:v1 resolved to its digest)`);
    expect(run.summary).toContain(`signed by \`${githubIdentity()}\``);
  });

  it.each([
    ['an unsigned image', 'unsigned', /is not signed: no Sigstore bundle refers to it/],
    [
      'another identity of the right issuer',
      'other-workflow',
      /signed by "https:\/\/github\.com\/acme\/shop\/\.github\/workflows\/other\.yml@refs\/heads\/main" from issuer "https:\/\/token\.actions\.githubusercontent\.com", not "https:\/\/github\.com\/acme\/shop\/\.github\/workflows\/release\.yml@refs\/heads\/main"/,
    ],
    ['a bundle made for another digest', 'copied', /it was made for another digest/],
    ['a bundle with one byte changed', 'tampered', /Sigstore verification failed/],
    [
      'a tag moved to an unsigned image after signing',
      'moving',
      /is not signed: no Sigstore bundle refers to it/,
    ],
  ])('refuses %s before any change', async (_what, tag, reason) => {
    const before = repo.head();
    const run = await runAction('deploy-env', {
      inputs: gitops({ image: `${image}:${tag}`, ...keylessInputs() }),
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/Signature check refused the image, nothing was deployed/);
    expect(run.errors[0]).toMatch(reason);
    expect(repo.head()).toBe(before);
    expect(run.summary).toContain('failed');
  });

  it('key: deploys what the key signed, refuses another key; value: tag is a bad input', async () => {
    const keyInputs = { 'verify-signature': 'key', 'public-key': publicKeyFile, 'tls-verify': 'false' };
    const ok = await runAction('deploy-env', {
      inputs: gitops({ image: `${image}:key`, ...keyInputs, value: 'digest' }),
    });
    expect(ok.errors).toEqual([]);
    expect(ok.outputs.signer).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(repo.read('deploy/staging/values.yaml')).toContain(`tag: "${digests.key}"`);
    const before = repo.head();
    const other = await runAction('deploy-env', {
      inputs: gitops({ image: `${image}:other-key`, ...keyInputs }),
    });
    expect(other.errors[0]).toMatch(/it is not signed by the key sha256:/);
    const tag = await runAction('deploy-env', {
      inputs: gitops({ image: `${image}:key`, ...keyInputs, value: 'tag' }),
    });
    expect(tag.errors).toEqual([
      expect.stringMatching(/Input "value" has an invalid value "tag": digest or ref with verify-signature/),
    ]);
    expect(repo.head()).toBe(before);
  });
});

describe('deploy-env verify-signature (kubernetes, ecs)', () => {
  let kube: FakeKube;
  let ecs: FakeEcs;
  beforeAll(async () => {
    [kube, ecs] = await Promise.all([
      startFakeKube({ namespaces: ['default', 'shop'], podStartMs: 50 }),
      startFakeEcs({ region: 'eu-central-1', tickMs: 10 }),
    ]);
    kube.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: 'shop', labels: { app: 'app' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'app' } },
        template: {
          metadata: { labels: { app: 'app' } },
          spec: { containers: [{ name: 'app', image: `${image}:old` }] },
        },
      },
    });
    ecs.register({ family: 'web', containerDefinitions: [{ name: 'web', image: `${image}:old` }] });
    await ecs.createService({ cluster: 'staging', serviceName: 'web', taskDefinition: 'web:1' });
  });
  afterAll(async () => {
    await Promise.all([kube?.close(), ecs?.close()]);
  });

  it('kubernetes: sets the verified digest on the workload; an unsigned image leaves it as it was', async () => {
    const inputs = (tag: string) => ({
      strategy: 'kubernetes',
      environment: 'staging',
      workloads: 'deployment/app',
      namespace: 'shop',
      kubeconfig: kube.kubeconfigPath,
      'rollout-timeout': '30s',
      token: '',
      record: 'false',
      image: `${image}:${tag}`,
      ...keylessInputs(),
    });
    type Dep = { spec: { template: { spec: { containers: { image: string }[] } } } };
    const container = () =>
      (kube.get('Deployment', 'shop', 'app') as Dep | undefined)?.spec.template.spec.containers[0]?.image;
    const bad = await runAction('deploy-env', { inputs: inputs('unsigned') });
    expect(bad.code).toBe(1);
    expect(container()).toBe(`${image}:old`);
    const run = await runAction('deploy-env', { inputs: inputs('v1') });
    expect(run.errors).toEqual([]);
    expect(container()).toBe(`${image}@${digests.signed}`);
    expect(run.outputs.signer).toBe(githubIdentity());
  });

  it('ecs: registers the verified digest; an unsigned image registers nothing', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIAVERIFY0000000001',
      AWS_SECRET_ACCESS_KEY: 'x'.repeat(40),
      AWS_REGION: 'eu-central-1',
      STAGECRAFT_ECS_POLL_MS: '50',
    };
    const inputs = (tag: string) => ({
      strategy: 'ecs',
      environment: 'staging',
      cluster: 'staging',
      service: 'web',
      'endpoint-url': ecs.url,
      record: 'false',
      image: `${image}:${tag}`,
      ...keylessInputs(),
    });
    const bad = await runAction('deploy-env', { inputs: inputs('other-workflow'), env });
    expect(bad.code).toBe(1);
    expect(ecs.service('web', 'staging').taskDefinition).toMatch(/web:1$/);
    const run = await runAction('deploy-env', { inputs: inputs('v1'), env });
    expect(run.errors).toEqual([]);
    expect(run.outputs.image).toBe(`${image}@${digests.signed}`);
    expect(ecs.service('web', 'staging').taskDefinition).toMatch(/web:2$/);
    expect(ecs.violations).toEqual([]);
  });
});
