/**
 * Reproducible builds with real buildah (vfs, chroot) and a real docker-registry: the committed
 * build-push-image bundle builds one commit of a git checkout twice, each time in a fresh storage
 * of its own (as two CI jobs would, in two job containers), and both pushes have one digest: a hold
 * on it catches the rebuild of a new pipeline. Another commit gets another digest, stamped with its
 * own committer time. buildx: the jest run's Docker engine is Debian's 20.10 (BuildKit 0.8), which
 * takes SOURCE_DATE_EPOCH and rewrite-timestamp but ignores both (they need BuildKit 0.11 and
 * 0.13), so its builds of one commit still differ: the flags it gets are checked in process
 * (test/inprocess/build-reproducible.test.ts), and build-push-image-buildx.test.ts checks that it
 * still builds with them, labels the build time and warns that the build is not reproducible.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { commitAt, git } from '../helpers/git.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT, runAction } from '../helpers/runner.js';

// 2025-06-01T08:00:00Z, then two days later.
const FIRST = 1748764800;
const SECOND = FIRST + 2 * 86_400;

let registry: TestRegistry;
let dir: string;
let checkout: string;
let storages = 0;

/** A containers storage.conf whose graph and run roots are new, empty directories: a fresh job. */
function freshStorage(): string {
  const root = join(dir, `storage-${++storages}`);
  mkdirSync(root);
  const conf = join(root, 'storage.conf');
  writeFileSync(conf, `[storage]\ndriver = "vfs"\ngraphroot = "${root}/graph"\nrunroot = "${root}/run"\n`);
  return conf;
}

function inspect(ref: string): { Digest: string; Created: string; Labels: Record<string, string> } {
  return JSON.parse(
    execFileSync('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`], { encoding: 'utf8' }),
  );
}

/** build-push-image of `sha` from the checkout, in a fresh buildah storage, to `repository`. */
async function build(sha: string, repository: string) {
  const run = await runAction('build-push-image', {
    inputs: {
      image: `${registry.host}/${repository}`,
      context: checkout,
      'test-target': 'test',
      target: 'app',
      builder: 'buildah',
      'tls-verify': 'false',
    },
    env: { GITHUB_SHA: sha, CONTAINERS_STORAGE_CONF: freshStorage() },
    cwd: checkout,
    timeoutMs: 180_000,
  });
  expect(run.errors).toEqual([]);
  expect(run.code).toBe(0);
  return run;
}

beforeAll(async () => {
  registry = await startRegistry();
  dir = mkdtempSync(join(tmpdir(), 'bpi-repro-'));
  checkout = join(dir, 'checkout');
  cpSync(join(ROOT, 'test/fixtures/app'), checkout, { recursive: true });
  copyFileSync('/bin/busybox', join(checkout, 'busybox'));
  git(checkout, 'init', '-q', '-b', 'main');
  git(checkout, 'add', '-A');
  commitAt(checkout, FIRST, 'first');
});
afterAll(async () => {
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('two builds of one commit in two fresh storages push one digest; another commit gets another', async () => {
  const first = git(checkout, 'rev-parse', 'HEAD').trim();
  const a = await build(first, 'team/first');
  expect(a.stdout).toContain(
    `Build time: 2025-06-01T08:00:00Z (the committer time of ${first.slice(0, 12)})`,
  );
  // Another job, later, from nothing: the same digest in another repository.
  const b = await build(first, 'team/again');
  expect(a.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(b.outputs.digest).toBe(a.outputs.digest);
  const image = inspect(`${registry.host}/team/again@${b.outputs.digest}`);
  expect(image.Digest).toBe(a.outputs.digest);
  expect(image.Created).toBe('2025-06-01T08:00:00Z');
  expect(image.Labels['org.opencontainers.image.created']).toBe('2025-06-01T08:00:00Z');

  // The same files at a new commit: another revision and another time, so another digest.
  const second = commitAt(checkout, SECOND, 'second');
  const c = await build(second, 'team/first');
  expect(c.outputs.digest).not.toBe(a.outputs.digest);
  const next = inspect(`${registry.host}/team/first@${c.outputs.digest}`);
  expect(next.Created).toBe('2025-06-03T08:00:00Z');
  expect(next.Labels).toMatchObject({
    'org.opencontainers.image.created': '2025-06-03T08:00:00Z',
    'org.opencontainers.image.revision': second,
  });
}, 540_000);
