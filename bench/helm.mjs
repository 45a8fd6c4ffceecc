#!/usr/bin/env node
// Time to verdict of a Helm release upgrade: deploy-env (strategy helm, the built
// dist/deploy-env bundle run as the runner runs it, helm from PATH) beside what users otherwise
// script, `helm upgrade --install --wait`, with real Helm against the same fake API server in one
// run. Scenarios: a healthy upgrade (helm `--wait`, its default 5m timeout) and an image that
// cannot be pulled (helm `--wait --timeout 2m`, which sits out its timeout). Each run starts from
// 4 ready replicas of the previous image, installed by the same tool. Pods of the fake change
// state every POD_MS. "after first new pod": from the first pod of the new image appearing to the
// verdict. deploy-env's broken verdict includes its atomic rollback.
// Usage: node bench/helm.mjs   (after `npm run build` and scripts/setup.sh; BENCH_HELM=3 for Helm 3)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import YAML from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const POD_MS = 500;
const MAJOR = process.env.BENCH_HELM ?? '4';
const HELM_DIR = join(root, `.tools/helm${MAJOR}`);
if (!existsSync(join(HELM_DIR, 'helm'))) throw new Error(`no ${HELM_DIR}/helm: run bash scripts/setup.sh`);
const CHART = join(root, 'test/fixtures/helm/web');
const REPO = 'registry.example.com/team/web';
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
const kube = await startFakeKube({ namespaces: ['default', 'step', 'helm'], podStartMs: POD_MS });
const dir = mkdtempSync(join(tmpdir(), 'bench-helm-'));
const meta = YAML.parse(readFileSync(join(root, 'actions/deploy-env/action.yml'), 'utf8'));
const env = { PATH: `${HELM_DIR}:${process.env.PATH}`, HOME: dir };

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

async function deployEnv(image) {
  const work = mkdtempSync(join(dir, 'step-'));
  for (const f of ['output', 'summary']) writeFileSync(join(work, f), '');
  const inputs = {
    strategy: 'helm',
    environment: 'stg',
    chart: CHART,
    release: 'web',
    namespace: 'step',
    set: 'replicas=4',
    kubeconfig: kube.kubeconfigPath,
    record: 'false',
    token: '',
    image,
  };
  const stepEnv = {
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REPOSITORY: 'octo/app',
    RUNNER_TEMP: work,
  };
  for (const [name, def] of Object.entries(meta.inputs ?? {})) {
    const value = inputs[name] ?? (String(def.default ?? '').includes('${{') ? '' : (def.default ?? ''));
    stepEnv[`INPUT_${name.toUpperCase()}`] = String(value);
  }
  const { code, out } = await run(process.execPath, [join(root, 'dist/deploy-env/index.js')], {
    env: stepEnv,
    cwd: work,
  });
  const error = /::error::(.*)/.exec(out)?.[1]?.split('%0A').join(' ') ?? '';
  const reason =
    error.match(/(ImagePullBackOff|ErrImagePull|did not finish its rollout within [^:]+)/)?.[1] ?? '';
  const rolledBack = /Rolled back \(atomic\)/.test(error) ? ', rolled back' : '';
  return { code, reason: code === 0 ? 'rolled out' : `${reason || error.slice(0, 60)}${rolledBack}` };
}

/** What users script without the pack. */
async function helmWait(image, timeout) {
  const [repository, tag] = [image.slice(0, image.lastIndexOf(':')), image.slice(image.lastIndexOf(':') + 1)];
  const args = ['upgrade', '--install', 'web', CHART, '-n', 'helm', '--kubeconfig', kube.kubeconfigPath];
  args.push(
    '--set',
    'replicas=4',
    '--set-string',
    `image.repository=${repository}`,
    '--set-string',
    `image.tag=${tag}`,
  );
  args.push('--wait', ...(timeout ? ['--timeout', timeout] : []));
  const r = await run('helm', args, { env });
  return { code: r.code, reason: r.code === 0 ? 'rolled out' : r.out.trim().split('\n').at(-1).slice(0, 70) };
}

const tools = {
  'deploy-env (helm)': { fn: (image) => deployEnv(image), ns: 'step' },
  'helm upgrade --wait': { fn: (image, broken) => helmWait(image, broken ? '2m' : undefined), ns: 'helm' },
};

/** Back to 4 ready replicas of the previous image, installed by the tool itself (not timed). */
async function reset(tool) {
  const { fn, ns } = tools[tool];
  await run('helm', ['uninstall', 'web', '-n', ns, '--kubeconfig', kube.kubeconfigPath], { env });
  await kube.waitFor(() => kube.list('Pod', ns).length === 0 && !kube.get('Deployment', ns, 'web'), 30_000);
  const r = await fn(`${REPO}:1.0.0`, false);
  if (r.code !== 0) throw new Error(`${tool}: the previous image did not roll out: ${r.reason}`);
}

const rows = [];
for (const [scenario, tag] of [
  ['healthy upgrade', '1.1.0'],
  ['ImagePullBackOff', 'broken'],
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
    const r = await fn(image, tag === 'broken');
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

const version = (await run(join(HELM_DIR, 'helm'), ['version', '--short'], { env })).out.trim();
const head = ['scenario', 'tool', 'result', 'verdict after', 'after first new pod', 'verdict'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(
  `Helm ${version} release upgrade, 4 replicas, against the fake API server (pods change state every ${POD_MS} ms)\n`,
);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
