/**
 * deploy-env and rollback with strategy helm through the built bundles, run as the GitHub runner
 * runs them (INPUT_*, GITHUB_OUTPUT, step summary), with real Helm (found on PATH, as on a runner)
 * against the Kubernetes fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { HELM_MAJORS, type HelmMajor, helmBinary, runHelm } from '../helpers/helm.js';
import { ROOT, runAction } from '../helpers/runner.js';

const REPO = 'registry.example.com/team/web';
let kube: FakeKube;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'helm-action-'));
  kube = await startFakeKube({ namespaces: ['default', 'web-stg'], podStartMs: 60 });
});
afterAll(async () => {
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

const inputs = (extra: Record<string, string>) => ({
  strategy: 'helm',
  environment: 'stg',
  chart: 'test/fixtures/helm/web',
  namespace: 'web-{environment}',
  kubeconfig: kube.kubeconfigPath,
  'rollout-timeout': '1m',
  token: '',
  ...extra,
});

describe.each(HELM_MAJORS)(
  'deploy-env / rollback (helm %i) through the action bundles',
  (major: HelmMajor) => {
    const env = () => ({
      PATH: `${dirname(helmBinary(major))}:${process.env.PATH}`,
      HOME: join(dir, `home${major}`),
    });
    const release = `web${major}-stg`;

    it('deploys, fails fast and rolls back atomically, then rolls back by revision', async () => {
      const deploy = (image: string) =>
        runAction('deploy-env', {
          cwd: ROOT,
          env: env(),
          inputs: {
            ...inputs({ image, release: `web${major}-{environment}`, set: 'replicas=1\nnote=$(id)' }),
            record: 'false',
          },
        });
      const first = await deploy(`${REPO}:1.0.0`);
      expect(first.errors).toEqual([]);
      expect(first.outputs).toMatchObject({ environment: 'stg', image: `${REPO}:1.0.0`, revision: '1' });
      expect(first.summary).toContain(
        `Release \`${release}\` in namespace \`web-stg\`: revision 1 (first install)`,
      );
      const second = await deploy(`${REPO}:1.1.0`);
      expect(second.outputs).toMatchObject({ revision: '2', 'previous-image': `${REPO}:1.0.0` });

      const started = Date.now();
      const broken = await deploy(`${REPO}:broken`);
      expect(broken.code).toBe(1);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(broken.errors).toHaveLength(1);
      expect(broken.errors[0]).toMatch(/container web: (ErrImagePull|ImagePullBackOff)/);
      expect(broken.errors[0]).toMatch(/Rolled back \(atomic\).*revision 2/);
      expect(broken.outputs).toMatchObject({ revision: '4', 'rollout-state': 'rolled-back' });

      const back = await runAction('rollback', {
        cwd: ROOT,
        env: env(),
        inputs: { ...inputs({ release: `web${major}-{environment}`, reason: 'smoke test failed' }) },
      });
      expect(back.errors).toEqual([]);
      expect(back.outputs).toMatchObject({ from: `${REPO}:1.1.0`, to: `${REPO}:1.0.0`, revision: '5' });
      const history = await runHelm(major, ['history', release, '-n', 'web-stg', '-o', 'json'], {
        kubeconfig: kube.kubeconfigPath,
        home: env().HOME,
      });
      expect(JSON.parse(history.stdout).at(-1)).toMatchObject({ revision: 5, description: 'Rollback to 1' });
    });
  },
);

describe('deploy-env helm without helm', () => {
  it('fails with one error naming helm and the fix', async () => {
    const run = await runAction('deploy-env', {
      cwd: ROOT,
      env: { PATH: dirname(process.execPath) },
      inputs: { ...inputs({ image: `${REPO}:1.0.0` }), record: 'false' },
    });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/helm is not installed .*install Helm 3\.8\+ or 4/);
  });
});
