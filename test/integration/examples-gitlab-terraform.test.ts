/**
 * examples/gitlab/gitlab-terraform (setup 3) run by gitlab-ci-local: unit tests, a real buildah
 * build pushed to a real registry, terraform validate/plan with the pushed image, a manual apply
 * with real terraform, and the API checked end to end.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { exampleFiles, localizePipeline } from '../helpers/examples.js';
import { createProject, type Project, runPipeline } from '../helpers/gitlab-ci-local.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT } from '../helpers/runner.js';

jest.setTimeout(300_000);

let registry: TestRegistry;
let api: TestServer;
let project: Project;
const uploads: string[] = [];

beforeAll(async () => {
  execFileSync('bash', [join(ROOT, 'scripts/seed-busybox.sh')]);
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
  const files = exampleFiles('gitlab/gitlab-terraform');
  files['.gitlab-ci.yml'] = localizePipeline(files['.gitlab-ci.yml'] as string, {
    'build-push-image': { 'tls-verify': false },
  });
  project = createProject(files);
  project.commit({}, 'example');
});

afterAll(async () => {
  await registry?.stop();
  await api?.close();
  project?.remove();
});

/** A failed pipeline fails the test with gitlab-ci-local's whole output. */
function expectSuccess(run: { code: number; output: string }) {
  if (run.code !== 0) throw new Error(`pipeline failed (${run.code}):\n${run.output}`);
}

test('test → build → plan → manual apply → verify', async () => {
  const variables = { CI_REGISTRY_IMAGE: `${registry.host}/acme/api`, API_URL: api.url };
  const env = { GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY_IMAGE' };
  // Without a person, the pipeline stops before the manual apply (and verify, which needs it).
  const withoutApply = await runPipeline(project, { variables, env, jobs: ['test', 'build', 'plan'] });
  expectSuccess(withoutApply);
  expect(withoutApply.jobLines('test').join('\n')).toContain('unit tests passed');
  const built = withoutApply.dotenv('build');
  expect(built.STAGECRAFT_IMAGE_REF).toMatch(new RegExp(`^${registry.host}/acme/api@sha256:[a-f0-9]{64}$`));
  expect(withoutApply.jobLines('plan').join('\n')).toMatch(/Plan: 3 to add/);
  expect(withoutApply.jobLines('apply')).toEqual([]);

  const applied = await runPipeline(project, { variables, env, manual: ['apply'] });
  expectSuccess(applied);
  expect(applied.dotenv('apply')).toMatchObject({
    STAGECRAFT_ENVIRONMENT: 'production',
    STAGECRAFT_IMAGE: expect.stringContaining('@sha256:'),
  });
  const state = execFileSync('terraform', ['-chdir=infra', 'output', '-raw', 'image'], {
    cwd: project.dir,
    encoding: 'utf8',
  });
  expect(state).toBe(applied.dotenv('build').STAGECRAFT_IMAGE_REF);
  expect(applied.dotenv('verify')).toMatchObject({ STAGECRAFT_PASSED: 'true' });
  expect(uploads.length).toBeGreaterThan(0);
});
