/**
 * What a step may do to the outside world while it runs: log, group, mask, annotate.
 * Steps see only this interface; github.ts and cli.ts implement it.
 */
import type { CiContext } from './context.js';

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
}
