#!/usr/bin/env node
// GitOps write-back under contention: 1, 10 and 30 deployer processes (the built CLI) push to
// one bare repository at once, each setting its own key in one file. Prints deploys/second,
// lost push races (retries) and whether every commit landed. Run: node bench/gitops-contention.mjs
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist/cli/index.js');
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

function deploy(url, i) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        cli,
        'deploy-env',
        '--strategy',
        'gitops',
        '--repository',
        url,
        '--environment',
        'bench',
        '--file',
        'services.yaml',
        '--key',
        `${key(i)}.tag`,
        '--image',
        `registry.example.com/team/${key(i)}:b${i}`,
      ],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME } },
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

const rows = [];
const errors = [];
// `node bench/gitops-contention.mjs 30` runs one size only.
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1, 10, 30];
for (const n of sizes) {
  const dir = seed(n);
  const url = pathToFileURL(join(dir, 'config.git')).href;
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: n }, (_, i) => deploy(url, i)));
  const seconds = (performance.now() - started) / 1000;
  const commits = Number(git(join(dir, 'config.git'), 'rev-list', '--count', 'main')) - 1;
  const races = results.reduce((s, r) => s + r.races, 0);
  rows.push({
    deployers: n,
    'wall s': seconds.toFixed(2),
    'deploys/s': (n / seconds).toFixed(2),
    retries: races,
    'max retries one deployer': Math.max(...results.map((r) => r.races)),
    failed: results.filter((r) => r.code !== 0).length,
    'commits landed': `${commits}/${n}`,
  });
  for (const r of results) if (r.code) errors.push(r.error);
  rmSync(dir, { recursive: true, force: true });
}
console.table(rows);
for (const e of errors) console.log(`failed deployer: ${e}`);
