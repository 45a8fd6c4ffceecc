#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
// Fails when dist/ (or a file generated from the steps) differs from a fresh build of the
// current sources: committed bundles are what users run, so they must be the code we test.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'stagecraft-check-dist-'));
const copied = ['src', 'scripts', 'package.json', 'README.md', 'actions', 'tsconfig.json', 'action.yml'];
for (const item of copied)
  if (existsSync(join(root, item))) cpSync(join(root, item), join(work, item), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
execFileSync(process.execPath, [join(work, 'scripts/build.mjs')], { stdio: 'ignore' });

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

const problems = [];
for (const tree of ['dist', 'actions']) {
  const fresh = files(join(work, tree));
  const committed = files(join(root, tree));
  for (const f of fresh) {
    const mine = join(root, tree, f);
    if (!existsSync(mine)) problems.push(`missing ${tree}/${f}`);
    else if (!readFileSync(mine).equals(readFileSync(join(work, tree, f))))
      problems.push(`stale ${tree}/${f}`);
  }
  for (const f of committed) if (!fresh.includes(f) && tree === 'dist') problems.push(`extra ${tree}/${f}`);
}
if (!readFileSync(join(root, 'README.md')).equals(readFileSync(join(work, 'README.md'))))
  problems.push('stale README.md reference');
rmSync(work, { recursive: true, force: true });

if (problems.length) {
  console.error(
    `dist/ is not a fresh build of the sources (run npm run build and commit):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`dist/ matches a fresh build (${relative(process.cwd(), root) || '.'})`);
