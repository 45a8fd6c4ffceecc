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
import { checkPlatforms, type Platform, parsePlatform } from '../registry/image-index.js';
import {
  type Builder,
  type BuildResult,
  type BuildSpec,
  type PushSpec,
  pairs,
  stepCounter,
} from './types.js';

const BASE = ['buildah', '--storage-driver', 'vfs'];

/**
 * buildah's log: `[linux/arm64] STEP 3/5: RUN …` per step (`--label` adds LABEL steps at the end),
 * `--> Using cache <id>` for a step it did not run.
 */
const STEPS = { step: /STEP \d+\/\d+: /, skip: /STEP \d+\/\d+: (FROM|LABEL) /, cached: /^--> Using cache / };

/** The secret, SSH and cache flags: files and sockets by path, never a value on argv. */
function extraArgs(spec: BuildSpec, layers: boolean): string[] {
  const cache = layers ? spec.cache : undefined;
  return [
    ...(spec.secrets ?? []).flatMap((s) => ['--secret', `id=${s.id},src=${s.src}`]),
    ...(spec.ssh ?? []).flatMap((s) => ['--ssh', `${s.id}=${s.paths.join(',')}`]),
    ...(cache
      ? [
          // Read the cache repository first, then the others; write every layer (test stage too).
          ...[cache.repository, ...cache.from].flatMap((r) => ['--cache-from', r]),
          '--cache-to',
          cache.repository,
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
      const counter = stepCounter(log, STEPS);
      // The tests run once, on the runner's own platform.
      await mustRun(`buildah test stage "${spec.target}"`, [...budArgs(spec, []), spec.context], {
        log: counter.log,
        env,
        secrets: spec.mask ?? [],
      });
      return counter.counts();
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log): Promise<BuildResult> {
      if ((spec.platforms?.length ?? 0) > 1) return buildList(spec, push, log, env, options.tempDir);
      const counter = stepCounter(log, STEPS);
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

/** The platforms of a local manifest list's images. */
async function listPlatforms(list: string, env: Env): Promise<Platform[]> {
  const out = await mustRun('buildah manifest inspect', [...BASE, 'manifest', 'inspect', list], { env });
  const parsed = JSON.parse(out) as { manifests?: { platform?: Platform }[] };
  return (parsed.manifests ?? []).map((m) => m.platform ?? { os: '?', architecture: '?' });
}

/** The requested platforms a list has no image for. */
function missingFrom(requested: string[], found: Platform[]): string[] {
  return requested.filter((r) => {
    const p = parsePlatform(r);
    return !found.some(
      (f) =>
        f.os === p.os &&
        f.architecture === p.architecture &&
        (!p.variant || !f.variant || f.variant === p.variant),
    );
  });
}

/**
 * Several platforms: one `buildah bud --platform a,b --manifest <list>` builds each platform
 * (RUN steps of a foreign one run through qemu-user-static and binfmt) into a manifest list of
 * its own, pushed with every image as one OCI index, then removed from local storage.
 *
 * buildah 1.28's layer cache does not tell platforms apart: where a stage's steps give identical
 * layers on every platform (`FROM scratch` + `COPY` of the same files), the second platform reuses
 * the first one's image and the list holds one image. Each platform the list lacks is built again
 * on its own without the layer cache (no cache lookup, no cached layers written); the list is
 * checked against the requested platforms before anything is pushed.
 */
async function buildList(
  spec: BuildSpec,
  push: PushSpec | undefined,
  log: Log,
  env: Env,
  tempDir: string | undefined,
): Promise<BuildResult> {
  const platforms = spec.platforms ?? [];
  const list = `localhost/stagecraft-list-${randomBytes(6).toString('hex')}:latest`;
  const counter = stepCounter(log, STEPS);
  const bud = (args: string[]) =>
    mustRun('buildah build', [...args, ...pairs('--label', spec.labels), '--manifest', list, spec.context], {
      log: counter.log,
      env,
      secrets: spec.mask ?? [],
    });
  try {
    await bud(budArgs(spec));
    const collapsed = missingFrom(platforms, await listPlatforms(list, env));
    for (const platform of collapsed) {
      log.warning(
        `buildah's layer cache gave no separate image for ${platform} (its layers are the same as another platform's): building ${platform} again without the layer cache`,
      );
      await bud(budArgs(spec, [platform], false));
    }
    checkPlatforms(platforms, await listPlatforms(list, env), `buildah's manifest list`);
    const steps = counter.counts();
    if (!push) return { steps };
    return {
      ...(await pushWith(['manifest', 'push', '--all', '--format', 'oci'], list, push, log, env, tempDir)),
      steps,
    };
  } finally {
    await runProcess([...BASE, 'manifest', 'rm', list], { env }).catch(() => undefined);
  }
}
