/**
 * buildah: builds without a Docker engine, rootless-friendly (`--storage-driver vfs`,
 * `--isolation chroot`), the builder that works on this project's runners.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { type Env, mustRun } from '../process.js';
import { type Builder, type BuildSpec, type PushSpec, pairs } from './types.js';

const BASE = ['buildah', '--storage-driver', 'vfs'];

function budArgs(spec: BuildSpec): string[] {
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
    ...pairs('--build-arg', spec.buildArgs),
  ];
}

export function buildahBuilder(options: { tempDir?: string; env?: Env } = {}): Builder {
  const env = options.env ?? {};
  return {
    name: 'buildah',
    async test(spec: BuildSpec, log: Log) {
      await mustRun(`buildah test stage "${spec.target}"`, [...budArgs(spec), spec.context], { log, env });
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log) {
      const local = push?.ref ?? 'localhost/stagecraft-build:latest';
      await mustRun(
        'buildah build',
        [...budArgs(spec), ...pairs('--label', spec.labels), '--tag', local, spec.context],
        { log, env },
      );
      if (!push) return {};
      const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'buildah-push-'));
      try {
        const digestFile = join(dir, 'digest');
        await mustRun(
          `buildah push to ${push.ref}`,
          [
            ...BASE,
            'push',
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
    },
  };
}
