/**
 * helm strategy of deploy-env and rollback with real Helm 3.17 and 4.1 (.tools/helm3, .tools/helm4)
 * against the Kubernetes fake: upgrade --install, our own fail-fast wait on the release's
 * workloads, atomic rollback, recovery of a release left pending-upgrade, holds, rollback,
 * hostile `set` values. One file per Helm major (deploy-helm3.test.ts, deploy-helm4.test.ts), so
 * jest runs the two side by side.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deployHelm, rollbackHelm } from '../../src/core/deploy/helm/index.js';
import type { DeployContext } from '../../src/core/deploy/types.js';
import { StepError } from '../../src/core/errors.js';
import { parseImage } from '../../src/core/image-ref.js';
import { silentLog } from '../../src/core/log.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import type { Obj } from '../fakes/kube-apiserver/merge.js';
import { type HelmMajor, helmBinary, runHelm } from '../helpers/helm.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT } from '../helpers/runner.js';

const CHART = join(ROOT, 'test/fixtures/helm/web');
const REPO = 'registry.example.com/team/web';

export function helmStrategySuite(major: HelmMajor): void {
  describe(`helm strategy with real Helm ${major}`, () => {
    let kube: FakeKube;
    let dir: string;
    let kubeconfig: string;
    let ctx: DeployContext;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `helm${major}-deploy-`));
      kube = await startFakeKube({ namespaces: ['default', 'shop'], podStartMs: 60 });
      kubeconfig = kube.writeKubeconfig(join(dir, 'config'), { namespace: 'shop' });
      ctx = {
        environment: 'staging',
        log: silentLog,
        tempDir: dir,
        dryRun: false,
        env: { PATH: process.env.PATH, HOME: dir },
      };
    });
    afterAll(async () => {
      await kube?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const options = (release: string, tag: string, more: object = {}) => ({
      chart: CHART,
      release,
      values: [],
      set: [],
      imageKey: 'image',
      atomic: true,
      kubeconfig,
      rolloutTimeoutMs: 60_000,
      pollIntervalMs: 100,
      tlsVerify: true,
      workingDirectory: ROOT,
      helm: helmBinary(major),
      image: parseImage(`${REPO}:${tag}`),
      ...more,
    });
    const helm = (...args: string[]) => runHelm(major, args, { kubeconfig, home: dir });
    const historyOf = async (release: string) =>
      JSON.parse((await helm('history', release, '-o', 'json')).stdout) as Array<{
        revision: number;
        status: string;
        description: string;
      }>;
    const imageOf = (name: string) => {
      const spec = kube.get('Deployment', 'shop', name)?.spec as
        | { template: { spec: { containers: Obj[] } } }
        | undefined;
      return spec?.template.spec.containers[0]?.image;
    };

    it('installs, upgrades and waits for the release workloads', async () => {
      const first = await deployHelm(options('web', '1.0.0'), ctx);
      expect(first).toMatchObject({ image: `${REPO}:1.0.0`, revision: '1', changed: true });
      const second = await deployHelm(options('web', '1.1.0'), ctx);
      expect(second).toMatchObject({ revision: '2', previousImage: `${REPO}:1.0.0`, changed: true });
      expect(imageOf('web')).toBe(`${REPO}:1.1.0`);
      const status = (kube.get('Deployment', 'shop', 'web')?.status ?? {}) as Obj;
      expect(status.updatedReplicas).toBe(2);
      expect(status.availableReplicas).toBe(2);
      // The same image again: a new release revision, but the workloads do not change.
      const generationOf = () =>
        (kube.get('Deployment', 'shop', 'web')?.metadata as Obj | undefined)?.generation;
      const generation = generationOf();
      const again = await deployHelm(options('web', '1.1.0'), ctx);
      expect(again).toMatchObject({ revision: '3', changed: false, previousImage: `${REPO}:1.1.0` });
      expect(generationOf()).toBe(generation);
    });

    it('fails fast on an image that cannot be pulled, naming pod, container and reason, and rolls back (atomic)', async () => {
      await deployHelm(options('shop', '1.0.0'), ctx);
      const started = Date.now();
      const error = await deployHelm(options('shop', 'broken'), ctx).catch((e: Error) => e);
      const took = Date.now() - started;
      expect(error).toBeInstanceOf(StepError);
      const message = (error as Error).message;
      expect(message).toMatch(/deployment\/shop in namespace shop will not become ready/);
      expect(message).toMatch(/container web: (ErrImagePull|ImagePullBackOff)/);
      expect(message).toMatch(/Last events of pod\/shop-[a-z0-9]+-[a-z0-9]+/);
      expect(message).toContain(`Failed to pull image "${REPO}:broken"`);
      expect(message).toContain('Rolled back (atomic)');
      expect(took).toBeLessThan(15_000);
      const history = await historyOf('shop');
      // Helm applied revision 2 (we wait, not helm), so it shows superseded by the rollback revision 3.
      expect(history.map((h) => h.revision)).toEqual([1, 2, 3]);
      expect(history.at(-1)).toMatchObject({ status: 'deployed', description: 'Rollback to 1' });
      expect(imageOf('shop')).toBe(`${REPO}:1.0.0`);
    });

    it('creates the release namespace when it does not exist yet (a preview environment)', async () => {
      const result = await deployHelm(options('preview', '1.0.0', { namespace: 'pr-7' }), ctx);
      expect(result).toMatchObject({ revision: '1' });
      expect(kube.get('Namespace', '', 'pr-7')).toBeDefined();
      expect((kube.get('Deployment', 'pr-7', 'preview')?.status as Obj | undefined)?.availableReplicas).toBe(
        2,
      );
    });

    it('uses the `context` given and that context’s namespace, for helm and the wait alike', async () => {
      // The current context points nowhere: only a deploy that honours `context` can succeed.
      const contexts = kube.writeKubeconfig(join(dir, 'contexts'), {
        context: 'staging',
        namespace: 'shop',
        extraContexts: [{ name: 'nowhere', server: 'https://127.0.0.1:9', token: 'x' }],
        current: 'nowhere',
      });
      const result = await deployHelm(
        options('ctx', '1.0.0', { kubeconfig: contexts, context: 'staging' }),
        ctx,
      );
      expect(result).toMatchObject({ revision: '1', changed: true });
      expect(result.summary[0]).toContain('in namespace `shop`');
      expect(imageOf('ctx')).toBe(`${REPO}:1.0.0`);
    });

    it('passes `set` values literally (no shell, commas kept)', async () => {
      const marker = join(dir, 'pwned');
      await deployHelm(
        options('literal', '1.0.0', {
          set: [
            { key: 'note', value: `$(touch ${marker})` },
            { key: 'list', value: 'a,b\\c' },
          ],
        }),
        ctx,
      );
      const values = JSON.parse((await helm('get', 'values', 'literal', '-o', 'json')).stdout);
      expect(values).toMatchObject({ note: `$(touch ${marker})`, list: 'a,b\\c' });
      expect(existsSync(marker)).toBe(false);
    });

    it('rolls back to the previous revision and holds the image it rolled away from', async () => {
      await deployHelm(options('api', '1.0.0'), ctx);
      await deployHelm(options('api', '2.0.0'), ctx);
      const result = await rollbackHelm({ ...options('api', '2.0.0'), reason: 'smoke test failed' }, ctx);
      expect(result).toMatchObject({ from: `${REPO}:2.0.0`, to: `${REPO}:1.0.0`, revision: '3' });
      expect(imageOf('api')).toBe(`${REPO}:1.0.0`);
      const error = await deployHelm(options('api', '2.0.0'), ctx).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/held|rolled back/i);
      expect((error as Error).message).toContain('smoke test failed');
      expect((await historyOf('api')).length).toBe(3);
      const forced = await deployHelm(options('api', '2.0.0', { force: true }), ctx);
      expect(forced).toMatchObject({ revision: '4' });
    });

    it('rolls back to a named revision or tag, and refuses one the release never had', async () => {
      for (const tag of ['1.0.0', '2.0.0', '3.0.0']) await deployHelm(options('named', tag), ctx);
      await expect(rollbackHelm({ ...options('named', '3.0.0'), to: '1' }, ctx)).resolves.toMatchObject({
        from: `${REPO}:3.0.0`,
        to: `${REPO}:1.0.0`,
        revision: '4',
      });
      await expect(rollbackHelm({ ...options('named', '1.0.0'), to: '2.0.0' }, ctx)).resolves.toMatchObject({
        to: `${REPO}:2.0.0`,
        revision: '5',
      });
      const error = await rollbackHelm({ ...options('named', '1.0.0'), to: '7.7.7' }, ctx).catch(
        (e: Error) => e,
      );
      expect((error as Error).message).toMatch(/^Input "to"/);
      expect((await historyOf('named')).length).toBe(5);
    });

    it('recovers a release a killed helm left pending-upgrade', async () => {
      await deployHelm(options('pending', '1.0.0'), ctx);
      // helm upgrade --wait on a broken image waits; killing it leaves the release pending-upgrade.
      const child: ChildProcess = spawn(
        helmBinary(major),
        ['upgrade', 'pending', CHART, '--wait', '--timeout', '2m', '--set', `image.tag=broken`],
        { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig }, stdio: 'ignore' },
      );
      try {
        for (let i = 0; i < 100; i++) {
          const h = await historyOf('pending');
          if (h.at(-1)?.status === 'pending-upgrade') break;
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        child.kill('SIGKILL');
      }
      expect((await historyOf('pending')).at(-1)?.status).toBe('pending-upgrade');
      const blocked = await helm('upgrade', 'pending', CHART);
      expect(blocked.stderr).toMatch(/another operation/);
      const warnings: string[] = [];
      const log = { ...silentLog, warning: (m: string) => warnings.push(m) };
      const result = await deployHelm(options('pending', '1.2.0'), { ...ctx, log });
      expect(result).toMatchObject({ image: `${REPO}:1.2.0`, revision: '4' });
      expect(warnings.join('\n')).toMatch(
        /left pending-upgrade at revision 2.*rolling it back to revision 1/,
      );
      const history = await historyOf('pending');
      expect(history.map((h) => [h.revision, h.status])).toEqual([
        [1, 'superseded'],
        [2, 'pending-upgrade'],
        [3, 'superseded'],
        [4, 'deployed'],
      ]);
      expect(history[2]?.description).toBe('Rollback to 1');
      expect(imageOf('pending')).toBe(`${REPO}:1.2.0`);
    });

    it('uninstalls a release a killed first install left pending-install', async () => {
      const child: ChildProcess = spawn(
        helmBinary(major),
        ['install', 'half', CHART, '--wait', '--timeout', '2m', '--set', 'image.tag=broken'],
        { env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig }, stdio: 'ignore' },
      );
      try {
        for (let i = 0; i < 100; i++) {
          if ((await historyOf('half').catch(() => [])).at(-1)?.status === 'pending-install') break;
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        child.kill('SIGKILL');
      }
      expect((await historyOf('half')).at(-1)?.status).toBe('pending-install');
      const warnings: string[] = [];
      const result = await deployHelm(options('half', '1.0.0'), {
        ...ctx,
        log: { ...silentLog, warning: (m: string) => warnings.push(m) },
      });
      expect(warnings.join('\n')).toMatch(
        /left pending-install at revision 1 with no deployed revision.*uninstalling/,
      );
      expect(result).toMatchObject({ revision: '1', image: `${REPO}:1.0.0` });
      expect((await historyOf('half')).map((h) => h.status)).toEqual(['deployed']);
    });

    it('with atomic: false a failed rollout stays on the new revision, and says so', async () => {
      await deployHelm(options('kept', '1.0.0'), ctx);
      const error = (await deployHelm(options('kept', 'broken', { atomic: false }), ctx).catch(
        (e: Error) => e,
      )) as StepError;
      expect(error.message).toMatch(/container web: (ErrImagePull|ImagePullBackOff)/);
      expect(error.message).toContain('Release kept stays on revision 2 (atomic: false)');
      expect(error.partial.outputs).toEqual({ revision: '2', 'rollout-state': 'failed' });
      expect((await historyOf('kept')).map((h) => h.status)).toEqual(['superseded', 'deployed']);
      expect(imageOf('kept')).toBe(`${REPO}:broken`);
    });

    it('uninstalls a first install whose rollout fails (atomic)', async () => {
      const error = await deployHelm(options('fresh', 'broken'), ctx).catch((e: Error) => e);
      expect((error as Error).message).toContain('first install of release fresh failed and was uninstalled');
      expect((await helm('status', 'fresh')).code).not.toBe(0);
      expect(kube.get('Deployment', 'shop', 'fresh')).toBeUndefined();
    });

    it('dry-run renders with the server and changes nothing', async () => {
      await deployHelm(options('dry', '1.0.0'), ctx);
      const result = await deployHelm(options('dry', '9.9.9'), { ...ctx, dryRun: true });
      expect(result.summary.join('\n')).toMatch(/would become revision 2.*deployment\/dry/s);
      expect(result.summary).toContain('- deployment/dry: changed');
      expect(result.summary.join('\n')).not.toContain('service/dry');
      expect(result.changed).toBe(true);
      expect((await historyOf('dry')).length).toBe(1);
      expect(imageOf('dry')).toBe(`${REPO}:1.0.0`);
    });

    it('deploys an oci:// chart pushed to the test registry with helm push', async () => {
      const registry: TestRegistry = await startRegistry();
      try {
        const packaged = await helm('package', CHART, '--destination', dir);
        expect(packaged.code).toBe(0);
        const pushed = await helm(
          'push',
          join(dir, 'web-0.1.0.tgz'),
          `oci://${registry.host}/charts`,
          '--plain-http',
        );
        expect(pushed.stderr).toContain('Digest: sha256:');
        const result = await deployHelm(
          options('oci', '1.0.0', {
            chart: `oci://${registry.host}/charts/web`,
            chartVersion: '0.1.0',
            tlsVerify: false,
          }),
          ctx,
        );
        expect(result).toMatchObject({ revision: '1' });
        expect(imageOf('oci')).toBe(`${REPO}:1.0.0`);
        expect((await historyOf('oci'))[0]?.status).toBe('deployed');
      } finally {
        await registry.stop();
      }
    });
  });
}
