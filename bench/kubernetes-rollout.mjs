#!/usr/bin/env node
// Time to verdict of a Kubernetes rollout with 4 replicas and maxSurge 25% (maxUnavailable 25%):
// deploy-env (strategy kubernetes, the built dist/deploy-env bundle run as the runner runs it)
// beside what users otherwise script, `kubectl apply -f` + `kubectl rollout status --timeout`,
// against the same fake API server in one run. Scenarios: a healthy update, an image that cannot
// be pulled (ImagePullBackOff), a container that keeps crashing (CrashLoopBackOff). Each run
// starts from 4 ready replicas of the previous image, deployed by the same tool; both get the
// same timeout (BENCH_TIMEOUT, default 60s). Pods of the fake change state every POD_MS.
// "after first new pod": from the first pod of the new image appearing (the bad pod) to the verdict.
// Usage: node bench/kubernetes-rollout.mjs   (after `node scripts/build.mjs deploy-env`)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import YAML from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const POD_MS = 500;
const TIMEOUT = process.env.BENCH_TIMEOUT ?? '60s';
const REPO = 'registry.example.com/team/shop-api';
const NAME = 'shop-api';
const cache = join(root, 'node_modules/.cache/stagecraft');
mkdirSync(cache, { recursive: true });
await build({
  entryPoints: [join(root, 'test/fakes/kube-apiserver/index.ts')],
  outfile: join(cache, 'fake-kube-bench.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  logLevel: 'warning',
});
const { startFakeKube } = await import(pathToFileURL(join(cache, 'fake-kube-bench.mjs')).href);
const kube = await startFakeKube({ namespaces: ['default', 'step', 'kubectl'], podStartMs: POD_MS });
const dir = mkdtempSync(join(tmpdir(), 'bench-k8s-'));
const meta = YAML.parse(readFileSync(join(root, 'actions/deploy-env/action.yml'), 'utf8'));

const manifest = (image) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${NAME} }
spec:
  replicas: 4
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 25%, maxUnavailable: 25% } }
  selector: { matchLabels: { app: ${NAME} } }
  template:
    metadata: { labels: { app: ${NAME} } }
    spec: { containers: [{ name: api, image: "${image}", ports: [{ containerPort: 8080 }] }] }
`;

/** Runs a program to its end; resolves with its exit code and output. */
function run(file, args, options) {
  return new Promise((resolve) => {
    const child = spawn(file, args, options);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** deploy-env with the manifest, the new image set by the step itself. */
async function deployEnv(image) {
  const work = mkdtempSync(join(dir, 'step-'));
  writeFileSync(join(work, 'deployment.yaml'), manifest(`${REPO}:0`));
  for (const f of ['output', 'summary']) writeFileSync(join(work, f), '');
  const inputs = {
    strategy: 'kubernetes',
    environment: 'stg',
    manifests: 'deployment.yaml',
    namespace: 'step',
    kubeconfig: kube.kubeconfigPath,
    'rollout-timeout': TIMEOUT,
    record: 'false',
    token: '',
    image,
  };
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REPOSITORY: 'octo/app',
    RUNNER_TEMP: work,
  };
  for (const [name, def] of Object.entries(meta.inputs ?? {})) {
    const value = inputs[name] ?? (String(def.default ?? '').includes('${{') ? '' : (def.default ?? ''));
    env[`INPUT_${name.toUpperCase()}`] = String(value);
  }
  const { code, out } = await run(process.execPath, [join(root, 'dist/deploy-env/index.js')], {
    env,
    cwd: work,
  });
  const error = /::error::(.*)/.exec(out)?.[1]?.split('%0A').join(' ') ?? '';
  const reason =
    error.match(
      /(ImagePullBackOff|ErrImagePull|CrashLoopBackOff|did not finish its rollout within [^:]+)/,
    )?.[1] ?? '';
  return { code, reason: code === 0 ? 'rolled out' : reason || error.slice(0, 60) };
}

/** What users script without the pack: apply the edited manifest, then wait with rollout status. */
async function kubectl(image) {
  const file = join(dir, 'kubectl-deployment.yaml');
  writeFileSync(file, manifest(image));
  const base = ['--kubeconfig', kube.kubeconfigPath, '--cache-dir', join(dir, 'cache'), '-n', 'kubectl'];
  const options = { env: { PATH: process.env.PATH, HOME: dir } };
  const apply = await run('kubectl', [...base, 'apply', '-f', file], options);
  if (apply.code !== 0) return { code: apply.code, reason: apply.out.trim() };
  const status = await run(
    'kubectl',
    [...base, 'rollout', 'status', `deployment/${NAME}`, `--timeout=${TIMEOUT}`],
    options,
  );
  return { code: status.code, reason: status.out.trim().split('\n').at(-1) };
}

const tools = {
  'deploy-env': { fn: deployEnv, ns: 'step' },
  'kubectl apply + rollout status': { fn: kubectl, ns: 'kubectl' },
};

/** Back to 4 ready replicas of the previous image, deployed by the tool itself (not timed). */
async function reset(tool) {
  const { fn, ns } = tools[tool];
  if (kube.get('Deployment', ns, NAME)) kube.delete('Deployment', ns, NAME);
  await kube.waitFor(() => kube.list('Pod', ns).length === 0, 30_000);
  const r = await fn(`${REPO}:1.0.0`);
  if (r.code !== 0) throw new Error(`${tool}: the previous image did not roll out: ${r.reason}`);
}

const rows = [];
for (const [scenario, tag] of [
  ['healthy update', '1.1.0'],
  ['ImagePullBackOff', 'broken'],
  ['CrashLoopBackOff', 'crash'],
]) {
  for (const tool of Object.keys(tools)) {
    await reset(tool);
    const { fn, ns } = tools[tool];
    const image = `${REPO}:${tag}`;
    let firstNew = 0;
    const watch = setInterval(() => {
      if (!firstNew && kube.list('Pod', ns).some((p) => p.spec.containers.some((c) => c.image === image)))
        firstNew = performance.now();
    }, 20);
    const started = performance.now();
    const r = await fn(image);
    const ended = performance.now();
    clearInterval(watch);
    rows.push([
      scenario,
      tool,
      r.code === 0 ? 'success' : 'failed',
      `${((ended - started) / 1000).toFixed(2)} s`,
      firstNew ? `${((ended - firstNew) / 1000).toFixed(2)} s` : '—',
      r.reason || '—',
    ]);
  }
}
await kube.close();
rmSync(dir, { recursive: true, force: true });

const head = ['scenario', 'tool', 'result', 'verdict after', 'after first new pod', 'verdict'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(
  `Kubernetes rollout, 4 replicas, maxSurge 25%, against the fake API server (pods change state every ${POD_MS} ms; timeout ${TIMEOUT} for both)\n`,
);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
