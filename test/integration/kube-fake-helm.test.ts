/**
 * Contract tests of the Kubernetes fake with real Helm 3.17 and 4.1 (.tools/helm3, .tools/helm4
 * from scripts/setup.sh): the release lifecycle a user runs by hand must behave as on a cluster.
 * Helm keeps its releases as Secrets through client-go's typed client, in protobuf
 * (test/fakes/kube-apiserver/protobuf.ts), and finds them by label (`owner=helm,name=<release>`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import type { Obj } from '../fakes/kube-apiserver/merge.js';
import { PROTOBUF } from '../fakes/kube-apiserver/protobuf.js';
import { HELM_MAJORS, type HelmMajor, runHelm } from '../helpers/helm.js';
import { ROOT } from '../helpers/runner.js';

const CHART = join(ROOT, 'test/fixtures/helm/web');
const SECRETS = '/api/v1/namespaces/demo/secrets';

describe.each(HELM_MAJORS)('real Helm %i against the fake', (major: HelmMajor) => {
  let kube: FakeKube;
  let dir: string;
  let kubeconfig: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `helm${major}-contract-`));
    kube = await startFakeKube({ namespaces: ['default', 'demo'], podStartMs: 60 });
    kubeconfig = kube.writeKubeconfig(join(dir, 'config'), { namespace: 'demo' });
  });
  afterAll(async () => {
    await kube?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const helm = async (...args: string[]) => {
    const run = await runHelm(major, args, { kubeconfig, home: dir });
    return { ...run, out: `${run.stdout}${run.stderr}` };
  };
  const kubectl = (...args: string[]): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kubectl-cache'), ...args],
        { env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 },
        (err, stdout, stderr) =>
          resolve({
            code: err ? Number((err as { code?: number }).code ?? 1) : 0,
            out: `${stdout}${stderr}`,
          }),
      );
    });
  const deployment = () =>
    kube.get('Deployment', 'demo', 'web') as Obj & { metadata: Obj; spec: Obj; status?: Obj };
  const image = () =>
    ((((deployment().spec.template as Obj).spec as Obj).containers as Obj[])[0] as Obj).image;
  const replicaSets = () =>
    kube
      .list('ReplicaSet', 'demo')
      .map((rs) => (rs.metadata as Obj).name)
      .sort();
  /** Resolves once every replica of the Deployment runs its current template. */
  const rolledOut = () =>
    kube.waitFor(() => {
      const d = deployment();
      const s = (d?.status ?? {}) as Obj;
      return (
        !!d &&
        s.observedGeneration === d.metadata.generation &&
        s.updatedReplicas === d.spec.replicas &&
        s.availableReplicas === d.spec.replicas &&
        s.replicas === d.spec.replicas
      );
    }, 15_000);
  /** The release Helm stored in a Secret: base64 of the gzipped JSON, in the Secret's (base64) data. */
  const release = (revision: number) => {
    const secret = kube.get('Secret', 'demo', `sh.helm.release.v1.web.v${revision}`) as Obj;
    const data = (secret.data as Record<string, string>).release as string;
    return JSON.parse(
      gunzipSync(Buffer.from(Buffer.from(data, 'base64').toString('utf8'), 'base64')).toString('utf8'),
    ) as { name: string; version: number; manifest: string; info: { status: string } };
  };
  /** `helm history` as [revision, status, description] rows. */
  const history = async () => {
    const run = await helm('history', 'web');
    expect(run.code).toBe(0);
    return run.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const cells = line.split('\t').map((c) => c.trim());
        return [cells[0], cells[2], cells[5]];
      });
  };

  it('upgrade --install creates the release: its Secret goes through protobuf, the namespace comes from the URL', async () => {
    const run = await helm('upgrade', '--install', 'web', CHART);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Release "web" does not exist\. Installing it now\.\nNAME: web\n/);
    expect(run.stdout).toContain('NAMESPACE: demo\nSTATUS: deployed\nREVISION: 1\n');
    // client-go's typed Secret client wrote the release in protobuf and read the answers in it.
    const creates = kube.requests.filter((r) => r.method === 'POST' && r.path === SECRETS);
    expect(creates.map((r) => r.contentType)).toEqual([PROTOBUF]);
    expect(creates[0]?.raw.subarray(0, 4)).toEqual(Buffer.from('k8s\0', 'latin1'));
    expect(creates[0]?.accept.startsWith(PROTOBUF)).toBe(true);
    expect(creates[0]?.answer).toBe(PROTOBUF);
    const secret = kube.get('Secret', 'demo', 'sh.helm.release.v1.web.v1') as Obj;
    expect(secret).toMatchObject({
      type: 'helm.sh/release.v1',
      metadata: {
        namespace: 'demo',
        labels: { owner: 'helm', name: 'web', status: 'deployed', version: '1' },
      },
    });
    expect(release(1)).toMatchObject({ name: 'web', version: 1, info: { status: 'deployed' } });
    expect(release(1).manifest).toContain('image: "registry.example.com/web:1"');
    await rolledOut();
    expect(image()).toBe('registry.example.com/web:1');
    expect(kube.get('Service', 'demo', 'web')).toBeDefined();
  });

  it('an upgrade with a new image rolls the Deployment and supersedes revision 1', async () => {
    const run = await helm('upgrade', 'web', CHART, '--set', 'image.tag=2');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('STATUS: deployed\nREVISION: 2\n');
    // The update of revision 1 (status=superseded) is a protobuf PUT.
    const update = kube.requests.find(
      (r) => r.method === 'PUT' && r.path === `${SECRETS}/sh.helm.release.v1.web.v1`,
    );
    expect(update?.contentType).toBe(PROTOBUF);
    expect(
      ((kube.get('Secret', 'demo', 'sh.helm.release.v1.web.v1') as Obj).metadata as Obj).labels,
    ).toMatchObject({
      status: 'superseded',
    });
    await rolledOut();
    expect(image()).toBe('registry.example.com/web:2');
    expect(replicaSets()).toHaveLength(2);
    expect(await history()).toEqual([
      ['1', 'superseded', 'Install complete'],
      ['2', 'deployed', 'Upgrade complete'],
    ]);
  });

  it('an upgrade without changes makes a new release revision but no new revision of the workloads', async () => {
    const before = { generation: deployment().metadata.generation, sets: replicaSets() };
    const run = await helm('upgrade', 'web', CHART, '--set', 'image.tag=2');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('STATUS: deployed\nREVISION: 3\n');
    expect(deployment().metadata.generation).toBe(before.generation);
    expect(replicaSets()).toEqual(before.sets);
    expect((await history()).map((row) => row[1])).toEqual(['superseded', 'superseded', 'deployed']);
  });

  it('get manifest is what the chart renders; status names the deployed revision', async () => {
    const manifest = await helm('get', 'manifest', 'web');
    expect(manifest.code).toBe(0);
    const rendered = await helm('template', 'web', CHART, '--namespace', 'demo', '--set', 'image.tag=2');
    expect(rendered.code).toBe(0);
    expect(manifest.stdout.trim()).toBe(rendered.stdout.trim());
    expect(manifest.stdout).toContain('image: "registry.example.com/web:2"');
    const status = await helm('status', 'web');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /^NAME: web\nLAST DEPLOYED: .+\nNAMESPACE: demo\nSTATUS: deployed\nREVISION: 3\n/,
    );
    const list = await helm('list', '--all-namespaces', '--output', 'json');
    expect(JSON.parse(list.stdout)).toMatchObject([
      { name: 'web', namespace: 'demo', revision: '3', status: 'deployed' },
    ]);
  });

  it('rollback returns to revision 1 (its ReplicaSet scaled up again) as revision 4', async () => {
    const sets = replicaSets();
    const run = await helm('rollback', 'web', '1');
    expect(run.code).toBe(0);
    expect(run.out).toContain('Rollback was a success! Happy Helming!');
    await kube.waitFor(() => image() === 'registry.example.com/web:1');
    await rolledOut();
    expect(replicaSets()).toEqual(sets);
    expect((await history()).slice(2)).toEqual([
      ['3', 'superseded', 'Upgrade complete'],
      ['4', 'deployed', 'Rollback to 1'],
    ]);
  });

  it("kubectl lists the release Secrets by Helm's labels, in name order with their type", async () => {
    const all = await kubectl('get', 'secret', '-l', 'owner=helm');
    expect(all.code).toBe(0);
    const lines = all.out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual(
      [1, 2, 3, 4].map((v) => [`sh.helm.release.v1.web.v${v}`, 'helm.sh/release.v1', '1']),
    );
    const deployed = await kubectl(
      'get',
      'secret',
      '-l',
      'owner=helm,name=web,status=deployed',
      '-o',
      'name',
    );
    expect(deployed.out).toBe('secret/sh.helm.release.v1.web.v4\n');
  });

  it('--wait (the legacy waiter) reads the Service, Deployment and ReplicaSets in protobuf and returns once they are ready', async () => {
    const run = await helm(
      'upgrade',
      '--install',
      'api',
      CHART,
      '--wait',
      ...(major === 4 ? ['--wait=legacy'] : []),
      '--timeout',
      '30s',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('STATUS: deployed\nREVISION: 1\n');
    const api = kube.get('Deployment', 'demo', 'api') as Obj & { spec: Obj; status: Obj };
    expect(api.status.availableReplicas).toBe(api.spec.replicas);
    const typed = (path: string) =>
      kube.requests.some(
        (r) => r.method === 'GET' && r.path.startsWith(path) && r.accept.startsWith(PROTOBUF),
      );
    expect(typed('/apis/apps/v1/namespaces/demo/deployments/api')).toBe(true);
    expect(typed('/apis/apps/v1/namespaces/demo/replicasets')).toBe(true);
    expect(typed('/api/v1/namespaces/demo/services/api')).toBe(true);
    expect((await helm('uninstall', 'api')).code).toBe(0);
  });

  it('uninstall removes the workloads and every release Secret; the release is then unknown', async () => {
    const run = await helm('uninstall', 'web');
    expect(run.code).toBe(0);
    expect(run.out.trim()).toBe('release "web" uninstalled');
    expect(kube.get('Deployment', 'demo', 'web')).toBeUndefined();
    expect(kube.get('Service', 'demo', 'web')).toBeUndefined();
    expect(kube.list('Secret', 'demo')).toEqual([]);
    await kube.waitFor(
      () => kube.list('ReplicaSet', 'demo').length === 0 && kube.list('Pod', 'demo').length === 0,
    );
    expect(kube.requests.some((r) => r.method === 'DELETE' && r.path.startsWith(`${SECRETS}/`))).toBe(true);
    const gone = await helm('history', 'web');
    expect(gone.code).not.toBe(0);
    expect(gone.out).toContain('release: not found');
  });
});
