#!/usr/bin/env node
// Promotion by digest: our registry client (src/core/registry/copy.ts) against `skopeo copy`,
// on real docker-registry instances on 127.0.0.1. Each tool goes through a counting TCP proxy,
// so "bytes moved" is every byte on the wire both ways (manifests, blobs, HTTP overhead).
// Cases: a new tag in the same repository, another repository of the same registry, and
// another registry. Median of RUNS runs, each into a fresh target repository.
// Images: one image of LAYERS × LAYER_MB, and a two-platform index (each platform LAYERS ×
// LAYER_MB / 2) with 3 referrers (a cosign `.sig` tag, an in-toto attestation and an SBOM as OCI
// `subject` referrers, in the referrers tag schema: docker-registry 2.8 has no referrers API).
// skopeo runs `copy --all` for the index: every platform, but no referrers (it copies none; the
// bench checks that its target has none) — stagecraft moves strictly more.
// Usage: node bench/promote.mjs   (env RUNS=5, LAYER_MB=20, LAYERS=3; ONLY=<text>: only the rows
// whose image or case name contains it, e.g. ONLY='other registry' or ONLY=index)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.env.RUNS ?? 5);
const LAYER_MB = Number(process.env.LAYER_MB ?? 20);
const LAYERS = Number(process.env.LAYERS ?? 3);
const ONLY = process.env.ONLY ?? '';

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
      `export { pushRandomImage, pushSignedIndex } from ${JSON.stringify(join(root, 'test/helpers/images.ts'))};`,
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
const { RegistryClient, copyImage, startRegistry, pushRandomImage, pushSignedIndex } = await import(
  pathToFileURL(join(dir, 'lib.mjs')).href
);

/**
 * A TCP proxy that counts bytes both ways, in a worker thread of its own: it must not share the
 * event loop with the stagecraft copy it measures (skopeo runs in its own process anyway).
 */
const PROXY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createConnection, createServer } = require('node:net');
const counter = new BigInt64Array(workerData.shared);
const server = createServer((client) => {
  const upstream = createConnection({ host: '127.0.0.1', port: workerData.port });
  client.on('data', (d) => Atomics.add(counter, 0, BigInt(d.length)));
  upstream.on('data', (d) => Atomics.add(counter, 0, BigInt(d.length)));
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

async function countingProxy(port) {
  const shared = new SharedArrayBuffer(8);
  const counter = new BigInt64Array(shared);
  const worker = new Worker(PROXY_WORKER, { eval: true, workerData: { port, shared } });
  const listening = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    host: `127.0.0.1:${listening}`,
    take() {
      return Number(Atomics.exchange(counter, 0, 0n));
    },
    close: () =>
      new Promise((r) => {
        worker.once('exit', r);
        worker.postMessage('close');
      }),
  };
}

function skopeoCopy(from, to, all) {
  return new Promise((resolve, reject) =>
    execFile(
      'skopeo',
      [
        'copy',
        '--quiet',
        ...(all ? ['--all'] : []),
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
  const signed = await pushSignedIndex(seed, 'src/signed', 'v1', {
    small: true,
    layers: LAYERS,
    layerSize: (LAYER_MB * 1024 * 1024) / 2,
  });
  console.log(`image: ${LAYERS} layers × ${LAYER_MB} MB, ${mb(image.size)} MB, ${image.digest}`);
  console.log(
    `index: 2 platforms × ${LAYERS} layers × ${LAYER_MB / 2} MB, ${signed.referrers.length} referrers, ${signed.digest}\n`,
  );
  const images = [
    { name: 'image', repo: 'src/app', digest: image.digest, referrers: 0 },
    {
      name: '2-platform index + 3 referrers',
      repo: 'src/signed',
      digest: signed.digest,
      referrers: 3,
      all: true,
    },
  ];

  const cases = [
    { name: 'same repository, new tag', target: (img, i) => ({ reg: p1, repo: img.repo, tag: `t${i}` }) },
    {
      name: 'other repository, same registry',
      target: (img, i) => ({ reg: p1, repo: `prod${i}/${img.name.length}`, tag: 'v1' }),
    },
    // A fresh registry each run: skopeo remembers where blobs live (its blob-info cache) and
    // would otherwise mount them from an earlier run's copy instead of moving them.
    {
      name: 'other registry (cold)',
      fresh: true,
      target: (img, i) => ({ reg: p2, repo: `mirror${i}/${img.name.length}`, tag: 'v1' }),
    },
  ];
  const rows = [];
  for (const img of images) {
    for (const c of cases) {
      if (ONLY && !`${img.name} ${c.name}`.includes(ONLY)) continue;
      const tools = ['stagecraft', img.all ? 'skopeo copy --all' : 'skopeo copy'];
      const runs = Object.fromEntries(tools.map((tool) => [tool, { times: [], moved: [], carried: 0 }]));
      // The tools take turns, run by run: a machine whose load changes treats both alike.
      for (let i = 0; i < RUNS; i++) {
        for (const tool of tools) {
          const r = runs[tool];
          if (c.fresh) await freshSecond();
          const t = c.target(img, `${tool === 'stagecraft' ? 'o' : 's'}${i}`);
          p1.take();
          p2.take();
          const started = performance.now();
          if (tool === 'stagecraft') {
            // A fresh client per run, as a step run has: no warm token or connection.
            const src = new RegistryClient({ registry: p1.host, insecure: true });
            const dst = t.reg === p1 ? src : new RegistryClient({ registry: t.reg.host, insecure: true });
            const result = await copyImage(
              { client: src, repository: img.repo, reference: 'v1' },
              { client: dst, repository: t.repo, tags: [t.tag] },
            );
            if (result.digest !== img.digest) throw new Error(`digest changed: ${result.digest}`);
            r.carried = result.referrers;
          } else {
            await skopeoCopy(`${p1.host}/${img.repo}:v1`, `${t.reg.host}/${t.repo}:${t.tag}`, img.all);
          }
          r.times.push(performance.now() - started);
          r.moved.push(p1.take() + p2.take());
          const check = new RegistryClient({ registry: t.reg === p1 ? one.host : two.host, insecure: true });
          const head = await check.headManifest(t.repo, t.tag);
          if (head?.digest !== img.digest) throw new Error(`${tool} ${c.name}: digest ${head?.digest}`);
          if (tool === 'stagecraft' && r.carried !== img.referrers)
            throw new Error(`referrers: ${r.carried}`);
          // skopeo copies no referrers: a new repository of its has no signature tag.
          const sig = await check.headManifest(t.repo, `${img.digest.replace(':', '-')}.sig`);
          if (tool !== 'stagecraft' && t.repo !== img.repo && sig)
            throw new Error('skopeo copied a referrer');
        }
      }
      const ours = median(runs.stagecraft.times);
      for (const tool of tools) {
        const r = runs[tool];
        rows.push({
          image: img.name,
          case: c.name,
          tool,
          'median ms': median(r.times).toFixed(0),
          'min ms': Math.min(...r.times).toFixed(0),
          'MB on the wire': mb(median(r.moved)),
          referrers: tool === 'stagecraft' ? r.carried : 0,
          'stagecraft / skopeo': tool === 'stagecraft' ? '' : `${(ours / median(r.times)).toFixed(2)}×`,
        });
      }
    }
  }
  console.table(rows);
} finally {
  await Promise.all([p1.close(), p2.close()]);
  await Promise.all([one.stop(), two.stop()]);
  rmSync(dir, { recursive: true, force: true });
}
