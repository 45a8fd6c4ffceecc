/**
 * Holds, kubernetes (in-process, the fake API server), as run on GitHub and on GitLab: rollback
 * writes the annotation `stagecraft.dev/held-images` in its own patch; deploy-env refuses the
 * held image (one error, no write to the cluster); `force: true` deploys it and lifts the hold.
 * GitHub applies manifests, GitLab patches `workloads` (the two deploy paths).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runStep } from '../../src/platform/host.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { rollback } from '../../src/steps/rollback.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { ROOT } from '../helpers/runner.js';
import { fakeHost } from './fake-host.js';

const REPO = 'registry.example.com/team/shop-api';
const HELD = 'stagecraft.dev/held-images';

interface Deployment {
  metadata: { annotations?: Record<string, string> };
  spec: { template: { spec: { containers: Array<{ name: string; image: string }> } } };
}

const platforms = [
  { provider: 'github', actor: 'octocat', mode: 'manifests' },
  { provider: 'gitlab', actor: 'alice', mode: 'workloads' },
] as const;

describe.each(platforms)('kubernetes holds on $provider ($mode)', (platform) => {
  let kube: FakeKube;
  beforeAll(async () => {
    kube = await startFakeKube({ namespaces: ['shop-stg'], podStartMs: 20 });
  });
  afterAll(() => kube?.close());

  const deployment = () => kube.get('Deployment', 'shop-stg', 'shop-api-stg') as Deployment | undefined;
  const api = () => deployment()?.spec.template.spec.containers.find((c) => c.name === 'api')?.image;
  const writes = () => kube.requests.filter((r) => r.method !== 'GET').length;
  const host = (inputs: Record<string, string>, mode: string = platform.mode) =>
    fakeHost(
      {
        strategy: 'kubernetes',
        environment: 'stg',
        kubeconfig: kube.kubeconfigPath,
        containers: 'api',
        'rollout-timeout': '20s',
        ...(mode === 'manifests'
          ? { manifests: 'kustomize-branches/overlays/{environment}' }
          : { workloads: 'deployment/shop-api-stg', namespace: 'shop-stg' }),
        ...inputs,
      },
      {
        cwd: join(ROOT, 'test/fixtures/k8s'),
        ctx: { provider: platform.provider, forge: platform.provider, actor: platform.actor },
      },
    );
  const deploy = async (inputs: Record<string, string>, mode?: string) => {
    const h = host(inputs, mode);
    const ok = await runStep(deployEnv, h);
    return { ok, h };
  };

  it('rollback holds the image it left on the workload', async () => {
    for (const tag of ['v1', 'v2']) {
      const { h } = await deploy({ image: `${REPO}:${tag}` }, 'manifests');
      expect(h.failures).toEqual([]);
    }
    const h = host({ image: `${REPO}:any`, reason: 'smoke test failed, 503' });
    expect(await runStep(rollback, h)).toBe(true);
    expect(h.failures).toEqual([]);
    expect(api()).toBe(`${REPO}:v1`);
    const holds = JSON.parse(deployment()?.metadata.annotations?.[HELD] ?? '[]');
    expect(holds).toEqual([
      {
        image: `${REPO}:v2`,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        reason: 'smoke test failed, 503',
        by: platform.actor,
      },
    ]);
    // Written by the rollback's own patch (one write), not a separate request.
    const patch = kube.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(patch?.contentType).toBe('application/json-patch+json');
    expect(patch?.body).toContain(HELD.replace('/', '~1'));
  });

  it('deploy-env refuses the held image with one error; the workload is not changed', async () => {
    const before = writes();
    const { ok, h } = await deploy({ image: `${REPO}:v2` });
    expect(ok).toBe(false);
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]).toMatch(
      new RegExp(
        `${REPO}:v2 is held in stg \\(annotation ${HELD} on deployment/shop-api-stg in namespace shop-stg\\): ${REPO}:v2 was rolled back at \\S+Z by ${platform.actor}, reason: smoke test failed, 503\\. Nothing was changed`,
      ),
    );
    expect(writes()).toBe(before);
    expect(api()).toBe(`${REPO}:v1`);
  });

  it('force: true deploys the held image and lifts the hold', async () => {
    const { ok, h } = await deploy({ image: `${REPO}:v2`, force: 'true' });
    expect(h.failures).toEqual([]);
    expect(ok).toBe(true);
    expect(api()).toBe(`${REPO}:v2`);
    expect(deployment()?.metadata.annotations?.[HELD]).toBeUndefined();
    expect(h.summaries.join('\n')).toContain(`Lifted the hold on ${REPO}:v2 in stg`);
    const again = await deploy({ image: `${REPO}:v2` });
    expect(again.h.failures).toEqual([]);
  });
});
