/**
 * The built bundles on every Node the package supports: `engines` says >=20, the actions run on
 * node24, and the CLI and the root composite action run whatever `node` the runner or job image
 * has. Every step, the CLI and the lazily loaded Kubernetes and ECS chunks run here on Node 20,
 * 22 and 24 from .tools (scripts/setup.sh), as the runner runs them (test/helpers/runner.ts),
 * against the same real servers and fakes as their own suites. Each case runs the three Node
 * versions at once — each with its own repository, namespace, service, commit and pull request —
 * and a failure names the version. (Imports of every file in dist/ on each version are checked
 * by scripts/check-node-floor.mjs, run in the first case.)
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { RegistryClient } from '../../src/core/registry/client.js';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { parseOutputs, runCli } from '../helpers/cli.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';
import { helmBinary } from '../helpers/helm.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { type PushedImage, pushRandomImage } from '../helpers/images.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import {
  type ActionRun,
  NODE_VERSIONS,
  type NodeVersion,
  nodeBinary,
  ROOT,
  type RunOptions,
  runAction,
} from '../helpers/runner.js';
import { type SlackReceiver, startSlackReceiver } from '../helpers/slack.js';

// Three Node processes per case on a small machine; terraform init/apply alone take seconds.
jest.setTimeout(120_000);

const TOKEN = 'ghs_nodeFloorTOKEN0123456789ab';
const REPO = 'registry.example.com/team/app';
/** The repository test/fixtures/k8s/manual-k8s/app.yaml runs. */
const APP = 'registry.example.com/caspar/app';
/** A commit per version (40 hex digits), so statuses and pull requests do not mix. */
const shaOf = (node: NodeVersion) => String(node).repeat(20);
const namespace = (node: NodeVersion) => `node${node}`;

/** Runs `fn` on every Node version at once; fails naming each version that failed and why. */
async function onEveryNode(fn: (node: NodeVersion) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(NODE_VERSIONS.map(fn));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`Node ${NODE_VERSIONS[i]}: ${(r.reason as Error)?.message ?? r.reason}`] : [],
  );
  if (failed.length) throw new Error(failed.join('\n\n'));
}

/**
 * Runs a step's bundle (on `options.node`) and fails unless it exits 0 with no `::error::`; a run
 * that does not exit within 45 s is killed. The failure shows the end of its logs.
 */
async function runOk(step: string, options: RunOptions & { node: NodeVersion }): Promise<ActionRun> {
  const run = await runAction(step, { timeoutMs: 45_000, ...options });
  if (run.code !== 0 || run.errors.length > 0) {
    const how = run.code === -1 ? 'was killed: it did not exit within 45 s' : `exited ${run.code}`;
    throw new Error(
      `${step} on Node ${options.node} ${how}\n${run.errors.join('\n')}\n--- stdout (end)\n${run.stdout.slice(-1500)}\n--- stderr (end)\n${run.stderr.slice(-1500)}`,
    );
  }
  return run;
}

let source: TestRegistry;
let target: TestRegistry;
let image: PushedImage;
let app: TestServer;
let gh: FakeGitHub;
let slack: SlackReceiver;
let kube: FakeKube;
let ecs: FakeEcs;
const repos = new Map<NodeVersion, BareRepo>();
const terraformDirs = new Map<NodeVersion, string>();
const flaps = new Map<string, number>();

const VALUES = (tag: string) =>
  `# Argo CD syncs this\nimage:\n  repository: ${REPO}\n  tag: "${tag}" # CI writes here\n`;

beforeAll(async () => {
  [source, target, app, gh, slack, kube, ecs] = await Promise.all([
    startRegistry(),
    startRegistry(),
    // /flap/<key> fails its first request, then answers: the smoke test must retry.
    startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/health') return json(res, 200, { status: 'ok', node: req.headers['user-agent'] ?? '' });
      if (path.startsWith('/flap/')) {
        const seen = (flaps.get(path) ?? 0) + 1;
        flaps.set(path, seen);
        return seen === 1 ? json(res, 503, { ok: false }) : json(res, 200, { ok: true });
      }
      json(res, 404, {});
    }),
    startFakeGitHub({ token: TOKEN }),
    startSlackReceiver(),
    startFakeKube({
      namespaces: NODE_VERSIONS.flatMap((n) => [namespace(n), `cli-${namespace(n)}`]),
      podStartMs: 80,
    }),
    startFakeEcs({ region: 'eu-central-1', tickMs: 10 }),
  ]);
  image = await pushRandomImage(
    new RegistryClient({ registry: source.host, insecure: true }),
    'team/app',
    'build-1',
    { layers: 2, layerSize: 200_000 },
  );
  for (const node of NODE_VERSIONS) {
    gh.store.addPull({
      number: node,
      headSha: `${'f'.repeat(38)}${node}`,
      merged: true,
      mergeCommitSha: shaOf(node),
    });
    repos.set(node, createBareRepo({ [`deploy/${namespace(node)}/values.yaml`]: VALUES('1.0.0') }));
    const dir = mkdtempSync(join(tmpdir(), `node-floor-tf-${node}-`));
    cpSync(join(ROOT, 'test/fixtures/terraform'), dir, { recursive: true });
    terraformDirs.set(node, dir);
    ecs.register({ family: `web-${node}`, containerDefinitions: [{ name: 'web', image: `${REPO}:1` }] });
    await ecs.createService({
      cluster: 'staging',
      serviceName: `web-${node}`,
      taskDefinition: `web-${node}:1`,
    });
  }
});

afterAll(async () => {
  await Promise.all([
    source?.stop(),
    target?.stop(),
    app?.close(),
    gh?.close(),
    slack?.close(),
    kube?.close(),
    ecs?.close(),
  ]);
  for (const repo of repos.values()) repo.cleanup();
  for (const dir of terraformDirs.values()) rmSync(dir, { recursive: true, force: true });
  expect(gh?.violations).toEqual([]);
  expect(ecs?.violations).toEqual([]);
});

describe('every bundle on Node 20, 22 and 24', () => {
  it('every dist/*/index.js and every lazily loaded chunk loads on each Node (scripts/check-node-floor.mjs)', async () => {
    const steps = readdirSync(join(ROOT, 'dist')).filter((s) =>
      existsSync(join(ROOT, 'dist', s, 'index.js')),
    );
    const chunks = steps.flatMap((s) =>
      existsSync(join(ROOT, 'dist', s, 'chunks'))
        ? readdirSync(join(ROOT, 'dist', s, 'chunks')).filter((f) => f.endsWith('.js'))
        : [],
    );
    expect(chunks.filter((c) => c.startsWith('kubernetes-'))).toHaveLength(4); // deploy-env, rollback, stop-env, cli
    const { stdout } = await promisify(execFile)(nodeBinary(), [join(ROOT, 'scripts/check-node-floor.mjs')], {
      cwd: ROOT,
    });
    expect(stdout.trim()).toBe(
      `${steps.length} bundles and ${chunks.length} chunks load on Node ${NODE_VERSIONS.join(', ')} (${NODE_VERSIONS.length * (steps.length + chunks.length)} imports)`,
    );
  });

  it('build-push-image promotes the tested digest to another registry (promote-from)', async () => {
    await onEveryNode(async (node) => {
      const repo = `${target.host}/prod/app-${node}`;
      const run = await runOk('build-push-image', {
        node,
        inputs: {
          image: repo,
          'promote-from': `${source.host}/team/app@${image.digest}`,
          tags: 'v1.0.0',
          'tls-verify': 'false',
        },
      });
      expect(run.outputs).toMatchObject({ digest: image.digest, tags: `${repo}:v1.0.0` });
      const res = await fetch(`${target.url}/v2/prod/app-${node}/manifests/v1.0.0`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(res.headers.get('docker-content-digest')).toBe(image.digest);
    });
  });

  it('smoke-test checks a live service, retrying a failing endpoint', async () => {
    await onEveryNode(async (node) => {
      const run = await runOk('smoke-test', {
        node,
        inputs: {
          url: app.url,
          checks: `GET /health 200 json:status=ok\nGET /flap/${node} 200 json:ok=true`,
          retries: '3',
          'retry-delay': '50ms',
          timeout: '2s',
        },
      });
      expect(run.outputs.passed).toBe('true');
      const report = JSON.parse(run.outputs.report as string) as Array<{ ok: boolean; attempts: number }>;
      expect(report.map((r) => [r.ok, r.attempts])).toEqual([
        [true, 1],
        [true, 2],
      ]);
    });
  });

  it('gate-merge sets a commit status, then requires it', async () => {
    await onEveryNode(async (node) => {
      const context = `stagecraft/${namespace(node)}`;
      const env = { GITHUB_API_URL: gh.url, GITHUB_SHA: shaOf(node), STAGECRAFT_RETRY_BASE_MS: '20' };
      const set = await runOk('gate-merge', { node, env, inputs: { token: TOKEN, context } });
      expect(set.outputs).toMatchObject({ state: 'success', sha: shaOf(node) });
      expect(gh.store.statuses.filter((s) => s.sha === shaOf(node)).map((s) => [s.context, s.state])).toEqual(
        [[context, 'success']],
      );
      const required = await runOk('gate-merge', {
        node,
        env,
        inputs: { token: TOKEN, mode: 'require', contexts: context, timeout: '5s' },
      });
      expect(required.outputs).toMatchObject({ state: 'success', sha: shaOf(node) });
    });
  });

  it('notify-pr comments on the merged pull request of the commit and posts to Slack', async () => {
    await onEveryNode(async (node) => {
      const run = await runOk('notify-pr', {
        node,
        env: { GITHUB_API_URL: gh.url, GITHUB_SHA: shaOf(node), STAGECRAFT_RETRY_BASE_MS: '20' },
        inputs: {
          token: TOKEN,
          environment: namespace(node),
          image: `${REPO}:2`,
          'slack-webhook-url': slack.webhook,
        },
      });
      expect(run.outputs['pr-numbers']).toBe(String(node));
      expect(gh.store.commentsOf(node).map((c) => c.body)).toEqual([
        expect.stringContaining(`\`${REPO}:2\``),
      ]);
      expect(slack.payloads.filter((p) => JSON.stringify(p).includes(namespace(node)))).toHaveLength(1);
    });
  });

  it('deploy-env gitops writes the image into the config repository; rollback returns to the previous one', async () => {
    await onEveryNode(async (node) => {
      const repo = repos.get(node) as BareRepo;
      const file = `deploy/${namespace(node)}/values.yaml`;
      const common = { strategy: 'gitops', environment: namespace(node), repository: repo.url, token: '' };
      const deploy = await runOk('deploy-env', { node, inputs: { ...common, image: `${REPO}:2.0.0` } });
      expect(deploy.outputs).toMatchObject({ 'previous-image': `${REPO}:1.0.0`, revision: repo.head() });
      expect(repo.read(file)).toBe(VALUES('2.0.0'));
      const back = await runOk('rollback', {
        node,
        inputs: { ...common, image: `${REPO}:any`, reason: `node ${node}` },
      });
      expect(back.outputs).toMatchObject({
        from: `${REPO}:2.0.0`,
        to: `${REPO}:1.0.0`,
        revision: repo.head(),
      });
      expect(repo.read(file)).toBe(VALUES('1.0.0'));
    });
  });

  it('deploy-env kubernetes (the Kubernetes chunk) applies globbed manifests and waits for the rollout; rollback undoes it', async () => {
    await onEveryNode(async (node) => {
      const common = {
        strategy: 'kubernetes',
        environment: 'staging',
        namespace: namespace(node),
        // A glob: fs/promises.glob on Node 22+, the shim in scripts/shims/fs-promises.ts on Node 20.
        manifests: 'manual-k8s/app.y*ml',
        kubeconfig: kube.kubeconfigPath,
        'rollout-timeout': '1m',
        token: '',
      };
      const cwd = join(ROOT, 'test/fixtures/k8s');
      const first = await runOk('deploy-env', {
        node,
        cwd,
        inputs: { ...common, image: `${APP}:2`, record: 'false' },
      });
      expect(first.outputs).toMatchObject({ image: `${APP}:2`, revision: '1' });
      const second = await runOk('deploy-env', {
        node,
        cwd,
        inputs: { ...common, image: `${APP}:3`, record: 'false' },
      });
      expect(second.outputs).toMatchObject({ 'previous-image': `${APP}:2`, revision: '2' });
      const back = await runOk('rollback', { node, cwd, inputs: common });
      expect(back.outputs).toMatchObject({ from: `${APP}:3`, to: `${APP}:2` });
      const deployment = kube.get('Deployment', namespace(node), 'caspar-app') as {
        spec: { template: { spec: { containers: Array<{ image: string }> } } };
      };
      expect(deployment.spec.template.spec.containers.map((c) => c.image)).toEqual([`${APP}:2`]);
      expect(kube.get('Service', namespace(node), 'caspar-app')).toBeDefined();
    });
  });

  it('deploy-env helm (real Helm 4 from PATH, the Kubernetes chunk for its wait) upgrades a release; rollback returns it', async () => {
    await onEveryNode(async (node) => {
      const common = {
        strategy: 'helm',
        environment: 'staging',
        chart: 'test/fixtures/helm/web',
        release: 'web-{environment}',
        // Created by helm (--create-namespace).
        namespace: `helm-${namespace(node)}`,
        kubeconfig: kube.kubeconfigPath,
        'rollout-timeout': '1m',
        token: '',
      };
      const env = {
        PATH: `${dirname(helmBinary(4))}:${process.env.PATH}`,
        HOME: mkdtempSync(join(tmpdir(), 'helm-home-')),
      };
      try {
        const first = await runOk('deploy-env', {
          node,
          cwd: ROOT,
          env,
          inputs: { ...common, image: `${APP}:2`, record: 'false' },
        });
        expect(first.outputs).toMatchObject({ image: `${APP}:2`, revision: '1', 'rollout-state': 'healthy' });
        const second = await runOk('deploy-env', {
          node,
          cwd: ROOT,
          env,
          inputs: { ...common, image: `${APP}:3`, record: 'false' },
        });
        expect(second.outputs).toMatchObject({ 'previous-image': `${APP}:2`, revision: '2' });
        const back = await runOk('rollback', { node, cwd: ROOT, env, inputs: common });
        expect(back.outputs).toMatchObject({ from: `${APP}:3`, to: `${APP}:2`, revision: '3' });
      } finally {
        rmSync(env.HOME, { recursive: true, force: true });
      }
    });
  });

  it('deploy-env ecs (the ECS chunk) registers a task definition and rolls the service; rollback returns to the previous one', async () => {
    await onEveryNode(async (node) => {
      const env = {
        AWS_ACCESS_KEY_ID: 'AKIANODEFLOOR0000001',
        AWS_SECRET_ACCESS_KEY: 'node/Floor+Secret000000000000000000000',
        AWS_REGION: 'eu-central-1',
        STAGECRAFT_ECS_POLL_MS: '50',
      };
      const common = {
        strategy: 'ecs',
        environment: 'staging',
        cluster: 'staging',
        service: `web-${node}`,
        'endpoint-url': ecs.url,
      };
      const deploy = await runOk('deploy-env', {
        node,
        env,
        inputs: { ...common, image: `${REPO}:2`, record: 'false' },
      });
      expect(deploy.outputs).toMatchObject({
        'previous-image': `${REPO}:1`,
        'task-definition-arn': expect.stringMatching(new RegExp(`task-definition/web-${node}:2$`)),
        'rollout-state': 'COMPLETED',
      });
      const back = await runOk('rollback', { node, env, inputs: common });
      expect(back.outputs).toMatchObject({ from: `${REPO}:2`, to: `${REPO}:1` });
      expect(ecs.service(`web-${node}`, 'staging').taskDefinition).toMatch(new RegExp(`web-${node}:1$`));
    });
  });

  it('deploy-env terraform plans and applies the image with the real terraform CLI', async () => {
    await onEveryNode(async (node) => {
      const dir = terraformDirs.get(node) as string;
      const run = await runOk('deploy-env', {
        node,
        inputs: {
          strategy: 'terraform',
          environment: 'staging',
          'working-directory': dir,
          'var-file': '{environment}.tfvars',
          image: `${REPO}:${node}`,
          token: '',
        },
      });
      expect(run.outputs).toMatchObject({ image: `${REPO}:${node}`, 'previous-image': '' });
      const applied = execFileSync('terraform', ['output', '-raw', 'image'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, TF_IN_AUTOMATION: '1' },
      });
      expect(applied).toBe(`${REPO}:${node}`);
    });
  });

  it('the CLI prints its version and deploys to Kubernetes (the CLI bundle and its own Kubernetes chunk)', async () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    await onEveryNode(async (node) => {
      const printed = await runCli(['--version'], {}, ROOT, node);
      expect(printed.code).toBe(0);
      expect(printed.stdout.trim()).toBe(version);
      const ns = `cli-${namespace(node)}`;
      const deploy = await runCli(
        [
          'deploy-env',
          '--strategy',
          'kubernetes',
          '--environment',
          'staging',
          '--namespace',
          ns,
          '--manifests',
          'manual-k8s/app.yaml',
          '--kubeconfig',
          kube.kubeconfigPath,
          '--image',
          `${APP}:${node}`,
          '--record',
          'false',
        ],
        {},
        join(ROOT, 'test/fixtures/k8s'),
        node,
      );
      expect({ code: deploy.code, stderr: deploy.stderr }).toMatchObject({ code: 0 });
      expect(parseOutputs(deploy.stdout)).toMatchObject({ image: `${APP}:${node}`, revision: '1' });
      const deployment = kube.get('Deployment', ns, 'caspar-app') as {
        spec: { template: { spec: { containers: Array<{ image: string }> } } };
      };
      expect(deployment.spec.template.spec.containers[0]?.image).toBe(`${APP}:${node}`);
    });
  });
});
