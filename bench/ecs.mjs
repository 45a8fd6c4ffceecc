#!/usr/bin/env node
// The ecs path of deploy-env: bundle and chunk sizes, cold start (spawn → first request) on the
// ecs path vs the gitops path vs the bare entry, and ECS API calls per deploy / re-run / rollback.
// Runs dist/deploy-env and dist/rollback as the GitHub runner does (INPUT_* with action.yml
// defaults) against the fake ECS (test/fakes/ecs-api, bundled here with esbuild).
// Usage: node bench/ecs.mjs [runs]   (build first: node scripts/build.mjs deploy-env rollback)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import YAML from 'yaml';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.argv[2] ?? 7);
const node = existsSync(join(root, '.tools/node24/bin/node'))
  ? join(root, '.tools/node24/bin/node')
  : process.execPath;
const kb = (n) => `${(n / 1024).toFixed(0)} kB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ── sizes ──
const dist = join(root, 'dist/deploy-env');
const files = readdirSync(dist, { recursive: true })
  .map(String)
  .filter((f) => statSync(join(dist, f)).isFile());
const size = (f) => statSync(join(dist, f)).size;
const chunkOf = (prefix) => files.find((f) => f.startsWith(`chunks/${prefix}-`));
/** A chunk plus every chunk it imports statically (what loading it costs). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(dist, file), 'utf8');
  for (const m of text.matchAll(/from\s*"\.\/([^"]+\.js)"/g)) closure(`chunks/${m[1]}`, seen);
  for (const m of text.matchAll(/import\s*"\.\/([^"]+\.js)"/g)) closure(`chunks/${m[1]}`, seen);
  return seen;
}
const sum = (set) => [...set].reduce((n, f) => n + size(f), 0);
const ecsChunk = chunkOf('ecs');
const gitopsChunk = chunkOf('gitops');
console.log('\n| dist/deploy-env | size |\n|---|---|');
console.log(`| all files | ${kb(files.reduce((n, f) => n + size(f), 0))} (budget 6 MB) |`);
console.log(`| index.js | ${kb(size('index.js'))} (budget 1 MB) |`);
console.log(`| ecs chunk (${ecsChunk}) | ${kb(size(ecsChunk))} |`);
console.log(`| ecs chunk + the chunks it imports | ${kb(sum(closure(ecsChunk)))} |`);
console.log(`| gitops chunk + the chunks it imports | ${kb(sum(closure(gitopsChunk)))} |`);

// ── the fake ECS, bundled from TypeScript ──
const out = mkdtempSync(join(tmpdir(), 'bench-ecs-'));
await build({
  entryPoints: [join(root, 'test/fakes/ecs-api/server.ts')],
  outfile: join(out, 'fake.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});
// Resolve @aws-sdk/client-ecs from the repository's node_modules.
const { startFakeEcs } = await import(join(out, 'fake.mjs')).catch(async () => {
  const { symlinkSync } = await import('node:fs');
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  return import(join(out, 'fake.mjs'));
});

function actionEnv(step, inputs, extra) {
  const meta = YAML.parse(readFileSync(join(root, 'actions', step, 'action.yml'), 'utf8'));
  const env = {
    PATH: process.env.PATH,
    HOME: out,
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: out,
    GITHUB_OUTPUT: join(out, 'o'),
    GITHUB_STEP_SUMMARY: join(out, 's'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REPOSITORY: 'octo/app',
    ...extra,
  };
  for (const [name, def] of Object.entries(meta.inputs ?? {})) {
    const value =
      inputs[name] ?? (String(def.default ?? '').includes('${{') ? '' : String(def.default ?? ''));
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return env;
}

function run(step, env) {
  writeFileSync(join(out, 'o'), '');
  writeFileSync(join(out, 's'), '');
  const started = performance.now();
  const child = spawn(node, [join(root, 'dist', step, 'index.js')], { env, cwd: out });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  const done = new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, output, ms: performance.now() - started })),
  );
  return { started, done };
}

const aws = {
  AWS_ACCESS_KEY_ID: 'AKIABENCH00000000001',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
  STAGECRAFT_ECS_POLL_MS: '50',
};
const REPO = 'registry.example.com/team/app';

// ── cold start: spawn → first request received ──
const coldEcs = [];
const coldGitops = [];
const coldEntry = [];
for (let i = 0; i < RUNS; i++) {
  const fake = await startFakeEcs({ tickMs: 10 });
  fake.register({ family: 'app', containerDefinitions: [{ name: 'app', image: `${REPO}:1` }] });
  await fake.createService({ serviceName: 'web', taskDefinition: 'app:1' });
  fake.requests.length = 0;
  let first;
  const original = fake.requests.push.bind(fake.requests);
  fake.requests.push = (...r) => {
    first ??= performance.now();
    return original(...r);
  };
  const p = run(
    'deploy-env',
    actionEnv(
      'deploy-env',
      {
        environment: 'staging',
        strategy: 'ecs',
        service: 'web',
        image: `${REPO}:2`,
        'endpoint-url': fake.url,
        record: 'false',
      },
      aws,
    ),
  );
  const r = await p.done;
  if (r.code !== 0) throw new Error(`ecs deploy failed:\n${r.output}`);
  coldEcs.push(first - p.started);
  await fake.close();

  // gitops: a smart-HTTP URL whose first request (git's info/refs) marks the start.
  let gitFirst;
  const git = createServer((_req, res) => {
    gitFirst ??= performance.now();
    res.writeHead(404).end();
  });
  await new Promise((r2) => git.listen(0, '127.0.0.1', r2));
  const url = `http://127.0.0.1:${git.address().port}/repo.git`;
  const g = run(
    'deploy-env',
    actionEnv(
      'deploy-env',
      { environment: 'staging', strategy: 'gitops', repository: url, image: `${REPO}:2`, record: 'false' },
      {},
    ),
  );
  await g.done;
  coldGitops.push(gitFirst - g.started);
  git.close();

  coldEntry.push(
    (await run('deploy-env', { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', RUNNER_TEMP: out }).done).ms,
  );
}
console.log(
  `\n| deploy-env cold start (median of ${RUNS}, Node ${process.versions.node} as runner) | ms |\n|---|---|`,
);
console.log(
  `| entry only (no inputs: stops at the first input check, exits) | ${median(coldEntry).toFixed(0)} |`,
);
console.log(`| gitops path: spawn → first git request | ${median(coldGitops).toFixed(0)} |`);
console.log(`| ecs path: spawn → first ECS request (loads the SDK chunk) | ${median(coldEcs).toFixed(0)} |`);

// ── API calls per deploy ──
const fake = await startFakeEcs({ tickMs: 10 });
fake.register({ family: 'app', containerDefinitions: [{ name: 'app', image: `${REPO}:1` }] });
await fake.createService({ serviceName: 'web', taskDefinition: 'app:1', desiredCount: 2 });
const calls = async (step, inputs) => {
  fake.requests.length = 0;
  const started = performance.now();
  const r = await run(
    step,
    actionEnv(step, { strategy: 'ecs', service: 'web', 'endpoint-url': fake.url, ...inputs }, aws),
  ).done;
  if (r.code !== 0) throw new Error(`${step} failed:\n${r.output}`);
  const count = {};
  for (const op of fake.operations()) count[op] = (count[op] ?? 0) + 1;
  return {
    total: fake.requests.length,
    ms: performance.now() - started,
    detail: Object.entries(count)
      .map(([k, v]) => `${k}×${v}`)
      .join(', '),
  };
};
const rows = [
  [
    'deploy (new image, registers, waits)',
    await calls('deploy-env', { environment: 'staging', image: `${REPO}:2`, record: 'false' }),
  ],
  [
    're-run, same image (nothing to do)',
    await calls('deploy-env', { environment: 'staging', image: `${REPO}:2`, record: 'false' }),
  ],
  ['rollback (history → previous revision, waits)', await calls('rollback', { environment: 'staging' })],
];
console.log(
  '\n| ECS API calls (poll 50 ms, fake rollout ~40 ms) | calls | wall ms | by operation |\n|---|---|---|---|',
);
for (const [name, r] of rows) console.log(`| ${name} | ${r.total} | ${r.ms.toFixed(0)} | ${r.detail} |`);
console.log(
  `\nWhile waiting, each poll costs DescribeServices + ListTasks (+ DescribeTasks only for newly stopped tasks); default poll 6 s.`,
);
if (fake.violations.length) console.log('fake ECS violations:', fake.violations);
await fake.close();
