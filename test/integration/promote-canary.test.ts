/**
 * The root `promote` action with a Kubernetes pod-ratio canary (`canary: 25%`), run step by step
 * as the runner would against the Kubernetes fake: deploy the canary → smoke-test it → promote
 * (stable gets the image, the canary goes), or, when the smoke test fails, reject (the canary goes,
 * stable keeps serving) and fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { ROOT } from '../helpers/runner.js';
import { runComposite, type WorkflowContext } from '../helpers/workflow.js';

const APP = 'registry.example.com/acme/web';
let kube: FakeKube;
let app: TestServer;
let dir: string;

/** The image of a Deployment's pod template (undefined when it does not exist). */
const imageOf = (name: string): string | undefined => {
  const spec = kube.get('Deployment', 'shop', name)?.spec as
    | { template: { spec: { containers: Array<{ image: string }> } } }
    | undefined;
  return spec?.template.spec.containers[0]?.image;
};
/** The image the canary pods run, as a request that reaches one would see it. */
const canaryImage = () => imageOf('web-canary');
const stableImage = () => imageOf('web');

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'promote-canary-'));
  kube = await startFakeKube({ namespaces: ['default', 'shop'], podStartMs: 60 });
  // The canary answers its health check badly when it runs a `-bad` build.
  app = await startServer((_req, res) =>
    String(canaryImage() ?? '').endsWith('-bad')
      ? json(res, 500, { ok: false })
      : json(res, 200, { ok: true }),
  );
});
afterEach(async () => {
  await app.close();
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
});

function context(): WorkflowContext {
  return {
    github: {
      sha: 'c'.repeat(40),
      ref: 'refs/heads/main',
      event_name: 'push',
      event: {},
      repository: 'octo/app',
      api_url: 'http://127.0.0.1:9',
      token: '',
      run_id: '1',
    },
    workspace: dir,
  };
}

const promote = (tag: string) =>
  runComposite(
    ROOT,
    {
      strategy: 'kubernetes',
      environment: 'production',
      image: `${APP}:${tag}`,
      manifests: join(ROOT, 'test/fixtures/k8s/canary/web.yaml'),
      namespace: 'shop',
      kubeconfig: kube.kubeconfigPath,
      canary: '25%',
      url: app.url,
      checks: 'GET / 200',
      retries: '1',
      'retry-delay': '50ms',
      'rollout-timeout': '30s',
      record: 'false',
      gate: 'false',
      notify: 'false',
    },
    context(),
  );

describe('promote with canary', () => {
  it('smoke-tests the canary and promotes it: stable gets the image, the canary goes', async () => {
    kube.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: `${APP}:1.0.0` }] },
        },
      },
    });
    const run = await promote('1.1.0');
    expect(run.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['deploy', 'success'],
      ['smoke', 'success'],
      ['finish', 'success'],
      ['abandon', 'skipped'],
      ['rollback', 'skipped'],
      ['gate', 'skipped'],
      ['notify', 'skipped'],
    ]);
    expect(run.outputs).toMatchObject({
      'rollout-state': 'canary',
      'promoted-state': 'promoted',
      'rolled-back': 'false',
    });
    expect(stableImage()).toBe(`${APP}:1.1.0`);
    expect(kube.get('Deployment', 'shop', 'web-canary')).toBeUndefined();
  });

  it('rejects a canary that fails its smoke test and fails; stable keeps the old image', async () => {
    kube.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: `${APP}:1.0.0` }] },
        },
      },
    });
    const run = await promote('1.2.0-bad');
    expect(run.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['deploy', 'success'],
      ['smoke', 'failure'],
      ['finish', 'skipped'],
      ['abandon', 'success'],
      ['rollback', 'skipped'],
      ['gate', 'skipped'],
      ['notify', 'skipped'],
    ]);
    expect(run.outcome).toBe('failure');
    expect(run.outputs).toMatchObject({ 'promoted-state': 'rejected', 'rolled-back': 'true' });
    expect(stableImage()).toBe(`${APP}:1.0.0`);
    expect(kube.get('Deployment', 'shop', 'web-canary')).toBeUndefined();
  });
});
