/**
 * Contract tests of the Kubernetes fake with the real `kubectl` (the machine's, which picks the
 * kubectl matching the server's version): what kubectl prints must be what it prints against a
 * real cluster for the operations users and the pack perform.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';

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

function kubectl(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
      { env: { PATH: process.env.PATH, HOME: dir }, timeout: 30_000 },
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

const deployment = (name: string, image: string, extra = '', app = name) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 2${extra}
  selector: { matchLabels: { app: ${app} } }
  template:
    metadata: { labels: { app: ${app} } }
    spec: { containers: [{ name: app, image: "${image}", ports: [{ containerPort: 8080 }] }] }
`;

describe('real kubectl against the fake', () => {
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
  });
});
