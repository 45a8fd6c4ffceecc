/**
 * Load: 20 pull requests opened and closed, 4 at a time, against one Kubernetes fake and one
 * config repository, through the built bundles with deployment records on the fake GitHub. Each
 * PR deploys `pr-N` with kubernetes (its own labelled namespace) and gitops (its directory from
 * the template), then stop-env ends both. Afterwards nothing is left — no preview namespace, no
 * preview directory, no deployment that is not `inactive` — and no commit is lost (one commit per
 * deploy and one per stop).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { type BareRepo, createBareRepo, git } from '../helpers/git.js';
import { ROOT, runAction } from '../helpers/runner.js';

jest.setTimeout(600_000);

const PRS = 20;
const PARALLEL = 4;
const TOKEN = 'ghs_load123';
let kube: FakeKube;
let gh: FakeGitHub;
let repo: BareRepo;
beforeAll(async () => {
  kube = await startFakeKube({ namespaces: ['default'], podStartMs: 40 });
  gh = await startFakeGitHub({ token: TOKEN });
  repo = createBareRepo({ 'deploy/template/values.yaml': 'image:\n  tag: latest\n' });
});
afterAll(async () => {
  await kube?.close();
  await gh?.close();
  repo?.cleanup();
});

const run = (step: string, n: number, action: string, inputs: Record<string, string>) =>
  runAction(step, {
    cwd: join(ROOT, 'test/fixtures/k8s'),
    eventName: 'pull_request',
    event: { action, number: n, pull_request: { number: n, head: { sha: 'c'.repeat(40) } } },
    env: { GITHUB_API_URL: gh.url, GITHUB_REF: `refs/pull/${n}/merge`, STAGECRAFT_RETRY_BASE_MS: '10' },
    inputs: { environment: 'pr-{pr}', token: TOKEN, ...inputs },
  });
const kubernetes = {
  strategy: 'kubernetes',
  manifests: 'kustomize-branches/base',
  kubeconfig: '',
  namespace: 'shop-{environment}',
  'rollout-timeout': '1m',
};
const gitops = (repository: string) => ({ strategy: 'gitops', repository, template: 'deploy/template' });

async function lifecycle(n: number): Promise<string[]> {
  const errors: string[] = [];
  const k8s = { ...kubernetes, kubeconfig: kube.kubeconfigPath };
  const image = `registry.example.com/team/shop-api:${n}.0.0`;
  const steps = [
    run('deploy-env', n, 'opened', { ...k8s, image }),
    run('deploy-env', n, 'opened', { ...gitops(repo.url), image, record: 'false' }),
  ];
  for (const r of await Promise.all(steps)) errors.push(...r.errors);
  const { template: _t, ...gitopsStop } = gitops(repo.url);
  const stops = await Promise.all([
    run('stop-env', n, 'closed', k8s),
    run('stop-env', n, 'closed', gitopsStop),
  ]);
  for (const r of stops) {
    errors.push(...r.errors);
    if (r.outputs.stopped !== `pr-${n}`) errors.push(`pr-${n}: stopped=${r.outputs.stopped}`);
  }
  return errors;
}

describe('load: 20 preview environments, 4 at a time', () => {
  it('creates and removes every one; nothing is left and no commit is lost', async () => {
    const started = Date.now();
    const queue = Array.from({ length: PRS }, (_, i) => i + 1);
    const errors: string[] = [];
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) errors.push(...(await lifecycle(n)));
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(errors).toEqual([]);
    const namespaces = kube.list('Namespace').map((ns) => String((ns.metadata as { name?: string }).name));
    expect(namespaces.filter((n) => n.startsWith('shop-pr-'))).toEqual([]);
    expect(kube.list('Deployment')).toEqual([]);
    const files = git(repo.path, 'ls-tree', '-r', '--name-only', 'main').split('\n').filter(Boolean);
    expect(files).toEqual(['deploy/template/values.yaml']);
    const subjects = repo.subjects();
    const deploys = subjects.filter((s) => /^deploy\(pr-\d+\)/.test(s));
    const stops = subjects.filter((s) => /^stop\(pr-\d+\)/.test(s));
    expect(new Set(deploys).size).toBe(PRS);
    expect(new Set(stops).size).toBe(PRS);
    const records = gh.store.deployments.filter((d) => d.environment.startsWith('pr-'));
    const latest = (id: number) =>
      gh.store.deploymentStatuses.filter((s) => s.deployment_id === id).at(-1)?.state;
    expect(records).toHaveLength(PRS);
    expect(records.filter((d) => latest(d.id) !== 'inactive')).toEqual([]);
    expect(gh.violations).toEqual([]);
    console.log(
      `load: ${PRS} PRs, ${PARALLEL} at a time: ${seconds.toFixed(1)} s; ${PRS * 4} step runs; ${deploys.length} deploy + ${stops.length} stop commits; namespaces left ${namespaces.filter((n) => n.startsWith('shop-pr-')).length}; records ${records.length}, all inactive`,
    );
  });
});
