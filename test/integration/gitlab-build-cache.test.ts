/**
 * The build-push-image component with `cache: true` where it matters most: GitLab job containers
 * start with empty storage every time. gitlab-ci-local's docker executor runs the build job twice,
 * each time in a new container of the job image (buildah, vfs), pushing to a real registry. The
 * Dockerfile's RUN steps call a counter on loopback (job containers use the host network), so the
 * test sees that the second job ran none of them, took every step from `<image>-cache` and pushed
 * the same digest (the build time is the commit's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import YAML from 'yaml';
import { component, createProject, type Project, runPipeline } from '../helpers/gitlab-ci-local.js';
import { startServer, type TestServer } from '../helpers/http.js';
import { jobImage, seedBusybox } from '../helpers/job-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

jest.setTimeout(400_000);

let registry: TestRegistry;
let counter: TestServer;
let project: Project;
let work: string;
let docker: { helperImage: string; volumes: string[] };
const hits = new Map<string, number>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-gl-cache-'));
  const started = await Promise.allSettled([
    startRegistry().then((r) => {
      registry = r;
    }),
    startServer((req, res) => {
      const key = (req.url ?? '').slice(1);
      hits.set(key, (hits.get(key) ?? 0) + 1);
      res.end('ran\n');
    }).then((s) => {
      counter = s;
    }),
    jobImage(),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
  const helperImage = (started[2] as PromiseFulfilledResult<string>).value;
  docker = { helperImage, volumes: [await seedBusybox(registry.host, work)] };
  project = createProject({
    '.gitlab-ci.yml': YAML.stringify({
      stages: ['build'],
      include: [{ component: component('build-push-image'), inputs: { 'tls-verify': false, cache: true } }],
    }),
    Dockerfile: [
      'FROM busybox:1.36',
      `RUN wget -q -O /deps ${counter.url}/deps`,
      'COPY src.txt /src.txt',
      `RUN wget -q -O /compile ${counter.url}/compile`,
      '',
    ].join('\n'),
    'src.txt': 'v1\n',
  });
});

afterAll(async () => {
  await registry?.stop();
  await counter?.close();
  project?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function build() {
  const result = await runPipeline(project, {
    variables: { CI_REGISTRY_IMAGE: `${registry.host}/group/app` },
    env: { GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY_IMAGE' },
    docker,
    timeoutMs: 240_000,
  });
  if (result.code !== 0) throw new Error(`pipeline failed (${result.code}):\n${result.output}`);
  return result;
}

test('a second build job in a fresh container takes every step from the cache and pushes the same digest', async () => {
  const first = await build();
  expect(Object.fromEntries(hits)).toEqual({ deps: 1, compile: 1 });
  expect(first.jobLines('build-push-image').join('\n')).toContain(
    `Cache: 0 of 3 build steps from the cache (\`${registry.host}/group/app-cache\`)`,
  );
  const tags = (await (await fetch(`${registry.url}/v2/group/app-cache/tags/list`)).json()) as {
    tags: string[];
  };
  expect(tags.tags.length).toBeGreaterThanOrEqual(3);

  const second = await build();
  expect(Object.fromEntries(hits)).toEqual({ deps: 1, compile: 1 });
  const log = second.jobLines('build-push-image').join('\n');
  expect(log).toContain('Cache pulled from remote');
  expect(log).toContain('Cache: 3 of 3 build steps from the cache');
  expect(second.summary('build-push-image')).toContain('3 of 3 build steps from the cache');
  expect(second.dotenv('build-push-image').STAGECRAFT_DIGEST).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(second.dotenv('build-push-image').STAGECRAFT_DIGEST).toBe(
    first.dotenv('build-push-image').STAGECRAFT_DIGEST,
  );
});
