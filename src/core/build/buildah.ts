/**
 * buildah: builds without a Docker engine, rootless-friendly (`--storage-driver vfs`,
 * `--isolation chroot`), the builder that works on this project's runners.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { type Env, mustRun, runProcess } from '../process.js';
import { checkPlatforms, formatPlatform, type Platform, parsePlatform } from '../registry/image-index.js';
import {
  type Builder,
  type BuildResult,
  type BuildSpec,
  hasTag,
  type PushSpec,
  pairs,
  platformSlug,
  stepCounter,
} from './types.js';

const BASE = ['buildah', '--storage-driver', 'vfs'];

/**
 * buildah's log: `[linux/arm64] STEP 3/5: RUN …` per step (`--label` adds LABEL steps at the end),
 * `--> Using cache <id>` for a step it did not run.
 */
export const BUILDAH_STEPS = {
  step: /STEP \d+\/\d+: /,
  skip: /STEP \d+\/\d+: (FROM|LABEL) /,
  cached: /^--> Using cache /,
};

/** `registry/repo:tag` → `registry/repo`. */
function withoutTag(ref: string): string {
  return hasTag(ref) ? ref.slice(0, ref.lastIndexOf(':')) : ref;
}

/** The secret, SSH and cache flags: files and sockets by path, never a value on argv. */
function extraArgs(spec: BuildSpec, layers: boolean): string[] {
  const cache = layers ? spec.cache : undefined;
  return [
    ...(spec.secrets ?? []).flatMap((s) => ['--secret', `id=${s.id},src=${s.src}`]),
    ...(spec.ssh ?? []).flatMap((s) => ['--ssh', `${s.id}=${s.paths.join(',')}`]),
    ...(cache
      ? [
          // Read the cache repository first, then the others (repositories: buildah names the
          // tags); write every layer (the test stage's too).
          ...[cache.repository, ...cache.from.map(withoutTag)].flatMap((r) => ['--cache-from', r]),
          ...(cache.write ? ['--cache-to', cache.repository] : []),
          ...(cache.tlsVerify ? [] : ['--tls-verify=false']),
          ...(cache.authDir ? ['--authfile', join(cache.authDir, 'config.json')] : []),
        ]
      : []),
  ];
}

function budArgs(spec: BuildSpec, platforms = spec.platforms, layers = true): string[] {
  return [
    ...BASE,
    'bud',
    // chroot isolation shares the host's network; `network: none` needs a namespace of its own (OCI).
    '--isolation',
    spec.network === 'none' ? 'oci' : 'chroot',
    // Layer cache: the test stage and the image share their base stages.
    ...(layers ? ['--layers'] : ['--layers=false']),
    '--file',
    spec.file,
    ...(spec.target ? ['--target', spec.target] : []),
    ...(spec.network ? ['--network', spec.network] : []),
    ...(platforms?.length ? ['--platform', platforms.join(',')] : []),
    // The config's, the history's and every layer file's time (the test stage too: its layers are
    // cached and reused by the image).
    ...(spec.sourceDateEpoch === undefined ? [] : ['--timestamp', String(spec.sourceDateEpoch)]),
    ...pairs('--build-arg', spec.buildArgs),
    ...extraArgs(spec, layers),
  ];
}

export function buildahBuilder(options: { tempDir?: string; env?: Env } = {}): Builder {
  const env = options.env ?? {};
  return {
    name: 'buildah',
    refuses: () => undefined,
    async test(spec: BuildSpec, log: Log) {
      const counter = stepCounter(log, BUILDAH_STEPS);
      // The tests run once, on the runner's own platform.
      await mustRun(`buildah test stage "${spec.target}"`, [...budArgs(spec, []), spec.context], {
        log: counter.log,
        env,
        secrets: spec.mask ?? [],
      });
      return counter.counts();
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log): Promise<BuildResult> {
      if (spec.platforms?.length) return buildPlatforms(spec, push, log, env, options.tempDir);
      const counter = stepCounter(log, BUILDAH_STEPS);
      const local = push?.ref ?? 'localhost/stagecraft-build:latest';
      await mustRun(
        'buildah build',
        [...budArgs(spec), ...pairs('--label', spec.labels), '--tag', local, spec.context],
        { log: counter.log, env, secrets: spec.mask ?? [] },
      );
      if (!push) return { steps: counter.counts() };
      return {
        ...(await pushWith(['push'], local, push, log, env, options.tempDir)),
        steps: counter.counts(),
      };
    },
  };
}

/** `buildah push` / `buildah manifest push --all`, returning the digest buildah reports. */
async function pushWith(
  command: string[],
  local: string,
  push: PushSpec,
  log: Log,
  env: Env,
  tempDir: string | undefined,
): Promise<{ digest: string }> {
  const dir = mkdtempSync(join(tempDir ?? tmpdir(), 'buildah-push-'));
  try {
    const digestFile = join(dir, 'digest');
    await mustRun(
      `buildah ${command.join(' ')} to ${push.ref}`,
      [
        ...BASE,
        ...command,
        `--tls-verify=${push.tlsVerify}`,
        ...(push.authDir ? ['--authfile', join(push.authDir, 'config.json')] : []),
        '--digestfile',
        digestFile,
        local,
        `docker://${push.ref}`,
      ],
      { log, env },
    );
    return { digest: readFileSync(digestFile, 'utf8').trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The platform a local image's config is for; undefined when there is no such image. */
async function imagePlatform(image: string, env: Env): Promise<Platform | undefined> {
  const res = await runProcess([...BASE, 'inspect', '--type', 'image', image], { env });
  if (res.code !== 0) return undefined;
  const oci = (JSON.parse(res.stdout) as { OCIv1?: Partial<Platform> }).OCIv1 ?? {};
  return {
    os: oci.os ?? '?',
    architecture: oci.architecture ?? '?',
    ...(oci.variant ? { variant: oci.variant } : {}),
  };
}

function isFor(found: Platform | undefined, platform: string): boolean {
  const p = parsePlatform(platform);
  return (
    found !== undefined &&
    found.os === p.os &&
    found.architecture === p.architecture &&
    (!p.variant || !found.variant || found.variant === p.variant)
  );
}

/**
 * Builds for the requested platforms (one or several), one `buildah bud --platform <p>` each, and
 * checks each image's config before anything is pushed; several are pushed with every image as
 * one OCI index (a manifest list made of them), then removed from local storage. RUN steps of a
 * foreign platform run through qemu-user-static and binfmt.
 *
 * buildah 1.28's layer cache (local and `--cache-from`) does not tell platforms apart: where a
 * stage's steps give identical layers on every platform (`FROM scratch` + `COPY` of the same
 * files), one platform reuses another's image and gets its config. A platform whose image is for
 * another one is built again without the layer cache (no cache lookup, no cached layer written);
 * a platform still without its image fails the build, naming it.
 */
async function buildPlatforms(
  spec: BuildSpec,
  push: PushSpec | undefined,
  log: Log,
  env: Env,
  tempDir: string | undefined,
): Promise<BuildResult> {
  const platforms = spec.platforms ?? [];
  const id = randomBytes(6).toString('hex');
  const tagOf = (platform: string) => `localhost/stagecraft-${id}-${platformSlug(platform)}:latest`;
  const list = `localhost/stagecraft-list-${id}:latest`;
  const counter = stepCounter(log, BUILDAH_STEPS);
  const bud = (platform: string, layers: boolean) =>
    mustRun(
      `buildah build (${platform})`,
      [
        ...budArgs(spec, [platform], layers),
        ...pairs('--label', spec.labels),
        '--tag',
        tagOf(platform),
        spec.context,
      ],
      { log: counter.log, env, secrets: spec.mask ?? [] },
    );
  try {
    const found: Platform[] = [];
    for (const platform of platforms) {
      await bud(platform, true);
      let built = await imagePlatform(tagOf(platform), env);
      if (!isFor(built, platform)) {
        log.warning(
          `buildah's layer cache gave ${platform} ${built ? `the image of ${formatPlatform(built)}` : 'no image'} (their layers are the same): building ${platform} again without the layer cache`,
        );
        await bud(platform, false);
        built = await imagePlatform(tagOf(platform), env);
      }
      if (isFor(built, platform)) found.push(built as Platform);
    }
    checkPlatforms(platforms, found, 'the build');
    const steps = counter.counts();
    if (!push) return { steps };
    if (platforms.length === 1) {
      return { ...(await pushWith(['push'], tagOf(platforms[0] as string), push, log, env, tempDir)), steps };
    }
    await mustRun('buildah manifest create', [...BASE, 'manifest', 'create', list], { env });
    for (const platform of platforms) {
      await mustRun(
        `buildah manifest add (${platform})`,
        [...BASE, 'manifest', 'add', list, tagOf(platform)],
        {
          env,
        },
      );
    }
    return {
      ...(await pushWith(['manifest', 'push', '--all', '--format', 'oci'], list, push, log, env, tempDir)),
      steps,
    };
  } finally {
    await runProcess([...BASE, 'manifest', 'rm', list], { env }).catch(() => undefined);
    // The per-platform images stay (tagged with this build's id): removing them from a shared
    // storage pulls layers from under a concurrent build that took them from the layer cache.
  }
}
