#!/usr/bin/env node
// Bundles every src/entries/<name>.ts into dist/<name>/ (ESM, minified, code-split so that
// heavy clients load only on the path that needs them), then regenerates the files that are
// derived from the step definitions (action.yml, action READMEs, README reference).
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { importTs } from './run-ts.mjs';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// Where dist/ and the generated files go; check-dist builds into a temp folder from the same
// sources (same absolute paths, so the chunk names come out the same).
const out = process.env.STAGECRAFT_BUILD_OUT || root;
const all = readdirSync(join(root, 'src/entries'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();
// `node scripts/build.mjs smoke-test cli` rebuilds just those bundles (quicker while developing).
const only = process.argv.slice(2);
const entries = only.length ? all.filter((e) => only.includes(e)) : all;

// Bundled CommonJS dependencies call require(); ESM output has none, so give it one.
const banner =
  "import{createRequire as __scCreateRequire}from'node:module';const require=__scCreateRequire(import.meta.url);";

// See scripts/stubs/actions-http-client.mjs: @actions/core's OIDC client is left out.
const stubHttpClient = {
  name: 'stub-actions-http-client',
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/lib\/auth)?$/ }, () => ({
      path: join(root, 'scripts/stubs/actions-http-client.mjs'),
    }));
  },
};

// See scripts/shims/fs-promises.ts: our sources' `node:fs/promises` gains `glob` on Node 20
// (Node 22+ only; a named import of it fails the chunk at link time). Dependencies are left alone.
const fsPromisesShim = {
  name: 'node20-fs-promises',
  setup(b) {
    b.onResolve({ filter: /^(node:)?fs\/promises$/ }, (args) =>
      args.importer.startsWith(join(root, 'src/'))
        ? { path: join(root, 'scripts/shims/fs-promises.ts') }
        : undefined,
    );
  },
};

if (!only.length) rmSync(join(out, 'dist'), { recursive: true, force: true });
for (const name of entries) {
  const outdir = join(out, 'dist', name);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { index: join(root, 'src/entries', `${name}.ts`) },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: name === 'cli' ? `#!/usr/bin/env node\n${banner}` : banner },
    define: { __STAGECRAFT_VERSION__: JSON.stringify(pkg.version) },
    plugins: [stubHttpClient, fsPromisesShim],
    absWorkingDir: root, // chunk names depend on paths relative to it: keep them independent of the caller's cwd
    logLevel: 'warning',
  });
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  if (name === 'cli') chmodSync(join(outdir, 'index.js'), 0o755);
}
console.log(`built ${entries.length} bundles: ${entries.join(', ')}`);
const { generate } = await importTs(join(root, 'scripts/generate.ts'));
generate(root, out);
