/** Shared retry policy: bounded attempts, jittered delays, and an overall deadline. */
export interface RetryPolicy {
  attempts: number;
  delayMs: number;
  /** Absolute time (Date.now()) after which no new attempt starts. */
  deadline?: number;
}

/** A delay in [0.75, 1] × base: spreads concurrent retries without exceeding the budget the user set. */
export function jittered(baseMs: number, random: () => number = Math.random): number {
  return Math.round(baseMs * (0.75 + 0.25 * random()));
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), if present and sane. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Wait before the next attempt (`attempt` counts from 0): the server's Retry-After when it gave
 * one, else jittered exponential backoff; never more than `capMs`.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; capMs: number; retryAfter?: string | null },
): number {
  return Math.min(retryAfterMs(options.retryAfter) ?? jittered(options.baseMs * 2 ** attempt), options.capMs);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** True for HTTP statuses worth retrying: rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
