#!/usr/bin/env node
// Fails when a bundle or a lazily loaded chunk in dist/ does not load on a Node version the
// package supports (engines: >=20; the CLI and the root composite action run whatever `node`
// the runner or job image has). A named import Node lacks (`glob` from node:fs/promises before
// Node 22) fails the whole module graph at link time, and a lazy chunk only fails when a run
// reaches it, so every file is imported on each Node from .tools/node<major> (scripts/setup.sh).
//
// Chunks are imported one after another in one process per Node version. Each entry runs its
// step when imported, so it gets its own process with no inputs (it stops at input validation):
// what counts is that import() settled without a link or evaluation error.
//
// Usage: node scripts/check-node-floor.mjs [20 22 24]   (default: all three)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const versions = process.argv.slice(2).length ? process.argv.slice(2) : ['20', '22', '24'];
const MARK = '::stagecraft-node-floor::';
const run = promisify(execFile);

const dist = join(root, 'dist');
const steps = existsSync(dist) ? readdirSync(dist).sort() : [];
const entries = steps.map((s) => join(dist, s, 'index.js')).filter(existsSync);
const chunks = steps.flatMap((s) => {
  const dir = join(dist, s, 'chunks');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.js'))
        .sort()
        .map((f) => join(dir, f))
    : [];
});
if (entries.length === 0) {
  console.error('check-node-floor: no dist/*/index.js (run npm run build first)');
  process.exit(1);
}

// Imports each URL in turn and prints one marker line per file: `ok <url>` or `fail <url> <error>`.
const importer = `
const mark = ${JSON.stringify(MARK)};
for (const url of JSON.parse(process.argv[1])) {
  try { await import(url); console.log(mark + 'ok ' + url); }
  catch (e) { console.log(mark + 'fail ' + url + ' ' + String(e?.name ? e.name + ': ' + e.message : e).split('\\n')[0]); }
}
process.exit(0);`;

async function importAll(node, files, cwd) {
  const urls = files.map((f) => pathToFileURL(f).href);
  const { stdout } = await run(node, ['--input-type=module', '-e', importer, JSON.stringify(urls)], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 60_000,
  }).catch((err) => err); // an entry sets exitCode 1 on its missing inputs: only the markers count
  const seen = new Map();
  for (const line of String(stdout ?? '').split('\n')) {
    const at = line.indexOf(MARK);
    if (at < 0) continue;
    const [status, url, ...why] = line.slice(at + MARK.length).split(' ');
    seen.set(url, status === 'ok' ? null : why.join(' '));
  }
  return urls.map((url, i) => ({
    file: files[i].slice(root.length),
    error: seen.has(url) ? seen.get(url) : 'the process ended before import() settled',
  }));
}

const problems = [];
let checked = 0;
async function check(version) {
  const node = join(root, `.tools/node${version}/bin/node`);
  if (!existsSync(node)) {
    problems.push(`Node ${version} is not installed in .tools/node${version} (run scripts/setup.sh)`);
    return;
  }
  const cwd = mkdtempSync(join(tmpdir(), 'node-floor-'));
  try {
    const results = (
      await Promise.all([importAll(node, chunks, cwd), ...entries.map((e) => importAll(node, [e], cwd))])
    ).flat();
    for (const r of results) {
      checked++;
      if (r.error) problems.push(`Node ${version}: ${r.file}: ${r.error}`);
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}
await Promise.all(versions.map(check));

if (problems.length) {
  console.error(`bundles that do not load on every supported Node:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `${entries.length} bundles and ${chunks.length} chunks load on Node ${versions.join(', ')} (${checked} imports)`,
);
