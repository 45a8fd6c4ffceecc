/**
 * deploy-env gitops with `verify: argocd|flux`, in-process: the commit goes to a bare repository
 * over file://, the fake Kubernetes API serves the Argo CD / Flux CRDs, and the controller
 * stand-in (test/fakes/gitops-controller.ts) reads that repository and moves their status.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runStep } from '../../src/platform/host.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { type GitopsStandIn, startGitopsStandIn } from '../fakes/gitops-controller.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';
import { fakeHost } from './fake-host.js';

const ENVS = ['stale', 'degraded', 'broken', 'multi', 'flux-ok', 'flux-bad', 'late'];
const manifest = (tag: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: registry.example.com/team/app:${tag} # CI writes this\n`;
const UNPULLABLE = 'no-such-tag';

/** A status field of a stored object, by dot path. */
function statusField(kind: string, namespace: string, name: string, path: string): unknown {
  let value: unknown = kube.get(kind, namespace, name)?.status;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

let kube: FakeKube;
let standIn: GitopsStandIn;
let repo: BareRepo;
let other: BareRepo;

beforeAll(async () => {
  repo = createBareRepo(
    Object.fromEntries(ENVS.map((e) => [`deploy/${e}/deployment.yaml`, manifest('1.0.0')])),
  );
  other = createBareRepo({
    'config/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
  });
  kube = await startFakeKube({ namespaces: ['default', 'argocd', 'flux-system', 'shop'] });
  standIn = startGitopsStandIn(kube, { stepMs: 60, unpullable: (image) => image.endsWith(`:${UNPULLABLE}`) });
  const destination = { server: 'https://kubernetes.default.svc', namespace: 'shop' };
  const app = (name: string, spec: object) =>
    kube.put({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: 'argocd' },
      spec: { project: 'default', destination, syncPolicy: { automated: { prune: true } }, ...spec },
    });
  for (const env of ['stale', 'degraded', 'broken', 'late'])
    app(env, { source: { repoURL: repo.url, path: `deploy/${env}`, targetRevision: 'main' } });
  app('multi', {
    sources: [
      { repoURL: repo.url, path: 'deploy/multi', targetRevision: 'main' },
      { repoURL: other.url, path: 'config', targetRevision: 'HEAD' },
    ],
  });
  kube.put({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'config', namespace: 'flux-system' },
    spec: { interval: '1m', url: repo.url, ref: { branch: 'main' } },
  });
  for (const env of ['flux-ok', 'flux-bad'])
    kube.put({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: env, namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: `./deploy/${env}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'config' },
      },
    });
  // Every application starts synced and healthy at the seed commit.
  const seed = repo.head();
  await kube.waitFor(
    () =>
      ['stale', 'degraded', 'broken', 'late', 'multi'].every(
        (n) => statusField('Application', 'argocd', n, 'health.status') === 'Healthy',
      ) &&
      ['flux-ok', 'flux-bad'].every((n) =>
        String(statusField('Kustomization', 'flux-system', n, 'lastAppliedRevision')).endsWith(seed),
      ),
    15_000,
  );
}, 30_000);

afterAll(async () => {
  standIn?.stop();
  await kube?.close();
  repo?.cleanup();
  other?.cleanup();
});

const env = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1' };
function deploy(environment: string, tag: string, inputs: Record<string, string>) {
  const host = fakeHost(
    {
      strategy: 'gitops',
      repository: repo.url,
      environment,
      image: `registry.example.com/team/app:${tag}`,
      file: 'deploy/{environment}/deployment.yaml',
      key: 'spec.template.spec.containers.0.image',
      value: 'ref',
      kubeconfig: kube.kubeconfigPath,
      'verify-timeout': '60s',
      ...inputs,
    },
    { env },
  );
  let settled = false;
  const done = runStep(deployEnv, host).finally(() => {
    settled = true;
  });
  return { host, done, settled: () => settled };
}

const changeOf = (name: string, state: string, revision: string) =>
  standIn.changes.find((c) => c.name === name && c.state === state && c.revision.includes(revision));

describe('deploy-env gitops verify: argocd', () => {
  it('waits for our commit: the older revision, already Synced and Healthy, is not taken for it', async () => {
    const before = repo.head();
    standIn.pause();
    const run = deploy('stale', '2.0.0', { verify: 'argocd', application: 'stale' });
    try {
      await kube.waitFor(() => repo.head() !== before, 15_000);
      // The step now watches an Application that is Synced/Healthy — at the old commit.
      await kube.waitFor(
        () => run.host.logs.some((l) => l.includes(`Synced at ${before.slice(0, 12)}`)),
        10_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(run.settled()).toBe(false);
    } finally {
      standIn.resume();
    }
    expect(await run.done).toBe(true);
    expect(run.host.failures).toEqual([]);
    const ours = repo.head();
    expect(run.host.outputs).toMatchObject({ revision: ours, 'synced-revision': ours, health: 'Healthy' });
    // It passed only once the stand-in had reported our commit synced and healthy.
    expect(changeOf('stale', 'Synced/Healthy', ours)).toBeDefined();
    expect(run.host.summaries.join('\n')).toContain('Argo CD Application argocd/stale applied commit');
  }, 40_000);

  it('Degraded fails within 5 s of the status change, naming the resource and its message', async () => {
    const run = deploy('degraded', UNPULLABLE, { verify: 'argocd', application: 'argocd/degraded' });
    expect(await run.done).toBe(false);
    const failedAt = Date.now();
    const degraded = changeOf('degraded', 'Degraded', repo.head());
    expect(degraded).toBeDefined();
    expect(failedAt - (degraded?.at ?? 0)).toBeLessThan(5000);
    expect(run.host.failures[0]).toContain('Argo CD Application argocd/degraded: health Degraded');
    expect(run.host.failures[0]).toContain(
      'Deployment shop/web: Degraded: Deployment "web" exceeded its progress deadline',
    );
    // The commit is pushed whatever the controller says: the failure reports it.
    expect(run.host.outputs).toMatchObject({
      environment: 'degraded',
      skipped: 'false',
      revision: repo.head(),
    });
  }, 40_000);

  it('a failed sync operation on our commit fails fast (an older failed one is not ours)', async () => {
    // A human's broken manifest first: the operation on that commit fails, before our deploy.
    const broken = repo.commit(
      { 'deploy/broken/extra.yaml': 'kind: ConfigMap\nmetadata: [unclosed\n' },
      'break it',
    );
    await kube.waitFor(() => Boolean(changeOf('broken', 'SyncFailed', broken)), 10_000);
    const started = Date.now();
    const run = deploy('broken', '2.0.0', { verify: 'argocd', application: 'broken' });
    expect(await run.done).toBe(false);
    const ours = repo.head();
    expect(ours).not.toBe(broken);
    expect(changeOf('broken', 'SyncFailed', ours)).toBeDefined();
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.host.failures[0]).toContain('Argo CD Application argocd/broken: the sync operation failed');
    expect(run.host.failures[0]).toContain('Manifest generation error');
    expect(run.host.failures[0]).toContain('failed to unmarshal "extra.yaml"');
    expect(run.host.failures[0]).toContain(`commit ${ours.slice(0, 12)}`);
  }, 40_000);

  it('a multi-source application: our commit is one of status.sync.revisions', async () => {
    const run = deploy('multi', '2.0.0', { verify: 'argocd', application: 'multi' });
    expect(await run.done).toBe(true);
    expect(run.host.failures).toEqual([]);
    expect(statusField('Application', 'argocd', 'multi', 'sync.revisions')).toEqual([
      repo.head(),
      other.head(),
    ]);
    expect(run.host.outputs).toMatchObject({ 'synced-revision': repo.head(), health: 'Healthy' });
  }, 40_000);

  it('a timeout gives the same diagnosis: what the controller reports instead', async () => {
    const before = repo.head();
    standIn.pause();
    try {
      const run = deploy('late', '2.0.0', {
        verify: 'argocd',
        application: 'late',
        'verify-timeout': '1500ms',
      });
      expect(await run.done).toBe(false);
      expect(run.host.failures[0]).toContain(
        'Argo CD Application argocd/late: did not report the commit synced and healthy within 1.50s',
      );
      expect(run.host.failures[0]).toContain(`State: sync Synced at ${before.slice(0, 12)}, health Healthy`);
    } finally {
      standIn.resume();
    }
  }, 40_000);
});

describe('deploy-env gitops verify: dry run', () => {
  it('says what it would wait for, and asks the cluster nothing', async () => {
    const [head, requests] = [repo.head(), kube.requests.length];
    const run = deploy('stale', '3.0.0', { verify: 'argocd', application: 'stale', 'dry-run': 'true' });
    expect(await run.done).toBe(true);
    expect(run.host.logs).toContain(
      'info: Would wait for Argo CD Application argocd/stale to apply the commit',
    );
    expect(repo.head()).toBe(head);
    expect(kube.requests.length).toBe(requests);
  });
});

describe('deploy-env gitops verify: flux', () => {
  it('passes once lastAppliedRevision names our commit and Ready=True', async () => {
    const run = deploy('flux-ok', '2.0.0', { verify: 'flux', application: 'flux-ok' });
    expect(await run.done).toBe(true);
    expect(run.host.failures).toEqual([]);
    expect(run.host.outputs).toMatchObject({
      'synced-revision': `main@sha1:${repo.head()}`,
      health: 'Healthy',
    });
  }, 40_000);

  it('Ready=False with a terminal reason on our commit fails fast with its message', async () => {
    const run = deploy('flux-bad', UNPULLABLE, { verify: 'flux', application: 'flux-system/flux-bad' });
    expect(await run.done).toBe(false);
    const failedAt = Date.now();
    const change = changeOf('flux-bad', 'Ready=False HealthCheckFailed', repo.head());
    expect(failedAt - (change?.at ?? 0)).toBeLessThan(5000);
    expect(run.host.failures[0]).toContain(
      'Flux Kustomization flux-system/flux-bad: HealthCheckFailed: health check failed',
    );
    expect(run.host.failures[0]).toContain("[Deployment/shop/web status: 'InProgress']");
  }, 40_000);
});
