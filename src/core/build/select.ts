/**
 * Picks the builder. `auto`: docker buildx when a Docker engine answers (a `docker` client alone
 * is not enough: runners often have the CLI without a daemon), else buildah, else kaniko.
 * Every choice comes with the reason, which the step logs.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { StepError } from '../errors.js';
import { type Env, runProcess } from '../process.js';
import { buildahBuilder } from './buildah.js';
import { buildxBuilder } from './buildx.js';
import { KANIKO_EXECUTOR, kanikoBuilder, kanikoRefuses } from './kaniko.js';
import type { Builder, BuilderChoice, BuildWants, Refusal } from './types.js';

/**
 * Why the builder asked for cannot do what the inputs ask (its own rules), before any is picked:
 * `auto` is checked again once the builder is known.
 */
export function builderRefuses(choice: BuilderChoice, wants: BuildWants): Refusal | undefined {
  return choice === 'kaniko' ? kanikoRefuses(wants) : undefined;
}

export interface BuilderProbe {
  /** True when `command` is an executable on PATH (or an executable absolute path). */
  has(command: string): boolean;
  /** The Docker engine's version when one answers, else why not. */
  dockerEngine(): Promise<{ version?: string; problem?: string }>;
  /** True when `docker buildx` is installed. */
  buildx(): Promise<boolean>;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function run(argv: string[], env: Env, timeoutMs: number): Promise<{ ok: boolean; out: string }> {
  try {
    const res = await runProcess(argv, { env, timeoutMs });
    return { ok: res.code === 0 && !res.timedOut, out: `${res.stdout}${res.stderr}`.trim() };
  } catch (err) {
    return { ok: false, out: (err as Error).message };
  }
}

/**
 * Probes the real machine: PATH lookups and `docker version` with a short timeout, in `env` (the
 * runner's environment: its PATH, and DOCKER_HOST / DOCKER_CONFIG / DOCKER_CONTEXT name the engine
 * and the CLI plugins, as they will for the build).
 */
export function systemProbe(env: Record<string, string | undefined>, timeoutMs = 5000): BuilderProbe {
  return {
    has(command) {
      if (command.startsWith('/')) return executable(command);
      return (env.PATH ?? '').split(delimiter).some((dir) => dir && executable(join(dir, command)));
    },
    async dockerEngine() {
      const res = await run(['docker', 'version', '--format', '{{.Server.Version}}'], env, timeoutMs);
      if (res.ok && res.out) return { version: res.out.split('\n').pop() as string };
      const line = res.out.split('\n').find((l) => /cannot connect|daemon|error/i.test(l)) ?? res.out;
      return { problem: line.slice(0, 200) || `no answer within ${timeoutMs}ms` };
    },
    async buildx() {
      return (await run(['docker', 'buildx', 'version'], env, timeoutMs)).ok;
    },
  };
}

export interface Selection {
  builder: Builder;
  reason: string;
}

export async function selectBuilder(
  choice: BuilderChoice,
  probe: BuilderProbe,
  options: { tempDir?: string; env?: Record<string, string | undefined> } = {},
): Promise<Selection> {
  const make = {
    buildx: () => buildxBuilder(options),
    buildah: () => buildahBuilder(options),
    kaniko: () => kanikoBuilder(options),
  };
  if (choice !== 'auto') {
    const command = choice === 'buildx' ? 'docker' : choice === 'kaniko' ? KANIKO_EXECUTOR : 'buildah';
    if (!probe.has(command)) {
      throw new StepError(
        `builder "${choice}" was asked for, but ${command} is not installed on this runner`,
      );
    }
    if (choice === 'buildx') {
      const engine = await probe.dockerEngine();
      if (!engine.version) throw new StepError(`builder "buildx" needs a Docker engine: ${engine.problem}`);
    }
    return { builder: make[choice](), reason: `builder "${choice}" was asked for` };
  }
  const skipped: string[] = [];
  if (probe.has('docker')) {
    const engine = await probe.dockerEngine();
    if (engine.version && (await probe.buildx())) {
      return {
        builder: make.buildx(),
        reason: `a Docker engine answers (server ${engine.version}) and buildx is installed`,
      };
    }
    skipped.push(
      engine.version
        ? 'docker has no buildx plugin'
        : `docker client present but no engine answers (${engine.problem})`,
    );
  } else {
    skipped.push('no docker client');
  }
  if (probe.has('buildah'))
    return { builder: make.buildah(), reason: `buildah is installed; ${skipped.join('; ')}` };
  skipped.push('no buildah');
  if (probe.has(KANIKO_EXECUTOR))
    return { builder: make.kaniko(), reason: `${KANIKO_EXECUTOR} exists; ${skipped.join('; ')}` };
  skipped.push(`no ${KANIKO_EXECUTOR}`);
  throw new StepError(
    `no image builder found (${skipped.join('; ')}): install buildah, or use a runner with Docker`,
  );
}
