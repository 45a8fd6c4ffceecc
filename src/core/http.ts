/**
 * HTTP, one way: the classifier that says which failures are worth another attempt (408, 429,
 * 5xx, a dropped connection; never another 4xx), and `httpFetch`, the retried request the
 * registry, GitLab and Slack clients share, over the one transport (transport.ts), which the
 * GitHub client (Octokit's `request.fetch`) and the smoke checks use too. Only the Kubernetes
 * client keeps its library's own transport, and classifies with the same rules.
 */
import { type RetryOptions, retry, type Verdict } from './retry.js';
import { type HttpResponse, type SendInit, send } from './transport.js';

/** True for HTTP statuses worth retrying: timeouts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** True for errors a request raises when the connection failed or was reset (worth another try). */
export function isNetworkError(err: unknown): boolean {
  // By name, not instanceof: fetch's TypeError may come from another realm (bundles, test VMs).
  const e = err as { name?: string; message?: string; code?: unknown; cause?: { code?: string } } | undefined;
  // A per-attempt timeout is worth another try; a caller's abort is not.
  if (!e || e.name === 'AbortError') return false;
  if (e.name === 'TimeoutError') return true;
  const code = `${e.cause?.code ?? ''} ${typeof e.code === 'string' ? e.code : ''}`;
  return (
    e.name === 'TypeError' ||
    /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_/.test(code) ||
    /ECONNRESET|ECONNREFUSED|socket hang up|socket|terminated|fetch failed/i.test(e.message ?? '')
  );
}

/** The verdict on an HTTP status (with its Retry-After header), for `retry`. */
export function statusVerdict(status: number, retryAfter?: string | null, reason?: string): Verdict {
  return isRetryableStatus(status) ? { retryAfter, reason: reason ?? `HTTP ${status}` } : false;
}

/** The verdict on a thrown error: a network error is retried, anything else is final. */
export function networkVerdict(err: unknown): Verdict {
  if (!isNetworkError(err)) return false;
  const e = err as { message?: string; cause?: { code?: string } };
  return { reason: e.cause?.code ?? e.message ?? 'connection failed' };
}

/** The short reason a request never got an answer (`ECONNREFUSED`, `TimeoutError`). */
export function networkReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return e.name;
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? e?.name ?? String(err);
}

export type HttpRetry = Pick<
  RetryOptions<HttpResponse>,
  'attempts' | 'baseMs' | 'capMs' | 'maxRetryAfterMs' | 'onRetry'
>;

/**
 * fetch with a per-attempt timeout, retried on a retryable status or a dropped connection.
 * `init` may be a function, to give each attempt a fresh body (a stream cannot be sent twice).
 * Returns the last response whatever its status; throws the last network error.
 */
export function httpFetch(
  url: string | URL,
  init: SendInit | (() => SendInit),
  options: { retry: HttpRetry; timeoutMs?: number },
): Promise<HttpResponse> {
  return retry(
    () => {
      const base = typeof init === 'function' ? init() : init;
      const signal = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : base.signal;
      return send(url, { ...base, ...(signal ? { signal } : {}) });
    },
    {
      ...options.retry,
      retryValue: (res) => statusVerdict(res.status, res.headers.get('retry-after')),
      retryError: networkVerdict,
    },
  );
}
