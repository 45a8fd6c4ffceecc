/** docker buildx: used when a Docker engine answers (GitHub-hosted runners). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { mustRun } from './exec.js';
import { type Builder, type BuildSpec, type PushSpec, pairs } from './types.js';

function buildArgs(spec: BuildSpec): string[] {
  return [
    'docker',
    'buildx',
    'build',
    '--file',
    spec.file,
    ...(spec.target ? ['--target', spec.target] : []),
    ...pairs('--build-arg', spec.buildArgs),
  ];
}

export function buildxBuilder(options: { tempDir?: string } = {}): Builder {
  return {
    name: 'buildx',
    async test(spec: BuildSpec, log: Log) {
      // cacheonly: run the stage's steps, export nothing.
      await mustRun(
        `buildx test stage "${spec.target}"`,
        [...buildArgs(spec), '--output', 'type=cacheonly', spec.context],
        {
          log,
        },
      );
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log) {
      const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'buildx-'));
      try {
        const metadata = join(dir, 'metadata.json');
        if (push && !push.tlsVerify) {
          log.warning(
            'buildx pushes to plain-HTTP registries only when buildkitd is configured with them as insecure',
          );
        }
        await mustRun(
          'buildx build',
          [
            ...buildArgs(spec),
            ...pairs('--label', spec.labels),
            '--provenance=false',
            '--metadata-file',
            metadata,
            ...(push ? ['--tag', push.ref, '--push'] : ['--load']),
            spec.context,
          ],
          { log, ...(push?.authDir ? { env: { DOCKER_CONFIG: push.authDir } } : {}) },
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
