/**
 * The self-managed GitLab path as docs/gitlab.md tells it, on the jest run's Docker engine:
 * - `npm run image -- --tag <registry>/stagecraft:<version> --push` from a fresh clone of the
 *   project pushes the job image to a local registry with no variable but DOCKER_HOST (the buildx
 *   that setup installed is found by the script itself);
 * - the "Run it locally" section's commands, taken from the page, run a two-job pipeline with
 *   gitlab-ci-local's docker executor; the second job restores the first one's artifacts, and each
 *   job's `stagecraft-summary.md` artifact holds only its own step.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { dockerEnv } from '../helpers/docker.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { jobImage } from '../helpers/job-image.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { nodeBinary, ROOT } from '../helpers/runner.js';

jest.setTimeout(400_000);

let registry: TestRegistry;
let app: TestServer;
let work: string;
let clone: string;

/**
 * A fresh clone of this checkout (the same HEAD, so `npm run image` stamps the same revision as the
 * run's own job image), with any uncommitted change of the working tree laid over it.
 */
function freshClone(dest: string) {
  execFileSync('git', ['clone', '-q', '--no-hardlinks', ROOT, dest]);
  const changed = (...args: string[]) =>
    execFileSync('git', ['ls-files', '-z', ...args], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
  const deleted = new Set(changed('--deleted'));
  for (const file of deleted) rmSync(join(dest, file), { force: true });
  for (const file of changed('--modified', '--others', '--exclude-standard')) {
    if (deleted.has(file)) continue;
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(join(ROOT, file), join(dest, file));
  }
  // What `bash scripts/setup.sh` and `npm ci` would install, shared with this run.
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'));
  symlinkSync(join(ROOT, '.tools'), join(dest, '.tools'));
}

/** Runs bash in the copy with only what a user's shell has: PATH, HOME and the engine's DOCKER_HOST. */
function bash(script: string, env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: clone,
    detached: true,
    env: {
      PATH: `${dirname(nodeBinary())}:${process.env.PATH ?? ''}`,
      HOME: work,
      DOCKER_HOST: dockerEnv().DOCKER_HOST,
      GIT_AUTHOR_NAME: 'dev',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'dev',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 360_000);
  return new Promise((res) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code: code ?? -1, output });
    }),
  );
}

/** The ```bash blocks of one `## ` section of a markdown page, in order. */
function sectionCommands(page: string, heading: string): string {
  const start = page.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  const end = page.indexOf('\n## ', start + 1);
  const section = page.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  if (!blocks.length) throw new Error(`no bash block in "## ${heading}"`);
  return blocks.join('\n');
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-gl-local-'));
  clone = join(work, 'stagecraft');
  freshClone(clone);
  const started = await Promise.allSettled([
    startRegistry().then((r) => {
      registry = r;
    }),
    startServer((req, res) => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' });
      if (req.url === '/version') return json(res, 200, { version: '1.2.3' });
      return json(res, 404, {});
    }).then((s) => {
      app = s;
    }),
    // The base image and the engine's copy of the job image, made once per run.
    jobImage(),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
});

afterAll(async () => {
  await registry?.stop();
  await app?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('npm run image -- --tag <registry ref> --push pushes the job image, with no variable but DOCKER_HOST', async () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const ref = `${registry.host}/stagecraft:${version}`;
  const run = await bash(`npm run image -- --tag ${ref} --push`);
  if (run.code !== 0) throw new Error(`npm run image failed (${run.code}):\n${run.output}`);
  expect(run.output).not.toContain('buildx component is missing');
  expect(run.output).toContain(`image: pushed ${ref}`);
  const tags = (await (await fetch(`${registry.url}/v2/stagecraft/tags/list`)).json()) as { tags: string[] };
  expect(tags.tags).toEqual([version]);
  // What was pushed is the job image: its config names the CLI's version label.
  const manifest = await fetch(`${registry.url}/v2/stagecraft/manifests/${version}`, {
    headers: {
      accept:
        'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    },
  });
  expect(manifest.status).toBe(200);
  const config = (await manifest.json()) as { config: { digest: string } };
  const blob = (await (
    await fetch(`${registry.url}/v2/stagecraft/blobs/${config.config.digest}`)
  ).json()) as {
    config: { Labels?: Record<string, string> };
  };
  expect(Object.values(blob.config.Labels ?? {})).toContain(version);

  const bad = await bash('npm run -s image -- --tag');
  expect(bad.code).not.toBe(0);
  expect(bad.output).toContain('--tag needs an image reference');
});

test('docs/gitlab.md "Run it locally", run as written: two jobs, each summary artifact holds its own step', async () => {
  const commands = sectionCommands(readFileSync(join(ROOT, 'docs/gitlab.md'), 'utf8'), 'Run it locally');
  const script = join(work, 'run-it-locally.sh');
  writeFileSync(script, commands);
  const before = app.requests.length;
  const run = await bash(`source ${script}`, { APP_URL: app.url });
  if (run.code !== 0) throw new Error(`the documented commands failed (${run.code}):\n${run.output}`);
  expect(run.output).toMatch(/PASS\s+health/);
  expect(run.output).toMatch(/PASS\s+version/);
  // The second job restored the first one's artifacts into its container, as GitLab does.
  expect(run.output).toMatch(/version\s+imported artifacts/);
  // Both jobs ran the CLI in the job image and reached the service through the host network.
  const urls = app.requests.slice(before).map((r) => r.url);
  expect(urls).toEqual(expect.arrayContaining(['/health', '/version']));

  const artifacts = join(work, 'try-stagecraft/.gitlab-ci-local/artifacts');
  const health = readFileSync(join(artifacts, 'health/stagecraft-summary.md'), 'utf8');
  const version = readFileSync(join(artifacts, 'version/stagecraft-summary.md'), 'utf8');
  expect(health).toContain('GET /health 200');
  expect(health).not.toContain('GET /version');
  // The version job restored health's artifacts (GitLab's default for a later stage) and
  // replaced its summary instead of adding to it.
  expect(version).toContain('GET /version 200');
  expect(version).not.toContain('GET /health');
  const job = (text: string) => /^<!-- stagecraft:job:(\d+) -->/.exec(text)?.[1];
  expect(job(health)).toBeDefined();
  expect(job(version)).toBeDefined();
  expect(job(version)).not.toBe(job(health));
  // The last documented command showed the summary.
  expect(run.output).toContain('checks passed');
});
