/** kaniko: builds in an unprivileged container (the usual GitLab choice); it builds and pushes in one go. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { type Env, mustRun } from '../process.js';
import {
  type Builder,
  type BuildSpec,
  type BuildWants,
  type PushSpec,
  pairs,
  type Refusal,
  stepCounter,
} from './types.js';

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
    // kaniko's registry cache: one repository, every RUN layer (it reads what it writes).
    ...(spec.cache
      ? [
          '--cache=true',
          '--cache-repo',
          spec.cache.repository,
          // kaniko pushes what it caches; a build that pushes nothing only reads.
          ...(spec.cache.write ? [] : ['--no-push-cache']),
          // A plain-HTTP cache registry: kaniko's per-registry switches (they cover the cache's pulls and pushes).
          ...(spec.cache.tlsVerify
            ? []
            : [
                '--insecure-registry',
                spec.cache.repository.slice(0, spec.cache.repository.indexOf('/')),
                '--skip-tls-verify-registry',
                spec.cache.repository.slice(0, spec.cache.repository.indexOf('/')),
              ]),
        ]
      : []),
  ];
}

/**
 * kaniko's log: `INFO[0007] RUN …` as it executes each RUN step (a cached one too), and before
 * that, with a cache, `Using caching version of cmd: RUN …` for each it takes from the cache (it
 * caches RUN steps only, and stops looking at the first miss of a stage).
 */
export const KANIKO_STEPS = {
  step: /^(?:INFO\[\d+\]\s+)?RUN /,
  cached: /Using caching version of cmd: RUN /,
  apart: true,
};

/** What kaniko cannot do: mount secrets or SSH into RUN steps, or build an image index. */
export function kanikoRefuses(wants: BuildWants): Refusal | undefined {
  if (wants.secrets) {
    return {
      input: 'secrets',
      value: '',
      accepted:
        'nothing with builder kaniko, which cannot mount secrets into RUN steps: use buildah or buildx',
    };
  }
  if (wants.ssh) {
    return {
      input: 'ssh',
      value: '',
      accepted: 'nothing with builder kaniko, which cannot forward SSH into RUN steps: use buildah or buildx',
    };
  }
  if (wants.platforms.length > 1) {
    return {
      input: 'platforms',
      value: wants.platforms.join(','),
      accepted: 'one platform with kaniko (it builds no image index): several need buildx or buildah',
    };
  }
  return undefined;
}

export function kanikoBuilder(options: { tempDir?: string; executor?: string; env?: Env } = {}): Builder {
  const executor = options.executor ?? KANIKO_EXECUTOR;
  const env = options.env ?? {};
  return {
    name: 'kaniko',
    refuses: kanikoRefuses,
    async test(spec: BuildSpec, log: Log) {
      const counter = stepCounter(log, KANIKO_STEPS);
      await mustRun(`kaniko test stage "${spec.target}"`, [...executorArgs(spec, executor), '--no-push'], {
        log: counter.log,
        env: spec.cache?.authDir ? { ...env, DOCKER_CONFIG: spec.cache.authDir } : env,
      });
      return counter.counts();
    },
    async build(spec: BuildSpec, push: PushSpec | undefined, log: Log) {
      const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'kaniko-'));
      const counter = stepCounter(log, KANIKO_STEPS);
      const authDir = push?.authDir ?? spec.cache?.authDir;
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
          { log: counter.log, env: authDir ? { ...env, DOCKER_CONFIG: authDir } : env },
        );
        const steps = counter.counts();
        return push ? { digest: readFileSync(digestFile, 'utf8').trim(), steps } : { steps };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
