/**
 * Pod-ratio canaries (`canary: 25%`) against the Kubernetes fake, checked with the real kubectl:
 * a 4-replica Deployment gets 1 canary pod of the new image next to its 4 stable ones; a broken
 * canary fails fast and leaves stable untouched; promote moves stable and removes the canary;
 * reject removes the canary only.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { canaryReplicas } from '../../src/core/deploy/kubernetes/canary.js';
import { decideKubernetes, deployKubernetes } from '../../src/core/deploy/kubernetes/index.js';
import { parseWorkload } from '../../src/core/deploy/kubernetes/workloads.js';
import { parseImage } from '../../src/core/image-ref.js';
import { silentLog } from '../../src/core/log.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import type { Obj } from '../fakes/kube-apiserver/merge.js';
import { ROOT } from '../helpers/runner.js';

const WEB = join(ROOT, 'test/fixtures/k8s/canary/web.yaml');
const APP = 'registry.example.com/acme/web';
const ctx = { environment: 'production', log: silentLog, tempDir: '/tmp', dryRun: false };

let kube: FakeKube;
let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'canary-'));
  kube = await startFakeKube({ namespaces: ['default', 'shop'], podStartMs: 60 });
});
afterEach(async () => {
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kube.kubeconfigPath, '--cache-dir', join(dir, 'cache'), '-n', 'shop', ...args],
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
  manifests: [WEB],
  rolloutTimeoutMs: 20_000,
  pollIntervalMs: 50,
});
const images = async (selector: string) =>
  (
    await kubectl(
      'get',
      'pods',
      '-l',
      selector,
      '-o',
      'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}',
    )
  ).out
    .split('\n')
    .filter(Boolean)
    .sort();
const generation = () => (kube.get('Deployment', 'shop', 'web')?.metadata as Obj | undefined)?.generation;

describe('kubernetes pod-ratio canary', () => {
  it('⌈replicas × percentage⌉, at least one', () => {
    expect([
      canaryReplicas(4, 25),
      canaryReplicas(4, 20),
      canaryReplicas(10, 15),
      canaryReplicas(3, 1),
    ]).toEqual([1, 1, 2, 1]);
  });

  it('canary: 25% on 4 replicas runs 1 canary pod next to 4 stable ones; promote moves stable and removes the canary', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${APP}:1.0.0`) }, ctx);
    const stableGeneration = generation();
    const canary = await deployKubernetes({ ...base(), image: parseImage(`${APP}:1.1.0`), canary: 25 }, ctx);
    expect(canary.extraOutputs).toEqual({ 'rollout-state': 'canary' });
    expect(canary.previousImage).toBe(`${APP}:1.0.0`);
    expect(
      (
        await kubectl(
          'get',
          'deployment',
          'web-canary',
          '-o',
          'jsonpath={.spec.replicas} {.spec.selector.matchLabels}',
        )
      ).out,
    ).toBe('1 {"app":"web","stagecraft.dev/track":"canary"}');
    await kube.waitFor(() => kube.list('Pod', 'shop').length === 5);
    // The Service's selector (app=web) spreads traffic over 5 pods, 1 of them the canary.
    expect(await images('app=web')).toEqual([...Array(4).fill(`${APP}:1.0.0`), `${APP}:1.1.0`]);
    expect(await images('stagecraft.dev/track=canary')).toEqual([`${APP}:1.1.0`]);
    expect(generation()).toBe(stableGeneration);

    const promoted = await decideKubernetes(
      { ...base(), action: 'promote', canary: 25, image: parseImage(`${APP}:1.1.0`) },
      ctx,
    );
    expect(promoted.extraOutputs).toMatchObject({ 'rollout-state': 'promoted' });
    expect((await kubectl('get', 'deployment', 'web-canary')).out).toContain('NotFound');
    expect(
      (await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'))
        .out,
    ).toBe(`${APP}:1.1.0`);
    await kube.waitFor(() => kube.list('Pod', 'shop').length === 4);
    expect(await images('app=web')).toEqual(Array(4).fill(`${APP}:1.1.0`));
  });

  it('a broken canary image fails fast and leaves stable untouched; reject removes the canary only', async () => {
    await deployKubernetes({ ...base(), image: parseImage(`${APP}:1.0.0`) }, ctx);
    const stableGeneration = generation();
    const started = Date.now();
    const error = await deployKubernetes(
      {
        ...base(),
        manifests: [],
        workloads: [parseWorkload('deployment/web')],
        image: parseImage(`${APP}:2.0.0-broken`),
        canary: 20,
      },
      ctx,
    ).catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((error as Error).message).toMatch(
      /deployment\/web-canary in namespace shop will not become ready[\s\S]*(ErrImagePull|ImagePullBackOff)/,
    );
    expect((error as Error).message).toContain('The stable Deployments were not touched');
    expect(generation()).toBe(stableGeneration);

    const rejected = await decideKubernetes({ ...base(), action: 'reject', canary: 20 }, ctx);
    expect(rejected.extraOutputs).toEqual({ 'rollout-state': 'rejected' });
    expect((await kubectl('get', 'deployment', 'web-canary')).out).toContain('NotFound');
    await kube.waitFor(() => kube.list('Pod', 'shop').length === 4);
    expect(await images('app=web')).toEqual(Array(4).fill(`${APP}:1.0.0`));
    expect(generation()).toBe(stableGeneration);
  });

  it('a canary needs the stable Deployment to exist', async () => {
    await expect(
      deployKubernetes({ ...base(), image: parseImage(`${APP}:1.1.0`), canary: 25 }, ctx),
    ).rejects.toThrow(
      'deployment/web does not exist in namespace shop: a canary runs next to the stable version',
    );
  });
});
