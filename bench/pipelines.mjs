#!/usr/bin/env node
// Pipeline wall times of setups 2 and 3 (examples/gitlab/kustomize-branches, gitlab-terraform)
// through gitlab-ci-local, the docker executor (every job in a container of the job image, the
// components' default job-image and `cli`) side by side with the shell executor (jobs on this
// machine, `cli: node dist/cli/index.js`), in one run on one Docker engine this script starts and
// stops (as the tests' globalSetup does). First it prints the job image's figures (bench/job-image.mjs
// on that engine: build time, size, container start).
//   setup 2: one pipeline on branch development: the build with its unit-test stage (buildah) pushed
//            to a real registry, then deploy-dev (kustomize overlay) to the fake Kubernetes API.
//   setup 3: test → build → plan, then the manual apply (real terraform) and verify: two
//            gitlab-ci-local runs, timed together.
// Each executor gets fresh servers and a fresh project per round; only gitlab-ci-local is timed.
// Usage: node bench/pipelines.mjs [rounds]   (default 1; the median is printed when rounds > 1)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { importTsAll } from '../scripts/run-ts.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const rounds = Number(process.argv[2] ?? 1);

// The test helpers, bundled once as one module (they find the repository from test/helpers).
const h = await importTsAll(
  [
    'test/helpers/docker.ts',
    'test/helpers/job-image.ts',
    'test/helpers/gitlab-ci-local.ts',
    'test/helpers/examples.ts',
    'test/helpers/registry.ts',
    'test/helpers/http.ts',
    'test/fakes/kube-apiserver/index.ts',
  ].map((p) => join(ROOT, p)),
  join(ROOT, 'test/helpers'),
);

// Projects live under the repository (as the tests' do), removed at exit.
const scratch = mkdtempSync(join(ROOT, 'node_modules/.cache/stagecraft/bench-pipelines-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const seconds = (ms) => (ms / 1000).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(project, options) {
  const t0 = Date.now();
  const run = await h.runPipeline(project, { timeoutMs: 600_000, ...options });
  if (run.code !== 0) throw new Error(`pipeline failed (${run.code}):\n${run.output}`);
  return Date.now() - t0;
}

/** Setup 2, one pipeline on branch development; returns its wall time (ms). */
async function setup2(executor, images) {
  const work = mkdtempSync(join(scratch, 'setup2-'));
  const [registry, kube] = await Promise.all([
    h.startRegistry(),
    h.startFakeKube({ namespaces: ['shop-dev', 'shop-stg', 'shop-ppd', 'shop-prd'], podStartMs: 50 }),
  ]);
  let project;
  try {
    const mirror = await h.seedBusybox(registry.host, work);
    const files = h.exampleFiles('gitlab/kustomize-branches');
    files['.gitlab-ci.yml'] = h.localizePipeline(
      files['.gitlab-ci.yml'],
      {},
      ...(executor === 'docker' ? [null] : []),
    );
    project = h.createProject(files, 'development');
    project.commit({}, 'example');
    const kubeDir = dirname(kube.kubeconfigPath);
    return await timed(project, {
      variables: {
        CI_REGISTRY_IMAGE: `${registry.host}/acme/shop-api`,
        STAGECRAFT_INPUT_TLS_VERIFY: 'false',
        KUBECONFIG: kube.kubeconfigPath,
      },
      env: { GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY_IMAGE' },
      ...(executor === 'docker'
        ? { docker: { helperImage: images.job, volumes: [mirror, `${kubeDir}:${kubeDir}:ro`] } }
        : {}),
    });
  } finally {
    await registry.stop();
    await kube.close();
    project?.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Setup 3: test → build → plan, then the manual apply and verify; returns both runs' wall time (ms). */
async function setup3(executor, images) {
  const work = mkdtempSync(join(scratch, 'setup3-'));
  const registry = await h.startRegistry();
  const api = await h.startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/api/health') return h.json(res, 200, { status: 'ok' });
    if (url.pathname === '/api/mirror')
      return res.end([...String(url.searchParams.get('word'))].reverse().join(''));
    if (url.pathname === '/api/upload-random' && req.method === 'POST') return h.json(res, 201, { key: 'r' });
    h.json(res, 404, {});
  });
  let project;
  try {
    const mirror = await h.seedBusybox(registry.host, work);
    const files = h.exampleFiles('gitlab/gitlab-terraform');
    const docker = executor === 'docker';
    files['.gitlab-ci.yml'] = h.localizePipeline(
      files['.gitlab-ci.yml'],
      {
        'build-push-image': { 'tls-verify': false },
        ...(docker ? { 'deploy-env': { 'job-image': images.terraform } } : {}),
      },
      ...(docker ? [null] : []),
    );
    project = h.createProject(files);
    project.commit({}, 'example');
    const options = {
      variables: { CI_REGISTRY_IMAGE: `${registry.host}/acme/api`, API_URL: api.url },
      env: { GCL_IGNORE_PREDEFINED_VARS: 'CI_REGISTRY_IMAGE' },
      ...(docker ? { docker: { helperImage: images.job, volumes: [mirror] } } : {}),
    };
    const plan = await timed(project, { ...options, jobs: ['test', 'build', 'plan'] });
    const apply = await timed(project, { ...options, manual: ['apply'] });
    return plan + apply;
  } finally {
    await registry.stop();
    await api.close();
    project?.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

// The machine may be shared: its load says how far these figures are from an idle one's.
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores`;
console.log(`start: ${load()}`);
const engine = await h.startDocker();
process.env[h.HOST_VAR] = engine.host;
process.env[h.CONFIG_VAR] = engine.config;
try {
  const env = { ...process.env, DOCKER_HOST: engine.host, DOCKER_CONFIG: engine.config };
  process.stdout.write(
    execFileSync(process.execPath, [join(ROOT, 'bench/job-image.mjs')], { env, encoding: 'utf8' }),
  );
  const images = { job: await h.jobImage(), terraform: await h.terraformImage() };
  const times = { 2: { docker: [], shell: [] }, 3: { docker: [], shell: [] } };
  for (let round = 0; round < rounds; round++) {
    for (const [setup, run] of [
      [2, setup2],
      [3, setup3],
    ]) {
      for (const executor of ['docker', 'shell']) {
        const ms = await run(executor, images);
        times[setup][executor].push(ms);
        console.log(`round ${round + 1}: setup ${setup} ${executor} executor ${seconds(ms)} s`);
      }
    }
  }
  for (const setup of [2, 3]) {
    const d = median(times[setup].docker);
    const s = median(times[setup].shell);
    console.log(
      `setup ${setup}: docker executor ${seconds(d)} s, shell executor ${seconds(s)} s (${(d / s).toFixed(2)}×)${rounds > 1 ? `, median of ${rounds}` : ''}`,
    );
  }
  console.log(`end: ${load()}`);
} finally {
  await engine.stop();
}
