/**
 * The three GitHub examples (examples/github/, setups 1, 4 and 5 of SETUPS.md) run job by job as
 * the runner would (test/helpers/workflow.ts): each job's `if:`, `${{ }}` expressions from a
 * fixture context, stagecraft's steps from this work tree's committed bundles. Against real
 * things where they exist on one machine — buildah builds pushed to a real registry, git remotes
 * over smart HTTP — and the fakes elsewhere (GitHub API, Kubernetes API, ECS). The environment
 * URLs are small HTTP servers that serve the `www/` files of the image the environment runs now
 * (read from the registry), so a smoke test passes only if the deploy really put that image in
 * place.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import YAML from 'yaml';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';
import { GitStore } from '../fakes/git-store.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type GitopsStandIn, startGitopsStandIn } from '../fakes/gitops-controller.js';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { exampleFiles } from '../helpers/examples.js';
import { interpolate } from '../helpers/expressions.js';
import {
  type BareRepo,
  commitAt,
  createBareRepo,
  type GitHttpServer,
  git,
  startGitHttpServer,
} from '../helpers/git.js';
import { helmBinary } from '../helpers/helm.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT } from '../helpers/runner.js';
import { type SlackReceiver, startSlackReceiver } from '../helpers/slack.js';
import { type JobRun, jobCondition, runJob, type WorkflowContext } from '../helpers/workflow.js';

jest.setTimeout(180_000);

const TOKEN = 'ghs_examplesGitHubToken0123456789';
const AWS = {
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLES00000001',
  AWS_SECRET_ACCESS_KEY: 'examples/Secret+Key000000000000000000',
};

let registry: TestRegistry;
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  execFileSync('bash', [join(ROOT, 'scripts/seed-busybox.sh')]);
  registry = await startRegistry();
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await registry?.stop();
});

// ───────────────────────────── helpers ─────────────────────────────

function workflowOf(example: string): string {
  const dir = join(ROOT, 'examples/github', example, '.github/workflows');
  return join(dir, `${example}.yml`);
}

/** A copy of the example directory: the checked-out repository. */
function copyOf(example: string): string {
  const dir = mkdtempSync(join(tmpdir(), `example-${example}-`));
  cpSync(join(ROOT, 'examples/github', example), dir, { recursive: true });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function hex(seed: string): string {
  return seed.repeat(40).slice(0, 40);
}

/** The fake GitHub API (OpenAPI-validated) for one repository. */
async function fakeGitHub(repository: string): Promise<FakeGitHub> {
  const gh = await startFakeGitHub({ token: TOKEN, repository });
  cleanups.push(() => gh.close());
  return gh;
}

/** The `github` context every event shares; the test adds sha, ref, event_name and event. */
function githubContext(
  gh: FakeGitHub,
  repository: string,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    repository,
    api_url: gh.url,
    server_url: 'https://github.com',
    token: TOKEN,
    run_id: '4242',
    actor: 'octocat',
    ...extra,
  };
}

/** A job that must succeed: otherwise the test fails with every step's log. */
function expectSuccess(run: JobRun): JobRun {
  if (run.outcome !== 'success') {
    const logs = run.steps.map((s) => `── ${s.id} (${s.name}): ${s.outcome}\n${s.log}`).join('\n');
    throw new Error(`job failed:\n${logs}`);
  }
  return run;
}

function outcomes(run: JobRun): Array<[string, string]> {
  return run.steps.map((s) => [s.name, s.outcome]);
}

async function tagsOf(repository: string): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/${repository}/tags/list`);
  if (res.status === 404) return [];
  return ((await res.json()) as { tags?: string[] }).tags ?? [];
}

function skopeoDigest(ref: string): string {
  const out = execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`], {
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { Digest: string }).Digest;
}

const MANIFESTS = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** Image digest → directory holding its unpacked layers. */
const unpacked = new Map<string, string>();

/**
 * The file system of an image in the test registry (`host/repo:tag` or `host/repo@sha256:…`),
 * unpacked from its layers; undefined when the reference is not in the registry.
 */
async function imageRoot(ref: string): Promise<string | undefined> {
  const at = ref.indexOf('@');
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  // `repo:tag@sha256:…` (a Helm chart's `repository:tag` with a pinned tag): the digest decides.
  const pinned = at >= 0 ? ref.slice(0, at) : '';
  const [repoPart, reference] =
    at >= 0
      ? [
          pinned.lastIndexOf(':') > slash ? pinned.slice(0, pinned.lastIndexOf(':')) : pinned,
          ref.slice(at + 1),
        ]
      : colon > slash
        ? [ref.slice(0, colon), ref.slice(colon + 1)]
        : [ref, 'latest'];
  if (!repoPart.startsWith(`${registry.host}/`)) return undefined;
  const name = repoPart.slice(registry.host.length + 1);
  const get = (what: string, digest: string) =>
    fetch(`${registry.url}/v2/${name}/${what}/${digest}`, { headers: { accept: MANIFESTS } });
  let res = await get('manifests', reference);
  if (!res.ok) return undefined;
  let manifest = (await res.json()) as {
    manifests?: Array<{ digest: string }>;
    layers?: Array<{ digest: string }>;
  };
  if (manifest.manifests?.[0]) {
    res = await get('manifests', manifest.manifests[0].digest);
    manifest = (await res.json()) as typeof manifest;
  }
  const digest = res.headers.get('docker-content-digest') ?? reference;
  const known = unpacked.get(digest);
  if (known) return known;
  const dir = mkdtempSync(join(tmpdir(), 'image-root-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const layer of manifest.layers ?? []) {
    const file = join(dir, '.layer');
    writeFileSync(file, Buffer.from(await (await get('blobs', layer.digest)).arrayBuffer()));
    execFileSync('tar', ['-xf', file, '-C', dir, '--no-same-owner', '--exclude=dev/*'], { stdio: 'ignore' });
    rmSync(file);
  }
  unpacked.set(digest, dir);
  return dir;
}

/**
 * An environment URL: serves the `www/` files of the image `current()` says is running (what
 * busybox httpd in that image would serve), 503 while it runs nothing the registry holds.
 */
async function environmentServer(current: () => string | undefined): Promise<TestServer> {
  const server = await startServer((req, res) => {
    (async () => {
      const image = current();
      const root = image ? await imageRoot(image) : undefined;
      if (!root) return json(res, 503, { Status: 'Failure', image: image ?? null });
      const name = /^\/([\w.-]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
      const file = name ? join(root, 'www', name) : '';
      if (!file || !existsSync(file)) return json(res, 404, { error: 'not found' });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(readFileSync(file));
    })().catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  cleanups.push(() => server.close());
  return server;
}

async function getJson(url: string): Promise<unknown> {
  return (await fetch(url)).json();
}

// ───────────────────────────── setup 1: manual-k8s ─────────────────────────────

describe('examples/github/manual-k8s (workflow_dispatch)', () => {
  const file = workflowOf('manual-k8s');
  let gh: FakeGitHub;
  let kube: FakeKube;
  let app: TestServer;
  let image: string;
  let workspace: string;

  interface Deployment {
    spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ image?: string }> } } };
    status?: { readyReplicas?: number };
  }
  const deployment = () => kube.get('Deployment', 'caspar', 'caspar-app') as Deployment | undefined;
  const runningImage = () => deployment()?.spec?.template?.spec?.containers?.[0]?.image;

  beforeAll(async () => {
    gh = await fakeGitHub('acme/caspar');
    kube = await startFakeKube({ namespaces: ['default', 'caspar'], podStartMs: 20, tickMs: 10 });
    cleanups.push(() => kube.close());
    app = await environmentServer(runningImage);
    image = `${registry.host}/caspar-app`;
    workspace = copyOf('manual-k8s');
  });

  function dispatch(sha: string, inputs: Record<string, unknown>): WorkflowContext {
    return {
      github: githubContext(gh, 'acme/caspar', {
        sha,
        ref: 'refs/heads/main',
        ref_name: 'main',
        event_name: 'workflow_dispatch',
        event: { inputs, ref: 'refs/heads/main', repository: { default_branch: 'main' } },
      }),
      inputs,
      vars: { REGISTRY: registry.host, REGISTRY_TLS_VERIFY: 'false', APP_URL: app.url },
      env: { KUBECONFIG: kube.kubeconfigPath },
      workspace,
    };
  }

  /** The whole workflow for one dispatch: build (if its `if:` holds), then deploy (if its holds). */
  async function runWorkflow(ctx: WorkflowContext) {
    let build: JobRun | undefined;
    let needs: WorkflowContext['needs'] = { build: { result: 'skipped', outputs: {} } };
    if (jobCondition(file, 'build', ctx)) {
      build = await runJob(file, 'build', ctx);
      needs = { build: { result: build.outcome, outputs: build.outputs } };
    }
    const deployCtx = { ...ctx, needs };
    const deploy = jobCondition(file, 'deploy', deployCtx)
      ? await runJob(file, 'deploy', deployCtx)
      : undefined;
    return { build, deploy };
  }

  const first = hex('1a2b');
  const second = hex('3c4d');

  it('build_image alone builds and pushes the commit, and deploys nothing', async () => {
    const { build, deploy } = await runWorkflow(
      dispatch(first, { build_image: true, deploy_app: false, patch_deployment: false, image_tag: '' }),
    );
    expect(expectSuccess(build as JobRun).outputs['image-ref']).toMatch(
      new RegExp(`^${image}@sha256:[0-9a-f]{64}$`),
    );
    expect(deploy).toBeUndefined();
    expect(await tagsOf('caspar-app')).toEqual(expect.arrayContaining([first.slice(0, 7), 'main', 'latest']));
    expect(deployment()).toBeUndefined();
  });

  it('build_image + deploy_app builds, applies k8s/app.yaml with the new image and smoke-tests it', async () => {
    const { build, deploy } = await runWorkflow(
      dispatch(second, { build_image: true, deploy_app: true, patch_deployment: false, image_tag: '' }),
    );
    const ref = expectSuccess(build as JobRun).outputs['image-ref'] as string;
    expect(outcomes(expectSuccess(deploy as JobRun))).toEqual([
      ['actions/checkout@v4', 'success'],
      ['Apply the Deployment and Service', 'success'],
      ['Patch the image of deployment/caspar-app', 'skipped'],
      ['Upgrade the Helm release caspar-app', 'skipped'],
      ['Smoke test', 'success'],
    ]);
    expect(ref).toBe(`${image}@${skopeoDigest(`${image}:${second.slice(0, 7)}`)}`);
    // The Deployment and Service of k8s/app.yaml, the Deployment running the image just built.
    expect(runningImage()).toBe(ref);
    expect(deployment()?.spec?.replicas).toBe(2);
    expect(deployment()?.status?.readyReplicas).toBe(2);
    expect(kube.get('Service', 'caspar', 'caspar-app')?.spec).toMatchObject({
      ports: [{ port: 80, targetPort: 8080 }],
    });
    expect(await getJson(`${app.url}/version`)).toEqual({ version: second });
    expect(gh.store.deployments.at(-1)).toMatchObject({ environment: 'production', sha: second });
  });

  it('patch_deployment + image_tag only swaps the Deployment image (no build, no apply)', async () => {
    const before = kube.requests.length;
    const tag = first.slice(0, 7);
    const { build, deploy } = await runWorkflow(
      dispatch(hex('5e6f'), {
        build_image: false,
        deploy_app: false,
        patch_deployment: true,
        image_tag: tag,
      }),
    );
    expect(build).toBeUndefined();
    expect(outcomes(expectSuccess(deploy as JobRun))).toEqual([
      ['actions/checkout@v4', 'success'],
      ['Apply the Deployment and Service', 'skipped'],
      ['Patch the image of deployment/caspar-app', 'success'],
      ['Upgrade the Helm release caspar-app', 'skipped'],
      ['Smoke test', 'success'],
    ]);
    expect(runningImage()).toBe(`${image}:${tag}`);
    expect(deployment()?.status?.readyReplicas).toBe(2);
    // The earlier build is what runs now; the Service was not touched.
    expect(await getJson(`${app.url}/version`)).toEqual({ version: first });
    const touched = kube.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(touched.length).toBeGreaterThan(0);
    expect(touched.every((r) => r.path.endsWith('/deployments/caspar-app'))).toBe(true);
    expect(gh.violations).toEqual([]);
  });
});

describe('examples/github/manual-k8s, the Helm way (deploy_chart)', () => {
  const file = workflowOf('manual-k8s');
  let gh: FakeGitHub;
  let kube: FakeKube;
  let app: TestServer;
  let workspace: string;
  const runningImage = () =>
    (
      kube.get('Deployment', 'caspar', 'caspar-app') as
        | { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } }
        | undefined
    )?.spec?.template?.spec?.containers?.[0]?.image;

  beforeAll(async () => {
    gh = await fakeGitHub('acme/caspar');
    kube = await startFakeKube({ namespaces: ['default', 'caspar'], podStartMs: 20, tickMs: 10 });
    cleanups.push(() => kube.close());
    app = await environmentServer(runningImage);
    workspace = copyOf('manual-k8s');
  });

  it('build_image + deploy_chart builds, upgrades the release with real Helm and smoke-tests it', async () => {
    const sha = hex('7a8b');
    const inputs = {
      build_image: true,
      deploy_app: false,
      patch_deployment: false,
      deploy_chart: true,
      image_tag: '',
    };
    const ctx: WorkflowContext = {
      github: githubContext(gh, 'acme/caspar', {
        sha,
        ref: 'refs/heads/main',
        ref_name: 'main',
        event_name: 'workflow_dispatch',
        event: { inputs, ref: 'refs/heads/main', repository: { default_branch: 'main' } },
      }),
      inputs,
      vars: { REGISTRY: registry.host, REGISTRY_TLS_VERIFY: 'false', APP_URL: app.url },
      // The runner's helm: real Helm 4 (scripts/setup.sh unpacks it into .tools/helm4).
      env: { KUBECONFIG: kube.kubeconfigPath, PATH: `${dirname(helmBinary(4))}:${process.env.PATH}` },
      workspace,
    };
    const build = expectSuccess(await runJob(file, 'build', ctx));
    const ref = build.outputs['image-ref'] as string;
    const deployCtx = { ...ctx, needs: { build: { result: build.outcome, outputs: build.outputs } } };
    expect(jobCondition(file, 'deploy', deployCtx)).toBe(true);
    const deploy = expectSuccess(await runJob(file, 'deploy', deployCtx));
    expect(outcomes(deploy)).toEqual([
      ['actions/checkout@v4', 'success'],
      ['Apply the Deployment and Service', 'skipped'],
      ['Patch the image of deployment/caspar-app', 'skipped'],
      ['Upgrade the Helm release caspar-app', 'success'],
      ['Smoke test', 'success'],
    ]);
    // The digest-pinned build, written as repository + `latest@sha256:…` into the chart's values.
    expect(runningImage()).toBe(ref.replace('@', ':latest@'));
    expect(kube.get('Service', 'caspar', 'caspar-app')).toBeDefined();
    expect(await getJson(`${app.url}/version`)).toEqual({ version: sha });
    const releases = kube
      .list('Secret', 'caspar')
      .filter((s) => (s.metadata as { labels?: Record<string, string> }).labels?.owner === 'helm');
    expect(releases).toHaveLength(1);
  });
});

// ───────────────────────────── setup 4: gitops-argocd ─────────────────────────────

describe('examples/github/gitops-argocd (PR, push to main, release)', () => {
  const file = workflowOf('gitops-argocd');
  const services = ['service-a', 'service-b'];
  let gh: FakeGitHub;
  let repo: BareRepo;
  let gitServer: GitHttpServer;
  let workspace: string;
  let developer: TestServer;
  let production: TestServer;
  let main: string;
  let kube: FakeKube;
  let argocd: GitopsStandIn;

  const values = (service: string, env: string) => `services/${service}/deploy-config/${env}/values.yaml`;
  /** What Argo CD would run: the image whose tag the config repository holds for the environment. */
  const synced = (env: string) => () =>
    `${registry.host}/service-a:${YAML.parse(repo.read(values('service-a', env))).image.tag}`;

  beforeAll(async () => {
    // This repository, on a git server reached the way the runner reaches github.com: HTTPS with a token.
    gh = await fakeGitHub('acme/gitops');
    repo = createBareRepo(exampleFiles('github/gitops-argocd'), { name: 'acme/gitops' });
    cleanups.push(() => repo.cleanup());
    gitServer = await startGitHttpServer(repo.root, TOKEN);
    cleanups.push(() => gitServer.close());
    workspace = mkdtempSync(join(tmpdir(), 'example-gitops-'));
    cleanups.push(() => rmSync(workspace, { recursive: true, force: true }));
    git(tmpdir(), 'clone', '--quiet', repo.path, workspace);
    main = repo.head();
    [developer, production] = await Promise.all([
      environmentServer(synced('developer')),
      environmentServer(synced('production')),
    ]);
    // The cluster Argo CD runs in: one multi-source Application per environment, both services'
    // charts with their values files from this repository (`ref: values`).
    kube = await startFakeKube({ namespaces: ['default', 'argocd'] });
    cleanups.push(() => kube.close());
    const repoUrl = `${gitServer.url}/acme/gitops.git`;
    argocd = startGitopsStandIn(kube, { stepMs: 100, repositories: { [repoUrl]: repo.path } });
    cleanups.push(() => argocd.stop());
    for (const env of ['developer', 'production'])
      kube.put({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: `gitops-${env}`, namespace: 'argocd' },
        spec: {
          project: 'default',
          destination: { server: 'https://kubernetes.default.svc', namespace: env },
          sources: [
            ...services.map((service) => ({
              repoURL: 'oci://ghcr.io/acme/charts',
              chart: service,
              targetRevision: '1.4.0',
              helm: { valueFiles: [`$values/${values(service, env)}`] },
            })),
            { repoURL: repoUrl, targetRevision: 'main', ref: 'values' },
          ],
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        },
      });
  });

  /** deploy-config's deploy-env step that verifies, and what Argo CD reported for its commit. */
  function expectVerified(run: JobRun, env: string) {
    const step = run.steps.find((s) => s.name === "Both services' values, in one commit");
    expect(step?.outputs).toMatchObject({ 'synced-revision': repo.head(), health: 'Healthy' });
    // Both charts at their version, and this commit of the values repository.
    expect(step?.log).toContain(
      `argocd/gitops-${env}: sync Synced at 1.4.0, 1.4.0, ${repo.head().slice(0, 12)}, health Healthy`,
    );
    expect(
      argocd.changes.some(
        (c) => c.name === `gitops-${env}` && c.state === 'Synced/Healthy' && c.revision.includes(repo.head()),
      ),
    ).toBe(true);
  }

  function context(github: Record<string, unknown>, extra: Partial<WorkflowContext> = {}): WorkflowContext {
    return {
      github: githubContext(gh, 'acme/gitops', { server_url: gitServer.url, ...github }),
      vars: { REGISTRY: registry.host, REGISTRY_TLS_VERIFY: 'false' },
      secrets: { GITHUB_TOKEN: TOKEN, ARGOCD_KUBECONFIG: readFileSync(kube.kubeconfigPath, 'utf8') },
      workspace,
      ...extra,
    };
  }

  /**
   * Both matrix legs of a job. One after the other: two buildah builds side by side on the same
   * vfs storage only wait on each other's locks.
   */
  async function matrix(job: string, ctx: WorkflowContext): Promise<JobRun[]> {
    const runs: JobRun[] = [];
    for (const service of services) runs.push(await runJob(file, job, { ...ctx, matrix: { service } }));
    return runs;
  }

  /**
   * deploy-config after both build legs succeeded, in the GitHub environment the job names
   * (`developer` or `production`), whose environment-scoped SERVICE_A_URL it then sees.
   */
  async function deployConfig(ctx: WorkflowContext): Promise<JobRun> {
    const job = YAML.parse(readFileSync(file, 'utf8')).jobs['deploy-config'];
    const environment = interpolate(String(job.environment), { github: ctx.github });
    const url = { developer: developer.url, production: production.url }[environment];
    expect(url).toBeDefined();
    const deployCtx = context(ctx.github, {
      needs: { build: { result: 'success', outputs: {} } },
      vars: { ...ctx.vars, SERVICE_A_URL: url as string },
    });
    expect(jobCondition(file, 'deploy-config', deployCtx)).toBe(true);
    return expectSuccess(await runJob(file, 'deploy-config', deployCtx));
  }

  it('a pull request runs each service’s unit tests in its test stage and pushes nothing', async () => {
    const ctx = context({
      sha: hex('9f8e'),
      ref: 'refs/pull/5/merge',
      event_name: 'pull_request',
      event: {
        number: 5,
        pull_request: { number: 5, head: { sha: main } },
        repository: { default_branch: 'main' },
      },
    });
    expect(['test', 'build'].filter((job) => jobCondition(file, job, ctx))).toEqual(['test']);
    // deploy-config needs build, which did not run.
    const skipped = { build: { result: 'skipped', outputs: {} } };
    expect(jobCondition(file, 'deploy-config', { ...ctx, needs: skipped })).toBe(false);
    const runs = await matrix('test', ctx);
    for (const run of runs) {
      const log = expectSuccess(run).steps[1]?.log;
      expect(log).toContain('Test stage "test"');
      expect(log).toContain('RUN ["/bin/sh", "/test.sh"]');
      expect(log).toMatch(/Build \S+\/service-[ab] \(buildah, not pushed\)/);
    }
    expect(await tagsOf('service-a')).toEqual([]);
    expect(await tagsOf('service-b')).toEqual([]);
  });

  it('a push to main builds both images with the 7-char sha and then writes it into developer values', async () => {
    const ctx = context({
      sha: main,
      ref: 'refs/heads/main',
      ref_name: 'main',
      event_name: 'push',
      event: { after: main, repository: { default_branch: 'main' } },
    });
    expect(['test', 'build'].filter((job) => jobCondition(file, job, ctx))).toEqual(['build']);
    const builds = await matrix('build', ctx);
    builds.forEach(expectSuccess);
    for (const service of services) {
      expect(await tagsOf(service)).toContain(main.slice(0, 7));
      // The pushed image is the app stage: the test stage only gated the build.
      const root = (await imageRoot(`${registry.host}/${service}:${main.slice(0, 7)}`)) as string;
      expect(readFileSync(join(root, 'www/version'), 'utf8')).toBe(`{"version": "${main}"}`);
      expect(existsSync(join(root, 'test.sh'))).toBe(false);
    }

    // deploy-config waits for both legs: one failed leg and nothing is written.
    expect(
      jobCondition(file, 'deploy-config', { ...ctx, needs: { build: { result: 'failure', outputs: {} } } }),
    ).toBe(false);
    const run = await deployConfig(ctx);
    expect(run.steps.at(-1)).toMatchObject({
      name: 'Wait for Argo CD and check service-a',
      outcome: 'success',
    });
    for (const service of services) {
      const text = repo.read(values(service, 'developer'));
      expect(YAML.parse(text).image.tag).toBe(main.slice(0, 7));
      // Only the tag changed: comments and layout are kept.
      const seed = exampleFiles('github/gitops-argocd')[values(service, 'developer')] as string;
      expect(text).toBe(seed.replace('tag: "0000000"', `tag: "${main.slice(0, 7)}"`));
      expect(repo.read(values(service, 'production'))).toContain('tag: "0000000"');
    }
    // One commit with both services on top of the pushed one, made through the git server with the workflow token.
    expect(git(repo.path, 'rev-list', '--count', `${main}..main`).trim()).toBe('1');
    expect(git(repo.path, 'diff', '--name-only', `${main}..main`).trim().split('\n').sort()).toEqual(
      services.map((service) => values(service, 'developer')),
    );
    expect(repo.subjects()[0]).toContain(main.slice(0, 7));
    expect(gitServer.requests.some((r) => r.path.endsWith('/acme/gitops.git/git-receive-pack'))).toBe(true);
    expectVerified(run, 'developer');
    expect(await getJson(`${developer.url}/version`)).toEqual({ version: main });
    expect(gh.violations).toEqual([]);
  });

  it('a published release builds with the release tag and writes production values', async () => {
    const tag = 'v1.2.0';
    const ctx = context({
      sha: main,
      ref: `refs/tags/${tag}`,
      ref_name: tag,
      event_name: 'release',
      event: { action: 'published', release: { tag_name: tag }, repository: { default_branch: 'main' } },
    });
    expect(['test', 'build'].filter((job) => jobCondition(file, job, ctx))).toEqual(['build']);
    (await matrix('build', ctx)).forEach(expectSuccess);
    for (const service of services)
      expect(await tagsOf(service)).toEqual(expect.arrayContaining([tag, '1.2.0', '1.2', '1']));
    const developerBefore = repo.read(values('service-a', 'developer'));
    const run = await deployConfig(ctx);
    expect(run.steps.at(-1)).toMatchObject({
      name: 'Wait for Argo CD and check service-a',
      outcome: 'success',
    });
    for (const service of services) {
      const text = repo.read(values(service, 'production'));
      expect(YAML.parse(text).image.tag).toBe(tag);
      expect(text).toContain('# Written by stagecraft deploy-env on every release.');
    }
    expect(repo.read(values('service-a', 'developer'))).toBe(developerBefore);
    expectVerified(run, 'production');
    expect(await getJson(`${production.url}/version`)).toEqual({ version: tag });
    expect(gh.violations).toEqual([]);
  });
});

// ───────────────────────────── setup 5: ecs-gated ─────────────────────────────

describe('examples/github/ecs-gated (PR to staging behind a required status, merge to production)', () => {
  const file = workflowOf('ecs-gated');
  let gh: FakeGitHub;
  let ecs: FakeEcs;
  let slack: SlackReceiver;
  let staging: TestServer;
  let production: TestServer;
  let image: string;
  let workspace: string;
  const head = hex('c0ffee');
  // The merge commit is a real commit of the repository (made 2.5 hours ago), so the weekly
  // report can read its date through the compare/commits API.
  let merge = '';
  let mergedAt = 0;
  let stagingRef = '';
  // Production deploys run at a fixed clock outside the Friday-to-Monday freeze (a Wednesday),
  // or inside it (a Saturday).
  const WEDNESDAY = '2026-12-02T10:00:00Z';
  const SATURDAY = '2026-12-05T12:00:00Z';

  const imageOf = (service: string) => () => {
    const svc = ecs.service(service, 'shop');
    return ecs.store.findTaskDef(svc.taskDefinition).containerDefinitions[0]?.image;
  };

  beforeAll(async () => {
    image = `${registry.host}/shop`;
    const app = createBareRepo({ 'README.md': 'shop\n' }, { name: 'shop' });
    cleanups.push(() => app.cleanup());
    const work = mkdtempSync(join(tmpdir(), 'ecs-gated-app-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    git(work, 'clone', '--quiet', app.path, '.');
    mergedAt = Math.floor(Date.now() / 1000) - 9000;
    merge = commitAt(work, mergedAt, 'Merge pull request #12 from acme/feature-checkout');
    git(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${app.branch}`);
    gh = await startFakeGitHub({ token: TOKEN, repository: 'acme/shop', git: new GitStore(app.path) });
    cleanups.push(() => gh.close());
    ecs = await startFakeEcs({ region: 'eu-west-1', tickMs: 10 });
    cleanups.push(() => ecs.close());
    ecs.register({ family: 'shop', containerDefinitions: [{ name: 'app', image: `${image}:initial` }] });
    await ecs.createService({ cluster: 'shop', serviceName: 'shop-staging', taskDefinition: 'shop:1' });
    await ecs.createService({ cluster: 'shop', serviceName: 'shop-production', taskDefinition: 'shop:1' });
    slack = await startSlackReceiver();
    cleanups.push(() => slack.close());
    [staging, production] = await Promise.all([
      environmentServer(imageOf('shop-staging')),
      environmentServer(imageOf('shop-production')),
    ]);
    workspace = copyOf('ecs-gated');
    gh.store.addPull({ number: 12, headSha: head, headRef: 'feature-checkout', title: 'Faster checkout' });
  });

  /** `now` fixes the steps' clock (STAGECRAFT_NOW); `vars` adds repository variables. */
  function context(
    github: Record<string, unknown>,
    options: { now?: string; vars?: Record<string, string> } = {},
  ): WorkflowContext {
    return {
      github: githubContext(gh, 'acme/shop', github),
      vars: {
        ECR_REPOSITORY: image,
        REGISTRY_TLS_VERIFY: 'false',
        ECS_ENDPOINT_URL: ecs.url,
        STAGING_URL: staging.url,
        PRODUCTION_URL: production.url,
        AWS_DEPLOY_ROLE: 'arn:aws:iam::123456789012:role/deploy',
        ...options.vars,
      },
      secrets: { SLACK_WEBHOOK_URL: slack.webhook },
      env: {
        ...AWS,
        AWS_REGION: 'eu-west-1',
        STAGECRAFT_ECS_POLL_MS: '50',
        ...(options.now ? { STAGECRAFT_NOW: options.now } : {}),
      },
      workspace,
    };
  }
  const pushToMaster = (options: { now?: string; vars?: Record<string, string> }) =>
    context(
      {
        sha: merge,
        ref: 'refs/heads/master',
        ref_name: 'master',
        event_name: 'push',
        event: { after: merge, ref: 'refs/heads/master', repository: { default_branch: 'master' } },
      },
      options,
    );

  it('a PR commit is tested, built, pushed, deployed to staging, verified, gated and commented', async () => {
    const ctx = context({
      sha: hex('e1e1'),
      ref: 'refs/pull/12/merge',
      event_name: 'pull_request',
      event: {
        number: 12,
        pull_request: { number: 12, head: { sha: head, ref: 'feature-checkout' }, base: { ref: 'master' } },
        repository: { default_branch: 'master' },
      },
    });
    expect(jobCondition(file, 'staging', ctx)).toBe(true);
    expect(jobCondition(file, 'production', ctx)).toBe(false);
    const run = expectSuccess(await runJob(file, 'staging', ctx));
    stagingRef = run.steps.find((s) => s.id === 'build')?.outputs['image-ref'] as string;
    expect(stagingRef).toMatch(new RegExp(`^${image}@sha256:[0-9a-f]{64}$`));
    expect(await tagsOf('shop')).toEqual(expect.arrayContaining([head.slice(0, 7), 'pr-12']));

    // A new task definition revision with the image, running on the staging service.
    expect(imageOf('shop-staging')()).toBe(stagingRef);
    expect(ecs.service('shop-staging', 'shop').taskDefinition).toMatch(/task-definition\/shop:2$/);
    expect(imageOf('shop-production')()).toBe(`${image}:initial`);
    expect(await getJson(`${staging.url}/version`)).toEqual({ version: head });

    const promote = run.steps.at(-1) as JobRun['steps'][number];
    expect(promote.log).toMatch(/\[smoke: success\]/);
    expect(promote.log).toMatch(/\[rollback: skipped\]/);
    expect(gh.store.combined(head)).toMatchObject({
      state: 'success',
      statuses: [expect.objectContaining({ context: 'stagecraft/staging', state: 'success' })],
    });
    const comments = gh.store.commentsOf(12);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(`is on [staging](${staging.url}/)`);
    expect(comments[0]?.body).toContain(stagingRef);
    expect(comments[0]?.body).toContain('Merging is allowed once `stagecraft/staging` is green');
    expect(ecs.violations).toEqual([]);
    expect(gh.violations).toEqual([]);
  });

  it('the merge builds, pushes and deploys to production, comments on the merged PR and posts to Slack', async () => {
    // GitHub merges PR 12 as `merge` on master.
    const pull = gh.store.pulls.find((p) => p.number === 12);
    Object.assign(pull ?? {}, { state: 'closed', merged_at: gh.store.now(), merge_commit_sha: merge });
    gh.store.associate(merge, 12);
    const ctx = pushToMaster({ now: WEDNESDAY });
    expect(jobCondition(file, 'staging', ctx)).toBe(false);
    expect(jobCondition(file, 'production', ctx)).toBe(true);
    const run = expectSuccess(await runJob(file, 'production', ctx));
    const ref = run.steps.find((s) => s.id === 'build')?.outputs['image-ref'] as string;
    expect(ref).toMatch(new RegExp(`^${image}@sha256:[0-9a-f]{64}$`));
    expect(ref).not.toBe(stagingRef);
    expect(await tagsOf('shop')).toEqual(expect.arrayContaining([merge.slice(0, 7), 'master', 'latest']));

    expect(imageOf('shop-production')()).toBe(ref);
    expect(imageOf('shop-staging')()).toBe(stagingRef);
    expect(await getJson(`${production.url}/version`)).toEqual({ version: merge });
    expect(gh.store.deployments.at(-1)).toMatchObject({ environment: 'production', sha: merge });

    const comments = gh.store.commentsOf(12);
    expect(comments).toHaveLength(2);
    expect(comments[1]?.body).toContain(`in production: ${ref}`);
    expect(comments[1]?.body).toMatch(/live/i);
    expect(slack.payloads).toHaveLength(1);
    expect(JSON.stringify(slack.payloads[0])).toContain(ref);
    expect(JSON.stringify(slack.payloads[0])).toMatch(/production/);
    expect(ecs.violations).toEqual([]);
    expect(gh.violations).toEqual([]);
  });

  it('production is frozen from Friday 17:00 to Monday 08:00 Berlin: a Saturday merge changes nothing; BREAK_GLASS lets a fix through', async () => {
    const before = ecs.service('shop-production', 'shop').taskDefinition;
    const records = gh.store.deployments.length;
    const frozen = await runJob(file, 'production', pushToMaster({ now: SATURDAY }));
    expect(frozen.outcome).toBe('failure');
    const deploy = frozen.steps.find((s) => s.id === 'deploy');
    expect(deploy?.outcome).toBe('failure');
    expect(deploy?.log).toContain('production is frozen');
    expect(deploy?.log).toContain('Mon 2026-12-07 08:00 Europe/Berlin (GMT+01:00), Mon 2026-12-07 07:00 UTC');
    expect(ecs.service('shop-production', 'shop').taskDefinition).toBe(before);
    expect(gh.store.deployments).toHaveLength(records);

    const glass = expectSuccess(
      await runJob(
        file,
        'production',
        pushToMaster({ now: SATURDAY, vars: { BREAK_GLASS: 'hotfix INC-42' } }),
      ),
    );
    expect(glass.steps.find((s) => s.id === 'deploy')?.log).toMatch(
      /Break-glass deploy to production during a freeze by .*: hotfix INC-42/,
    );
    expect(gh.store.deployments.at(-1)).toMatchObject({
      environment: 'production',
      sha: merge,
      payload: { stagecraft: { kind: 'deploy', break_glass: { reason: 'hotfix INC-42' } } },
    });
    expect(ecs.violations).toEqual([]);
    expect(gh.violations).toEqual([]);
  });

  it("the weekly job reports DORA's four keys from production's deployment records", async () => {
    const ctx = context({
      sha: merge,
      ref: 'refs/heads/master',
      event_name: 'schedule',
      event: { schedule: '0 6 * * 1' },
    });
    expect(jobCondition(file, 'dora', ctx)).toBe(true);
    expect(jobCondition(file, 'production', ctx)).toBe(false);
    const run = expectSuccess(await runJob(file, 'dora', ctx));
    const outputs = run.steps.find((s) => s.id === 'report')?.outputs ?? {};
    const report = JSON.parse(outputs.report as string);
    // Two successful production deployments of the merge commit (the frozen one wrote no record):
    // the merge commit's lead time is from its commit date to the first one's success status.
    const first = gh.store.deployments.find((d) => d.environment === 'production') as { id: number };
    const success = gh.store.deploymentStatuses.find(
      (s) => s.deployment_id === first.id && s.state === 'success',
    );
    const lead = (Date.parse(success?.created_at as string) - mergedAt * 1000) / 1000;
    expect(report).toMatchObject({
      deployments: 2,
      successful: 2,
      failed: 0,
      commits: 1,
      changeFailureRate: 0,
    });
    expect(report.leadTime).toBe(lead);
    expect(outputs['deployment-frequency']).toBe((2 / 30).toFixed(2));
    expect(outputs['change-failure-rate']).toBe('0%');
    expect(outputs['time-to-restore']).toBe('');
    expect(readFileSync(join(workspace, 'dora-report.json'), 'utf8').trim()).toBe(outputs.report);
    expect(run.summary).toContain('```mermaid');
    expect(gh.violations).toEqual([]);
  });
});
