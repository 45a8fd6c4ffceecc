/**
 * deploy-env and rollback with strategy kubernetes through the built bundles, run as the GitHub
 * runner runs them (INPUT_*, GITHUB_OUTPUT, step summary), against the fake API server.
 */

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { ROOT, runAction } from '../helpers/runner.js';

const REPO = 'registry.example.com/team/shop-api';
let kube: FakeKube;
beforeAll(async () => {
  kube = await startFakeKube({ namespaces: ['default', 'shop-stg'], podStartMs: 100 });
});
afterAll(() => kube.close());

const inputs = (extra: Record<string, string>) => ({
  strategy: 'kubernetes',
  environment: 'stg',
  manifests: 'kustomize-branches/overlays/{environment}',
  kubeconfig: kube.kubeconfigPath,
  'rollout-timeout': '1m',
  token: '',
  ...extra,
});
const cwd = join(ROOT, 'test/fixtures/k8s');

describe('deploy-env / rollback (kubernetes) through the action bundles', () => {
  it('deploys, reports previous-image and revision, fails fast on a bad image, and rolls back', async () => {
    const first = await runAction('deploy-env', {
      cwd,
      inputs: { ...inputs({ image: `${REPO}:1.0.0` }), record: 'false' },
    });
    expect(first.errors).toEqual([]);
    expect(first.outputs).toMatchObject({
      environment: 'stg',
      image: `${REPO}:1.0.0`,
      revision: '1',
      'previous-image': '',
    });
    expect(first.summary).toContain('deployment/shop-api-stg');

    const second = await runAction('deploy-env', {
      cwd,
      inputs: { ...inputs({ image: `${REPO}:1.1.0` }), record: 'false' },
    });
    expect(second.errors).toEqual([]);
    expect(second.outputs).toMatchObject({
      image: `${REPO}:1.1.0`,
      revision: '2',
      'previous-image': `${REPO}:1.0.0`,
    });

    const started = Date.now();
    const broken = await runAction('deploy-env', {
      cwd,
      inputs: { ...inputs({ image: `${REPO}:broken` }), record: 'false' },
    });
    expect(broken.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0]).toMatch(/will not become ready/);
    expect(broken.errors[0]).toMatch(/container api: (ErrImagePull|ImagePullBackOff)/);

    const back = await runAction('rollback', { cwd, inputs: inputs({ reason: 'bad image' }) });
    expect(back.errors).toEqual([]);
    expect(back.outputs).toMatchObject({ from: `${REPO}:broken`, to: `${REPO}:1.1.0`, revision: '4' });
  });
});
