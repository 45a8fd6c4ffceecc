#!/usr/bin/env node
// Runs a TypeScript file of this repository (the demo, the catalog script) on Node:
// `node scripts/run-ts.mjs <file.ts> [args…]`. esbuild bundles it, with the npm packages left as
// imports, into a fresh folder under node_modules/.cache so those imports resolve, then runs it
// with process.argv as if it had been started itself. importTs() does the same for a module
// whose exports a script needs (build.mjs loads the generators so).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Bundles the TypeScript module `entry` and imports it; the bundle is removed when Node exits. */
export function importTs(entry) {
  return bundleAndImport(entry, basename(entry, '.ts'), resolve(entry, '..'));
}

/**
 * Bundles several TypeScript modules as one (`export *` from each, so they share one copy of
 * what they import) and imports it. `dirname` stands for import.meta.dirname in all of them
 * (the benches load test helpers, which find the repository from test/helpers).
 */
export function importTsAll(files, dirname) {
  const entry = files.map((f) => `export * from ${JSON.stringify(resolve(f))};`).join('\n');
  return bundleAndImport({ contents: entry, resolveDir: root, loader: 'ts' }, 'modules', dirname);
}

async function bundleAndImport(entry, name, dirname) {
  const cache = join(root, 'node_modules/.cache/stagecraft');
  mkdirSync(cache, { recursive: true });
  // A folder of its own: several runs at once (parallel tests, check-dist) must not share a file.
  const outdir = mkdtempSync(join(cache, 'run-'));
  process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
  const outfile = join(outdir, `${name}.mjs`);
  await build({
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: entry }),
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // import.meta.dirname of the bundle would be the cache folder: keep the source's.
    define: { 'import.meta.dirname': JSON.stringify(dirname) },
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const entry = resolve(process.argv[2]);
  process.argv.splice(1, 2, entry);
  await importTs(entry);
}
