/**
 * The kubernetes strategy on the faithful fake: every kind of kubeconfig a cluster hands out
 * (TLS with CA data/file or insecure, client certificates, tokens, exec credential plugins) and
 * the `context` input; paused Deployments, HPAs, pruned history, pod quotas during a surge and
 * Recreate, as a real cluster's controllers behave.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { deployKubernetes, rollbackKubernetes } from '../../src/core/deploy/kubernetes/index.js';
import { InputError, StepError } from '../../src/core/errors.js';
import { parseImage } from '../../src/core/image-ref.js';
import type { Log } from '../../src/core/log.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';

const REPO = 'registry.example.com/team/web';
const lines: string[] = [];
const log: Log = {
  info: (m) => void lines.push(m),
  warning: (m) => void lines.push(`warning: ${m}`),
  debug: () => {},
  group: (_t, fn) => fn(),
};
const ctx = { environment: 'stg', log, tempDir: '/tmp', dryRun: false };

let kube: FakeKube;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8s-cluster-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  lines.length = 0;
  kube = await startFakeKube({ namespaces: ['default', 'web'], podStartMs: 60 });
});
afterEach(() => kube.close());

function manifest(name: string, spec: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
${spec
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: app, image: "${REPO}:0" }] }
`,
  );
  return file;
}

const opts = (file: string, extra: Record<string, unknown> = {}) => ({
  kubeconfig: kube.kubeconfigPath,
  workingDirectory: dir,
  manifests: [file],
  namespace: 'web',
  rolloutTimeoutMs: 20_000,
  pollIntervalMs: 100,
  ...extra,
});
// biome-ignore lint/suspicious/noExplicitAny: a Deployment spec read in assertions
const spec = (name: string) => kube.get('Deployment', 'web', name)?.spec as Record<string, any>;
const image = (name: string) => spec(name)?.template.spec.containers[0].image;

describe('kubeconfigs as clusters hand them out', () => {
  it('CA data + client certificate, CA file + token, insecure-skip-tls-verify, exec credential plugin', async () => {
    const file = manifest('auth', 'replicas: 1');
    const kinds = [
      { ca: 'data', user: 'cert' },
      { ca: 'file', user: 'token' },
      { ca: 'insecure', user: 'token' },
      { ca: 'data', user: 'exec' },
    ] as const;
    for (const [i, kind] of kinds.entries()) {
      const kubeconfig = kube.writeKubeconfig(join(dir, `kc-${kind.ca}-${kind.user}`, 'config'), kind);
      await expect(
        deployKubernetes({ ...opts(file, { kubeconfig }), image: parseImage(`${REPO}:${i + 1}`) }, ctx),
      ).resolves.toMatchObject({ revision: String(i + 1) });
    }
    expect(image('auth')).toBe(`${REPO}:4`);
    expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
  });

  it('`context` picks a context of the kubeconfig; an unknown one is a bad input before anything changes', async () => {
    const file = manifest('ctx', 'replicas: 1');
    const kubeconfig = kube.writeKubeconfig(join(dir, 'multi', 'config'), {
      context: 'staging',
      extraContexts: [{ name: 'stale', server: kube.url, token: 'revoked' }],
      current: 'stale',
    });
    await expect(
      deployKubernetes({ ...opts(file, { kubeconfig }), image: parseImage(`${REPO}:1`) }, ctx),
    ).rejects.toThrow(/HTTP 401/);
    const err = await deployKubernetes(
      { ...opts(file, { kubeconfig, context: 'production' }), image: parseImage(`${REPO}:1`) },
      ctx,
    ).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(String(err.message)).toMatch(/context.*production.*staging, stale/s);
    await expect(
      deployKubernetes(
        { ...opts(file, { kubeconfig, context: 'staging' }), image: parseImage(`${REPO}:1`) },
        ctx,
      ),
    ).resolves.toMatchObject({ revision: '1' });
  });
});

describe('deploy and rollback as a real cluster behaves', () => {
  it('a paused Deployment fails at once and is not changed', async () => {
    const file = manifest('paused', 'replicas: 1');
    await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:1`) }, ctx);
    kube.put({ ...kube.get('Deployment', 'web', 'paused'), spec: { ...spec('paused'), paused: true } });
    const started = Date.now();
    const err = (await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:2`) }, ctx).catch(
      (e) => e,
    )) as Error;
    expect(err).toBeInstanceOf(StepError);
    expect(err.message).toMatch(/deployment\/paused in namespace web is paused/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(image('paused')).toBe(`${REPO}:1`);
  });

  it('a workload scaled by an HPA keeps the HPA replica count', async () => {
    const file = manifest('scaled', 'replicas: 2');
    await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:1`) }, ctx);
    kube.put({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'scaled', namespace: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scaled' },
        minReplicas: 3,
        maxReplicas: 6,
      },
    });
    await kube.waitFor(() => spec('scaled')?.replicas === 3);
    await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:2`) }, ctx);
    const apply = kube.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/scaled')).at(-1);
    expect(apply?.body).toMatch(/"replicas":3/);
    expect(spec('scaled').replicas).toBe(3);
    expect(lines.join('\n')).toMatch(
      /scaled by HorizontalPodAutoscaler scaled: the manifest's replicas is not applied/,
    );
  });

  it('rollback works after the cluster pruned old ReplicaSets (revisionHistoryLimit: 0), through the recorded previous image', async () => {
    const file = manifest('pruned', 'replicas: 2\nrevisionHistoryLimit: 0');
    await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:1`) }, ctx);
    await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:2`) }, ctx);
    await kube.waitFor(() => kube.list('ReplicaSet', 'web').length === 1);
    expect(kube.get('Deployment', 'web', 'pruned')?.metadata).toMatchObject({
      annotations: { 'stagecraft.dev/previous-image': `${REPO}:1` },
    });
    const result = await rollbackKubernetes({ ...opts(file), image: parseImage(`${REPO}:2`) }, ctx);
    expect(result).toMatchObject({ from: `${REPO}:2`, to: `${REPO}:1` });
    expect(image('pruned')).toBe(`${REPO}:1`);
  });

  it('a pod quota during a surge is waited out when old pods free it, and fails fast when nothing can', async () => {
    const file = manifest('quota', 'replicas: 4');
    await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:1`) }, ctx);
    kube.setPodQuota('web', 4);
    await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:2`) }, ctx);
    expect(kube.list('Event', 'web').some((e) => e.reason === 'FailedCreate')).toBe(true);

    const stuck = manifest(
      'quota',
      'replicas: 4\nstrategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }',
    );
    const started = Date.now();
    const err = (await deployKubernetes(
      { ...opts(stuck), rolloutTimeoutMs: 60_000, image: parseImage(`${REPO}:3`) },
      ctx,
    ).catch((e) => e)) as Error;
    expect(err.message).toMatch(/cannot create pods: FailedCreate: .*exceeded quota/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it.each([
    ['broken', /ImagePullBackOff|ErrImagePull/],
    ['crash', /CrashLoopBackOff/],
    ['nosecret', /CreateContainerConfigError/],
  ])(
    'fails fast on a %s image with 4 replicas and maxSurge 25%%, within 15 s of the bad pod',
    async (tag, reason) => {
      const file = manifest(`surge-${tag}`, 'replicas: 4');
      await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:1`) }, ctx);
      let firstBad = 0;
      const timer = setInterval(() => {
        if (!firstBad && kube.list('Pod', 'web').some((p) => JSON.stringify(p.spec).includes(`:${tag}"`)))
          firstBad = Date.now();
      }, 20);
      try {
        const err = (await deployKubernetes(
          { ...opts(file), rolloutTimeoutMs: 60_000, image: parseImage(`${REPO}:${tag}`) },
          ctx,
        ).catch((e) => e)) as Error;
        expect(err.message).toMatch(reason);
        expect(err.message).toMatch(/2 out of 4 new replicas have been updated|of 4 new replicas/);
        expect(firstBad).toBeGreaterThan(0);
        expect(Date.now() - firstBad).toBeLessThan(15_000);
      } finally {
        clearInterval(timer);
      }
      // Old pods kept serving: 3 of 4 (maxUnavailable 25%), 2 new ones created (maxSurge 25%).
      const sets = kube.list('ReplicaSet', 'web').map((rs) => (rs.spec as { replicas: number }).replicas);
      expect(sets.sort()).toEqual([2, 3]);
    },
  );

  it('Recreate: old pods are gone before new ones start', async () => {
    const file = manifest('recreate', 'replicas: 2\nstrategy: { type: Recreate }');
    await deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:1`) }, ctx);
    let mixed = false;
    const timer = setInterval(() => {
      const images = new Set(
        kube.list('Pod', 'web').map((p) => JSON.stringify(p.spec).match(/web:(\d)/)?.[1]),
      );
      if (images.size > 1) mixed = true;
    }, 10);
    try {
      await expect(
        deployKubernetes({ ...opts(file), image: parseImage(`${REPO}:2`) }, ctx),
      ).resolves.toMatchObject({
        revision: '2',
      });
    } finally {
      clearInterval(timer);
    }
    expect(mixed).toBe(false);
    expect(image('recreate')).toBe(`${REPO}:2`);
  });
});
