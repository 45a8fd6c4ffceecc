/**
 * `npm run demo`: the whole promotion on this machine, with the committed step bundles.
 *
 * A real OCI registry, a real git config repository, real image builds with buildah, and the
 * built image really running (buildah run) as staging and production; Kubernetes and the GitHub
 * API are the test fakes (no cluster or GitHub can run here). Each stage runs one stagecraft
 * step through its CLI as a GitHub job would, prints what it did and how long it took, and the
 * demo ends with a summary table and the version production runs.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { startFakeGitHub } from '../test/fakes/github-api/server.js';
import { startFakeKube } from '../test/fakes/kube-apiserver/index.js';
import { parseOutputs } from '../test/helpers/cli.js';
import { createBareRepo } from '../test/helpers/git.js';
import { freePort, startRegistry } from '../test/helpers/registry.js';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist/cli/index.js');
const BUILDAH = ['--storage-driver', 'vfs'];
const PR_HEAD = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const SHORT = PR_HEAD.slice(0, 7);
const TOKEN = 'ghs_demoToken0000000000000000000000';
const MAX_LOG_LINES = 6;
const color = process.stdout.isTTY
  ? (code: number, t: string) => `\x1b[${code}m${t}\x1b[0m`
  : (_: number, t: string) => t;

interface StageResult {
  stage: string;
  ok: boolean;
  seconds: number;
  detail: string;
}
const results: StageResult[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

async function stage(title: string, fn: () => Promise<string>): Promise<void> {
  console.log(`\n${color(1, `▶ ${title}`)}`);
  const started = performance.now();
  let detail: string;
  let ok: boolean;
  try {
    detail = await fn();
    ok = true;
  } catch (err) {
    detail = (err as Error).message;
    ok = false;
  }
  const seconds = (performance.now() - started) / 1000;
  results.push({ stage: title, ok, seconds, detail });
  console.log(`  ${ok ? color(32, '✔') : color(31, '✘')} ${detail} ${color(2, `(${seconds.toFixed(1)}s)`)}`);
  if (!ok) throw new Error(`stage "${title}" failed: ${detail}`);
}

/** Runs `stagecraft <step>` as a GitHub job on pull request #1 would; returns its outputs. */
async function step(name: string, inputs: Record<string, string>, expectFailure = false) {
  const args = [CLI, name, ...Object.entries(inputs).flatMap(([k, v]) => [`--${k}`, v])];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...githubEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code: number = await new Promise((r) => child.on('close', (c) => r(c ?? 1)));
  // The step's own log, indented; its summary table is left out here (the demo prints its own).
  const log = (stderr.split('\n\n### ')[0] ?? '').split('\n').filter((l) => l && !l.startsWith('== '));
  // Long logs (an image build) are cut to their last lines; a CI log would fold them in a group.
  if (log.length > MAX_LOG_LINES) console.log(color(2, `    │ … ${log.length - MAX_LOG_LINES} more lines`));
  for (const line of log.slice(-MAX_LOG_LINES)) console.log(color(2, `    │ ${line}`));
  const outputs = parseOutputs(stdout);
  // The step's error (the diagnosis) follows its summary; show it.
  const at = stderr.search(/^error: /m);
  const error = at < 0 ? '' : stderr.slice(at + 7).trim();
  if (code !== 0 && error) {
    for (const line of error.split('\n').slice(0, 12)) console.log(color(33, `    │ ${line}`));
  }
  if ((code === 0) === expectFailure) {
    throw new Error(
      expectFailure
        ? `${name} passed but should have failed`
        : (stderr.split('error: ').pop()?.trim() ?? `${name} failed`),
    );
  }
  return outputs;
}

/** The built image, really running: pulled from the registry and started with buildah run. */
async function runImage(ref: string, port: number): Promise<() => Promise<void>> {
  const ctr = execFileSync('buildah', [...BUILDAH, 'from', '--quiet', '--tls-verify=false', ref], {
    encoding: 'utf8',
  }).trim();
  const proc: ChildProcess = spawn(
    'buildah',
    [
      ...BUILDAH,
      'run',
      '--isolation',
      'chroot',
      ctr,
      '--',
      'httpd',
      '-f',
      '-p',
      `127.0.0.1:${port}`,
      '-h',
      '/www',
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    proc.kill('SIGTERM');
    await new Promise((r) => (proc.exitCode === null ? proc.once('exit', r) : r(null)));
    execFileSync('buildah', [...BUILDAH, 'rm', ctr], { stdio: 'ignore' });
  };
  cleanups.push(stop);
  return stop;
}

/** What Argo CD does for the demo: run the image the environment's values file names. */
function valuesImage(env: string): string {
  const values = YAML.parse(config.read(`deploy/${env}/values.yaml`));
  return `${values.image.repository}@${values.image.digest}`;
}

let githubEnv: Record<string, string> = {};
let config: ReturnType<typeof createBareRepo>;

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'stagecraft-demo-'));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  let registryHost = '';
  let kubeconfig = '';
  let kube: Awaited<ReturnType<typeof startFakeKube>>;
  let gh: Awaited<ReturnType<typeof startFakeGitHub>>;
  const pushed = new Set<string>();

  await stage(
    'Start a registry, a config repository, a Kubernetes API and a GitHub API on loopback',
    async () => {
      const registry = await startRegistry();
      cleanups.push(() => registry.stop());
      registryHost = registry.host;
      const values = (env: string) =>
        `# ${env} values, synced by Argo CD\nimage:\n  repository: ${registryHost}/shop\n  digest: sha256:${'0'.repeat(64)}\nreplicas: 2\n`;
      config = createBareRepo({
        'deploy/staging/values.yaml': values('staging'),
        'deploy/production/values.yaml': values('production'),
      });
      cleanups.push(() => config.cleanup());
      kube = await startFakeKube({ namespaces: ['staging'], podStartMs: 100 });
      cleanups.push(() => kube.close());
      kubeconfig = kube.kubeconfigPath;
      // The fake kubelet pulls only what was really pushed; anything else is ErrImagePull.
      kube.setBehaviour((image) => (pushed.has(image) ? 'ok' : 'pull-error'));
      gh = await startFakeGitHub({ token: TOKEN, repository: 'acme/shop' });
      cleanups.push(() => gh.close());
      gh.store.addPull({ number: 1, headSha: PR_HEAD, title: 'Add the shop service' });
      githubEnv = {
        GITHUB_ACTIONS: 'true',
        GITHUB_SHA: PR_HEAD,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_API_URL: gh.url,
        GITHUB_SERVER_URL: 'https://github.example',
        GITHUB_RUN_ID: '1',
        GITHUB_TOKEN: TOKEN,
        RUNNER_TEMP: work,
      };
      return `registry ${registryHost}, config repo ${config.url}, kube ${kube.url}, GitHub API ${gh.url}`;
    },
  );

  let imageRef = '';
  let digest = '';
  await stage('Build the shop image once (its test stage runs first) and push it', async () => {
    const out = await step('build-push-image', {
      image: `${registryHost}/shop`,
      context: join(ROOT, 'demo/app'),
      'test-target': 'test',
      'build-args': `VERSION=${SHORT}`,
      'tls-verify': 'false',
    });
    imageRef = out['image-ref'] as string;
    digest = out.digest as string;
    for (const tag of (out.tags ?? '').replace(/^"|"$/g, '').split(/\\n|\n/)) pushed.add(tag);
    pushed.add(imageRef);
    return `${imageRef} (tags: ${[...pushed]
      .filter((t) => !t.includes('@'))
      .map((t) => t.split(':').pop())
      .join(', ')})`;
  });

  let stagingUrl = '';
  await stage('Deploy to staging by GitOps (commit the digest to the config repository)', async () => {
    const out = await step('deploy-env', {
      strategy: 'gitops',
      environment: 'staging',
      image: imageRef,
      repository: config.url,
      key: 'image.digest',
      value: 'digest',
    });
    const port = await freePort();
    await runImage(valuesImage('staging'), port);
    stagingUrl = `http://127.0.0.1:${port}`;
    return `commit ${out.revision?.slice(0, 7)}; Argo CD (stand-in) runs ${valuesImage('staging').split('/').pop()} at ${stagingUrl}`;
  });

  await stage('Deploy to staging on Kubernetes (server-side apply, wait for the rollout)', async () => {
    const out = await step('deploy-env', {
      strategy: 'kubernetes',
      environment: 'staging',
      image: imageRef,
      manifests: join(ROOT, 'demo/k8s/shop.yaml'),
      namespace: 'staging',
      containers: 'shop',
      kubeconfig,
      'rollout-timeout': '30s',
    });
    return `deployment/shop revision ${out.revision} runs ${out.image}`;
  });

  await stage('Smoke-test staging', async () => {
    const out = await step('smoke-test', {
      url: stagingUrl,
      checks: `GET /health 200 json:Status=Success\nGET /version 200 json:version=${SHORT}\nGET /ping 200 contains:pong`,
      retries: '20',
      'retry-delay': '250ms',
    });
    return `all checks passed in ${out['duration-ms']} ms`;
  });

  await stage('Open the merge gate (commit status stagecraft/staging on the PR head)', async () => {
    const out = await step('gate-merge', { state: 'success', description: `verified on staging: ${SHORT}` });
    return `stagecraft/staging = ${out.state} on ${out.sha?.slice(0, 7)}`;
  });

  let productionRef = '';
  await stage('Promote the tested digest to production (no rebuild)', async () => {
    const out = await step('build-push-image', {
      image: `${registryHost}/shop`,
      'promote-from': imageRef,
      tags: 'production',
      'tls-verify': 'false',
    });
    if (out.digest !== digest) throw new Error(`digest changed: ${out.digest} != ${digest}`);
    productionRef = out['image-ref'] as string;
    pushed.add(`${registryHost}/shop:production`);
    return `${registryHost}/shop:production → ${digest.slice(0, 19)}… (same digest as staging)`;
  });

  let productionUrl = '';
  await stage('Deploy to production by GitOps and smoke-test it', async () => {
    await step('deploy-env', {
      strategy: 'gitops',
      environment: 'production',
      image: productionRef,
      repository: config.url,
      key: 'image.digest',
      value: 'digest',
    });
    const port = await freePort();
    await runImage(valuesImage('production'), port);
    productionUrl = `http://127.0.0.1:${port}`;
    await step('smoke-test', {
      url: productionUrl,
      checks: `GET /version 200 json:version=${SHORT}`,
      retries: '20',
      'retry-delay': '250ms',
    });
    return `production runs ${SHORT} at ${productionUrl}`;
  });

  await stage('Break a staging deploy on purpose (an image that was never pushed)', async () => {
    await step(
      'deploy-env',
      {
        strategy: 'kubernetes',
        environment: 'staging',
        image: `${registryHost}/shop:does-not-exist`,
        manifests: join(ROOT, 'demo/k8s/shop.yaml'),
        namespace: 'staging',
        containers: 'shop',
        kubeconfig,
        'rollout-timeout': '5m',
      },
      true,
    );
    return 'deploy-env failed fast with the pod, container and reason (rollout-timeout was 5m)';
  });

  await stage('Roll staging back to the version before', async () => {
    const out = await step('rollback', {
      strategy: 'kubernetes',
      environment: 'staging',
      manifests: join(ROOT, 'demo/k8s/shop.yaml'),
      namespace: 'staging',
      containers: 'shop',
      kubeconfig,
      reason: 'demo: broken deploy',
    });
    return `from ${out.from?.split('/').pop()} to ${out.to?.split('/').pop()} (revision ${out.revision})`;
  });

  await stage('Tell the pull request', async () => {
    const out = await step('notify-pr', {
      environment: 'production',
      image: productionRef,
      url: productionUrl,
      pr: '1',
    });
    const comment = gh.store.comments.at(-1)?.body ?? '';
    for (const line of comment.split('\n').filter(Boolean)) console.log(color(36, `    ┃ ${line}`));
    return `comment ${out['comment-ids']} on PR #${out['pr-numbers']}`;
  });

  const version = await (await fetch(`${productionUrl}/version`)).json();
  console.log(`\n${color(1, 'Summary')}`);
  console.table(
    results.map((r) => ({
      stage: r.stage,
      result: r.ok ? 'ok' : 'FAILED',
      seconds: Number(r.seconds.toFixed(1)),
    })),
  );
  console.log(color(1, `Production runs version ${(version as { version: string }).version} (${digest}).`));
}

async function cleanup() {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch {
      // best effort: a demo that failed half-way still cleans up what it started
    }
  }
}

try {
  await main();
  await cleanup();
} catch (err) {
  console.error(color(31, `\ndemo failed: ${(err as Error).message}`));
  await cleanup();
  process.exitCode = 1;
}
