/**
 * examples/gitlab/helm-branches (setup 2, the Helm way) run by gitlab-ci-local's docker executor:
 * every job in a real container of the job image `npm run image` built (it ships Helm 4), with the
 * components' default `job-image` and `cli`. The build pushes to a real registry; the deploy runs
 * the image's real helm against the fake Kubernetes API; the manual rollback returns the release
 * to its previous revision. The tests share the registry, the cluster and the project, and run in
 * order.
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

let registry: TestRegistry;
let kube: FakeKube;
let project: Project;
let repo: string;
let helperImage: string;
let volumes: string[];
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-helm-branches-'));
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
  const files = exampleFiles('gitlab/helm-branches');
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

function run(options: PipelineOptions = {}) {
  return runPipeline(project, {
    ...options,
    variables: {
      CI_REGISTRY_IMAGE: repo,
      STAGECRAFT_INPUT_TLS_VERIFY: 'false',
      KUBECONFIG: kube.kubeconfigPath,
      ...options.variables,
    },
    env: { GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY_IMAGE', ...options.env },
    docker: { helperImage, volumes },
    timeoutMs: 240_000,
  });
}

function expectSuccess(result: { code: number; output: string }) {
  if (result.code !== 0) throw new Error(`pipeline failed (${result.code}):\n${result.output}`);
}

const image = () =>
  (
    kube.get('Deployment', 'shop-dev', 'shop-dev') as
      | { spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } } }
      | undefined
  )?.spec.template.spec.containers[0]?.image;
const releases = () =>
  kube
    .list('Secret', 'shop-dev')
    .filter((s) => (s.metadata as { labels?: Record<string, string> }).labels?.owner === 'helm')
    .map((s) => (s.metadata as { labels: Record<string, string> }).labels.version)
    .sort();

let first: string;

test("branch development: the build pushes, the deploy job upgrades release shop-dev with the job image's helm", async () => {
  const result = await run();
  expectSuccess(result);
  first = result.dotenv('stagecraft-build').STAGECRAFT_IMAGE_REF as string;
  expect(first).toMatch(/@sha256:[a-f0-9]{64}$/);
  expect(result.output).toMatch(/PASS\s+deploy-dev/);
  expect(result.dotenv('deploy-dev')).toMatchObject({
    STAGECRAFT_ENVIRONMENT: 'dev',
    STAGECRAFT_IMAGE: first,
    STAGECRAFT_REVISION: '1',
    STAGECRAFT_ROLLOUT_STATE: 'healthy',
  });
  expect(result.jobLines('deploy-dev').join('\n')).toMatch(
    /helm v4\.\d+\.\d+, release shop-dev in namespace shop-dev/,
  );
  expect(image()).toBe(first.replace('@', ':latest@'));
  expect(releases()).toEqual(['1']);
});

test('a second deploy is revision 2; the manual rollback returns the release to revision 1', async () => {
  project.commit({ 'app/www/health': '{"Status":"Success"} \n' }, 'second');
  const second = await run();
  expectSuccess(second);
  const next = second.dotenv('stagecraft-build').STAGECRAFT_IMAGE_REF as string;
  expect(next).not.toBe(first);
  expect(second.dotenv('deploy-dev')).toMatchObject({ STAGECRAFT_REVISION: '2' });
  expect(image()).toBe(next.replace('@', ':latest@'));

  const rolled = await run({ jobs: ['rollback-dev'] });
  expectSuccess(rolled);
  expect(rolled.dotenv('rollback-dev')).toMatchObject({
    STAGECRAFT_FROM: next.replace('@', ':latest@'),
    STAGECRAFT_TO: first.replace('@', ':latest@'),
    STAGECRAFT_REVISION: '3',
  });
  expect(image()).toBe(first.replace('@', ':latest@'));
  expect(releases()).toEqual(['1', '2', '3']);
});
