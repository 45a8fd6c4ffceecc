/** docker buildx: used when a Docker engine answers (GitHub-hosted runners). */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepError } from '../errors.js';
import type { Log } from '../log.js';
import { CommandFailed, type Env, mustRun, runProcess } from '../process.js';
import { BUILDKIT_STEPS, cacheArgs, testOutput } from './buildx-cache.js';
import {
  type Builder,
  type BuildResult,
  type BuildSpec,
  type PushSpec,
  pairs,
  platformSlug,
  stepCounter,
} from './types.js';

function buildArgs(spec: BuildSpec, platforms = spec.platforms): string[] {
  return [
    'docker',
    'buildx',
    'build',
    '--file',
    spec.file,
    ...(platforms?.length ? ['--platform', platforms.join(',')] : []),
    ...(spec.target ? ['--target', spec.target] : []),
    ...(spec.network ? ['--network', spec.network] : []),
    // BuildKit 0.11+ stamps it into the config and the history (the user's own value wins).
    ...(spec.sourceDateEpoch === undefined
      ? []
      : ['--build-arg', `SOURCE_DATE_EPOCH=${spec.sourceDateEpoch}`]),
    ...pairs('--build-arg', spec.buildArgs),
    // Files and sockets by path: no secret value on argv.
    ...(spec.secrets ?? []).flatMap((s) => ['--secret', `id=${s.id},src=${s.src}`]),
    ...(spec.ssh ?? []).flatMap((s) => ['--ssh', `${s.id}=${s.paths.join(',')}`]),
  ];
}

/**
 * The exporter: push to `ref`, else load into the engine. With a build time, BuildKit 0.13+ also
 * rewrites the layers' file times to it (`rewrite-timestamp`; older ones ignore the attribute).
 */
function outputArgs(spec: BuildSpec, ref: string | undefined, byDigest: boolean): string[] {
  const rewrite = spec.sourceDateEpoch === undefined ? '' : ',rewrite-timestamp=true';
  if (!ref) return ['--output', `type=docker${rewrite}`];
  // An index is pushed by digest only: the step checks its platforms before any tag points at it.
  if (byDigest) {
    const name = ref.slice(0, ref.lastIndexOf(':'));
    return [
      '--output',
      `type=image,name=${name},push-by-digest=true,name-canonical=true,push=true${rewrite}`,
    ];
  }
  return ['--tag', ref, '--output', `type=image,push=true${rewrite}`];
}

/** The selected builder's driver and BuildKit version (`docker buildx inspect`), as far as it says. */
async function inspectBuilder(env: Env): Promise<{ driver?: string; version?: string }> {
  const res = await runProcess(['docker', 'buildx', 'inspect'], { env, timeoutMs: 10_000 }).catch(
    () => undefined,
  );
  if (res?.code !== 0) return {};
  const driver = /^Driver:\s*(\S+)/m.exec(res.stdout)?.[1];
  const version = /BuildKit(?: version)?:\s*v?(\d+\.\d+\S*)/.exec(res.stdout)?.[1];
  return { ...(driver ? { driver } : {}), ...(version ? { version } : {}) };
}

/** Says so when the engine's BuildKit cannot build one commit into one digest (before 0.13). */
function warnIfNotReproducible(version: string | undefined, log: Log): void {
  const [major, minor] = (version ?? '').split(/[.+-]/).map(Number) as [number, number];
  if (version === undefined || major > 0 || minor >= 13) return;
  log.warning(
    `BuildKit ${version} ignores SOURCE_DATE_EPOCH (0.11+) and rewrite-timestamp (0.13+): builds of one commit get different digests, and a hold on a rolled-back digest does not catch a rebuild. A Docker engine 25+ (with the containerd image store for the docker driver) builds reproducibly`,
  );
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
  // The CLI plugins, and buildx's builder selection (`docker buildx use`) and instances.
  for (const dir of ['cli-plugins', 'buildx']) {
    const target = own ? join(own, dir) : undefined;
    const link = join(authDir, dir);
    if (target && existsSync(target) && !existsSync(link)) symlinkSync(target, link);
  }
  return { ...env, DOCKER_CONFIG: authDir };
}

/**
 * The driver of the builder buildx will use, when the Docker config says it without asking: no
 * builder selected (`BUILDX_BUILDER` unset, no `docker buildx use`) is the Docker context's own
 * builder, whose driver is `docker`. Anything else is asked of `docker buildx inspect`.
 */
function knownDriver(env: Env): string | undefined {
  if (env.BUILDX_BUILDER) return undefined;
  const own = dockerConfigDir(env);
  return own && !existsSync(join(own, 'buildx', 'current')) ? 'docker' : undefined;
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
  // One `docker buildx inspect` per builder: its driver and BuildKit version do not change.
  let inspected: Promise<{ driver?: string; version?: string }> | undefined;
  const inspect = (runEnv: Env) => {
    inspected ??= inspectBuilder(runEnv);
    return inspected;
  };
  const driverOf = async (runEnv: Env) => (await inspect(runEnv)).driver;
  const buildWith = async (
    spec: BuildSpec,
    push: PushSpec | undefined,
    runEnv: Env,
    log: Log,
  ): Promise<BuildResult> => {
    const drv = spec.cache ? (knownDriver(env) ?? (await driverOf(runEnv))) : undefined;
    if (spec.cache) {
      log.info(
        drv === 'docker'
          ? `Cache: inline in the pushed image (the \`docker\` driver exports no cache), read from ${[...spec.cache.inlineFrom, ...spec.cache.from].join(', ')}`
          : `Cache: ${spec.cache.repository}:buildcache (registry cache, mode=max)`,
      );
    }
    const counter = stepCounter(log, BUILDKIT_STEPS);
    const once = (platforms: string[] | undefined, ref: string | undefined, suffix = '', byDigest = false) =>
      buildOnce(
        spec,
        platforms,
        ref,
        byDigest,
        cacheArgs(spec, drv, 'image', Boolean(ref), suffix),
        runEnv,
        counter.log,
        options.tempDir,
      );
    const platforms = spec.platforms ?? [];
    if (platforms.length < 2) return { ...(await once(undefined, push?.ref)), steps: counter.counts() };
    try {
      if (push) {
        try {
          return { ...(await once(platforms, push.ref, '', true)), untagged: true, steps: counter.counts() };
        } catch (err) {
          // The `docker` driver pushes no index by digest: with the containerd image store it
          // still builds several platforms, pushed under the tag (and checked before the others).
          if (!(err instanceof CommandFailed) || !BY_DIGEST_UNSUPPORTED.test(err.excerpt)) throw err;
        }
      }
      return { ...(await once(platforms, push?.ref)), steps: counter.counts() };
    } catch (err) {
      if (!(err instanceof CommandFailed) || !MULTI_UNSUPPORTED.test(err.excerpt)) throw err;
    }
    // The `docker` driver without the containerd image store builds one platform at a time
    // (and exports no OCI layout, nor pushes by digest): each platform is pushed as
    // `<tag>-<os>-<arch>` — the `docker manifest create` convention — and the caller
    // assembles the index over them.
    if (!push) {
      throw new StepError(
        'this Docker engine builds one platform at a time (the `docker` driver without the containerd image store) and cannot keep a multi-platform image locally: use push: true, or one platform',
      );
    }
    log.info(
      'the Docker engine builds one platform at a time (buildx `docker` driver, no containerd image store): pushing each platform, then the index',
    );
    const parts: { platform: string; ref: string }[] = [];
    for (const platform of platforms) {
      const suffix = `-${platformSlug(platform)}`;
      const ref = `${push.ref}${suffix}`;
      await once([platform], ref, suffix);
      parts.push({ platform, ref });
    }
    return { parts, steps: counter.counts() };
  };
  return {
    name: 'buildx',
    refuses: () => undefined,
    async test(spec: BuildSpec, log: Log) {
      const runEnv = buildxEnv(env, spec.cache?.authDir);
      const counter = stepCounter(log, BUILDKIT_STEPS);
      const drv = spec.cache ? (knownDriver(env) ?? (await driverOf(runEnv))) : undefined;
      const output = testOutput(spec, drv);
      const cache = cacheArgs(spec, drv, 'test', output.includes('type=image,push=true'));
      await withHints(
        mustRun(
          `buildx test stage "${spec.target}"`,
          // The tests run once, on the runner's own platform.
          [...buildArgs(spec, []), ...cache, '--provenance=false', ...output, spec.context],
          { log: counter.log, env: runEnv, secrets: spec.mask ?? [] },
        ),
      );
      return counter.counts();
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log): Promise<BuildResult> {
      if (push && !push.tlsVerify && !isLoopback(push.ref)) {
        log.warning(
          'buildx pushes through the Docker engine: a plain-HTTP registry must be in its insecure-registries (only 127.0.0.0/8 is by default)',
        );
      }
      const runEnv = buildxEnv(env, push?.authDir ?? spec.cache?.authDir);
      // Asked beside the build (not before it): only the warning needs the BuildKit version.
      const inspecting = spec.sourceDateEpoch === undefined ? undefined : inspect(runEnv);
      try {
        return await buildWith(spec, push, runEnv, log);
      } finally {
        if (inspecting) warnIfNotReproducible((await inspecting).version, log);
      }
    },
  };
}

const BY_DIGEST_UNSUPPORTED = /push-by-digest is currently not implemented/i;

const MULTI_UNSUPPORTED =
  /Multi-platform build is not supported for the docker driver|docker exporter does not currently support exporting manifest lists/i;

async function buildOnce(
  spec: BuildSpec,
  platforms: string[] | undefined,
  ref: string | undefined,
  byDigest: boolean,
  cache: string[],
  env: Env,
  log: Log,
  tempDir: string | undefined,
): Promise<BuildResult> {
  const dir = mkdtempSync(join(tempDir ?? tmpdir(), 'buildx-'));
  try {
    const metadata = join(dir, 'metadata.json');
    await withHints(
      mustRun(
        'buildx build',
        [
          ...buildArgs(spec, platforms),
          ...pairs('--label', spec.labels),
          ...cache,
          // No attestation manifests: the pushed digest is the image's own (provenance is ours).
          '--provenance=false',
          '--metadata-file',
          metadata,
          ...outputArgs(spec, ref, byDigest),
          spec.context,
        ],
        { log, env, secrets: spec.mask ?? [] },
      ),
    );
    const meta = JSON.parse(readFileSync(metadata, 'utf8')) as Record<string, string>;
    const digest = meta['containerimage.digest'];
    return ref && digest ? { digest } : {};
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
