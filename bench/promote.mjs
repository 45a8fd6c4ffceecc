#!/usr/bin/env node
// Promotion by digest: our registry client (src/core/registry/copy.ts) against `skopeo copy`,
// on real docker-registry instances on 127.0.0.1. Each tool goes through a counting TCP proxy,
// so "bytes moved" is every byte on the wire both ways (manifests, blobs, HTTP overhead).
// Cases: a new tag in the same repository, another repository of the same registry, and
// another registry. Median of RUNS runs, each into a fresh target repository.
// Usage: node bench/promote.mjs   (env RUNS=5, LAYER_MB=20, LAYERS=3)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.env.RUNS ?? 5);
const LAYER_MB = Number(process.env.LAYER_MB ?? 20);
const LAYERS = Number(process.env.LAYERS ?? 3);

// The TypeScript sources, bundled once for this script.
const dir = mkdtempSync(join(tmpdir(), 'bench-promote-'));
const entry = join(dir, 'entry.ts');
await import('node:fs').then((fs) =>
  fs.writeFileSync(
    entry,
    [
      `export { RegistryClient } from ${JSON.stringify(join(root, 'src/core/registry/client.ts'))};`,
      `export { copyImage } from ${JSON.stringify(join(root, 'src/core/registry/copy.ts'))};`,
      `export { startRegistry } from ${JSON.stringify(join(root, 'test/helpers/registry.ts'))};`,
      `export { pushRandomImage } from ${JSON.stringify(join(root, 'test/helpers/images.ts'))};`,
    ].join('\n'),
  ),
);
await build({
  entryPoints: [entry],
  outfile: join(dir, 'lib.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const { RegistryClient, copyImage, startRegistry, pushRandomImage } = await import(
  pathToFileURL(join(dir, 'lib.mjs')).href
);

/** A TCP proxy that counts bytes both ways. */
async function countingProxy(port) {
  let bytes = 0;
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    client.on('data', (d) => (bytes += d.length));
    upstream.on('data', (d) => (bytes += d.length));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${server.address().port}`,
    take() {
      const b = bytes;
      bytes = 0;
      return b;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

function skopeoCopy(from, to) {
  return new Promise((resolve, reject) =>
    execFile(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--preserve-digests',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${from}`,
        `docker://${to}`,
      ],
      (err, _out, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve()),
    ),
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 1024 / 1024).toFixed(2);

const one = await startRegistry();
let two = await startRegistry();
const p1 = await countingProxy(one.port);
let p2 = await countingProxy(two.port);
/** Replaces the second registry (and its proxy) with an empty one. */
async function freshSecond() {
  await p2.close();
  await two.stop();
  two = await startRegistry();
  p2 = await countingProxy(two.port);
}
try {
  const seed = new RegistryClient({ registry: one.host, insecure: true });
  const image = await pushRandomImage(seed, 'src/app', 'v1', {
    layers: LAYERS,
    layerSize: LAYER_MB * 1024 * 1024,
  });
  console.log(`image: ${LAYERS} layers × ${LAYER_MB} MB, ${mb(image.size)} MB, ${image.digest}\n`);

  const cases = [
    { name: 'same repository, new tag', target: (i) => ({ reg: p1, repo: 'src/app', tag: `t${i}` }) },
    {
      name: 'other repository, same registry',
      target: (i) => ({ reg: p1, repo: `prod${i}/app`, tag: 'v1' }),
    },
    // A fresh registry each run: skopeo remembers where blobs live (its blob-info cache) and
    // would otherwise mount them from an earlier run's copy instead of moving them.
    {
      name: 'other registry (cold)',
      fresh: true,
      target: (i) => ({ reg: p2, repo: `mirror${i}/app`, tag: 'v1' }),
    },
  ];
  const rows = [];
  for (const c of cases) {
    for (const tool of ['stagecraft', 'skopeo copy']) {
      const times = [];
      const moved = [];
      for (let i = 0; i < RUNS; i++) {
        if (c.fresh) await freshSecond();
        const t = c.target(`${tool === 'skopeo copy' ? 's' : 'o'}${i}`);
        p1.take();
        p2.take();
        const started = performance.now();
        if (tool === 'stagecraft') {
          // A fresh client per run, as a step run has: no warm token or connection.
          const src = new RegistryClient({ registry: p1.host, insecure: true });
          const dst = t.reg === p1 ? src : new RegistryClient({ registry: t.reg.host, insecure: true });
          const result = await copyImage(
            { client: src, repository: 'src/app', reference: 'v1' },
            { client: dst, repository: t.repo, tags: [t.tag] },
          );
          if (result.digest !== image.digest) throw new Error(`digest changed: ${result.digest}`);
        } else {
          await skopeoCopy(`${p1.host}/src/app:v1`, `${t.reg.host}/${t.repo}:${t.tag}`);
        }
        times.push(performance.now() - started);
        moved.push(p1.take() + p2.take());
        const check = new RegistryClient({ registry: t.reg === p1 ? one.host : two.host, insecure: true });
        const head = await check.headManifest(t.repo, t.tag);
        if (head?.digest !== image.digest) throw new Error(`${tool} ${c.name}: digest ${head?.digest}`);
      }
      rows.push({
        case: c.name,
        tool,
        'median ms': median(times).toFixed(0),
        'min ms': Math.min(...times).toFixed(0),
        'MB on the wire': mb(median(moved)),
        'digest kept': 'yes',
      });
    }
  }
  console.table(rows);
} finally {
  await Promise.all([p1.close(), p2.close()]);
  await Promise.all([one.stop(), two.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
