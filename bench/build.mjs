#!/usr/bin/env node
// Build time of a small two-stage image with the step's own builders (src/core/build): buildx on
// a real Docker engine (a dockerd started here, docker driver, `network: host`) and buildah (vfs,
// chroot), each built and pushed to a real docker-registry on 127.0.0.1. "cold" is a fresh engine /
// fresh buildah storage; "unchanged" is a second build of the same context right after it.
// Median of RUNS runs; not part of the test run. Usage: node bench/build.mjs   (env RUNS=3)
// Needs what scripts/setup.sh installs (dockerd, buildx plugin, buildah, docker-registry).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importTsAll } from '../scripts/run-ts.mjs';

const root = new URL('..', import.meta.url).pathname;
const RUNS = Number(process.env.RUNS ?? 3);

// The TypeScript sources, bundled once for this script.
const { buildxBuilder, buildahBuilder, startRegistry, startDocker } = await importTsAll(
  [
    'src/core/build/buildx.ts',
    'src/core/build/buildah.ts',
    'test/helpers/registry.ts',
    'test/helpers/docker.ts',
  ].map((p) => join(root, p)),
  join(root, 'test/helpers'),
);

const dir = mkdtempSync(join(tmpdir(), 'bench-build-'));

// Two stages: the first "compiles" (RUN over the sources), the second copies the result.
const context = join(dir, 'context');
mkdirSync(join(context, 'src'), { recursive: true });
copyFileSync('/bin/busybox', join(context, 'busybox'));
for (let i = 0; i < 20; i++) writeFileSync(join(context, 'src', `part-${i}.txt`), `part ${i}\n`.repeat(200));
writeFileSync(
  join(context, 'Dockerfile'),
  [
    'FROM scratch AS build',
    'COPY busybox /bin/busybox',
    'COPY src/ /src/',
    'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox mkdir -p /out && /bin/busybox cat /src/*.txt | /bin/busybox sort > /out/app.txt"]',
    '',
    'FROM scratch',
    'COPY busybox /bin/busybox',
    'COPY --from=build /out/app.txt /app.txt',
    'CMD ["/bin/busybox", "cat", "/app.txt"]',
    '',
  ].join('\n'),
);
const spec = {
  context,
  file: join(context, 'Dockerfile'),
  buildArgs: {},
  labels: { 'org.opencontainers.image.title': 'bench' },
  network: 'host',
};
const quiet = { info() {}, warning() {}, debug() {}, group: (_title, fn) => fn() };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const registry = await startRegistry();
const results = { buildx: { cold: [], warm: [] }, buildah: { cold: [], warm: [] } };
let storage;
try {
  for (let run = 0; run < RUNS; run++) {
    // buildx: a fresh engine (empty image store and build cache) per cold build.
    const engine = await startDocker();
    try {
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DOCKER_HOST: engine.host,
        DOCKER_CONFIG: engine.config,
      };
      const b = buildxBuilder({ tempDir: dir, env });
      const push = (tag) => ({ ref: `${registry.host}/bench/buildx:${tag}`, tlsVerify: false });
      results.buildx.cold.push(await timed(() => b.build(spec, push(`cold-${run}`), quiet)));
      results.buildx.warm.push(await timed(() => b.build(spec, push(`warm-${run}`), quiet)));
    } finally {
      await engine.stop();
    }
    // buildah: fresh containers storage (its own storage.conf) per cold build.
    storage = mkdtempSync(join(tmpdir(), 'bench-buildah-'));
    writeFileSync(
      join(storage, 'storage.conf'),
      `[storage]\ndriver = "vfs"\ngraphroot = "${storage}/root"\nrunroot = "${storage}/run"\n`,
    );
    try {
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        CONTAINERS_STORAGE_CONF: join(storage, 'storage.conf'),
      };
      const b = buildahBuilder({ tempDir: dir, env });
      const push = (tag) => ({ ref: `${registry.host}/bench/buildah:${tag}`, tlsVerify: false });
      results.buildah.cold.push(await timed(() => b.build(spec, push(`cold-${run}`), quiet)));
      results.buildah.warm.push(await timed(() => b.build(spec, push(`warm-${run}`), quiet)));
    } finally {
      rmSync(storage, { recursive: true, force: true });
    }
  }
} finally {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`build + push of a two-stage image (busybox, 20 source files), median of ${RUNS} runs`);
console.log('');
console.log('| builder | cold (fresh storage) | unchanged context (2nd build) |');
console.log('|---|---|---|');
for (const [name, r] of Object.entries(results)) {
  console.log(`| ${name} | ${s(median(r.cold))} | ${s(median(r.warm))} |`);
}
