/**
 * Preview environments on helm through the built bundles with real Helm 4 against the Kubernetes
 * fake: `pr-{pr}` opens a release in a namespace deploy-env creates and labels, an update is a new
 * revision of the same release, stop-env uninstalls it (helm itself then finds no release) and
 * deletes the namespace; a second stop-env is a notice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { helmBinary, runHelm } from '../helpers/helm.js';
import { ROOT, runAction } from '../helpers/runner.js';

const REPO = 'registry.example.com/team/web';
let kube: FakeKube;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stop-env-helm-'));
  kube = await startFakeKube({ namespaces: ['default'], podStartMs: 60 });
});
afterAll(async () => {
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

const target = () => ({
  strategy: 'helm',
  environment: 'pr-{pr}',
  chart: 'test/fixtures/helm/web',
  release: 'web-{environment}',
  namespace: 'web-{environment}',
  kubeconfig: kube.kubeconfigPath,
  'rollout-timeout': '1m',
  token: '',
});
const run = (step: string, action: string, inputs: Record<string, string>) =>
  runAction(step, {
    cwd: ROOT,
    env: {
      PATH: `${dirname(helmBinary(4))}:${process.env.PATH}`,
      HOME: join(dir, 'home'),
      GITHUB_REF: 'refs/pull/12/merge',
    },
    eventName: 'pull_request',
    event: { action, number: 12, pull_request: { number: 12, head: { sha: 'e'.repeat(40) } } },
    inputs,
  });

describe('preview environments (helm 4)', () => {
  it('opens, updates and stops pr-{pr}: release uninstalled, labelled namespace deleted; twice is a notice', async () => {
    const open = await run('deploy-env', 'opened', {
      ...target(),
      image: `${REPO}:1.0.0`,
      set: 'replicas=1',
      record: 'false',
    });
    expect(open.errors).toEqual([]);
    expect(open.outputs).toMatchObject({ environment: 'pr-12', revision: '1' });
    expect(kube.get('Namespace', undefined, 'web-pr-12')?.metadata).toMatchObject({
      labels: { 'app.kubernetes.io/managed-by': 'stagecraft', 'stagecraft.dev/pr': '12' },
    });
    const update = await run('deploy-env', 'synchronize', {
      ...target(),
      image: `${REPO}:1.1.0`,
      set: 'replicas=1',
      record: 'false',
    });
    expect(update.errors).toEqual([]);
    expect(update.outputs).toMatchObject({ environment: 'pr-12', revision: '2' });

    const stop = await run('stop-env', 'closed', target());
    expect(stop.errors).toEqual([]);
    expect(stop.outputs.stopped).toBe('pr-12');
    expect(stop.summary).toContain('Release `web-pr-12` uninstalled');
    expect(kube.get('Namespace', undefined, 'web-pr-12')).toBeUndefined();
    expect(kube.list('Deployment', 'web-pr-12')).toEqual([]);
    const list = await runHelm(4, ['list', '--all-namespaces', '-o', 'json'], {
      kubeconfig: kube.kubeconfigPath,
      home: join(dir, 'home'),
    });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);

    const again = await run('stop-env', 'closed', target());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/::notice::pr-12 is already gone/);
    expect(again.outputs.stopped).toBe('');
  });
});
