/**
 * The GitHub REST client every step uses: Octokit with throttling (secondary rate limits,
 * primary limit resets) and our own retry (5xx, 429 honouring Retry-After, connection resets),
 * GITHUB_API_URL for GHES. The token is never logged; callers mask it with rt.setSecret.
 *
 * @octokit/plugin-retry is not used: it ignores Retry-After and waits 1s/4s/9s on every 4xx
 * it does not know, so a 429 with `Retry-After: 1` would wait longer than asked.
 */
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck/light.js';
import { networkVerdict, statusVerdict } from '../core/http.js';
import { retry, type Verdict } from '../core/retry.js';
import { send } from '../core/transport.js';

// @octokit/core with paging, not @octokit/rest: the steps call routes by name (`client.request`),
// so the generated method tree (most of @octokit/rest's size and load time) is left out.
const ThrottledOctokit = Octokit.plugin(paginateRest, throttling);
export type GitHubClient = InstanceType<typeof ThrottledOctokit>;

export interface GitHubClientOptions {
  token: string;
  apiUrl?: string;
  /** Called with each warning about rate limits and retries, for the log. */
  warn?: (message: string) => void;
  /** Retries after a rate limit; keeps tests fast when lowered. */
  maxRateLimitRetries?: number;
  /** Retries of a 5xx / 429 / connection error (default 3). */
  retries?: number;
  /** First backoff delay when the server gives no Retry-After (default 1000 ms, doubled each time). */
  retryBaseMs?: number;
  /** Longest Retry-After we are willing to wait (default 60 s). */
  maxRetryAfterMs?: number;
  /**
   * Least time between two writes of this client (default 1000 ms, as GitHub asks of API writes).
   * 0 sends a caller's short burst of writes at once (a gitops commit attempt: tree, commit, ref).
   */
  writeSpacingMs?: number;
}

interface HttpishError {
  status?: number;
  response?: { headers?: Record<string, string | number | undefined> };
  code?: string;
}

/**
 * The verdict on an Octokit error: 408/5xx, a 429 that is not a primary/secondary limit
 * (throttling owns those), or no answer at all (ECONNRESET, socket hang up, fetch failed).
 */
export function githubVerdict(err: unknown): Verdict {
  const e = err as HttpishError;
  if (typeof e?.status === 'number' && e.status > 0) {
    if (e.status === 429 && e.response?.headers?.['x-ratelimit-remaining'] === '0') return false;
    const header = e.response?.headers?.['retry-after'];
    return statusVerdict(e.status, header === undefined ? undefined : String(header), `answered ${e.status}`);
  }
  return networkVerdict(err);
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const maxRetries = options.maxRateLimitRetries ?? 3;
  const retries = options.retries ?? 3;
  const baseMs = options.retryBaseMs ?? 1000;
  const maxAfter = options.maxRetryAfterMs ?? 60_000;
  const client = new ThrottledOctokit({
    auth: options.token,
    baseUrl: (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'stagecraft',
    // The pack's one transport: node:http, not the global fetch (whose start-up delays the first request).
    request: { fetch: send },
    log: {
      debug() {},
      info() {},
      warn: (m: string) => options.warn?.(m),
      error: (m: string) => options.warn?.(m),
    },
    throttle: {
      ...(options.writeSpacingMs !== undefined
        ? { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs }) }
        : {}),
      onRateLimit: (after: number, req: { method: string; url: string }, _o: unknown, count: number) => {
        options.warn?.(`GitHub rate limit on ${req.method} ${req.url}; retrying in ${after}s`);
        return count < maxRetries;
      },
      onSecondaryRateLimit: (
        after: number,
        req: { method: string; url: string },
        _o: unknown,
        count: number,
      ) => {
        options.warn?.(`GitHub secondary rate limit on ${req.method} ${req.url}; retrying in ${after}s`);
        return count < maxRetries;
      },
    },
  });
  client.hook.wrap('request', (request, req) =>
    retry(async () => request(req), {
      attempts: retries + 1,
      baseMs,
      capMs: maxAfter,
      retryError: githubVerdict,
      onRetry: ({ attempt, delayMs, reason }) =>
        options.warn?.(
          `GitHub ${req.method} ${req.url} ${reason}; retry ${attempt}/${retries} in ${delayMs}ms`,
        ),
    }),
  );
  return client;
}

/** `owner/name` into its parts, with a clear error for anything else. */
export function splitRepository(repository: string | undefined): { owner: string; repo: string } {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repository ?? '');
  if (!match) {
    throw new Error(
      `no GitHub repository to talk to (got ${JSON.stringify(repository ?? '')}; expected owner/name)`,
    );
  }
  return { owner: match[1] as string, repo: match[2] as string };
}

/** The HTTP status of an Octokit error, if it has one. */
export function httpStatus(err: unknown): number | undefined {
  const status = (err as HttpishError)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Rethrows a 403 from a write with what usually causes it (the workflow token's permissions;
 * pull requests from forks get a read-only token), keeping GitHub's own message.
 */
export function permissionHint(err: unknown, permission: string): never {
  if (httpStatus(err) === 403 && !/rate limit/i.test((err as Error).message)) {
    throw Object.assign(
      new Error(
        `${(err as Error).message} — the token needs \`${permission}\` on this repository ` +
          '(workflow `permissions:`; pull requests from forks get a read-only token)',
      ),
      { status: 403 },
    );
  }
  throw err;
}
