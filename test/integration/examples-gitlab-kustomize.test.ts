/**
 * examples/gitlab/kustomize-branches (setup 2) run by gitlab-ci-local's docker executor: every job
 * in a real container of the job image `npm run image` built, with the components' default
 * `job-image` and `cli` (only endpoints are given). The unit tests run inside a real buildah build
 * (in the job container) pushed to a real registry, `kubectl kustomize` (the image's) renders the
 * overlay the branch or tag picks, and the deploy and the manual rollback talk to the fake
 * Kubernetes API. After the rollback, a new pipeline on the same commit rebuilds the image — in a
 * fresh job container, so from nothing — and gets the same digest (the build time is the commit's,
 * see build-time.ts): its deploy is refused (the image is held). The tests share the registry, the
 * cluster and the project, and run in order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { type FakeKube, startFakeKube } from '../fakes/kube-apiserver/index.js';
import { exampleFiles, localizePipeline } from '../helpers/examples.js';
import {
  createProject,
  type PipelineOptions,
  type Project,
  runPipeline,
} from '../helpers/gitlab-ci-local.js';
import { jobImage, seedBusybox } from '../helpers/job-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

jest.setTimeout(300_000);

interface Container {
  name: string;
  image: string;
}
interface Deployment {
  metadata: { annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { replicas: number; template: { spec: { containers: Container[] } } };
}

let registry: TestRegistry;
let kube: FakeKube;
let project: Project;
let repo: string;
let helperImage: string;
let volumes: string[];
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-setup2-'));
  // Each server is kept as soon as it runs, so afterAll stops it even when another one failed.
  const started = await Promise.allSettled([
    startRegistry().then((r) => {
      registry = r;
    }),
    startFakeKube({ namespaces: ['shop-dev', 'shop-stg', 'shop-ppd', 'shop-prd'], podStartMs: 50 }).then(
      (k) => {
        kube = k;
      },
    ),
    jobImage().then((image) => {
      helperImage = image;
    }),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  repo = `${registry.host}/acme/shop-api`;
  const mirror = await seedBusybox(registry.host, work);
  const kubeDir = dirname(kube.kubeconfigPath);
  volumes = [mirror, `${kubeDir}:${kubeDir}:ro`];
  const files = exampleFiles('gitlab/kustomize-branches');
  files['.gitlab-ci.yml'] = localizePipeline(files['.gitlab-ci.yml'] as string, {}, null);
  project = createProject(files, 'development');
  project.commit({}, 'example');
});

afterAll(async () => {
  await registry?.stop();
  await kube?.close();
  project?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The pipeline as GitLab would run it here: the loopback registry (plain HTTP) and the fake cluster. */
function run(options: PipelineOptions = {}) {
  return runPipeline(project, {
    ...options,
    variables: {
      CI_REGISTRY_IMAGE: repo,
      // The promote component's build job leaves tls-verify to STAGECRAFT_INPUT_* variables.
      STAGECRAFT_INPUT_TLS_VERIFY: 'false',
      KUBECONFIG: kube.kubeconfigPath,
      ...options.variables,
    },
    env: { GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY_IMAGE', ...options.env },
    docker: { helperImage, volumes },
    timeoutMs: 240_000,
  });
}

/** A failed pipeline fails the test with gitlab-ci-local's whole output. */
function expectSuccess(result: { code: number; output: string }) {
  if (result.code !== 0) throw new Error(`pipeline failed (${result.code}):\n${result.output}`);
}

const deployment = (env: string) =>
  kube.get('Deployment', `shop-${env}`, `shop-api-${env}`) as Deployment | undefined;
const images = (env: string) =>
  Object.fromEntries((deployment(env)?.spec.template.spec.containers ?? []).map((c) => [c.name, c.image]));
const sha = (length = 8) => project.git('rev-parse', 'HEAD').trim().slice(0, length);
const digestRef = () => new RegExp(`^${repo.replace(/[.]/g, '\\.')}@sha256:[a-f0-9]{64}$`);
/** Tags of the repository in the registry. */
async function registryTags(): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/acme/shop-api/tags/list`);
  return res.ok ? ((await res.json()) as { tags: string[] }).tags : [];
}

let firstDevImage: string;
let secondImage: string;

test('branch development: the unit tests run in the build, the commit tag is pushed, dev runs it by digest', async () => {
  const result = await run();
  expectSuccess(result);
  // The test stage (the unit tests) is built before the image that is tagged and pushed.
  const log = result.jobLines('stagecraft-build').join('\n');
  const unitTests = log.indexOf('test -z "$FAIL_TESTS"');
  expect(unitTests).toBeGreaterThan(-1);
  expect(unitTests).toBeLessThan(log.indexOf('Successfully tagged'));
  const built = result.dotenv('stagecraft-build');
  expect(built.STAGECRAFT_IMAGE_REF).toMatch(digestRef());
  expect(await registryTags()).toContain(sha());
  expect(result.output).toMatch(/PASS\s+deploy-dev/);
  expect(result.output).not.toMatch(/deploy-(stg|ppd|prd)/);

  expect(images('dev')).toEqual({
    api: built.STAGECRAFT_IMAGE_REF,
    'log-shipper': 'registry.example.com/platform/log-shipper:2.4.1',
  });
  expect(deployment('dev')?.spec.replicas).toBe(1);
  expect(deployment('dev')?.metadata.labels).toMatchObject({ environment: 'dev' });
  expect(kube.get('Service', 'shop-dev', 'shop-api-dev')).toBeDefined();
  expect(result.dotenv('deploy-dev')).toMatchObject({
    STAGECRAFT_ENVIRONMENT: 'dev',
    STAGECRAFT_IMAGE: built.STAGECRAFT_IMAGE_REF,
  });
  for (const env of ['stg', 'ppd', 'prd']) expect(deployment(env)).toBeUndefined();
  firstDevImage = built.STAGECRAFT_IMAGE_REF as string;
});

test('a failing unit test stops the pipeline at the build: nothing is pushed or deployed', async () => {
  project.commit({ 'CHANGES.md': 'broken tests\n' }, 'broken');
  const tagsBefore = await registryTags();
  const writesBefore = kube.requests.filter((r) => r.method !== 'GET').length;
  const result = await run({ variables: { STAGECRAFT_INPUT_BUILD_ARGS: 'FAIL_TESTS=1' } });
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/FAIL\s+stagecraft-build/);
  expect(result.jobLines('stagecraft-build')).toContain(
    'error: build-push-image failed: test stage "test" failed, nothing was pushed. End of the build log:',
  );
  expect(result.output).not.toMatch(/PASS\s+deploy-dev/);
  // The failed job still leaves its report: a summary naming the stage, and the dotenv report.
  expect(result.summary('stagecraft-build')).toContain('Test stage `test` failed: nothing was pushed');
  expect(result.dotenv('stagecraft-build').STAGECRAFT_VERSION).toBe(
    project.git('rev-parse', 'HEAD').slice(0, 8),
  );
  expect(await registryTags()).toEqual(tagsBefore);
  expect(kube.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
  expect(images('dev').api).toBe(firstDevImage);
});

test('a second deploy to dev, then the manual rollback returns the previous revision', async () => {
  project.commit({ 'app/www/health': '{"Status":"Success"} \n' }, 'second');
  const second = await run();
  expectSuccess(second);
  secondImage = second.dotenv('stagecraft-build').STAGECRAFT_IMAGE_REF as string;
  expect(secondImage).toMatch(digestRef());
  expect(secondImage).not.toBe(firstDevImage);
  expect(images('dev').api).toBe(secondImage);

  const rolled = await run({ jobs: ['rollback-dev'] });
  expectSuccess(rolled);
  expect(rolled.dotenv('rollback-dev')).toMatchObject({
    STAGECRAFT_ENVIRONMENT: 'dev',
    STAGECRAFT_FROM: secondImage,
    STAGECRAFT_TO: firstDevImage,
  });
  expect(images('dev')).toEqual({
    api: firstDevImage,
    'log-shipper': 'registry.example.com/platform/log-shipper:2.4.1',
  });
});

test('a new pipeline on the same commit after the rollback rebuilds the same digest, and its deploy is refused: dev is not touched', async () => {
  const writesBefore = kube.requests.filter((r) => r.method !== 'GET').length;
  // "Run pipeline" again: the build job rebuilds the commit in a new job container.
  const rerun = await run();
  expect(rerun.code).not.toBe(0);
  expect(rerun.output).toMatch(/PASS\s+stagecraft-build/);
  expect(rerun.jobLines('stagecraft-build')).toContain(
    `Build time: ${new Date(Number(project.git('log', '-1', '--format=%ct')) * 1000).toISOString().replace('.000Z', 'Z')} (the committer time of ${sha(12)})`,
  );
  expect(rerun.dotenv('stagecraft-build').STAGECRAFT_IMAGE_REF).toBe(secondImage);
  expect(rerun.output).toMatch(/FAIL\s+deploy-dev/);
  const held = rerun.jobLines('deploy-dev').filter((l) => l.includes(' is held in dev'));
  expect(held).toHaveLength(1);
  expect(held[0]).toMatch(
    /annotation stagecraft\.dev\/held-images on deployment\/shop-api-dev in namespace shop-dev\): .+ was rolled back at \S+Z( by \S+)?(.*), reason: manual rollback from pipeline \d+\. Nothing was changed/,
  );
  // The refused deploy's job report says why; it holds this job's step only, not the build's
  // summary restored with the build job's artifacts.
  const report = rerun.summary('deploy-dev') ?? '';
  expect(report).toContain(' is held in dev');
  expect(report).not.toContain('Image pushed');
  expect(rerun.summary('stagecraft-build')).toContain('Image pushed');
  expect(kube.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
  expect(images('dev').api).toBe(firstDevImage);
});

test('tag v1.0.0 builds and lands in prd (3 replicas, -prd names)', async () => {
  project.git('tag', 'v1.0.0');
  // A tag pipeline: GitLab sets CI_COMMIT_TAG and no CI_COMMIT_BRANCH.
  const result = await run({ variables: { CI_COMMIT_TAG: 'v1.0.0' }, unset: ['CI_COMMIT_BRANCH'] });
  expectSuccess(result);
  expect(result.output).toMatch(/PASS\s+deploy-prd/);
  expect(result.output).not.toMatch(/deploy-(dev|stg|ppd)/);
  const built = result.dotenv('stagecraft-build').STAGECRAFT_IMAGE_REF;
  expect(built).toMatch(digestRef());
  expect(await registryTags()).toEqual(expect.arrayContaining(['v1.0.0', '1.0.0', sha()]));
  expect(images('prd')).toEqual({
    api: built,
    'log-shipper': 'registry.example.com/platform/log-shipper:2.4.1',
  });
  expect(deployment('prd')?.spec.replicas).toBe(3);
  expect(deployment('prd')?.metadata.labels).toMatchObject({ environment: 'prd' });
});
