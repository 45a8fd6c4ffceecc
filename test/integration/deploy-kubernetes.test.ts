/**
 * kubernetes strategy of deploy-env against the fake API server (test/fakes/kube-apiserver),
 * through the real @kubernetes/client-node and the real `kubectl kustomize`.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { deployKubernetes } from '../../src/core/deploy/kubernetes/index.js';
import type { DeployContext } from '../../src/core/deploy/types.js';
import { InputError, StepError } from '../../src/core/errors.js';
import { parseImage } from '../../src/core/image-ref.js';
import type { Log } from '../../src/core/log.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { ROOT } from '../helpers/runner.js';

const FIXTURES = join(ROOT, 'test/fixtures/k8s');
const REPO = 'registry.example.com/team/shop-api';

function context(environment: string, lines: string[] = []): DeployContext {
  const log: Log = {
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    debug: () => {},
    group: (_t, fn) => fn(),
  };
  return { environment, log, tempDir: '/tmp', dryRun: false };
}

let kube: FakeKube;
beforeEach(async () => {
  kube = await startFakeKube({
    namespaces: ['default', 'shop-dev', 'shop-stg', 'shop-ppd', 'shop-prd'],
    podStartMs: 100,
  });
});
afterEach(() => kube.close());

const base = () => ({
  kubeconfig: kube.kubeconfigPath,
  workingDirectory: FIXTURES,
  manifests: ['kustomize-branches/overlays/{environment}'],
  rolloutTimeoutMs: 20_000,
  pollIntervalMs: 100,
});

const imageOf = (d: Record<string, unknown> | undefined, container: string) =>
  (
    d?.spec as { template: { spec: { containers: Array<{ name: string; image: string }> } } } | undefined
  )?.template.spec.containers.find((c) => c.name === container)?.image;

describe('kubernetes deploy: kustomize overlays', () => {
  it('renders the overlay, applies it server-side as stagecraft, waits for the rollout, and records the previous image', async () => {
    const lines: string[] = [];
    const first = await deployKubernetes(
      { ...base(), image: parseImage(`${REPO}:1a2b3c4`) },
      context('stg', lines),
    );
    expect(first).toMatchObject({ image: `${REPO}:1a2b3c4`, revision: '1', changed: true });
    expect(first.previousImage).toBeUndefined();
    const deployment = kube.get('Deployment', 'shop-stg', 'shop-api-stg');
    expect(imageOf(deployment, 'api')).toBe(`${REPO}:1a2b3c4`);
    expect(imageOf(deployment, 'log-shipper')).toBe('registry.example.com/platform/log-shipper:2.4.1');
    expect((deployment?.status as { availableReplicas: number } | undefined)?.availableReplicas).toBe(2);
    expect(kube.get('Service', 'shop-stg', 'shop-api-stg')).toBeDefined();
    const applies = kube.requests.filter((r) => r.method === 'PATCH');
    expect(applies.length).toBe(2);
    for (const r of applies) {
      expect(r.contentType).toBe('application/apply-patch+yaml');
      expect(r.query.get('fieldManager')).toBe('stagecraft');
      expect(r.query.get('force')).toBe('true');
    }
    expect(lines.join('\n')).toMatch(/successfully rolled out/);

    const second = await deployKubernetes(
      { ...base(), image: parseImage(`${REPO}:5d6e7f8`) },
      context('stg'),
    );
    expect(second).toMatchObject({ previousImage: `${REPO}:1a2b3c4`, revision: '2', changed: true });
    // Old ReplicaSet scaled down, new one serving.
    const sets = kube.list('ReplicaSet', 'shop-stg');
    expect(sets.map((rs) => (rs.spec as { replicas: number }).replicas).sort()).toEqual([0, 2]);

    const again = await deployKubernetes({ ...base(), image: parseImage(`${REPO}:5d6e7f8`) }, context('stg'));
    expect(again).toMatchObject({ changed: false, revision: '2', previousImage: `${REPO}:5d6e7f8` });
  });

  it('dry run: a server-side dry-run apply reports what would change and changes nothing', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:v1`) }, context('dev'));
    const before = JSON.stringify(kube.get('Deployment', 'shop-dev', 'shop-api-dev'));
    const result = await deployKubernetes(
      { ...base(), image: parseImage(`${REPO}:v2`) },
      { ...context('dev'), dryRun: true },
    );
    expect(result).toMatchObject({ image: `${REPO}:v2`, previousImage: `${REPO}:v1`, changed: true });
    expect(result.summary.join('\n')).toMatch(/deployment\/shop-api-dev \| shop-dev \| configured/);
    expect(result.summary.join('\n')).toMatch(/service\/shop-api-dev \| shop-dev \| unchanged/);
    expect(
      kube.requests
        .filter((r) => r.method === 'PATCH')
        .slice(-2)
        .every((r) => r.query.get('dryRun') === 'All'),
    ).toBe(true);
    expect(JSON.stringify(kube.get('Deployment', 'shop-dev', 'shop-api-dev'))).toBe(before);
  });

  it('each environment gets its own overlay: names, namespace and replicas', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:v2.0.0`) }, context('prd'));
    const prd = kube.get('Deployment', 'shop-prd', 'shop-api-prd');
    expect((prd?.spec as { replicas: number } | undefined)?.replicas).toBe(3);
    expect(kube.get('Deployment', 'shop-stg', 'shop-api-stg')).toBeUndefined();
  });

  it('fails fast on ImagePullBackOff, naming pod, container, reason and events, long before rollout-timeout', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:good`) }, context('dev'));
    const started = Date.now();
    const err = (await deployKubernetes(
      { ...base(), rolloutTimeoutMs: 60_000, image: parseImage(`${REPO}:broken-9f8e`) },
      context('dev'),
    ).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(StepError);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err.message).toMatch(/deployment\/shop-api-dev in namespace shop-dev will not become ready/);
    expect(err.message).toMatch(
      /pod shop-api-dev-[a-z0-9]+-[a-z0-9]+ container api: (ErrImagePull|ImagePullBackOff)/,
    );
    expect(err.message).toMatch(/Last events of pod\/shop-api-dev-/);
    expect(err.message).toContain(`Failed to pull image "${REPO}:broken-9f8e"`);
    // The old revision keeps serving.
    const d = kube.get('Deployment', 'shop-dev', 'shop-api-dev');
    expect((d?.status as { availableReplicas: number } | undefined)?.availableReplicas).toBe(1);
  });

  it('fails fast on CrashLoopBackOff with the last exit code', async () => {
    const err = (await deployKubernetes(
      { ...base(), image: parseImage(`${REPO}:crash-1`) },
      context('dev'),
    ).catch((e) => e)) as Error;
    expect(err.message).toMatch(/container api: CrashLoopBackOff — .*last exit code 1, Error/);
    expect(err.message).toMatch(/Warning BackOff.*Back-off restarting failed container api/);
  });

  it('fails fast when a pod quota stops the ReplicaSet from creating pods', async () => {
    kube.setPodQuota('shop-stg', 1);
    const err = (await deployKubernetes({ ...base(), image: parseImage(`${REPO}:1`) }, context('stg')).catch(
      (e) => e,
    )) as Error;
    expect(err.message).toMatch(
      /replicaset\/shop-api-stg-[a-z0-9]+ cannot create pods: FailedCreate: .*exceeded quota/,
    );
  });

  it('a rollout that only times out fails with the same diagnosis', async () => {
    const started = Date.now();
    const err = (await deployKubernetes(
      { ...base(), rolloutTimeoutMs: 1500, image: parseImage(`${REPO}:unready-1`) },
      context('dev'),
    ).catch((e) => e)) as Error;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(err.message).toMatch(
      /deployment\/shop-api-dev in namespace shop-dev did not finish its rollout within 1\.50?s: 0 of 1 updated replicas are available/,
    );
    expect(err.message).toMatch(/container api: Running, not ready/);
    expect(err.message).toMatch(/Warning Unhealthy.*Readiness probe failed/);
  });

  it('retries the API on 503 and 429 with Retry-After', async () => {
    kube.failNext(2, 503);
    await deployKubernetes({ ...base(), image: parseImage(`${REPO}:r1`) }, context('dev'));
    kube.failNext(1, 429, { 'retry-after': '0' });
    await expect(
      deployKubernetes({ ...base(), image: parseImage(`${REPO}:r2`) }, context('dev')),
    ).resolves.toMatchObject({ revision: '2' });
  });

  it('does not retry a 4xx: a 403 fails at once with the server message', async () => {
    kube.failNext(1, 403);
    await expect(
      deployKubernetes({ ...base(), image: parseImage(`${REPO}:x`) }, context('dev')),
    ).rejects.toThrow(/HTTP 403: injected failure/);
  });
});

describe('kubernetes deploy: plain manifest files', () => {
  it('a manifest the API server rejects (422) fails with the server message, naming the object', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-bad-'));
    writeFileSync(
      join(dir, 'web.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: other } }
    spec: { containers: [{ name: web, image: "${REPO}:1" }] }
`,
    );
    const err = (await deployKubernetes(
      { ...base(), manifests: [join(dir, '*.yaml')], image: parseImage(`${REPO}:2`) },
      context('dev'),
    ).catch((e) => e)) as Error;
    expect(err.message).toMatch(
      /apply Deployment default\/web failed: HTTP 422: .*`selector` does not match template `labels`/,
    );
    expect(kube.get('Deployment', 'default', 'web')).toBeUndefined();
  });
});

describe('kubernetes deploy: bad input fails before any request', () => {
  // manifests/workloads/image checks are made at the edge: test/inprocess/bad-inputs.test.ts.
  it.each([
    [
      { manifests: ['missing/{environment}'] },
      /Input "manifests" has an invalid value "missing\/\{environment\}".*does not exist/,
    ],
    [
      { containers: ['nope'] },
      /Input "containers" has an invalid value "nope".*found deployment\/shop-api-dev api=/,
    ],
  ])('%j', async (override, message) => {
    const err = (await deployKubernetes(
      { ...base(), image: parseImage(`${REPO}:1`), ...override },
      context('dev'),
    ).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(message);
    expect(kube.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
