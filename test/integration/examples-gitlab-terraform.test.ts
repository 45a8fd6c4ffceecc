/**
 * examples/gitlab/gitlab-terraform (setup 3) run by gitlab-ci-local's docker executor, every job in
 * a real container: unit tests (busybox), a real buildah build in the default job image pushed to a
 * real registry, terraform plan with the pushed image and a manual apply with real terraform in a
 * job image that adds it (the default one cannot ship terraform), and the API checked end to end.
 * Only endpoints and the terraform job image are given; `cli` stays the default `stagecraft`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { exampleFiles, localizePipeline } from '../helpers/examples.js';
import { createProject, type Project, runPipeline } from '../helpers/gitlab-ci-local.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { jobImage, seedBusybox, terraformImage } from '../helpers/job-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

jest.setTimeout(300_000);

let registry: TestRegistry;
let api: TestServer;
let project: Project;
const uploads: string[] = [];
let work: string;
let docker: { helperImage: string; volumes: string[] };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-setup3-'));
  registry = await startRegistry();
  api = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/health') return json(res, 200, { status: 'ok' });
    if (url.pathname === '/api/mirror') {
      res.end(String(url.searchParams.get('word')).split('').reverse().join(''));
      return;
    }
    if (url.pathname === '/api/upload-random' && req.method === 'POST') {
      uploads.push(String(uploads.length));
      return json(res, 201, { key: `random-${uploads.length}` });
    }
    json(res, 404, {});
  });
  const [helperImage, withTerraform, mirror] = await Promise.all([
    jobImage(),
    terraformImage(),
    seedBusybox(registry.host, work),
  ]);
  docker = { helperImage, volumes: [mirror] };
  const files = exampleFiles('gitlab/gitlab-terraform');
  files['.gitlab-ci.yml'] = localizePipeline(
    files['.gitlab-ci.yml'] as string,
    { 'build-push-image': { 'tls-verify': false }, 'deploy-env': { 'job-image': withTerraform } },
    null,
  );
  project = createProject(files);
  project.commit({}, 'example');
});

afterAll(async () => {
  await registry?.stop();
  await api?.close();
  project?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A failed pipeline fails the test with gitlab-ci-local's whole output. */
function expectSuccess(run: { code: number; output: string }) {
  if (run.code !== 0) throw new Error(`pipeline failed (${run.code}):\n${run.output}`);
}

test('test → build → plan → manual apply → verify', async () => {
  const variables = { CI_REGISTRY_IMAGE: `${registry.host}/acme/api`, API_URL: api.url };
  const env = { GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY_IMAGE' };
  // Without a person, the pipeline stops before the manual apply (and verify, which needs it).
  const withoutApply = await runPipeline(project, {
    variables,
    env,
    docker,
    timeoutMs: 240_000,
    jobs: ['test', 'build', 'plan'],
  });
  expectSuccess(withoutApply);
  expect(withoutApply.jobLines('test').join('\n')).toContain('unit tests passed');
  const built = withoutApply.dotenv('build');
  expect(built.STAGECRAFT_IMAGE_REF).toMatch(new RegExp(`^${registry.host}/acme/api@sha256:[a-f0-9]{64}$`));
  expect(withoutApply.jobLines('plan').join('\n')).toMatch(/Plan: 3 to add/);
  expect(withoutApply.jobLines('apply')).toEqual([]);

  const applied = await runPipeline(project, {
    variables,
    env,
    docker,
    timeoutMs: 240_000,
    manual: ['apply'],
  });
  expectSuccess(applied);
  expect(applied.dotenv('apply')).toMatchObject({
    STAGECRAFT_ENVIRONMENT: 'production',
    STAGECRAFT_IMAGE: expect.stringContaining('@sha256:'),
  });
  // The state lives in the apply job's container; its log shows what terraform applied.
  expect(applied.jobLines('apply').join('\n')).toMatch(/Apply complete! Resources: 3 added/);
  expect(applied.dotenv('apply').STAGECRAFT_IMAGE).toBe(applied.dotenv('build').STAGECRAFT_IMAGE_REF);
  expect(applied.dotenv('verify')).toMatchObject({ STAGECRAFT_PASSED: 'true' });
  expect(uploads.length).toBeGreaterThan(0);
});
