/**
 * Contract tests of the Kubernetes fake with the real `kubectl` (the machine's, which picks the
 * kubectl matching the server's version): what kubectl prints must be what it prints against a
 * real cluster for the operations users and the pack perform.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import type { Obj } from '../fakes/kube-apiserver/merge.js';
import { decodeBody, encodeObject, PROTOBUF } from '../fakes/kube-apiserver/protobuf.js';

let kube: FakeKube;
let dir: string;
let kubeconfig: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubectl-contract-'));
  kube = await startFakeKube({ namespaces: ['default', 'demo'], podStartMs: 60 });
  kubeconfig = kube.writeKubeconfig(join(dir, 'config'), { namespace: 'demo' });
});
afterAll(async () => {
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

const kubectl = (...args: string[]) => kubectlWith({}, ...args);

/** Runs kubectl (argv, 30 s at most) with `env` added, e.g. a client-go feature gate. */
function kubectlWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
      { env: { PATH: process.env.PATH, HOME: dir, ...env }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const deployment = (name: string, image: string, extra = '', app = name, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}${extra}
  selector: { matchLabels: { app: ${app} } }
  template:
    metadata: { labels: { app: ${app} } }
    spec: { containers: [{ name: app, image: "${image}", ports: [{ containerPort: 8080 }] }] }
`;

/** Resolves once the deployment's controller reports every replica updated and available. */
const rolledOut = (name: string) =>
  kube.waitFor(() => {
    const d = kube.get('Deployment', 'demo', name) as
      | { metadata: { generation: number }; spec: { replicas: number }; status?: Record<string, number> }
      | undefined;
    const s = d?.status ?? {};
    return (
      !!d &&
      s.observedGeneration === d.metadata.generation &&
      s.updatedReplicas === d.spec.replicas &&
      s.availableReplicas === d.spec.replicas &&
      s.replicas === d.spec.replicas
    );
  }, 15_000);

/** Resolves once kubectl has opened a watch on the named deployment (its rollout status now streams). */
const watching = (name: string) =>
  kube.waitFor(
    () =>
      kube.requests.some(
        (r) =>
          r.query.get('watch') === 'true' &&
          r.path === '/apis/apps/v1/namespaces/demo/deployments' &&
          r.query.get('fieldSelector') === `metadata.name=${name}`,
      ),
    15_000,
  );

/** Every line a progressing rollout prints before its verdict, as kubectl words them. */
const waiting = (name: string) =>
  new RegExp(
    `^Waiting for deployment (spec update to be observed|"${name}" rollout to finish: (\\d+ out of \\d+ new replicas have been updated|\\d+ old replicas are pending termination|\\d+ of \\d+ updated replicas are available))\\.\\.\\.$`,
  );

describe('real kubectl against the fake', () => {
  it('client-side apply (created, unchanged, configured) and get -o yaml with the defaults a real server fills in', async () => {
    const csa = file('csa.yaml', deployment('csa', 'registry.example.com/web:1'));
    expect((await kubectl('apply', '-f', csa)).out).toBe('deployment.apps/csa created\n');
    expect((await kubectl('apply', '-f', csa)).out).toBe('deployment.apps/csa unchanged\n');
    const three = file('csa3.yaml', deployment('csa', 'registry.example.com/web:1', '', 'csa', 3));
    expect((await kubectl('apply', '-f', three)).out).toBe('deployment.apps/csa configured\n');
    await kube.waitFor(
      () =>
        (kube.get('Deployment', 'demo', 'csa')?.status as { readyReplicas?: number })?.readyReplicas === 3,
      15_000,
    );
    const got = await kubectl('get', 'deployment', 'csa', '-o', 'yaml');
    expect(got.code).toBe(0);
    const live = YAML.parse(got.out);
    expect(live).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'csa', namespace: 'demo', generation: 2 },
      spec: {
        replicas: 3,
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          spec: {
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
            containers: [
              {
                name: 'app',
                imagePullPolicy: 'IfNotPresent',
                terminationMessagePath: '/dev/termination-log',
              },
            ],
          },
        },
      },
      status: {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      },
    });
    const applied = JSON.parse(live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(applied.spec.replicas).toBe(3);
    expect(live.metadata.managedFields).toBeUndefined();
  });

  it('rollout status streams a healthy rolling update to "successfully rolled out"', async () => {
    // Pods that never get ready hold the rollout open, so kubectl must learn the outcome through its watch.
    await kubectl(
      'apply',
      '-f',
      file('roll.yaml', deployment('roll', 'registry.example.com/web:unready', '', 'roll', 4)),
    );
    const status = kubectl('rollout', 'status', 'deployment/roll');
    await watching('roll');
    expect((await kubectl('set', 'image', 'deployment/roll', 'app=registry.example.com/web:2')).out).toBe(
      'deployment.apps/roll image updated\n',
    );
    const { code, out } = await status;
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines.pop()).toBe('deployment "roll" successfully rolled out');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(waiting('roll'));
  });

  it('rollout status (WatchList) of an ImagePullBackOff waits at the surge (2 of 4 new) until its --timeout', async () => {
    await kubectl(
      'apply',
      '-f',
      file('pull.yaml', deployment('pull', 'registry.example.com/web:1', '', 'pull', 4)),
    );
    await rolledOut('pull');
    await kubectl('set', 'image', 'deployment/pull', 'app=registry.example.com/web:broken');
    // client-go's WatchList: the informer's initial state comes as watch events ended by a bookmark.
    const { code, out } = await kubectlWith(
      { KUBE_FEATURE_WatchListClient: 'true' },
      'rollout',
      'status',
      'deployment/pull',
      '--timeout=3s',
    );
    expect(
      kube.requests.some(
        (r) =>
          r.query.get('sendInitialEvents') === 'true' &&
          r.query.get('fieldSelector') === 'metadata.name=pull',
      ),
    ).toBe(true);
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines.pop()).toBe('error: timed out waiting for the condition');
    expect(lines.pop()).toBe(
      'Waiting for deployment "pull" rollout to finish: 2 out of 4 new replicas have been updated...',
    );
    for (const line of lines) expect(line).toMatch(waiting('pull'));
    const pods = (await kubectl('get', 'pods', '-l', 'app=pull', '--no-headers')).out.trim().split('\n');
    expect(pods.filter((p) => /\b1\/1\s+Running\b/.test(p))).toHaveLength(3);
    expect(pods.filter((p) => /\b0\/1\s+(ErrImagePull|ImagePullBackOff)\b/.test(p))).toHaveLength(2);
  });

  it('rollout status ends with "exceeded its progress deadline" when the deadline passes while it watches', async () => {
    await kubectl('apply', '-f', file('stuck.yaml', deployment('stuck', 'registry.example.com/web:broken')));
    const status = kubectl('rollout', 'status', 'deployment/stuck');
    await watching('stuck');
    // A deadline shorter than the time since the last progress: the controller marks it exceeded.
    expect(
      (await kubectl('patch', 'deployment', 'stuck', '-p', '{"spec":{"progressDeadlineSeconds":1}}')).out,
    ).toBe('deployment.apps/stuck patched\n');
    const { code, out } = await status;
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines.pop()).toBe('error: deployment "stuck" exceeded its progress deadline');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(waiting('stuck'));
  });

  it('set image, rollout history, rollout undo (the old ReplicaSet comes back as the next revision) and scale', async () => {
    await kubectl('apply', '-f', file('hist.yaml', deployment('hist', 'registry.example.com/web:1')));
    await rolledOut('hist');
    expect((await kubectl('set', 'image', 'deployment/hist', 'app=registry.example.com/web:2')).out).toBe(
      'deployment.apps/hist image updated\n',
    );
    await rolledOut('hist');
    const history = 'deployment.apps/hist \nREVISION  CHANGE-CAUSE\n';
    expect((await kubectl('rollout', 'history', 'deployment/hist')).out).toBe(
      `${history}1         <none>\n2         <none>\n\n`,
    );
    expect((await kubectl('rollout', 'history', 'deployment/hist', '--revision=1')).out).toMatch(
      /^deployment\.apps\/hist with revision #1\nPod Template:\n[\s\S]*Image:\tregistry\.example\.com\/web:1\n/,
    );
    const replicaSets = async () =>
      (
        await kubectl(
          'get',
          'rs',
          '-l',
          'app=hist',
          '--sort-by=.metadata.creationTimestamp',
          '-o',
          'jsonpath={range .items[*]}{.metadata.name}={.metadata.annotations.deployment\\.kubernetes\\.io/revision} {end}',
        )
      ).out
        .trim()
        .split(' ');
    const [first, second] = (await replicaSets()).map((r) => r.split('=')[0]);
    expect((await kubectl('rollout', 'undo', 'deployment/hist')).out).toBe(
      'deployment.apps/hist rolled back\n',
    );
    expect((await kubectl('rollout', 'status', 'deployment/hist', '--timeout=20s')).out).toMatch(
      /deployment "hist" successfully rolled out\n$/,
    );
    expect(await replicaSets()).toEqual([`${first}=3`, `${second}=2`]);
    expect((await kubectl('rollout', 'history', 'deployment/hist')).out).toBe(
      `${history}2         <none>\n3         <none>\n\n`,
    );
    expect(
      (await kubectl('get', 'deploy', 'hist', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'))
        .out,
    ).toBe('registry.example.com/web:1');
    expect((await kubectl('scale', 'deployment/hist', '--replicas=3')).out).toBe(
      'deployment.apps/hist scaled\n',
    );
    await rolledOut('hist');
    expect(
      (await kubectl('get', 'pods', '-l', 'app=hist', '--no-headers')).out.trim().split('\n'),
    ).toHaveLength(3);
  });

  it('deleting a Deployment deletes its ReplicaSets and pods; --cascade=orphan leaves them ownerless', async () => {
    for (const name of ['gone', 'orphans']) {
      await kubectl('apply', '-f', file(`${name}.yaml`, deployment(name, 'registry.example.com/web:1')));
      await rolledOut(name);
    }
    expect((await kubectl('delete', 'deployment', 'gone')).out).toBe('deployment.apps "gone" deleted\n');
    await kube.waitFor(
      () =>
        kube
          .list('Pod', 'demo')
          .every((p) => (p.metadata as { labels?: Record<string, string> }).labels?.app !== 'gone'),
      15_000,
    );
    expect((await kubectl('get', 'rs,pods', '-l', 'app=gone')).out).toBe(
      'No resources found in demo namespace.\n',
    );
    expect((await kubectl('delete', 'deployment', 'orphans', '--cascade=orphan')).out).toBe(
      'deployment.apps "orphans" deleted\n',
    );
    const rs = (
      await kubectl('get', 'rs', '-l', 'app=orphans', '-o', 'jsonpath={.items[*].metadata.ownerReferences}')
    ).out;
    expect(rs).toBe('');
    expect(
      (await kubectl('get', 'pods', '-l', 'app=orphans', '--no-headers')).out.trim().split('\n'),
    ).toHaveLength(2);
  });

  it('server-side apply, a 409 conflict with another field manager (forced: taken over), a 422 on an immutable selector', async () => {
    const ssa = file('ssa.yaml', deployment('ssa', 'registry.example.com/web:1'));
    expect((await kubectl('apply', '--server-side', '-f', ssa)).out).toBe(
      'deployment.apps/ssa serverside-applied\n',
    );
    const other = file(
      'other.yaml',
      deployment('ssa', 'registry.example.com/web:1').replace('replicas: 2', 'replicas: 5'),
    );
    const conflict = await kubectl('apply', '--server-side', '--field-manager=other', '-f', other);
    expect(conflict.code).not.toBe(0);
    expect(conflict.out).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas',
    );
    expect(
      (await kubectl('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', other))
        .code,
    ).toBe(0);
    const managers = (await kubectl('get', 'deploy', 'ssa', '--show-managed-fields', '-o', 'yaml')).out;
    expect(managers).toMatch(/manager: other/);
    expect(managers).toContain('f:replicas: {}');

    const moved = file('moved.yaml', deployment('ssa', 'registry.example.com/web:1', '', 'elsewhere'));
    const invalid = await kubectl('apply', '--server-side', '--force-conflicts', '-f', moved);
    expect(invalid.code).not.toBe(0);
    expect(invalid.out).toMatch(
      /The Deployment "ssa" is invalid: spec\.selector: Invalid value: .*field is immutable/,
    );
    const unknown = await kubectl(
      'apply',
      '-f',
      file('typo.yaml', deployment('typo', 'x:1').replace('replicas: 2', 'replicas: 2\n  replica: 3')),
    );
    expect(unknown.out).toMatch(/unknown field "spec\.replica"/);
  });

  it('a CRD is served once created, with its status subresource', async () => {
    const crd = file(
      'crd.yaml',
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  scope: Namespaced
  names: { plural: widgets, singular: widget, kind: Widget, shortNames: [wd] }
  versions:
    - name: v1
      served: true
      storage: true
      subresources: { status: {} }
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`,
    );
    expect((await kubectl('apply', '-f', crd)).out).toBe(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n',
    );
    const widget = file(
      'widget.yaml',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1 }\nspec: { size: 3 }\nstatus: { ready: true }\n',
    );
    expect((await kubectl('apply', '-f', widget)).out).toBe('widget.example.com/w1 created\n');
    expect((await kubectl('get', 'wd', 'w1', '-o', 'jsonpath={.spec.size}/{.status.ready}')).out).toBe('3/');
    const strategic = await kubectl('patch', 'wd', 'w1', '-p', '{"spec":{"size":4}}');
    expect(strategic.code).not.toBe(0);
    expect(strategic.out).toBe(
      'error: application/strategic-merge-patch+json is not supported by example.com/v1, Kind=Widget: the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n',
    );
    expect((await kubectl('patch', 'wd', 'w1', '--type=merge', '-p', '{"spec":{"size":4}}')).out).toBe(
      'widget.example.com/w1 patched\n',
    );
  });

  it('kubectl create namespace goes through protobuf both ways: its answer decodes to what a JSON get shows', async () => {
    const created = await kubectl('create', 'namespace', 'proto-ns', '-o', 'json');
    expect(created.code).toBe(0);
    const post = kube.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/namespaces');
    expect(post?.contentType).toBe(PROTOBUF);
    expect(post?.accept.startsWith(PROTOBUF)).toBe(true);
    expect(post?.answer).toBe(PROTOBUF);
    const got = await kubectl('get', 'namespace', 'proto-ns', '-o', 'json');
    expect(JSON.parse(created.out)).toEqual(JSON.parse(got.out));
    expect(JSON.parse(got.out)).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'proto-ns' },
      status: { phase: 'Active' },
    });
    expect((await kubectl('create', 'namespace', 'proto-ns')).out).toBe(
      'Error from server (AlreadyExists): namespaces "proto-ns" already exists\n',
    );
    // That error came as a protobuf Status.
    expect(
      kube.requests
        .filter((r) => r.path === '/api/v1/namespaces' && r.method === 'POST')
        .map((r) => r.answer),
    ).toEqual([PROTOBUF, PROTOBUF]);
    expect((await kubectl('delete', 'namespace', 'proto-ns')).out).toBe('namespace "proto-ns" deleted\n');
  });

  it.each([
    [
      'deployment',
      ['deployment', 'zero', '--image=registry.example.com/web:1', '--replicas=0', '--port=8080'],
      'Deployment',
    ],
    ['job', ['job', 'once', '--image=registry.example.com/task:1', '--', 'run', '--flag=1'], 'Job'],
    ['service', ['service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443:https'], 'Service'],
    [
      'secret',
      ['secret', 'generic', 'creds', '--from-literal=password=s3cr=t', '--type=example.com/basic'],
      'Secret',
    ],
    ['configmap', ['configmap', 'settings', '--from-literal=a=1', '--from-literal=empty='], 'ConfigMap'],
    ['serviceaccount', ['serviceaccount', 'robot'], 'ServiceAccount'],
  ])(
    "the protobuf body of kubectl create %s decodes to the object kubectl meant, and lands in the URL's namespace",
    async (_what, args, kind) => {
      const meant = withoutNulls(
        JSON.parse((await kubectl('create', ...withFlags(args, '--dry-run=client', '-o', 'json'))).out),
      );
      const name = String((meant.metadata as Obj).name);
      expect((await kubectl('create', ...args)).code).toBe(0);
      const post = kube.requests.find(
        (r) => r.method === 'POST' && r.contentType === PROTOBUF && decodeBody(r.raw).kind === kind,
      );
      expect(post).toBeDefined();
      const sent = decodeBody(post?.raw as Buffer);
      // A protobuf body carries no namespace: the server takes it from the URL.
      expect(sent).toEqual(meant);
      expect(kube.get(kind, 'demo', name)).toMatchObject({ metadata: { name, namespace: 'demo' } });
      // What the fake encodes decodes back to the same object.
      expect(decodeBody(encodeObject(sent) as Buffer)).toEqual(sent);
    },
  );

  it('kubectl events watches and lists Events in protobuf (the watch as length-prefixed WatchEvents)', async () => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'events', '--watch'],
      {
        env: { PATH: process.env.PATH, HOME: dir },
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const watch = () =>
        kube.requests.find(
          (r) => r.path === '/api/v1/namespaces/demo/events' && r.query.get('watch') === 'true',
        );
      await kube.waitFor(() => !!watch(), 15_000);
      expect(watch()?.accept.startsWith(PROTOBUF)).toBe(true);
      expect(watch()?.answer).toBe(`${PROTOBUF};stream=watch`);
      const time = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      kube.put({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'probe.17f0', namespace: 'demo' },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'demo', name: 'probe' },
        type: 'Warning',
        reason: 'ProbeCheck',
        message: 'sent through a protobuf watch',
        count: 1,
        firstTimestamp: time,
        lastTimestamp: time,
        source: { component: 'kubelet' },
      });
      await kube.waitFor(() => out.includes('sent through a protobuf watch'), 15_000);
      expect(out).toMatch(/\n\d+s\s+Warning\s+ProbeCheck\s+Pod\/probe\s+sent through a protobuf watch\n/);
    } finally {
      child.kill();
    }
    const listed = await kubectl('events', '--types=Warning');
    expect(listed.out).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n/);
    expect(listed.out).toMatch(
      /\n\d+s\s+Warning\s+ProbeCheck\s+Pod\/probe\s+sent through a protobuf watch\n/,
    );
    const list = kube.requests.filter(
      (r) => r.path === '/api/v1/namespaces/demo/events' && !r.query.has('watch'),
    );
    expect(list.map((r) => r.answer)).toEqual([PROTOBUF]);
  });

  it('a protobuf body for a custom resource is refused with 415 and the media types a real server lists', async () => {
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request(
        `${kube.url}/apis/example.com/v1/namespaces/demo/widgets`,
        {
          method: 'POST',
          ca: readFileSync(kube.caFile),
          headers: {
            authorization: `Bearer ${kube.token}`,
            'content-type': PROTOBUF,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
          );
        },
      );
      req.on('error', reject);
      req.end(encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w2' } }));
    });
    expect(answer.status).toBe(415);
    expect(answer.type).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
    expect(kube.get('Widget', 'demo', 'w2')).toBeUndefined();
  });
});

/** A JSON object without its null members (Go prints an unset time as null; protobuf leaves it out). */
function withoutNulls(v: unknown): Obj {
  return strip(v) as Obj;
}
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, strip(x)]),
    );
  return v;
}

/** `args` with `flags` before a `--` (what follows it is the container's command). */
function withFlags(args: string[], ...flags: string[]): string[] {
  const at = args.indexOf('--');
  return at < 0 ? [...args, ...flags] : [...args.slice(0, at), ...flags, ...args.slice(at)];
}
