#!/usr/bin/env node
// How fast deploy-env (strategy kubernetes, the built dist/deploy-env bundle run as the runner
// runs it) reaches a verdict against the fake API server: a healthy rollout, the unhealable pod
// states it must fail fast on (rollout-timeout 5m), and a rollout that only times out (10s).
// Pods of the fake change state every POD_MS; the step polls every 1 s.
// Usage: node bench/kubernetes-rollout.mjs   (after `node scripts/build.mjs deploy-env`)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import YAML from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const POD_MS = 500;
const cache = join(root, 'node_modules/.cache/stagecraft');
mkdirSync(cache, { recursive: true });
await build({
  entryPoints: [join(root, 'test/fakes/kube-apiserver/index.ts')],
  outfile: join(cache, 'fake-kube.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  logLevel: 'warning',
});
const { startFakeKube } = await import(pathToFileURL(join(cache, 'fake-kube.mjs')).href);
const kube = await startFakeKube({ namespaces: ['default', 'shop-stg'], podStartMs: POD_MS });
const meta = YAML.parse(readFileSync(join(root, 'actions/deploy-env/action.yml'), 'utf8'));
const REPO = 'registry.example.com/team/shop-api';

function deploy(image, timeout) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-k8s-'));
  for (const f of ['output', 'summary']) writeFileSync(join(dir, f), '');
  const inputs = {
    strategy: 'kubernetes',
    environment: 'stg',
    manifests: 'kustomize-branches/overlays/{environment}',
    kubeconfig: kube.kubeconfigPath,
    'rollout-timeout': timeout,
    record: 'false',
    token: '',
    image,
  };
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REPOSITORY: 'octo/app',
    RUNNER_TEMP: dir,
  };
  for (const [name, def] of Object.entries(meta.inputs ?? {})) {
    const value = inputs[name] ?? (String(def.default ?? '').includes('${{') ? '' : (def.default ?? ''));
    env[`INPUT_${name.toUpperCase()}`] = String(value);
  }
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'dist/deploy-env/index.js')], {
      env,
      cwd: join(root, 'test/fixtures/k8s'),
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const error = /::error::(.*)/.exec(out)?.[1]?.split('%0A') ?? [];
      const reason =
        error
          .join(' ')
          .match(
            /(ErrImagePull|ImagePullBackOff|CrashLoopBackOff|CreateContainerConfigError|exceeded quota|did not finish its rollout within [^:]+)/,
          )?.[1] ?? '';
      resolve({ code, ms: performance.now() - started, reason });
    });
  });
}

const rows = [];
const scenario = async (name, image, timeout, setup) => {
  setup?.();
  const r = await deploy(image, timeout);
  rows.push([
    name,
    r.code === 0 ? 'success' : 'failed',
    `${(r.ms / 1000).toFixed(2)} s`,
    timeout,
    r.reason || '—',
  ]);
  kube.setPodQuota('shop-stg', undefined);
};
await scenario('first deploy (healthy)', `${REPO}:1.0.0`, '5m');
await scenario('update (healthy)', `${REPO}:1.1.0`, '5m');
await scenario('unchanged redeploy', `${REPO}:1.1.0`, '5m');
await scenario('image cannot be pulled', `${REPO}:broken`, '5m');
await scenario('crash loop', `${REPO}:crash`, '5m');
await scenario('missing secret', `${REPO}:nosecret`, '5m');
await scenario('pod quota exceeded', `${REPO}:1.2.0`, '5m', () => kube.setPodQuota('shop-stg', 2));
await scenario('never ready (timeout)', `${REPO}:unready`, '10s');
await kube.close();

const head = ['scenario', 'result', 'verdict after', 'rollout-timeout', 'reason'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(
  `deploy-env kubernetes against the fake API server (pods change state every ${POD_MS} ms, poll 1 s)\n`,
);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
