/**
 * Every step component in one pipeline run by gitlab-ci-local's docker executor: each job in a real
 * container of the job image `npm run image` built, with the components' default `job-image` and
 * `cli` (`stagecraft` on the image's PATH) and only the inputs a user must give — required ones and
 * endpoints. The promote component runs the same way in setups 2 and 3
 * (examples-gitlab-kustomize / examples-gitlab-terraform).
 *
 * build-push-image: a real buildah build in the job container, pushed to a real registry.
 * deploy-env: gitops into a bare repository (the image's git), its image from the build's outputs.
 * smoke-test: a loopback service. gate-merge, notify-pr: the fake GitLab API with the job token.
 * rollback: the manual job, run afterwards, returns the previous value.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import YAML from 'yaml';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { component, createProject, type Project, runPipeline } from '../helpers/gitlab-ci-local.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { jobImage, seedBusybox } from '../helpers/job-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

jest.setTimeout(300_000);

const PROJECT_ID = 1217; // gitlab-ci-local's CI_PROJECT_ID
const JOB_TOKEN = 'glcbt-jobTOKEN0987654321';
const MR = 7;

let registry: TestRegistry;
let gl: FakeGitLab;
let service: TestServer;
let project: Project;
let work: string;
let bare: string;
let docker: { helperImage: string; volumes: string[] };

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
const deployedTag = () => YAML.parse(git(bare, 'show', 'main:deploy/staging/values.yaml')).image.tag;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-components-'));
  // The config repository of the gitops deploy; mounted into the job containers at the same path.
  bare = join(work, 'config.git');
  git(work, 'init', '-q', '--bare', '-b', 'main', bare);
  const seed = join(work, 'seed');
  git(work, 'clone', '-q', bare, seed);
  mkdirSync(join(seed, 'deploy/staging'), { recursive: true });
  writeFileSync(join(seed, 'deploy/staging/values.yaml'), 'image:\n  tag: 1.0.0 # pinned by CI\n');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');

  // Each server is kept as soon as it runs, so afterAll stops it even when another one failed.
  const started = await Promise.allSettled([
    startRegistry().then((r) => {
      registry = r;
    }),
    startFakeGitLab({
      project: 'group/stagecraft',
      projectId: PROJECT_ID,
      token: 'glpat-unusedTOKEN1234567890',
      jobToken: JOB_TOKEN,
    }).then((g) => {
      gl = g;
    }),
    startServer((req, res) => json(res, req.url === '/health' ? 200 : 404, { status: 'ok' })).then((s) => {
      service = s;
    }),
    jobImage(),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  const helperImage = (started[3] as PromiseFulfilledResult<string>).value;
  const mirror = await seedBusybox(registry.host, work);
  docker = { helperImage, volumes: [mirror, `${bare}:${bare}`] };

  const include = [
    // image defaults to $CI_REGISTRY_IMAGE; the registry is plain HTTP on loopback.
    { component: component('build-push-image'), inputs: { 'tls-verify': false } },
    {
      component: component('deploy-env'),
      inputs: {
        environment: 'staging',
        strategy: 'gitops',
        repository: bare,
        // The tag the build pushed, read from its dotenv outputs.
        image: '$CI_REGISTRY_IMAGE:$STAGECRAFT_VERSION',
      },
    },
    { component: component('smoke-test'), inputs: { url: service.url } },
    { component: component('gate-merge') },
    { component: component('notify-pr') },
    {
      component: component('rollback'),
      inputs: { environment: 'staging', strategy: 'gitops', repository: bare },
    },
  ];
  project = createProject({
    '.gitlab-ci.yml': YAML.stringify({ stages: ['build', 'deploy', 'verify', 'gate', 'notify'], include }),
    Dockerfile: 'FROM busybox:1.36\nRUN echo hello > /greeting\nCMD ["cat", "/greeting"]\n',
  });
  gl.commitMrs.set(project.git('rev-parse', 'HEAD').trim(), [MR]);
  gl.mrs.push({
    iid: MR,
    state: 'opened',
    sha: project.git('rev-parse', 'HEAD').trim(),
    merge_commit_sha: null,
  });
});

afterAll(async () => {
  await registry?.stop();
  await gl?.close();
  await service?.close();
  project?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The pipeline with this machine's endpoints: the registry, the fake GitLab and its job token. */
function run(jobs?: string[]) {
  return runPipeline(project, {
    variables: {
      CI_REGISTRY_IMAGE: `${registry.host}/group/app`,
      CI_API_V4_URL: gl.apiUrl,
      CI_PROJECT_ID: String(PROJECT_ID),
      CI_JOB_TOKEN: JOB_TOKEN,
    },
    env: { GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY_IMAGE,CI_API_V4_URL,CI_PROJECT_ID' },
    docker,
    timeoutMs: 240_000,
    ...(jobs ? { jobs } : {}),
  });
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A failed pipeline fails the test with gitlab-ci-local's whole output. */
function expectSuccess(result: { code: number; output: string }) {
  if (result.code !== 0) throw new Error(`pipeline failed (${result.code}):\n${result.output}`);
}

test('build → deploy → smoke test → gate → notify in job containers; then the manual rollback', async () => {
  const sha = project.git('rev-parse', 'HEAD').trim();
  const result = await run();
  expectSuccess(result);
  expect(result.output).not.toContain(JOB_TOKEN);
  // The jobs ran in the job image, by its `stagecraft` on PATH.
  for (const job of ['build-push-image', 'deploy-env', 'smoke-test', 'gate-merge', 'notify-pr']) {
    expect(result.output).toMatch(new RegExp(`${job}\\s+starting ${literal(docker.helperImage)} \\(`));
    expect(result.output).toMatch(new RegExp(`${job}\\s+\\$ stagecraft ${job}\\b`));
    expect(result.output).toMatch(new RegExp(`PASS\\s+${job}`));
  }
  expect(result.output).not.toMatch(/rollback\s+\$ stagecraft/);

  const built = result.dotenv('build-push-image');
  expect(built.STAGECRAFT_DIGEST).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(built.STAGECRAFT_VERSION).toBe(sha.slice(0, 8));
  const tags = (await (await fetch(`${registry.url}/v2/group/app/tags/list`)).json()) as { tags: string[] };
  expect(tags.tags).toContain(sha.slice(0, 8));

  // deploy-env wrote the built tag through the image's git; its outputs name the previous one.
  expect(deployedTag()).toBe(sha.slice(0, 8));
  expect(result.dotenv('deploy-env')).toMatchObject({
    STAGECRAFT_ENVIRONMENT: 'staging',
    STAGECRAFT_IMAGE: `${registry.host}/group/app:${sha.slice(0, 8)}`,
    STAGECRAFT_PREVIOUS_IMAGE: `${registry.host}/group/app:1.0.0`,
  });
  expect(result.dotenv('smoke-test').STAGECRAFT_PASSED).toBe('true');
  expect(service.requests.some((r) => r.url === '/health')).toBe(true);

  // gate-merge and notify-pr reached the (fake) GitLab with the job token.
  expect(gl.violations).toEqual([]);
  expect(gl.requests.length).toBeGreaterThan(0);
  expect(gl.requests.every((r) => r.auth === 'job')).toBe(true);
  expect(gl.statuses).toEqual([
    expect.objectContaining({ sha, name: 'stagecraft/staging', status: 'success' }),
  ]);
  expect(gl.notes).toHaveLength(1);
  expect(gl.notes[0]).toMatchObject({ iid: MR });
  expect(gl.notes[0]?.body).toMatch(/^<!-- stagecraft:notify:/);
  expect(result.dotenv('notify-pr')).toMatchObject({ STAGECRAFT_PR_NUMBERS: String(MR) });

  const rolled = await run(['rollback']);
  expectSuccess(rolled);
  expect(rolled.output).toMatch(/rollback\s+\$ stagecraft rollback/);
  // The deploy commit names the image (its Stagecraft-Image trailer): `from` is a full reference;
  // the seeded 1.0.0 was written by hand, so only its value is known.
  expect(rolled.dotenv('rollback')).toMatchObject({
    STAGECRAFT_FROM: expect.stringMatching(new RegExp(`^\\S+/\\S+:${sha.slice(0, 8)}$`)),
    STAGECRAFT_TO: expect.stringMatching(/(^|:)1\.0\.0$/),
  });
  expect(deployedTag()).toBe('1.0.0');
});
