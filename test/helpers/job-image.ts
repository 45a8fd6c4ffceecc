/**
 * The job image (docker/Dockerfile) in the jest run's Docker engine, built by `npm run image`
 * (scripts/image.mjs) at most once per jest run: the first worker that asks builds it under a lock
 * in the engine's directory, the others wait for its result. The debootstrap base is cached in
 * .tools/image across runs, so a run pays only for the import and the build.
 *
 * `terraformImage()` derives the image a terraform job needs (the job image cannot ship terraform):
 * FROM the job image, COPY this machine's terraform (scripts/setup.sh installs it).
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { dockerEnv } from './docker.js';
import { nodeBinary, ROOT } from './runner.js';

const run = promisify(execFile);

function engineDir(): string {
  return dirname(dockerEnv().DOCKER_HOST.replace(/^unix:\/\//, ''));
}

function env(): NodeJS.ProcessEnv {
  return {
    ...dockerEnv(),
    PATH: `${dirname(nodeBinary())}:${process.env.PATH ?? ''}:/usr/sbin:/sbin`,
    HOME: process.env.HOME ?? '/root',
  };
}

/** Runs `build` once per engine (jest run) across workers; every caller gets its result. */
async function once(name: string, build: () => Promise<string>): Promise<string> {
  const dir = engineDir();
  const lock = join(dir, `${name}.lock`);
  const result = join(dir, `${name}.json`);
  let mine = false;
  try {
    mkdirSync(lock);
    mine = true;
  } catch {
    // another worker builds it
  }
  if (mine) {
    try {
      const tag = await build();
      writeFileSync(result, JSON.stringify({ tag }));
    } catch (err) {
      writeFileSync(result, JSON.stringify({ error: String((err as Error).stack ?? err) }));
    }
  }
  const deadline = Date.now() + 15 * 60_000;
  while (!existsSync(result)) {
    if (Date.now() > deadline) throw new Error(`${name}: no result from the worker building it`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const out = JSON.parse(readFileSync(result, 'utf8')) as { tag?: string; error?: string };
  if (!out.tag) throw new Error(`${name} failed: ${out.error}`);
  return out.tag;
}

/** Builds (once per jest run) and returns the job image's tag, the components' default job-image. */
export function jobImage(): Promise<string> {
  return once('job-image', async () => {
    try {
      const { stdout } = await run(nodeBinary(), [join(ROOT, 'scripts/image.mjs')], {
        cwd: ROOT,
        env: env(),
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout.trim().split('\n').pop() as string;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`npm run image failed: ${e.message}\n${e.stderr ?? ''}`);
    }
  });
}

/** The job image plus this machine's terraform (a derived image, as the component docs advise). */
export function terraformImage(): Promise<string> {
  return once('terraform-image', async () => {
    const base = await jobImage();
    const terraform = (await run('bash', ['-c', 'command -v terraform'])).stdout.trim();
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-tf-image-'));
    try {
      copyFileSync(terraform, join(dir, 'terraform'));
      writeFileSync(
        join(dir, 'Dockerfile'),
        'ARG BASE\nFROM ${BASE}\nCOPY terraform /usr/local/bin/terraform\nRUN terraform version\n',
      );
      const tag = 'stagecraft-test/job-image-terraform:latest';
      await run(
        'docker',
        [
          'buildx',
          'build',
          '--load',
          '-q',
          '--network',
          'host',
          '--build-arg',
          `BASE=${base}`,
          '-t',
          tag,
          dir,
        ],
        { env: env(), maxBuffer: 16 * 1024 * 1024 },
      );
      return tag;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Runs the docker CLI against the test engine (argv, no shell). */
export async function dockerRun(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('docker', args, { env: env(), maxBuffer: 64 * 1024 * 1024 });
}

/**
 * busybox:1.36 for the examples in real containers (no image can be pulled here): scripts/seed-busybox.sh
 * makes it, it is pushed to `registryHost` (build jobs reach it through the registry mirror this
 * returns, a registries.conf.d file to mount at /etc/containers/registries.conf.d/mirror.conf) and
 * pulled into the engine as busybox:1.36 (jobs whose `image:` it is).
 */
export async function seedBusybox(registryHost: string, dir: string): Promise<string> {
  await run('bash', [join(ROOT, 'scripts/seed-busybox.sh')]);
  const remote = `${registryHost}/library/busybox:1.36`;
  await run('buildah', [
    '--storage-driver',
    'vfs',
    'push',
    '--tls-verify=false',
    'docker.io/library/busybox:1.36',
    `docker://${remote}`,
  ]);
  // The engine treats 127.0.0.0/8 registries as plain HTTP.
  await dockerRun(['pull', '-q', remote]);
  await dockerRun(['tag', remote, 'busybox:1.36']);
  const conf = join(dir, 'mirror.conf');
  writeFileSync(
    conf,
    `[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "${registryHost}"\ninsecure = true\n`,
  );
  return `${conf}:/etc/containers/registries.conf.d/mirror.conf:ro`;
}
