#!/usr/bin/env node
// GitOps write-back under contention: N deployer processes (the built CLI) each set their own key
// in one file of one config repository, all at once ("concurrent") and one after the other
// ("serial", the baseline), for `via: git` (clone/commit/push to a bare repository) and
// `via: api` (GitHub's Git Data API, served by test/fakes/github-api over a real bare repository,
// bundled here with esbuild). Prints wall time, retries (lost races) and whether every commit
// landed, then concurrent ÷ serial per mode. Run: node bench/gitops-contention.mjs [N…] (default 30).
// MODES=api (or git): one mode only; SCHEDULES=concurrent (or serial): one schedule; LATENCY_MS:
// a delay added to every fake GitHub answer; PROFILE=1: when deployers started and commits landed,
// and the fake's answers per route (count, mean time to answer).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/cli/index.js');
const TOKEN = 'ghs_benchToken0123456789';
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@b',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@b',
};
const git = (cwd, ...args) =>
  execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const key = (i) => `svc${String(i).padStart(2, '0')}`;

// ── the fake GitHub (and its git store), bundled from TypeScript ──
const out = mkdtempSync(join(tmpdir(), 'bench-gitops-fake-'));
await build({
  entryPoints: [join(root, 'test/fakes/github-api/server.ts'), join(root, 'test/fakes/git-store.ts')],
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
// The fake resolves @octokit/openapi from the repository's node_modules.
symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
const { startFakeGitHub } = await import(join(out, 'github-api/server.mjs'));
const { GitStore } = await import(join(out, 'git-store.mjs'));

function seed(n) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-gitops-'));
  git(dir, 'init', '--quiet', '--bare', '--initial-branch', 'main', 'config.git');
  git(dir, 'clone', '--quiet', 'config.git', 'seed');
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`${key(i)}:`, '  tag: "initial"');
  writeFileSync(join(dir, 'seed', 'services.yaml'), `${lines.join('\n')}\n`);
  git(join(dir, 'seed'), 'add', '-A');
  git(join(dir, 'seed'), 'commit', '--quiet', '-m', 'seed');
  git(join(dir, 'seed'), 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
  return dir;
}

function deploy(target, i) {
  const via =
    target.mode === 'api'
      ? ['--via', 'api', '--repository', 'acme/config', '--token', TOKEN]
      : ['--repository', target.url];
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        cli,
        'deploy-env',
        '--strategy',
        'gitops',
        ...via,
        '--environment',
        'bench',
        '--file',
        'services.yaml',
        '--key',
        `${key(i)}.tag`,
        '--image',
        `registry.example.com/team/${key(i)}:b${i}`,
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...(target.mode === 'api' ? { GITHUB_API_URL: target.url } : {}),
        },
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    child.on('close', (code) =>
      resolve({
        code,
        races: stderr.match(/lost a race/g)?.length ?? 0,
        error: code ? stderr.trim().split('\n').at(-1) : '',
      }),
    );
  });
}

function profile(label, requests) {
  const routes = new Map();
  for (const r of requests) {
    const route = `${r.method} ${r.operationId ?? r.path} ${r.status}`;
    const seen = routes.get(route) ?? { n: 0, ms: 0 };
    routes.set(route, { n: seen.n + 1, ms: seen.ms + (r.ms ?? 0) });
  }
  const t0 = requests[0]?.at ?? 0;
  const secs = (list) => list.map((r) => ((r.at - t0) / 1000).toFixed(1)).join(' ');
  console.log(
    `${label}: default-branch reads (a deployer started) at ${secs(requests.filter((r) => r.operationId === 'repos/get'))}`,
  );
  console.log(
    `${label}: commits landed at ${secs(requests.filter((r) => r.operationId === 'git/update-ref' && r.status === 200))}`,
  );
  console.log(`${label}: the fake's answers`);
  for (const [route, { n, ms }] of routes) console.log(`  ${route}: ${n}× mean ${(ms / n).toFixed(1)} ms`);
}

async function run(mode, schedule, n) {
  const dir = seed(n);
  const repoPath = join(dir, 'config.git');
  let fake;
  let url = pathToFileURL(repoPath).href;
  if (mode === 'api') {
    fake = await startFakeGitHub({
      token: TOKEN,
      repository: 'acme/config',
      git: new GitStore(repoPath),
      latencyMs: Number(process.env.LATENCY_MS ?? 0),
    });
    url = fake.url;
  }
  const target = { mode, url };
  const started = performance.now();
  const results = [];
  if (schedule === 'serial') for (let i = 0; i < n; i++) results.push(await deploy(target, i));
  else results.push(...(await Promise.all(Array.from({ length: n }, (_, i) => deploy(target, i)))));
  const seconds = (performance.now() - started) / 1000;
  const commits = Number(git(repoPath, 'rev-list', '--count', 'main')) - 1;
  if (fake && process.env.PROFILE) profile(`${mode}/${schedule}`, fake.requests);
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
  return { seconds, commits, results };
}

const rows = [];
const errors = [];
const ratios = [];
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [30];
for (const n of sizes) {
  for (const mode of (process.env.MODES ?? 'git,api').split(',')) {
    const wall = {};
    for (const schedule of (process.env.SCHEDULES ?? 'serial,concurrent').split(',')) {
      const { seconds, commits, results } = await run(mode, schedule, n);
      wall[schedule] = seconds;
      rows.push({
        via: mode,
        schedule,
        deployers: n,
        'wall s': seconds.toFixed(2),
        'deploys/s': (n / seconds).toFixed(2),
        retries: results.reduce((s, r) => s + r.races, 0),
        'max retries one deployer': Math.max(...results.map((r) => r.races)),
        failed: results.filter((r) => r.code !== 0).length,
        'commits landed': `${commits}/${n}`,
      });
      for (const r of results) if (r.code) errors.push(`${mode}/${schedule}: ${r.error}`);
    }
    if (wall.serial && wall.concurrent)
      ratios.push(
        `via ${mode}: ${n} concurrent took ${(wall.concurrent / wall.serial).toFixed(2)}× the wall time of ${n} serial (${wall.concurrent.toFixed(2)} s / ${wall.serial.toFixed(2)} s)`,
      );
  }
}
rmSync(out, { recursive: true, force: true });
console.table(rows);
for (const r of ratios) console.log(r);
for (const e of errors) console.log(`failed deployer: ${e}`);
