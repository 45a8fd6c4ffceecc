/**
 * .github/workflows/release.yml run step by step as the runner would (test/helpers/workflow.ts),
 * on a tag v<package.json version> of this work tree, against real servers on loopback: verdaccio
 * (npm publish), an OCI registry with htpasswd auth (the job image, built by our own
 * build-push-image with buildx on the jest run's Docker engine, from the ingredients `npm run image`
 * made), bare git remotes (the repository, whose vX and vX.Y tags move, and the GitLab catalog
 * project) and the fake GitHub API (the GitHub release). Registries, tokens and the catalog project
 * are the workflow's vars and secrets. Its `test` job is the project CI (ci.yml through
 * workflow_call), which the suite itself is; the harness runs the `release` job after it.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import YAML from 'yaml';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { dockerEnv } from '../helpers/docker.js';
import { git } from '../helpers/git.js';
import { dockerRun, jobImage } from '../helpers/job-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT } from '../helpers/runner.js';
import { startVerdaccio, type TestNpmRegistry } from '../helpers/verdaccio.js';
import { type JobRun, runJob, type WorkflowContext } from '../helpers/workflow.js';

jest.setTimeout(600_000);

const WORKFLOW = join(ROOT, '.github/workflows/release.yml');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const [major, minor] = version.split('.');
const TOKEN = 'ghs_releaseWorkflowToken0123456789';
const REGISTRY_AUTH = { username: 'release-bot', password: 'registry-Secret-0123456789' };

let registry: TestRegistry;
let npm: TestNpmRegistry;
let gh: FakeGitHub;
let work: string;
let origin: string;
let catalog: string;
/** The commit the vX / vX.Y tags named before the release, and the release commit. */
let older: string;
let released: string;
let buildArgs: string;

/** The repository at the release commit, as this work tree has it (tracked and new files). */
function seedOrigin(): void {
  const tree = join(work, 'tree');
  mkdirSync(tree);
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard')
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const file of files) {
    mkdirSync(dirname(join(tree, file)), { recursive: true });
    cpSync(join(ROOT, file), join(tree, file));
  }
  const commit = (message: string) => {
    git(
      tree,
      '-c',
      'user.name=dev',
      '-c',
      'user.email=dev@example.com',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      message,
    );
    return git(tree, 'rev-parse', 'HEAD').trim();
  };
  git(tree, 'init', '-q', '-b', 'main');
  git(tree, 'add', '-A');
  older = commit('an earlier release');
  git(tree, 'tag', `v${major}`);
  git(tree, 'tag', `v${major}.${minor}`);
  released = commit(`release ${version}`);
  git(tree, 'tag', `v${version}`);
  git(work, 'init', '-q', '--bare', '-b', 'main', origin);
  git(tree, 'push', '-q', origin, 'main', '--tags');
  rmSync(tree, { recursive: true, force: true });
}

/** What actions/checkout (fetch-depth 0) and setup-node leave: a clone at the tag, node_modules. */
function checkout(): string {
  const workspace = mkdtempSync(join(work, 'workspace-'));
  git(work, 'clone', '-q', origin, workspace);
  git(workspace, 'checkout', '-q', `v${version}`);
  symlinkSync(join(ROOT, 'node_modules'), join(workspace, 'node_modules'));
  return workspace;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-release-'));
  origin = join(work, 'stagecraft.git');
  catalog = join(work, 'catalog.git');
  // Each server is kept as soon as it runs, so afterAll stops it even when another one failed.
  const started = await Promise.allSettled([
    startRegistry({ auth: REGISTRY_AUTH }).then((r) => {
      registry = r;
    }),
    startVerdaccio().then((v) => {
      npm = v;
    }),
    startFakeGitHub({ token: TOKEN, repository: 'stagecraft/stagecraft' }).then((g) => {
      gh = g;
    }),
    // `npm run image` leaves its ingredients (base, node, kubectl, helm images) in the engine.
    jobImage(),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  const images = (await dockerRun(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.split(
    '\n',
  );
  const ingredient = (repo: string) => {
    const found = images.filter((i) => i.startsWith(`${repo}:`));
    if (found.length !== 1)
      throw new Error(`expected one ${repo} image in the engine, found ${found.join(', ')}`);
    return found[0] as string;
  };
  buildArgs = [
    `BASE_IMAGE=${ingredient('stagecraft-base')}`,
    `NODE_IMAGE=${ingredient('stagecraft-node')}`,
    `KUBECTL_IMAGE=${ingredient('stagecraft-kubectl')}`,
    `HELM_IMAGE=${ingredient('stagecraft-helm')}`,
  ].join('\n');
  seedOrigin();
  // The catalog project already holds a component that this release no longer has.
  git(work, 'init', '-q', '--bare', '-b', 'main', catalog);
  const seed = join(work, 'catalog-seed');
  git(work, 'clone', '-q', catalog, seed);
  mkdirSync(join(seed, 'templates/retired'), { recursive: true });
  cpSync(
    join(ROOT, 'gitlab-components/smoke-test/template.yml'),
    join(seed, 'templates/retired/template.yml'),
  );
  git(seed, 'add', '-A');
  git(seed, '-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '-q', '-m', 'old');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
});

afterAll(async () => {
  await registry?.stop();
  await npm?.stop();
  await gh?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

function context(tag: string, workspace: string): WorkflowContext {
  return {
    github: {
      sha: released,
      ref: `refs/tags/${tag}`,
      ref_name: tag,
      event_name: 'push',
      repository: 'stagecraft/stagecraft',
      api_url: gh.url,
      actor: 'release-bot',
      token: TOKEN,
      event: { ref: `refs/tags/${tag}`, after: released },
    },
    vars: {
      NPM_REGISTRY: npm.url,
      // verdaccio cannot verify provenance (npmjs.org's Sigstore attestations)
      NPM_PROVENANCE: 'false',
      JOB_IMAGE: `${registry.host}/stagecraft/stagecraft`,
      JOB_IMAGE_BUILD_ARGS: buildArgs,
      // This machine runs amd64 only (no qemu images for an arm64 base).
      JOB_IMAGE_PLATFORMS: 'linux/amd64',
      JOB_IMAGE_BUILDER: 'buildx',
      REGISTRY_USERNAME: REGISTRY_AUTH.username,
      REGISTRY_TLS_VERIFY: 'false',
      CATALOG_REPOSITORY: catalog,
    },
    secrets: { NPM_TOKEN: npm.token, REGISTRY_PASSWORD: REGISTRY_AUTH.password },
    needs: { test: { result: 'success', outputs: {} } },
    env: { ...dockerEnv(), npm_config_cache: join(work, 'npm-cache') },
    workspace,
  };
}

/** The job's steps and logs, when it did not do what the test expects. */
function describeRun(run: JobRun): string {
  return run.steps.map((s) => `── ${s.name}: ${s.outcome}\n${s.log}`).join('\n');
}

const basic = `Basic ${Buffer.from(`${REGISTRY_AUTH.username}:${REGISTRY_AUTH.password}`).toString('base64')}`;
async function registryGet(path: string, accept?: string): Promise<Response> {
  return fetch(`${registry.url}${path}`, {
    headers: { authorization: basic, ...(accept ? { accept } : {}) },
  });
}
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

test('a tag that is not package.json version fails first: nothing is published or moved', async () => {
  const run = await runJob(WORKFLOW, 'release', context('v9.9.9', checkout()));
  expect(run.outcome).toBe('failure');
  expect(run.steps.find((s) => s.id === 'version')?.log).toContain(
    `::error::tag v9.9.9 does not match package.json version ${version}`,
  );
  const after = run.steps.slice(run.steps.findIndex((s) => s.id === 'version') + 1);
  expect(after.length).toBeGreaterThan(0);
  expect(after.every((s) => s.outcome === 'skipped')).toBe(true);
  expect(await npm.packument('stagecraft')).toBeUndefined();
  expect(git(origin, 'rev-parse', `v${major}`).trim()).toBe(older);
  expect(gh.store.releases).toEqual([]);
});

test('the release: npm package, job image under X.Y.Z, X.Y and X, moved tags, stamped catalog, GitHub release', async () => {
  // Nothing is published untested: the release job needs the CI job.
  const jobs = YAML.parse(readFileSync(WORKFLOW, 'utf8')).jobs;
  expect([jobs.release.needs].flat()).toContain('test');

  const run = await runJob(WORKFLOW, 'release', context(`v${version}`, checkout()));
  if (run.outcome !== 'success') throw new Error(describeRun(run));
  // What the runner prints: it consumes `::add-mask::` commands instead of printing them.
  const logs = describeRun(run)
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  for (const secret of [REGISTRY_AUTH.password, npm.token, TOKEN]) expect(logs).not.toContain(secret);

  // npm: the package in verdaccio, as the latest version.
  const packument = await npm.packument('stagecraft');
  expect(Object.keys(packument?.versions ?? {})).toEqual([version]);
  expect(packument?.['dist-tags'].latest).toBe(version);

  // The job image: three tags, one digest (build-push-image's output), this version and commit.
  const image = run.steps.find((s) => s.id === 'image');
  const digest = image?.outputs.digest as string;
  expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  const tags = (
    (await (await registryGet('/v2/stagecraft/stagecraft/tags/list')).json()) as { tags: string[] }
  ).tags;
  expect(tags.sort()).toEqual([major, `${major}.${minor}`, version].sort());
  for (const tag of tags) {
    const res = await registryGet(`/v2/stagecraft/stagecraft/manifests/${tag}`, MANIFEST_TYPES);
    expect(res.headers.get('docker-content-digest')).toBe(digest);
    const manifest = (await res.json()) as { config: { digest: string } };
    const config = (await (
      await registryGet(`/v2/stagecraft/stagecraft/blobs/${manifest.config.digest}`)
    ).json()) as { config: { Labels: Record<string, string> } };
    expect(config.config.Labels).toMatchObject({
      'org.opencontainers.image.version': version,
      'org.opencontainers.image.revision': released,
    });
  }

  // vX and vX.Y moved to the release commit in the remote; vX.Y.Z stayed.
  for (const tag of [`v${major}`, `v${major}.${minor}`, `v${version}`])
    expect(git(origin, 'rev-parse', `${tag}^{commit}`).trim()).toBe(released);

  // The catalog project: the layout at tag X.Y.Z, every default job image stamped, stale parts gone.
  const stamp = `${registry.host}/stagecraft/stagecraft:${version}`;
  expect(git(catalog, 'rev-parse', `${version}^{commit}`).trim()).toBe(
    git(catalog, 'rev-parse', 'main').trim(),
  );
  const listed = git(catalog, 'ls-tree', '-r', '--name-only', version).split('\n').filter(Boolean);
  expect(listed).not.toContain('templates/retired/template.yml');
  const templates = listed.filter((f) => /^templates\/[a-z-]+\/template\.yml$/.test(f));
  const components = readdirSync(join(ROOT, 'gitlab-components')).filter((d) =>
    existsSync(join(ROOT, 'gitlab-components', d, 'template.yml')),
  );
  expect(templates.sort()).toEqual(components.map((c) => `templates/${c}/template.yml`).sort());
  for (const file of templates) {
    const text = git(catalog, 'show', `${version}:${file}`);
    const inputs = YAML.parseAllDocuments(text)[0]?.toJS().spec.inputs as Record<
      string,
      { default?: unknown }
    >;
    expect(inputs['job-image']?.default).toBe(stamp);
    expect(text).not.toContain('ghcr.io/stagecraft/stagecraft');
  }
  const pipeline = YAML.parse(git(catalog, 'show', `${version}:.gitlab-ci.yml`));
  expect(pipeline['create-release'].release.tag_name).toBe('$CI_COMMIT_TAG');

  // The GitHub release, through the (OpenAPI-checked) GitHub API.
  expect(gh.violations).toEqual([]);
  expect(gh.store.releases).toEqual([expect.objectContaining({ tag_name: `v${version}`, draft: false })]);
  expect(gh.store.releases[0]?.body).toContain(`npx --yes stagecraft@${version}`);
  expect(gh.store.releases[0]?.body).toContain(`${registry.host}/stagecraft/stagecraft@${digest}`);
  expect(gh.calls('repos/create-release')[0]?.authorization).toBe(`Bearer ${TOKEN}`);
});
