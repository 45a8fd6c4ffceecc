#!/usr/bin/env node
// Size of each bundle in dist/ and its cold start on Node 24: time from spawning
// `node dist/<name>/index.js` to its first byte of output (module load + input parsing;
// with no inputs every step stops at its first input check). Median of RUNS runs.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.env.RUNS ?? 15);
const node = existsSync(join(root, '.tools/node24/bin/node'))
  ? join(root, '.tools/node24/bin/node')
  : process.execPath;

function dirSize(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .reduce((sum, f) => sum + statSync(f).size, 0);
}

function firstOutput(file, args) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, [file, ...args], {
      env: { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', RUNNER_TEMP: '/tmp' },
    });
    let done = false;
    const first = () => {
      if (!done) {
        done = true;
        resolve(Number(process.hrtime.bigint() - started) / 1e6);
      }
    };
    child.stdout.once('data', first);
    child.stderr.once('data', first);
    child.on('close', first);
  });
}

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const name of readdirSync(join(root, 'dist')).sort()) {
  const file = join(root, 'dist', name, 'index.js');
  if (!existsSync(file)) continue;
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await firstOutput(file, name === 'cli' ? ['--version'] : []));
  rows.push({
    bundle: `dist/${name}/index.js`,
    'index.js kB': (statSync(file).size / 1024).toFixed(0),
    'dir kB': (dirSize(join(root, 'dist', name)) / 1024).toFixed(0),
    'cold start ms (median)': median(times).toFixed(0),
    'min ms': Math.min(...times).toFixed(0),
  });
}
console.log(
  `node ${await new Promise((r) => {
    const c = spawn(node, ['--version']);
    c.stdout.on('data', (d) => r(String(d).trim()));
  })}, ${RUNS} runs each`,
);
console.table(rows);
