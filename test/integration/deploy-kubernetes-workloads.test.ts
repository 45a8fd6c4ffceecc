/**
 * Setup 1 (manual-k8s) against the fake API server: the app's Deployment + Service manifest next to
 * redis/postgres it does not own, and `workloads` patching only the image of an existing Deployment.
 */

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { deployKubernetes } from '../../src/core/deploy/kubernetes/index.js';
import { parseWorkload } from '../../src/core/deploy/kubernetes/workloads.js';
import { StepError } from '../../src/core/errors.js';
import { parseImage } from '../../src/core/image-ref.js';
import { silentLog } from '../../src/core/log.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { ROOT } from '../helpers/runner.js';

const DIR = join(ROOT, 'test/fixtures/k8s/manual-k8s');
const APP = 'registry.example.com/caspar/app';
const ctx = { environment: 'production', log: silentLog, tempDir: '/tmp', dryRun: false };

type Container = { name: string; image: string; env?: Array<{ name: string; value: string }> };
const containers = (d: Record<string, unknown> | undefined) =>
  (d?.spec as { template: { spec: { containers: Container[] } } } | undefined)?.template.spec.containers ??
  [];

let kube: FakeKube;
beforeEach(async () => {
  kube = await startFakeKube({ namespaces: ['default', 'caspar'], podStartMs: 100 });
});
afterEach(() => kube.close());

/** Redis and Postgres as someone else deployed them; `brokenRedis` gives redis an image that cannot be pulled. */
function seedBackingServices(brokenRedis = false) {
  for (const doc of YAML.parseAllDocuments(readFileSync(join(DIR, 'backing-services.yaml'), 'utf8'))) {
    const obj = doc.toJS();
    obj.metadata.namespace = 'caspar';
    if (brokenRedis && obj.metadata.name === 'redis' && obj.kind === 'Deployment')
      obj.spec.template.spec.containers[0].image = 'redis:7-broken';
    kube.put(obj);
  }
}

const base = () => ({
  kubeconfig: kube.kubeconfigPath,
  workingDirectory: DIR,
  namespace: 'caspar',
  rolloutTimeoutMs: 20_000,
  pollIntervalMs: 100,
});

describe('kubernetes deploy: setup 1 (manual-k8s)', () => {
  it('applies the Deployment + Service and succeeds although a neighbour Deployment in the namespace is broken', async () => {
    seedBackingServices(true);
    const result = await deployKubernetes(
      { ...base(), manifests: [join(DIR, 'app.yaml')], image: parseImage(`${APP}:1.0.1`) },
      ctx,
    );
    expect(result).toMatchObject({ image: `${APP}:1.0.1`, revision: '1', changed: true });
    expect(containers(kube.get('Deployment', 'caspar', 'caspar-app'))[0]?.image).toBe(`${APP}:1.0.1`);
    expect(kube.get('Service', 'caspar', 'caspar-app')).toBeDefined();
    // The neighbour really is broken, and was left alone.
    await kube.waitFor(() =>
      kube.list('Pod', 'caspar').some((p) => JSON.stringify(p.status).includes('ImagePullBackOff')),
    );
    expect(containers(kube.get('Deployment', 'caspar', 'redis'))[0]?.image).toBe('redis:7-broken');
  });

  it('`workloads` patches only the image of the existing Deployment (like kubectl set image) and waits for it', async () => {
    seedBackingServices();
    await deployKubernetes(
      { ...base(), manifests: [join(DIR, 'app.yaml')], image: parseImage(`${APP}:1.0.0`) },
      ctx,
    );
    const before = kube.get('Deployment', 'caspar', 'caspar-app');
    const patchesBefore = kube.requests.length;

    const result = await deployKubernetes(
      { ...base(), workloads: [parseWorkload('deployment/caspar-app')], image: parseImage(`${APP}:1.1.0`) },
      ctx,
    );
    expect(result).toMatchObject({
      image: `${APP}:1.1.0`,
      previousImage: `${APP}:1.0.0`,
      revision: '2',
      changed: true,
    });
    const after = kube.get('Deployment', 'caspar', 'caspar-app');
    const app = containers(after)[0];
    expect(app?.image).toBe(`${APP}:1.1.0`);
    // Everything else in the template is untouched: env vars, ports, replicas.
    expect(app?.env).toEqual(containers(before)[0]?.env);
    expect((after?.spec as { replicas: number } | undefined)?.replicas).toBe(2);
    const patches = kube.requests.slice(patchesBefore).filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.contentType).toBe('application/strategic-merge-patch+json');
    expect(JSON.parse(patches[0]?.body ?? '{}').spec).toEqual({
      template: { spec: { containers: [{ name: 'app', image: `${APP}:1.1.0` }] } },
    });

    // Same image again: no patch, no new revision.
    const again = await deployKubernetes(
      { ...base(), workloads: [parseWorkload('deploy/caspar-app')], image: parseImage(`${APP}:1.1.0`) },
      ctx,
    );
    expect(again).toMatchObject({ changed: false, revision: '2' });
  });

  it('`workloads` naming a Deployment that does not exist fails and patches nothing', async () => {
    seedBackingServices();
    const err = (await deployKubernetes(
      {
        ...base(),
        workloads: [parseWorkload('deployment/redis'), parseWorkload('deployment/nope')],
        image: parseImage('redis:7.2'),
      },
      ctx,
    ).catch((e) => e)) as Error;
    expect(err).toBeInstanceOf(StepError);
    expect(err.message).toMatch(/deployment\/nope was not found in namespace caspar/);
    expect(kube.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(containers(kube.get('Deployment', 'caspar', 'redis'))[0]?.image).toBe('redis:7');
  });

  it('`workloads` with a failing new image fails fast with the diagnosis', async () => {
    seedBackingServices();
    const err = (await deployKubernetes(
      {
        ...base(),
        workloads: [parseWorkload('deployment/postgres')],
        image: parseImage('postgres:16-nosecret'),
        rolloutTimeoutMs: 60_000,
      },
      ctx,
    ).catch((e) => e)) as Error;
    expect(err.message).toMatch(
      /pod postgres-[a-z0-9]+-[a-z0-9]+ container postgres: CreateContainerConfigError — secret "db-credentials" not found/,
    );
  });
});

describe('kubernetes deploy: StatefulSets', () => {
  const manifest = () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-sts-'));
    writeFileSync(
      join(dir, 'db.yaml'),
      `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 2
  serviceName: db
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec: { containers: [{ name: db, image: "registry.example.com/caspar/db:1" }] }
`,
    );
    return join(dir, 'db.yaml');
  };

  it('waits until every pod runs the update revision; a broken image fails fast on the updated pod', async () => {
    const manifests = [manifest()];
    await deployKubernetes(
      { ...base(), manifests, image: parseImage('registry.example.com/caspar/db:1') },
      ctx,
    );
    const result = await deployKubernetes(
      { ...base(), manifests, image: parseImage('registry.example.com/caspar/db:2') },
      ctx,
    );
    expect(result).toMatchObject({ previousImage: 'registry.example.com/caspar/db:1', changed: true });
    const sts = kube.get('StatefulSet', 'caspar', 'db');
    const status = sts?.status as { updateRevision: string; currentRevision: string; readyReplicas: number };
    expect(status.currentRevision).toBe(status.updateRevision);
    expect(status.readyReplicas).toBe(2);
    const pods = kube.list('Pod', 'caspar');
    expect(
      pods.map((p) => (p.spec as { containers: Array<{ image: string }> }).containers[0]?.image),
    ).toEqual(['registry.example.com/caspar/db:2', 'registry.example.com/caspar/db:2']);

    const err = (await deployKubernetes(
      {
        ...base(),
        manifests,
        image: parseImage('registry.example.com/caspar/db:broken'),
        rolloutTimeoutMs: 60_000,
      },
      ctx,
    ).catch((e) => e)) as Error;
    expect(err.message).toMatch(/statefulset\/db in namespace caspar will not become ready/);
    expect(err.message).toMatch(/pod db-1 container db: (ErrImagePull|ImagePullBackOff)/);
  });
});
