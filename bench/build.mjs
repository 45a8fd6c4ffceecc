#!/usr/bin/env node
// Build time with the step's own builders (src/core/build) and `cache: true`, against docker
// buildx's own cache flags on the same engine (the anchor), side by side in one run. Everything
// builds and pushes to a real docker-registry on 127.0.0.1; buildx runs on a Docker engine started
// here (docker driver, `network: host`), buildah with vfs and chroot.
//   cold: empty storage and an empty cache (the cache is filled).
//   warm: the unchanged context again in fresh, empty storage (buildah: a new graph root; buildx:
//         the engine's build cache pruned and its images removed), reading the cache.
// The context is a dependency install (a RUN that waits 3 s, as a download would) and a compile
// (a RUN that hashes the sources 40 times), then a small final stage.
// Median of RUNS runs (each into new repositories); not part of the test run.
// Usage: node bench/build.mjs   (env RUNS=3)
// Needs what scripts/setup.sh installs (dockerd, buildx plugin, buildah, docker-registry).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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

const context = join(dir, 'context');
mkdirSync(join(context, 'src'), { recursive: true });
copyFileSync('/bin/busybox', join(context, 'busybox'));
for (let i = 0; i < 20; i++) writeFileSync(join(context, 'src', `part-${i}.txt`), `part ${i}\n`.repeat(2000));
const sh = (script) => `RUN ${JSON.stringify(['/bin/busybox', 'sh', '-c', script])}`;
writeFileSync(
  join(context, 'Dockerfile'),
  [
    'FROM scratch AS build',
    'COPY busybox /bin/busybox',
    sh('/bin/busybox sleep 3 && /bin/busybox mkdir -p /deps && /bin/busybox echo installed > /deps/lock'),
    'COPY src/ /src/',
    sh(
      '/bin/busybox mkdir -p /out && for i in $(/bin/busybox seq 40); do /bin/busybox cat /src/*.txt | /bin/busybox sha256sum; done | /bin/busybox sort > /out/app.txt',
    ),
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
  sourceDateEpoch: 1748764800,
};
const quiet = { info() {}, warning() {}, debug() {}, group: (_title, fn) => fn() };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const load = [loadavg()[0]];
const registry = await startRegistry();
const engine = await startDocker();
const dockerEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DOCKER_HOST: engine.host,
  DOCKER_CONFIG: engine.config,
};
const docker = (args) => execFileSync('docker', args, { env: dockerEnv, encoding: 'utf8', stdio: 'pipe' });
/** The same engine with nothing of the last build: no build cache, no images. */
function freshEngine() {
  docker(['builder', 'prune', '-af']);
  const images = docker(['images', '-aq']).split('\n').filter(Boolean);
  if (images.length) docker(['rmi', '-f', ...new Set(images)]);
}
/** A containers storage.conf naming new, empty graph and run roots. */
function freshStorage() {
  const storage = mkdtempSync(join(dir, 'buildah-'));
  writeFileSync(
    join(storage, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${storage}/root"\nrunroot = "${storage}/run"\n`,
  );
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CONTAINERS_STORAGE_CONF: join(storage, 'storage.conf'),
  };
}

const rows = {
  'stagecraft buildx (inline cache, docker driver)': { cold: [], warm: [] },
  'anchor: docker buildx build --cache-to type=inline --cache-from type=registry': { cold: [], warm: [] },
  'stagecraft buildah (--cache-to/--cache-from <image>-cache)': { cold: [], warm: [] },
};
const [ours, anchor, bah] = Object.values(rows);
try {
  for (let run = 0; run < RUNS; run++) {
    // stagecraft, buildx: the pushed image carries the cache; the warm build reads it back by tag.
    const bxImage = `${registry.host}/bench/bx-${run}`;
    const bxSpec = {
      ...spec,
      cache: {
        repository: `${bxImage}-cache`,
        from: [],
        inlineFrom: [`${bxImage}:main`],
        tlsVerify: false,
        write: true,
      },
    };
    for (const phase of ['cold', 'warm']) {
      freshEngine();
      // A new builder per build, as each run of the step makes one (it inspects the engine once).
      const bx = buildxBuilder({ tempDir: dir, env: dockerEnv });
      ours[phase].push(
        await timed(() => bx.build(bxSpec, { ref: `${bxImage}:main`, tlsVerify: false }, quiet)),
      );
    }
    load.push(loadavg()[0]);

    // The anchor: what a build-push-action workflow runs on the same engine.
    const anchorImage = `${registry.host}/bench/anchor-${run}:main`;
    for (const phase of ['cold', 'warm']) {
      freshEngine();
      anchor[phase].push(
        await timed(async () =>
          docker([
            'buildx',
            'build',
            '--network',
            'host',
            '--build-arg',
            `SOURCE_DATE_EPOCH=${spec.sourceDateEpoch}`,
            '--label',
            'org.opencontainers.image.title=bench',
            '--provenance=false',
            '--cache-from',
            `type=registry,ref=${anchorImage}`,
            '--cache-to',
            'type=inline',
            '--tag',
            anchorImage,
            '--push',
            context,
          ]),
        ),
      );
    }
    load.push(loadavg()[0]);

    // stagecraft, buildah: a registry cache of every layer in <image>-cache.
    const bahImage = `${registry.host}/bench/bah-${run}`;
    const bahSpec = {
      ...spec,
      cache: { repository: `${bahImage}-cache`, from: [], inlineFrom: [], tlsVerify: false, write: true },
    };
    for (const phase of ['cold', 'warm']) {
      const b = buildahBuilder({ tempDir: dir, env: freshStorage() });
      bah[phase].push(
        await timed(() => b.build(bahSpec, { ref: `${bahImage}:main`, tlsVerify: false }, quiet)),
      );
    }
    load.push(loadavg()[0]);
  }
} finally {
  await engine.stop();
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const anchorWarm = median(anchor.warm);
console.log(
  `build + push of a two-stage image (a 3 s dependency step, a compile step), median of ${RUNS} runs; load average ${load.map((l) => l.toFixed(2)).join(' → ')} on ${engine.storageDriver}`,
);
console.log('');
console.log(
  '| builder | cold (empty storage, fills the cache) | warm (fresh storage, from the cache) | warm ÷ cold | warm ÷ anchor warm |',
);
console.log('|---|---|---|---|---|');
for (const [name, r] of Object.entries(rows)) {
  const cold = median(r.cold);
  const warm = median(r.warm);
  console.log(
    `| ${name} | ${s(cold)} | ${s(warm)} | ${(warm / cold).toFixed(2)}× | ${(warm / anchorWarm).toFixed(2)}× |`,
  );
}
