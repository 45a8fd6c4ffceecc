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
import { type Builder, type BuildSpec, type PushSpec, pairs } from './types.js';

const BASE = ['buildah', '--storage-driver', 'vfs'];

function budArgs(spec: BuildSpec, platforms = spec.platforms): string[] {
  return [
    ...BASE,
    'bud',
    // chroot isolation shares the host's network; `network: none` needs a namespace of its own (OCI).
    '--isolation',
    spec.network === 'none' ? 'oci' : 'chroot',
    // Layer cache: the test stage and the image share their base stages.
    '--layers',
    '--file',
    spec.file,
    ...(spec.target ? ['--target', spec.target] : []),
    ...(spec.network ? ['--network', spec.network] : []),
    ...(platforms?.length ? ['--platform', platforms.join(',')] : []),
    // The config's, the history's and every layer file's time (the test stage too: its layers are
    // cached and reused by the image).
    ...(spec.sourceDateEpoch === undefined ? [] : ['--timestamp', String(spec.sourceDateEpoch)]),
    ...pairs('--build-arg', spec.buildArgs),
  ];
}

export function buildahBuilder(options: { tempDir?: string; env?: Env } = {}): Builder {
  const env = options.env ?? {};
  return {
    name: 'buildah',
    async test(spec: BuildSpec, log: Log) {
      // The tests run once, on the runner's own platform.
      await mustRun(`buildah test stage "${spec.target}"`, [...budArgs(spec, []), spec.context], {
        log,
        env,
      });
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log) {
      if ((spec.platforms?.length ?? 0) > 1) return buildList(spec, push, log, env, options.tempDir);
      const local = push?.ref ?? 'localhost/stagecraft-build:latest';
      await mustRun(
        'buildah build',
        [...budArgs(spec), ...pairs('--label', spec.labels), '--tag', local, spec.context],
        { log, env },
      );
      if (!push) return {};
      return pushWith(['push'], local, push, log, env, options.tempDir);
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

/**
 * Several platforms: one `buildah bud --platform a,b --manifest <list>` builds each platform
 * (RUN steps of a foreign one run through qemu-user-static and binfmt) into a manifest list of
 * its own, pushed with every image as one OCI index, then removed from local storage.
 */
async function buildList(
  spec: BuildSpec,
  push: PushSpec | undefined,
  log: Log,
  env: Env,
  tempDir: string | undefined,
): Promise<{ digest?: string }> {
  const list = `localhost/stagecraft-list-${randomBytes(6).toString('hex')}:latest`;
  try {
    await mustRun(
      'buildah build',
      [...budArgs(spec), ...pairs('--label', spec.labels), '--manifest', list, spec.context],
      { log, env },
    );
    if (!push) return {};
    return await pushWith(['manifest', 'push', '--all', '--format', 'oci'], list, push, log, env, tempDir);
  } finally {
    await runProcess([...BASE, 'manifest', 'rm', list], { env }).catch(() => undefined);
  }
}
