/** kubernetes strategy of rollback against the fake API server: previous revision, `to`, and no previous revision. */

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { deployKubernetes, rollbackKubernetes } from '../../src/core/deploy/kubernetes/index.js';
import { parseWorkload } from '../../src/core/deploy/kubernetes/workloads.js';
import { StepError } from '../../src/core/errors.js';
import { parseImage } from '../../src/core/image-ref.js';
import { silentLog } from '../../src/core/log.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { ROOT } from '../helpers/runner.js';

const REPO = 'registry.example.com/team/shop-api';
const ctx = { environment: 'stg', log: silentLog, tempDir: '/tmp', dryRun: false };

let kube: FakeKube;
beforeEach(async () => {
  kube = await startFakeKube({ namespaces: ['default', 'shop-stg'], podStartMs: 80 });
});
afterEach(() => kube.close());

const base = () => ({
  kubeconfig: kube.kubeconfigPath,
  workingDirectory: join(ROOT, 'test/fixtures/k8s'),
  manifests: ['kustomize-branches/overlays/{environment}'],
  rolloutTimeoutMs: 20_000,
  pollIntervalMs: 100,
});
const apiImage = () =>
  (
    kube.get('Deployment', 'shop-stg', 'shop-api-stg')?.spec as
      | { template: { spec: { containers: Array<{ name: string; image: string }> } } }
      | undefined
  )?.template.spec.containers[0]?.image;

describe('kubernetes rollback', () => {
  it('returns the Deployment to the previous revision (the previous ReplicaSet template) and waits for it', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:v1`) }, ctx);
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:v2`) }, ctx);
    const result = await rollbackKubernetes({ ...base(), reason: 'smoke test failed' }, ctx);
    expect(result).toMatchObject({ from: `${REPO}:v2`, to: `${REPO}:v1`, revision: '3' });
    expect(apiImage()).toBe(`${REPO}:v1`);
    // The v1 ReplicaSet was reused under revision 3, as the real controller does; no third one exists.
    const sets = kube.list('ReplicaSet', 'shop-stg');
    expect(sets).toHaveLength(2);
    const patch = kube.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(patch?.contentType).toBe('application/json-patch+json');
    expect(JSON.parse(patch?.body ?? '[]')[0]).toMatchObject({ op: 'replace', path: '/spec/template' });
    // The pod-template-hash label of the ReplicaSet does not leak into the Deployment.
    expect(JSON.stringify(kube.get('Deployment', 'shop-stg', 'shop-api-stg')?.spec)).not.toContain(
      'pod-template-hash',
    );

    // Rolling back again goes to v2 (revision 2 is now the previous one), like `kubectl rollout undo`.
    await expect(
      rollbackKubernetes(
        {
          ...base(),
          workloads: [parseWorkload('deployment/shop-api-stg')],
          manifests: [],
          namespace: 'shop-stg',
        },
        ctx,
      ),
    ).resolves.toMatchObject({
      from: `${REPO}:v1`,
      to: `${REPO}:v2`,
      revision: '4',
    });
  });

  it('`to` picks the revision that ran that tag, or sets the image when none did', async () => {
    for (const tag of ['v1', 'v2', 'v3'])
      await deployKubernetes({ ...base(), image: parseImage(`${REPO}:${tag}`) }, ctx);
    await expect(rollbackKubernetes({ ...base(), to: 'v1' }, ctx)).resolves.toMatchObject({
      from: `${REPO}:v3`,
      to: `${REPO}:v1`,
      revision: '4',
    });
    await expect(rollbackKubernetes({ ...base(), to: `${REPO}:v0.9` }, ctx)).resolves.toMatchObject({
      from: `${REPO}:v1`,
      to: `${REPO}:v0.9`,
      revision: '5',
    });
    expect(apiImage()).toBe(`${REPO}:v0.9`);
  });

  it('with no previous revision fails clearly and changes nothing', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:v1`) }, ctx);
    const writesBefore = kube.requests.filter((r) => r.method !== 'GET').length;
    const before = JSON.stringify(kube.get('Deployment', 'shop-stg', 'shop-api-stg'));
    const err = (await rollbackKubernetes(base(), ctx).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(StepError);
    expect(err.message).toMatch(
      /deployment\/shop-api-stg in namespace shop-stg has no previous revision to roll back to \(current revision 1.*nothing was changed/,
    );
    expect(kube.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
    expect(JSON.stringify(kube.get('Deployment', 'shop-stg', 'shop-api-stg'))).toBe(before);
  });

  it('a rollback whose target is broken fails fast like a deploy', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:v1`) }, ctx);
    const err = (await rollbackKubernetes(
      { ...base(), to: 'broken-old', rolloutTimeoutMs: 60_000 },
      ctx,
    ).catch((e) => e)) as Error;
    expect(err.message).toMatch(/container api: (ErrImagePull|ImagePullBackOff)/);
  });

  it('dry run reports the plan and changes nothing', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:v1`) }, ctx);
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:v2`) }, ctx);
    const writesBefore = kube.requests.filter((r) => r.method !== 'GET').length;
    const result = await rollbackKubernetes(base(), { ...ctx, dryRun: true });
    expect(result).toMatchObject({ from: `${REPO}:v2`, to: `${REPO}:v1`, revision: '1' });
    expect(kube.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
    expect(apiImage()).toBe(`${REPO}:v2`);
  });
});
