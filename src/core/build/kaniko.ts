/** kaniko: builds in an unprivileged container (the usual GitLab choice); it builds and pushes in one go. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { type Env, mustRun } from '../process.js';
import { type Builder, type BuildSpec, type PushSpec, pairs } from './types.js';

export const KANIKO_EXECUTOR = '/kaniko/executor';

function executorArgs(spec: BuildSpec, executor: string): string[] {
  return [
    executor,
    '--context',
    `dir://${spec.context}`,
    '--dockerfile',
    spec.file,
    ...(spec.target ? ['--target', spec.target] : []),
    // kaniko builds one platform (checked by the step); an image index needs buildx or buildah.
    ...(spec.platforms?.length === 1 ? ['--custom-platform', spec.platforms[0] as string] : []),
    // kaniko takes no time of ours: it stamps 1970 and strips file times (the label keeps ours).
    ...(spec.sourceDateEpoch === undefined ? [] : ['--reproducible']),
    ...pairs('--build-arg', spec.buildArgs),
  ];
}

export function kanikoBuilder(options: { tempDir?: string; executor?: string; env?: Env } = {}): Builder {
  const executor = options.executor ?? KANIKO_EXECUTOR;
  const env = options.env ?? {};
  return {
    name: 'kaniko',
    async test(spec: BuildSpec, log: Log) {
      await mustRun(`kaniko test stage "${spec.target}"`, [...executorArgs(spec, executor), '--no-push'], {
        log,
        env,
      });
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log) {
      const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'kaniko-'));
      try {
        const digestFile = join(dir, 'digest');
        await mustRun(
          'kaniko build',
          [
            ...executorArgs(spec, executor),
            ...pairs('--label', spec.labels),
            ...(push
              ? [
                  '--destination',
                  push.ref,
                  '--digest-file',
                  digestFile,
                  ...(push.tlsVerify ? [] : ['--insecure', '--skip-tls-verify']),
                ]
              : ['--no-push']),
          ],
          { log, env: push?.authDir ? { ...env, DOCKER_CONFIG: push.authDir } : env },
        );
        return push ? { digest: readFileSync(digestFile, 'utf8').trim() } : {};
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
