/**
 * `via: api` on GitHub under contention: 10 deployer processes (the built CLI, as separate jobs
 * are) commit to one branch through the fake GitHub's Git Data API at once. Their PATH holds no
 * git, so nothing can be cloned, fetched or pushed: all 10 commits land through the API, each
 * re-applied on the head it lost to, and the repository the fake wrote passes `git fsck --strict`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { GitStore } from '../fakes/git-store.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { runCli } from '../helpers/cli.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';

const N = 10;
const TOKEN = 'ghs_apiConcurrency0123456789';
const name = (i: number) => `svc${String(i).padStart(2, '0')}`;
let repo: BareRepo;
let store: GitStore;
let gh: FakeGitHub;
let noGit: string;

beforeAll(async () => {
  const lines = ['# one entry per service; deployers write concurrently'];
  for (let i = 0; i < N; i++) lines.push(`${name(i)}:`, `  tag: "initial" # ${name(i)}`);
  repo = createBareRepo({ 'deploy/staging/services.yaml': `${lines.join('\n')}\n` });
  store = new GitStore(repo.path);
  gh = await startFakeGitHub({ token: TOKEN, repository: 'acme/config', git: store });
  noGit = mkdtempSync(join(tmpdir(), 'no-git-'));
});
afterAll(async () => {
  await gh?.close();
  repo?.cleanup();
  rmSync(noGit, { recursive: true, force: true });
});

it(`${N} concurrent API deployers land ${N} commits with no clone`, async () => {
  const before = await store.count('main');
  const runs = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      runCli(
        [
          'deploy-env',
          '--strategy',
          'gitops',
          '--via',
          'api',
          '--repository',
          'acme/config',
          '--environment',
          'staging',
          '--file',
          'deploy/{environment}/services.yaml',
          '--key',
          `${name(i)}.tag`,
          '--image',
          `registry.example.com/team/${name(i)}:build-${i}`,
          '--token',
          TOKEN,
        ],
        // No git on PATH (node is called by its absolute path).
        { PATH: noGit, GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/config' },
      ),
    ),
  );
  for (const run of runs)
    expect({ code: run.code, stderr: run.code ? run.stderr : '' }).toEqual({ code: 0, stderr: '' });
  expect((await store.count('main')) - before).toBe(N);
  const file = repo.read('deploy/staging/services.yaml');
  for (let i = 0; i < N; i++) expect(file).toContain(`${name(i)}:\n  tag: "build-${i}" # ${name(i)}`);
  // Lost races (a head that moved before a write, or a refused ref update) were re-applied.
  const lost = runs.filter((r) => /lost a race with another deployer/.test(r.stdout + r.stderr));
  expect(lost.length).toBeGreaterThan(0);
  expect(gh.violations).toEqual([]);
  execFileSync('git', ['fsck', '--strict', '--no-dangling'], { cwd: repo.path, stdio: 'pipe' });
});
