/**
 * Preview environments on kubernetes through the built bundles, run as the GitHub runner runs them:
 * a pull_request event deploys `pr-{pr}` into a namespace deploy-env creates and labels, an update
 * lands in the same namespace, stop-env deletes it (checked with the real kubectl), a second
 * stop-env succeeds with a notice, a non-preview environment fails before any request that
 * changes something, and a namespace stagecraft did not create is never deleted.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { ROOT, runAction } from '../helpers/runner.js';

const REPO = 'registry.example.com/team/shop-api';
const cwd = join(ROOT, 'test/fixtures/k8s');
let kube: FakeKube;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stop-env-k8s-'));
  kube = await startFakeKube({ namespaces: ['default', 'shared'], podStartMs: 60 });
});
afterAll(async () => {
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

const pullRequest = (number: number, action = 'opened') => ({
  eventName: 'pull_request',
  event: { action, number, pull_request: { number, head: { sha: 'f'.repeat(40) } } },
  env: { GITHUB_REF: `refs/pull/${number}/merge` },
});

const target = (namespace = 'shop-{environment}') => ({
  strategy: 'kubernetes',
  manifests: 'kustomize-branches/base',
  namespace,
  kubeconfig: kube.kubeconfigPath,
  'rollout-timeout': '1m',
  token: '',
});
const deploy = (namespace?: string) => ({ ...target(namespace), record: 'false' });

const mutating = () => kube.requests.filter((r) => !['GET', 'HEAD'].includes(r.method)).length;

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

describe('preview environments (kubernetes)', () => {
  it('opens, updates and stops pr-{pr}: the labelled namespace is created, then deleted; twice is a notice', async () => {
    const open = await runAction('deploy-env', {
      cwd,
      ...pullRequest(7),
      inputs: { ...deploy(), environment: 'pr-{pr}', image: `${REPO}:1.0.0` },
    });
    expect(open.errors).toEqual([]);
    expect(open.outputs.environment).toBe('pr-7');
    const ns = kube.get('Namespace', undefined, 'shop-pr-7');
    expect(ns?.metadata).toMatchObject({
      labels: {
        'app.kubernetes.io/managed-by': 'stagecraft',
        'stagecraft.dev/environment': 'pr-7',
        'stagecraft.dev/pr': '7',
      },
    });
    expect(kube.get('Deployment', 'shop-pr-7', 'shop-api')).toBeDefined();

    const update = await runAction('deploy-env', {
      cwd,
      ...pullRequest(7, 'synchronize'),
      inputs: { ...deploy(), environment: 'pr-{pr}', image: `${REPO}:1.1.0` },
    });
    expect(update.errors).toEqual([]);
    expect(update.outputs).toMatchObject({ environment: 'pr-7', 'previous-image': `${REPO}:1.0.0` });
    expect(
      kube
        .list('Namespace')
        .filter((n) => String((n.metadata as { name?: string })?.name).startsWith('shop-pr-')),
    ).toHaveLength(1);

    const stop = await runAction('stop-env', {
      cwd,
      ...pullRequest(7, 'closed'),
      inputs: { ...target(), environment: 'pr-{pr}' },
    });
    expect(stop.errors).toEqual([]);
    expect(stop.outputs.stopped).toBe('pr-7');
    expect(stop.summary).toContain('shop-pr-7');
    expect(kube.get('Namespace', undefined, 'shop-pr-7')).toBeUndefined();
    expect(kube.list('Deployment', 'shop-pr-7')).toEqual([]);
    const got = await kubectl('get', 'namespace', 'shop-pr-7');
    expect(got.code).not.toBe(0);
    expect(got.out).toMatch(/NotFound|not found/);

    const again = await runAction('stop-env', {
      cwd,
      ...pullRequest(7, 'closed'),
      inputs: { ...target(), environment: 'pr-{pr}' },
    });
    expect(again.code).toBe(0);
    expect(again.errors).toEqual([]);
    expect(again.stdout).toMatch(/::notice::pr-7 is already gone/);
    expect(again.outputs.stopped).toBe('');
  });

  it('refuses an environment outside preview-environments before any request that changes something', async () => {
    await kube.createNamespace('shop-production');
    const before = mutating();
    for (const environment of ['production', 'staging-{pr}']) {
      const run = await runAction('stop-env', {
        cwd,
        ...pullRequest(9, 'closed'),
        inputs: { ...target(), environment },
      });
      expect(run.code).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(/environment/);
      expect(run.errors[0]).toMatch(/preview-environments/);
    }
    expect(mutating()).toBe(before);
    expect(kube.get('Namespace', undefined, 'shop-production')).toBeDefined();
  });

  it('never deletes a namespace stagecraft did not create: only the objects deploy-env applied', async () => {
    kube.put({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'theirs', namespace: 'shared' },
      data: {},
    });
    const open = await runAction('deploy-env', {
      cwd,
      ...pullRequest(8),
      inputs: { ...deploy('shared'), environment: 'pr-{pr}', image: `${REPO}:2.0.0` },
    });
    expect(open.errors).toEqual([]);
    expect(
      (kube.get('Namespace', undefined, 'shared')?.metadata as { labels?: Record<string, string> })?.labels?.[
        'app.kubernetes.io/managed-by'
      ],
    ).toBeUndefined();
    expect(kube.get('Deployment', 'shared', 'shop-api')).toBeDefined();
    const stop = await runAction('stop-env', {
      cwd,
      ...pullRequest(8, 'closed'),
      inputs: { ...target('shared'), environment: 'pr-{pr}' },
    });
    expect(stop.errors).toEqual([]);
    expect(stop.outputs.stopped).toBe('pr-8');
    expect(kube.get('Namespace', undefined, 'shared')).toBeDefined();
    expect(kube.get('ConfigMap', 'shared', 'theirs')).toBeDefined();
    expect(kube.get('Deployment', 'shared', 'shop-api')).toBeUndefined();
    expect(kube.get('Service', 'shared', 'shop-api')).toBeUndefined();
    const nsDeletes = kube.requests.filter(
      (r) => r.method === 'DELETE' && /\/namespaces\/shared$/.test(r.path),
    );
    expect(nsDeletes).toEqual([]);
  });
});
