/**
 * What a step may do to the outside world while it runs: log, group, mask, annotate.
 * Steps see only this interface; github.ts and cli.ts implement it.
 */
import type { CiContext } from './context.js';

/**
 * Timing knobs the host sets: absent means the production default of each client. The GitHub and
 * CLI hosts read them from tuningFromEnv; the in-process test host sets them directly.
 */
export interface Tuning {
  /** Base delay of retry backoff for the GitHub, GitLab and Slack APIs (Retry-After still wins). */
  retryBaseMs?: number;
  /** Poll interval while waiting for an ECS rollout (default 6 s). */
  ecsPollIntervalMs?: number;
  /** Least time between two GitHub API writes of the deployment-record client (default 1 s, as GitHub asks). */
  githubWriteSpacingMs?: number;
}

export interface Runtime {
  ctx: CiContext;
  env: Record<string, string | undefined>;
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  setSecret(value: string): void;
  /** A temp directory for this run (RUNNER_TEMP on GitHub). */
  tempDir: string;
  /** The working directory relative paths (manifests, files) are resolved against. */
  cwd: string;
  tuning: Tuning;
  /** The current time. Steps read the clock only here (freeze windows, reports), so tests fix it. */
  now(): Date;
}

/**
 * The one place the timing knobs are read from the environment, for hosts that run as separate
 * processes (action bundles, the CLI in GitLab jobs), where tests can only reach them this way:
 * `STAGECRAFT_RETRY_BASE_MS` (retry backoff base) and `STAGECRAFT_ECS_POLL_MS` (ECS rollout poll,
 * also an operator knob, see docs/ecs.md). Unset or not a positive number: production defaults.
 */
export function tuningFromEnv(env: Record<string, string | undefined>): Tuning {
  const positive = (text: string | undefined) => {
    const n = Number(text);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  const retryBaseMs = positive(env.STAGECRAFT_RETRY_BASE_MS);
  const ecsPollIntervalMs = positive(env.STAGECRAFT_ECS_POLL_MS);
  return {
    ...(retryBaseMs !== undefined ? { retryBaseMs } : {}),
    ...(ecsPollIntervalMs !== undefined ? { ecsPollIntervalMs } : {}),
  };
}

/**
 * The clock of hosts that run as separate processes: `STAGECRAFT_NOW` (an ISO date-time) fixes it,
 * for tests and for trying a freeze window out ahead of time; otherwise the system clock.
 */
export function clockFromEnv(env: Record<string, string | undefined>): () => Date {
  const fixed = env.STAGECRAFT_NOW ? Date.parse(env.STAGECRAFT_NOW) : Number.NaN;
  return Number.isNaN(fixed) ? () => new Date() : () => new Date(fixed);
}
