#!/usr/bin/env node
// The job image's figures on this machine: `npm run image` time (base cached in .tools/image),
// image size, and job-container start time (`docker run --rm <image> true`, median of N).
// Needs a Docker engine in DOCKER_HOST (it starts none), e.g. the one the tests start, or:
//   dockerd --data-root /tmp/d/data --exec-root /tmp/d/exec -H unix:///tmp/d/docker.sock \
//     --bridge=none --iptables=false --ip-forward=false &
//   DOCKER_HOST=unix:///tmp/d/docker.sock node bench/job-image.mjs [runs]
// Pipeline times (setups 2 and 3, docker executor against the shell executor): bench/pipelines.mjs,
// which also runs this on the engine it starts.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 5);
if (!process.env.DOCKER_HOST) {
  console.error('bench/job-image: set DOCKER_HOST to a Docker engine (this starts none)');
  process.exit(2);
}
const docker = (...args) =>
  execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const seconds = (t0) => (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2);

let t0 = process.hrtime.bigint();
const image = execFileSync(process.execPath, [join(ROOT, 'scripts/image.mjs')], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore'],
})
  .trim()
  .split('\n')
  .pop();
console.log(`npm run image: ${image} in ${seconds(t0)} s`);
const size = Number(docker('image', 'inspect', '--format', '{{.Size}}', image));
console.log(`image size: ${(size / 1e6).toFixed(0)} MB (uncompressed)`);
const starts = [];
for (let i = 0; i < runs; i++) {
  t0 = process.hrtime.bigint();
  docker('run', '--rm', '--network', 'none', image, 'true');
  starts.push(Number(seconds(t0)));
}
starts.sort((a, b) => a - b);
console.log(
  `job container start (docker run --rm, ${runs} runs): median ${starts[Math.floor(runs / 2)]} s, min ${starts[0]} s`,
);
t0 = process.hrtime.bigint();
docker('run', '--rm', '--network', 'none', image, 'stagecraft', '--version');
console.log(`docker run … stagecraft --version: ${seconds(t0)} s`);
