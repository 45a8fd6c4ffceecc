#!/usr/bin/env node
// Time from a broken canary pod to the verdict, for an Argo Rollout (4 replicas, steps setWeight 25
// → pause) against the Kubernetes fake serving the real Rollout CRD, moved by the controller
// stand-in (test/fakes/rollouts-controller.ts). deploy-env (core, strategy kubernetes) fails as
// soon as the canary pod's image pull fails (pod diagnosis), measured from the first canary pod
// appearing. `kubectl argo rollouts status` returns only on Healthy or Degraded
// (argoproj/argo-rollouts pkg/kubectl-argo-rollouts/cmd/status/status.go: `if ri.Status ==
// "Healthy" || ri.Status == "Degraded"`, else "Rollout status watch exceeded timeout"); a canary
// whose pod cannot pull stays Progressing until the Rollout's progressDeadlineSeconds (default
// 600 s) marks it Degraded, so it blocks until its --timeout or those 600 s.
// Usage: node bench/argo-rollouts.mjs
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const POD_MS = 500;
const cache = join(root, 'node_modules/.cache/stagecraft');
mkdirSync(cache, { recursive: true });
const bundle = async (entry, name) => {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(cache, name),
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(pathToFileURL(join(cache, name)).href);
};
const { startFakeKube } = await bundle('test/fakes/kube-apiserver/index.ts', 'fake-kube-argo-bench.mjs');
const { startRolloutsController } = await bundle(
  'test/fakes/rollouts-controller.ts',
  'rollouts-controller-bench.mjs',
);
const { deployKubernetes } = await bundle('src/core/deploy/kubernetes/index.ts', 'kubernetes-core-bench.mjs');
const { parseImage } = await bundle('src/core/image-ref.ts', 'image-ref-bench.mjs');

const kube = await startFakeKube({ namespaces: ['default', 'shop'], podStartMs: POD_MS });
const controller = startRolloutsController(kube, { root, tickMs: 100 });
const dir = mkdtempSync(join(tmpdir(), 'bench-argo-'));
const manifest = join(dir, 'shop.yaml');
writeFileSync(
  manifest,
  `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: { name: shop }
spec:
  replicas: 4
  selector: { matchLabels: { app: shop } }
  strategy: { canary: { steps: [{ setWeight: 25 }, { pause: {} }] } }
  template:
    metadata: { labels: { app: shop } }
    spec: { containers: [{ name: shop, image: "registry.example.com/acme/shop:1.0.0" }] }
`,
);
const log = { info() {}, warning() {}, debug() {}, group: (_t, fn) => fn() };
const ctx = { environment: 'production', log, tempDir: dir, dryRun: false };
const options = (tag) => ({
  kubeconfig: kube.kubeconfigPath,
  workingDirectory: dir,
  namespace: 'shop',
  manifests: [manifest],
  rolloutTimeoutMs: 120_000,
  pollIntervalMs: 1000,
  image: parseImage(`registry.example.com/acme/shop:${tag}`),
});
try {
  await deployKubernetes(options('1.0.0'), ctx);
  let firstPod;
  const watch = setInterval(() => {
    if (
      !firstPod &&
      kube.list('Pod', 'shop').some((p) => String(p.spec.containers[0].image).endsWith('broken'))
    )
      firstPod = Date.now();
  }, 20);
  const started = Date.now();
  const error = await deployKubernetes(options('2.0.0-broken'), ctx).catch((e) => e);
  const verdict = Date.now();
  clearInterval(watch);
  const ok = error instanceof Error && /ErrImagePull|ImagePullBackOff/.test(error.message);
  console.log('| tool | verdict | from deploy start | from first canary pod |');
  console.log('|---|---|---|---|');
  console.log(
    `| deploy-env (Rollout, setWeight 25) | ${ok ? 'failed: image pull of the canary' : `unexpected: ${error?.message ?? 'passed'}`} | ${((verdict - started) / 1000).toFixed(1)} s | ${firstPod ? ((verdict - firstPod) / 1000).toFixed(1) : '?'} s |`,
  );
  console.log(
    '| kubectl argo rollouts status | none until Degraded: blocks until --timeout or progressDeadlineSeconds (600 s default) | — | ≥ 600 s |',
  );
  if (!ok) process.exitCode = 1;
} finally {
  controller.close();
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
}
