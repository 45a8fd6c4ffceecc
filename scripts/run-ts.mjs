#!/usr/bin/env node
// Runs a TypeScript file of this repository (the demo) on Node: esbuild bundles it, with the
// npm packages left as imports, into node_modules/.cache so those imports resolve, then runs it.
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const entry = resolve(process.argv[2]);
const outdir = join(root, 'node_modules/.cache/stagecraft');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${basename(entry, '.ts')}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  packages: 'external',
  // import.meta.dirname of the bundle would be the cache folder: keep the source's.
  define: { 'import.meta.dirname': JSON.stringify(resolve(entry, '..')) },
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
