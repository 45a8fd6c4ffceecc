#!/usr/bin/env node
// Fails when dist/ (or a file generated from the steps) differs from a fresh build of the
// current sources: committed bundles are what users run, so they must be the code we test.
// The fresh build reads the same sources (same paths, so the same chunk names) and writes into
// a temp folder, which is then compared with the work tree.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'stagecraft-check-dist-'));
// What the generators read from their output folder: package.json, the README to fill in, and
// the hand-written promote component next to the generated ones.
for (const item of ['package.json', 'README.md', 'gitlab-components/promote']) {
  if (existsSync(join(root, item))) cpSync(join(root, item), join(out, item), { recursive: true });
}
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], {
  stdio: 'ignore',
  env: { ...process.env, STAGECRAFT_BUILD_OUT: out },
});

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

const problems = [];
for (const tree of ['dist', 'actions', 'gitlab-components']) {
  const fresh = files(join(out, tree));
  for (const f of fresh) {
    const mine = join(root, tree, f);
    if (!existsSync(mine)) problems.push(`missing ${tree}/${f}`);
    else if (!readFileSync(mine).equals(readFileSync(join(out, tree, f))))
      problems.push(`stale ${tree}/${f}`);
  }
  if (tree === 'dist')
    for (const f of files(join(root, tree))) if (!fresh.includes(f)) problems.push(`extra ${tree}/${f}`);
}
for (const file of ['README.md', 'action.yml']) {
  const fresh = join(out, file);
  if (
    existsSync(fresh) &&
    (!existsSync(join(root, file)) || !readFileSync(join(root, file)).equals(readFileSync(fresh)))
  ) {
    problems.push(`stale ${file}`);
  }
}
rmSync(out, { recursive: true, force: true });

if (problems.length) {
  console.error(
    `dist/ is not a fresh build of the sources (run npm run build and commit):\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log('dist/ and the generated files match a fresh build');
