#!/usr/bin/env node
// API calls per step, and cold start to the first API request, of the gate-merge and notify-pr
// bundles (dist/<step>/index.js) on this Node, run the way the GitHub runner runs them.
// A small in-memory GitHub (and Slack Web API under /slack) answers on 127.0.0.1; the time is
// from spawn to the first request it receives (median of RUNS, default 15). The notify-pr board
// and Slack scenarios count the calls of one board update and one Slack post/update, and two
// concurrent board writers are counted at the end. Usage: node bench/api-calls.mjs [runs]
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.argv[2] ?? 15);
const PUSHED = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** Just enough GitHub for the two steps: one merged PR (#1), its comments, statuses, check runs. */
function github() {
  const comments = [];
  let next = 100;
  let firstAt;
  const log = [];
  const server = createServer((req, res) => {
    firstAt ??= performance.now();
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = new URL(req.url, 'http://x').pathname;
      log.push(`${req.method} ${path}`);
      const send = (status, data) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(data === undefined ? '' : JSON.stringify(data));
      };
      if (/\/statuses\/\w+$/.test(path)) return send(201, { id: 1, state: 'success' });
      if (path.endsWith('/status'))
        return send(200, {
          state: 'success',
          total_count: 1,
          statuses: [{ id: 1, context: 'stagecraft/staging', state: 'success' }],
        });
      if (path.endsWith('/check-runs'))
        return send(200, {
          total_count: 1,
          check_runs: [{ id: 2, name: 'unit', status: 'completed', conclusion: 'success' }],
        });
      if (path.endsWith('/pulls')) return send(200, [{ number: 1 }]);
      if (path.endsWith('/issues/1/comments') && req.method === 'GET') return send(200, comments);
      if (path.endsWith('/issues/1/comments')) {
        const c = { id: ++next, body: JSON.parse(body).body };
        comments.push(c);
        return send(201, c);
      }
      if (path.startsWith('/slack/chat.')) {
        const args = JSON.parse(body || '{}');
        const ts = args.ts ?? `${1764450000 + ++next}.000100`;
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ok: true, channel: 'C0DEPLOYS01', ts }));
      }
      if (/\/issues\/comments\/\d+$/.test(path) && req.method === 'DELETE') {
        const i = comments.findIndex((x) => x.id === Number(path.split('/').pop()));
        if (i < 0) return send(404, { message: 'Not Found' });
        comments.splice(i, 1);
        return send(204);
      }
      if (/\/issues\/comments\/\d+$/.test(path) && req.method === 'PATCH') {
        const c = comments.find((x) => x.id === Number(path.split('/').pop()));
        c.body = JSON.parse(body).body;
        return send(200, c);
      }
      send(404, { message: 'Not Found' });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        log,
        firstAt: () => firstAt,
        comments,
        reset() {
          firstAt = undefined;
          log.length = 0;
        },
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}

async function runStep(step, inputs, gh, event = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  for (const f of ['output', 'summary']) writeFileSync(join(dir, f), '');
  writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
  const env = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_SHA: PUSHED,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: dir,
    INPUT_TOKEN: 'ghs_bench',
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  gh.reset();
  const started = performance.now();
  const main = step.startsWith('/') ? step : join(root, 'dist', step, 'index.js');
  const child = spawn(process.execPath, [main], { env, stdio: 'ignore' });
  const code = await new Promise((r) => child.on('close', r));
  const ended = performance.now();
  if (code !== 0) throw new Error(`${step} exited ${code}`);
  return { firstRequestMs: gh.firstAt() - started, totalMs: ended - started, calls: [...gh.log] };
}

/**
 * The stack of the widely used sticky-comment actions (@actions/core + @actions/github, bundled
 * unminified as ncc does), listing the PR's comments: the reference our budget is relative to.
 */
async function buildReference() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ref-'));
  const entry = join(dir, 'entry.mjs');
  writeFileSync(
    entry,
    `import * as core from '@actions/core';
import * as github from '@actions/github';
const octokit = github.getOctokit(core.getInput('token'));
const { owner, repo } = github.context.repo;
await octokit.rest.issues.listComments({ owner, repo, issue_number: 1 });`,
  );
  const outfile = join(dir, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    nodePaths: [join(root, 'node_modules')],
    banner: { js: "import{createRequire as __r}from'node:module';const require=__r(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

/** The floor: a plain Node script that sends the same first request with node:http and nothing else. */
function buildBareHttp() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bare-'));
  const file = join(dir, 'index.mjs');
  writeFileSync(
    file,
    `import http from 'node:http';
http.get(process.env.GITHUB_API_URL + '/repos/octo/app/issues/1/comments', (res) => res.resume().on('end', () => {}));`,
  );
  return file;
}

async function bareNode() {
  const started = performance.now();
  await new Promise((r) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).on('close', r));
  return performance.now() - started;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const kb = (p) => Math.round(statSync(join(root, p)).size / 1024);

const gh = await github();
const slackBot = {
  'slack-token': 'xoxb-bench',
  'slack-channel': '#deploys',
  'slack-api-url': `${gh.url}/slack`,
};
const reference = await buildReference();
const bareHttp = buildBareHttp();
const scenarios = [
  [bareHttp, 'bare node: one http.get', {}],
  [
    reference,
    `reference: @actions/github stack (${Math.round(statSync(reference).size / 1024)} kB), list comments`,
    {},
  ],
  ['gate-merge', 'set (push)', { mode: 'set', state: 'success', context: 'stagecraft/staging' }],
  [
    'gate-merge',
    'require, green',
    { mode: 'require', contexts: 'stagecraft/staging\nunit', timeout: '0s', 'poll-interval': '10s' },
  ],
  [
    'notify-pr',
    'push: find PR, first comment',
    { environment: 'production', sticky: 'true', key: '{environment}', status: 'success' },
  ],
  [
    'notify-pr',
    'push: update sticky comment',
    { environment: 'production', sticky: 'true', key: '{environment}', status: 'failure' },
  ],
  ['notify-pr', 'board: first row (creates the board)', { environment: 'staging', board: 'true' }],
  ['notify-pr', 'board: update own row', { environment: 'staging', board: 'true', status: 'failure' }],
  ['notify-pr', 'board + Slack bot: post', { environment: 'qa', board: 'true', ...slackBot }],
  [
    'notify-pr',
    'board + Slack bot: update + thread reply',
    { environment: 'qa', board: 'true', status: 'rolled-back', ...slackBot },
  ],
];
const rows = [];
for (const [step, name, inputs] of scenarios) {
  const first = await runStep(step, inputs, gh);
  const times = [];
  const totals = [];
  const overheads = [];
  const ratios = [];
  const bareRatios = [];
  for (let i = 0; i < RUNS; i++) {
    // The machine is shared: a bare node start and a reference run right before each run make the
    // comparison fair under changing load.
    const baseline = await bareNode();
    const ref = step === reference ? undefined : await runStep(reference, {}, gh);
    const floor = step === bareHttp ? undefined : await runStep(bareHttp, {}, gh);
    // The comment scenarios keep their state: every timed run after the first is an update.
    const r = await runStep(step, inputs, gh);
    times.push(r.firstRequestMs);
    totals.push(r.totalMs);
    overheads.push(r.firstRequestMs - baseline);
    if (ref) ratios.push(r.firstRequestMs / ref.firstRequestMs);
    if (floor) bareRatios.push(r.firstRequestMs / floor.firstRequestMs);
  }
  const calls = first.calls.map((c) => c.replace(/[0-9a-f]{40}/, '{sha}').replace('/repos/octo/app', ''));
  rows.push([
    step === reference ? 'reference' : step === bareHttp ? 'bare node' : step,
    name,
    String(first.calls.length),
    calls.join(', '),
    median(times).toFixed(0),
    median(overheads).toFixed(0),
    step === reference ? '1×' : `${median(ratios).toFixed(2)}×`,
    step === bareHttp ? '1×' : `${median(bareRatios).toFixed(2)}×`,
    median(totals).toFixed(0),
  ]);
}
// Two runs for different environments at once on a PR with no board yet: the create race.
gh.comments.length = 0;
gh.reset();
const [staging, production] = await Promise.all([
  runStep('notify-pr', { environment: 'staging', board: 'true' }, gh),
  runStep('notify-pr', { environment: 'production', board: 'true' }, gh),
]);
const boards = gh.comments.filter((c) => c.body.startsWith('<!-- stagecraft:board -->'));
const rowsKept = boards.map((c) => (c.body.match(/^\| `/gm) ?? []).length);
const concurrent = `Concurrent staging + production, no board yet: ${gh.log.length} API calls in all (${gh.log.filter((l) => !l.startsWith('GET')).length} writes), boards left ${boards.length}, rows ${rowsKept.join('+')}, whole runs ${staging.totalMs.toFixed(0)} / ${production.totalMs.toFixed(0)} ms`;

const bare = [];
for (let i = 0; i < RUNS; i++) bare.push(await bareNode());
await gh.close();

console.log(
  `Node ${process.version}, median of ${RUNS} runs; bare \`node -e 0\`: ${median(bare).toFixed(0)} ms`,
);
console.log(
  `Bundles: gate-merge ${kb('dist/gate-merge/index.js')} kB, notify-pr ${kb('dist/notify-pr/index.js')} kB (entry files)\n`,
);
console.log(
  '| step | scenario | API calls | calls (first run) | spawn → first API request (ms) | … minus bare node start (ms) | vs reference, same moment | vs bare http.get, same moment | whole run (ms) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\n${concurrent}`);
