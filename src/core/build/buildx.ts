/** docker buildx: used when a Docker engine answers (GitHub-hosted runners). */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { CommandFailed, type Env, mustRun } from '../process.js';
import { type Builder, type BuildSpec, type PushSpec, pairs } from './types.js';

function buildArgs(spec: BuildSpec): string[] {
  return [
    'docker',
    'buildx',
    'build',
    '--file',
    spec.file,
    ...(spec.target ? ['--target', spec.target] : []),
    ...(spec.network ? ['--network', spec.network] : []),
    ...pairs('--build-arg', spec.buildArgs),
  ];
}

/** The Docker config directory the docker CLI reads in `env` (its CLI plugins live there). */
function dockerConfigDir(env: Env): string | undefined {
  if (env.DOCKER_CONFIG) return env.DOCKER_CONFIG;
  return env.HOME ? join(env.HOME, '.docker') : undefined;
}

/**
 * The environment of a buildx run. With credentials, DOCKER_CONFIG points at the step's own auth
 * directory; the docker CLI looks for its plugins there too, so the user's `cli-plugins` are
 * linked into it (else `docker buildx` is not found where buildx is a per-user plugin).
 */
function buildxEnv(env: Env, authDir: string | undefined): Env {
  if (!authDir) return env;
  const own = dockerConfigDir(env);
  const plugins = own ? join(own, 'cli-plugins') : undefined;
  const link = join(authDir, 'cli-plugins');
  if (plugins && existsSync(plugins) && !existsSync(link)) symlinkSync(plugins, link);
  return { ...env, DOCKER_CONFIG: authDir };
}

function isLoopback(ref: string): boolean {
  const host = ref.slice(0, ref.indexOf('/')).replace(/:\d+$/, '');
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

/** Adds what to do to the errors an engine without a bridge network gives for RUN steps. */
async function withHints<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof CommandFailed && /network bridge not found/.test(err.excerpt)) {
      throw new CommandFailed(
        `${err.message}: the Docker engine has no bridge network; set \`network: host\` (or \`none\`)`,
        err.result,
        err.excerpt,
      );
    }
    throw err;
  }
}

export function buildxBuilder(options: { tempDir?: string; env?: Env } = {}): Builder {
  const env = options.env ?? {};
  return {
    name: 'buildx',
    async test(spec: BuildSpec, log: Log) {
      // cacheonly: run the stage's steps, export nothing.
      await withHints(
        mustRun(
          `buildx test stage "${spec.target}"`,
          [...buildArgs(spec), '--output', 'type=cacheonly', spec.context],
          { log, env },
        ),
      );
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log) {
      const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'buildx-'));
      try {
        const metadata = join(dir, 'metadata.json');
        if (push && !push.tlsVerify && !isLoopback(push.ref)) {
          log.warning(
            'buildx pushes through the Docker engine: a plain-HTTP registry must be in its insecure-registries (only 127.0.0.0/8 is by default)',
          );
        }
        const runEnv = buildxEnv(env, push?.authDir);
        await withHints(
          mustRun(
            'buildx build',
            [
              ...buildArgs(spec),
              ...pairs('--label', spec.labels),
              // No attestation manifests: the pushed digest is the image's own manifest.
              '--provenance=false',
              '--metadata-file',
              metadata,
              ...(push ? ['--tag', push.ref, '--push'] : ['--load']),
              spec.context,
            ],
            { log, env: runEnv },
          ),
        );
        const meta = JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, string>;
        const digest = meta['containerimage.digest'];
        return push && digest ? { digest } : {};
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
