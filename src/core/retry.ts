/**
 * The one retry helper: bounded attempts, jittered exponential backoff capped at `capMs`, the
 * server's Retry-After when it gave one, an optional deadline. Every client (registry, git,
 * GitHub, GitLab, Slack, Kubernetes, ECS) runs its calls through `retry`; what is worth another
 * attempt is decided by the transport's classifier (src/core/http.ts for HTTP, git.ts for git).
 */

/** What a classifier says about one failed attempt. */
export type Verdict =
  | false
  | {
      /** The server's Retry-After header, if it sent one. */
      retryAfter?: string | null;
      /** One line for the log: why this attempt failed. */
      reason?: string;
    };

export interface RetryOptions<T> {
  /** Attempts in all, including the first (≥ 1). */
  attempts: number;
  /**
   * First delay; doubled each attempt (with jitter). A function is asked before each wait, for
   * a delay that follows how long attempts take.
   */
  baseMs: number | (() => number);
  /** Longest wait between two attempts (a function: asked before each wait). */
  capMs: number | (() => number);
  /** Longest Retry-After the server may ask us to wait (default `capMs`). */
  maxRetryAfterMs?: number;
  /** How far a delay may be jittered down, 0–1 (default 0.25: a delay lands in [0.75, 1] × backoff). */
  jitter?: number;
  /** A thrown error: retry (verdict) or give up (false). Default: give up. */
  retryError?: (err: unknown) => Verdict;
  /** A returned value that is a failure worth another attempt (a 503 response); default none. */
  retryValue?: (value: T) => Verdict;
  /** Called before each wait, for the log. */
  onRetry?: (info: { attempt: number; attempts: number; delayMs: number; reason: string }) => void;
  /** Absolute time (Date.now()) after which no new attempt starts. */
  deadline?: number;
  /** Lets tests replace the clock's randomness. */
  random?: () => number;
}

/**
 * Runs `fn` until it succeeds, its failure is not retryable, or the attempts run out. A thrown
 * error is rethrown as is; a value the classifier rejects on the last attempt is returned (the
 * caller reports the final response its own way).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let verdict: Verdict;
    let failure: { value: T } | { error: unknown };
    try {
      const value = await fn(attempt);
      verdict = options.retryValue?.(value) ?? false;
      if (!verdict) return value;
      failure = { value };
    } catch (error) {
      verdict = options.retryError?.(error) ?? false;
      failure = { error };
    }
    const delayMs = verdict
      ? backoffDelay(attempt - 1, {
          ...options,
          baseMs: current(options.baseMs),
          capMs: current(options.capMs),
          retryAfter: verdict.retryAfter,
        })
      : 0;
    const outOfTime = options.deadline !== undefined && Date.now() + delayMs > options.deadline;
    if (!verdict || attempt >= options.attempts || outOfTime) {
      if ('error' in failure) throw failure.error;
      return failure.value;
    }
    options.onRetry?.({
      attempt,
      attempts: options.attempts,
      delayMs,
      reason: verdict.reason ?? ('error' in failure ? errorText(failure.error) : 'failed'),
    });
    if ('value' in failure) await discard(failure.value);
    await sleep(delayMs);
  }
}

function current(v: number | (() => number)): number {
  return typeof v === 'function' ? v() : v;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] || err.name : String(err);
}

/**
 * Frees a response body we will not read: our transport's response drops it keeping the
 * connection reusable (transport.ts); a fetch Response's body is cancelled.
 */
async function discard(value: unknown): Promise<void> {
  const response = value as
    | { cancel?: () => Promise<void>; body?: { cancel?: () => Promise<void> } }
    | undefined;
  if (typeof response?.cancel === 'function') return response.cancel().catch(() => {});
  const body = response?.body;
  if (body && typeof body.cancel === 'function') await body.cancel().catch(() => {});
}

/** A delay in [1 - jitter, 1] × base: spreads concurrent retries without exceeding the budget the user set. */
export function jittered(baseMs: number, random: () => number = Math.random, jitter = 0.25): number {
  return Math.round(baseMs * (1 - jitter + jitter * random()));
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
 * one (at most `maxRetryAfterMs`, default `capMs`), else exponential backoff capped at `capMs`
 * and then jittered down by up to `jitter`.
 */
export function backoffDelay(
  attempt: number,
  options: {
    baseMs: number;
    capMs: number;
    maxRetryAfterMs?: number;
    retryAfter?: string | null;
    random?: () => number;
    jitter?: number;
  },
): number {
  const asked = retryAfterMs(options.retryAfter);
  if (asked !== undefined) return Math.min(asked, options.maxRetryAfterMs ?? options.capMs);
  // Capped first, then jittered: retries that reached the cap still spread out instead of
  // waking together (concurrent deployers that lost a push race, clients behind one 429).
  return jittered(
    Math.min(options.baseMs * 2 ** Math.min(attempt, 30), options.capMs),
    options.random,
    options.jitter,
  );
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
