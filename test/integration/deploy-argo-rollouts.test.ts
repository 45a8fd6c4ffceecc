/**
 * Argo Rollouts through the kubernetes strategy, against the Kubernetes fake serving the real
 * Rollout CRD: Argo CD's own health fixtures applied with their status get deploy-env's verdict
 * (no controller: the status stays what was written), and a canary moved through its steps by
 * the controller stand-in (test/fakes/rollouts-controller.ts) pauses, is promoted, rejected,
 * aborted by an analysis, or fails fast on a broken canary image.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { deployHelm } from '../../src/core/deploy/helm/index.js';
import { createClient } from '../../src/core/deploy/kubernetes/client.js';
import { decideKubernetes, deployKubernetes } from '../../src/core/deploy/kubernetes/index.js';
import { waitForRollouts } from '../../src/core/deploy/kubernetes/rollout.js';
import { parseWorkload } from '../../src/core/deploy/kubernetes/workloads.js';
import { parseImage } from '../../src/core/image-ref.js';
import { silentLog } from '../../src/core/log.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import type { Obj } from '../fakes/kube-apiserver/merge.js';
import {
  type AnalysisVerdict,
  type RolloutsController,
  rolloutCrds,
  startRolloutsController,
} from '../fakes/rollouts-controller.js';
import { helmBinary } from '../helpers/helm.js';
import { ROOT } from '../helpers/runner.js';

const FIXTURES = join(ROOT, 'test/fixtures/argo-rollouts-health');
const SHOP = join(ROOT, 'test/fixtures/k8s/argo-rollouts/shop.yaml');
const APP = 'registry.example.com/acme/shop';
const ctx = { environment: 'production', log: silentLog, tempDir: '/tmp', dryRun: false };

let kube: FakeKube;
let controller: RolloutsController | undefined;
let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'argo-rollouts-'));
  kube = await startFakeKube({ namespaces: ['default', 'shop'], podStartMs: 60 });
});
afterEach(async () => {
  controller?.close();
  controller = undefined;
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kube.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args],
      { env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const base = () => ({
  kubeconfig: kube.kubeconfigPath,
  workingDirectory: ROOT,
  namespace: 'shop',
  manifests: [SHOP],
  rolloutTimeoutMs: 20_000,
  pollIntervalMs: 50,
});
const deploy = (tag: string, extra: object = {}) =>
  deployKubernetes({ ...base(), image: parseImage(`${APP}:${tag}`), ...extra }, ctx);
const rollout = () => kube.get('Rollout', 'shop', 'shop') as Obj & { status: Obj; spec: Obj };
const runningImages = () =>
  kube
    .list('Pod', 'shop')
    .filter((p) => !(p.metadata as Obj).deletionTimestamp)
    .map((p) => ((p.spec as Obj).containers as Obj[])[0]?.image as string)
    .sort();

describe("Argo CD's health fixtures applied to the fake", () => {
  const cases = (
    YAML.parse(readFileSync(join(FIXTURES, 'health_test.yaml'), 'utf8')) as {
      tests: Array<{ healthStatus: { status: string; message?: string }; inputPath: string }>;
    }
  ).tests;

  it.each(cases.map((c) => [c.inputPath, c.healthStatus] as const))('%s', async (path, expected) => {
    for (const crd of rolloutCrds()) kube.put(crd);
    const obj = YAML.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Obj & {
      metadata: Obj;
      status?: Obj;
    };
    const ns = (obj.metadata.namespace as string | undefined) ?? 'default';
    if (!kube.get('Namespace', undefined, ns)) kube.createNamespace(ns);
    const generation = Number(obj.metadata.generation ?? 1);
    for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'generation']) delete obj.metadata[k];
    obj.metadata.namespace = ns;
    const status = obj.status;
    delete obj.status;
    const created = kube.put(obj);
    const liveGeneration = Number((created.metadata as Obj).generation);
    if (status) {
      // The fake numbers generations from 1: keep the fixture's distance between observed and current.
      const observed = status.observedGeneration;
      const numeric = typeof observed === 'number' || /^\d+$/.test(String(observed ?? ''));
      if (numeric && Number(observed) <= generation) {
        const shifted = Number(observed) - generation + liveGeneration;
        status.observedGeneration = typeof observed === 'number' ? shifted : String(shifted);
      }
      kube.putStatus({ ...created, status });
    }
    const client = createClient({ kubeconfig: kube.kubeconfigPath });
    const ref = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      name: obj.metadata.name as string,
      namespace: ns,
    };
    const wait = waitForRollouts(client, [ref], { timeoutMs: 400, pollIntervalMs: 50, log: silentLog });
    switch (expected.status) {
      case 'Healthy':
        {
          const [result] = await wait;
          expect(result?.paused).toBeUndefined();
          expect(result?.message).toMatch(/ is healthy$/);
        }
        break;
      case 'Suspended':
        await expect(wait).resolves.toEqual([
          expect.objectContaining({ paused: true, message: expect.stringContaining(expected.message ?? '') }),
        ]);
        break;
      case 'Degraded':
        await expect(wait).rejects.toThrow(`degraded: ${expected.message}`);
        break;
      default:
        // Progressing: still waiting at the deadline, with Argo CD's message.
        await expect(wait).rejects.toThrow(`did not finish its rollout within 400ms: rollout "`);
        await expect(
          waitForRollouts(client, [ref], { timeoutMs: 100, pollIntervalMs: 50, log: silentLog }),
        ).rejects.toThrow(expected.message ?? '');
    }
  });
});

describe('a canary Rollout moved by the controller stand-in', () => {
  const start = (analysis?: (template: string) => AnalysisVerdict) => {
    controller = startRolloutsController(kube, { tickMs: 30, ...(analysis ? { analysis } : {}) });
  };

  it('real kubectl sees the real CRD; the first deploy is healthy, the next pauses at the pause step with 1 canary pod', async () => {
    start();
    expect(
      (await kubectl('get', 'crd', 'rollouts.argoproj.io', '-o', 'jsonpath={.spec.names.shortNames}')).out,
    ).toBe('["ro"]');
    const first = await deploy('1.0.0');
    expect(first.extraOutputs).toEqual({ 'rollout-state': 'healthy' });
    expect(
      (await kubectl('get', 'rollout', 'shop', '-n', 'shop', '-o', 'jsonpath={.status.phase}')).out,
    ).toBe('Healthy');

    const second = await deploy('1.1.0');
    expect(second.extraOutputs).toEqual({ 'rollout-state': 'paused' });
    const status = rollout().status;
    expect(status).toMatchObject({
      phase: 'Paused',
      message: 'CanaryPauseStep',
      currentStepIndex: 1,
      controllerPause: true,
      pauseConditions: [expect.objectContaining({ reason: 'CanaryPauseStep' })],
    });
    expect(status.stableRS).not.toBe(status.currentPodHash);
    await kube.waitFor(() => runningImages().length === 4);
    expect(runningImages()).toEqual([`${APP}:1.0.0`, `${APP}:1.0.0`, `${APP}:1.0.0`, `${APP}:1.1.0`]);

    // promote as kubectl argo rollouts does: through setWeight 50 and the timed pause to healthy
    const promoted = await decideKubernetes({ ...base(), action: 'promote', rolloutPause: 'wait' }, ctx);
    expect(promoted.extraOutputs).toEqual({ 'rollout-state': 'promoted' });
    const after = rollout().status;
    expect(after.phase).toBe('Healthy');
    expect(after.stableRS).toBe(after.currentPodHash);
    await kube.waitFor(() => runningImages().join() === Array(4).fill(`${APP}:1.1.0`).join());
    const patches = kube.requests.filter(
      (r) =>
        r.method === 'PATCH' &&
        r.contentType === 'application/merge-patch+json' &&
        r.path.includes('/rollouts/shop'),
    );
    expect(patches.map((p) => [p.path.endsWith('/status'), p.contentType, JSON.parse(p.body)])).toEqual([
      [true, 'application/merge-patch+json', { status: { pauseConditions: null } }],
    ]);
  });

  it('`workloads: rollout/shop` patches the Rollout image; reject aborts it and the stable version serves all replicas', async () => {
    start();
    await deploy('1.0.0');
    const paused = await deployKubernetes(
      {
        ...base(),
        manifests: [],
        workloads: [parseWorkload('rollout/shop')],
        image: parseImage(`${APP}:2.0.0`),
      },
      ctx,
    );
    expect(paused.extraOutputs).toEqual({ 'rollout-state': 'paused' });
    const rejected = await decideKubernetes(
      { ...base(), manifests: [], workloads: [parseWorkload('rollout/shop')], action: 'reject' },
      ctx,
    );
    expect(rejected.extraOutputs).toEqual({ 'rollout-state': 'rejected' });
    expect(rollout().status).toMatchObject({ abort: true, phase: 'Degraded' });
    await kube.waitFor(() => runningImages().join() === Array(4).fill(`${APP}:1.0.0`).join());
    const abort = kube.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/rollouts/shop/status'));
    expect(JSON.parse(abort?.body ?? '{}')).toEqual({ status: { abort: true } });
  });

  it('an analysis that fails aborts the rollout: the step fails fast naming the metric', async () => {
    start((template) => ({
      phase: 'Failed',
      metric: 'success-rate',
      message: `${template}: result 0.42 < 0.95`,
    }));
    await deploy('1.0.0');
    const text = readFileSync(SHOP, 'utf8').replace(
      '- pause: {}',
      '- analysis: { templates: [{ templateName: http-success }] }',
    );
    const manifest = join(dir, 'shop.yaml');
    writeFileSync(manifest, text);
    const started = Date.now();
    const failed = deployKubernetes(
      { ...base(), manifests: [manifest], image: parseImage(`${APP}:1.2.0`) },
      ctx,
    );
    await expect(failed).rejects.toThrow(
      /rollout\/shop in namespace shop will not become ready \(rollout "shop" is degraded: RolloutAborted: Rollout aborted update to revision 2: Metric "success-rate" assessed Failed[\s\S]*AnalysisRun shop-[0-9a-f]+-1: metric "success-rate" Failed: http-success: result 0.42 < 0.95/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a canary image that will not pull fails fast with the pod diagnosis; stable keeps serving', async () => {
    start();
    await deploy('1.0.0');
    const started = Date.now();
    await expect(deploy('1.3.0-broken')).rejects.toThrow(
      /will not become ready[\s\S]*(ErrImagePull|ImagePullBackOff)/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(runningImages().filter((i) => i === `${APP}:1.0.0`)).toHaveLength(3);
  });

  it('spec.paused is Suspended: the step passes as paused (where a paused Deployment fails)', async () => {
    start();
    await deploy('1.0.0');
    const text = readFileSync(SHOP, 'utf8').replace('  replicas: 4', '  replicas: 4\n  paused: true');
    const manifest = join(dir, 'shop.yaml');
    writeFileSync(manifest, text);
    const result = await deployKubernetes(
      { ...base(), manifests: [manifest], image: parseImage(`${APP}:1.4.0`) },
      ctx,
    );
    expect(result.extraOutputs).toEqual({ 'rollout-state': 'paused' });
    expect(rollout().status.phase).toBe('Paused');
  });

  it('helm (real Helm 4): a Rollout of the release is followed the same way; the upgrade pauses with 1 canary pod', async () => {
    start();
    const helm = (tag: string) =>
      deployHelm(
        {
          chart: join(ROOT, 'test/fixtures/helm/rollout'),
          release: 'shop',
          namespace: 'shop',
          values: [],
          set: [],
          imageKey: 'image',
          atomic: true,
          kubeconfig: kube.kubeconfigPath,
          rolloutTimeoutMs: 20_000,
          pollIntervalMs: 50,
          tlsVerify: true,
          workingDirectory: ROOT,
          helm: helmBinary(4),
          image: parseImage(`${APP}:${tag}`),
          rolloutPause: 'succeed',
        },
        { ...ctx, tempDir: dir, env: { PATH: process.env.PATH, HOME: dir } },
      );
    expect((await helm('1.0.0')).extraOutputs).toEqual({ 'rollout-state': 'healthy' });
    expect((await helm('1.1.0')).extraOutputs).toEqual({ 'rollout-state': 'paused' });
    expect(rollout().status).toMatchObject({ phase: 'Paused', currentStepIndex: 1 });
    await kube.waitFor(() => runningImages().length === 4);
    expect(runningImages()).toEqual([`${APP}:1.0.0`, `${APP}:1.0.0`, `${APP}:1.0.0`, `${APP}:1.1.0`]);
  });
});
