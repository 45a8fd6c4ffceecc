/**
 * The GitHub REST client every step uses: Octokit with retry (5xx, resets) and throttling
 * (429, secondary rate limits, Retry-After) plugins, GITHUB_API_URL for GHES, token masked.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

const RetryingOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof RetryingOctokit>;

export interface GitHubClientOptions {
  token: string;
  apiUrl?: string;
  /** Called with each warning about rate limits, for the log. */
  warn?: (message: string) => void;
  /** Retries after a rate limit; keeps tests fast when lowered. */
  maxRateLimitRetries?: number;
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const maxRetries = options.maxRateLimitRetries ?? 3;
  return new RetryingOctokit({
    auth: options.token,
    baseUrl: (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'stagecraft',
    log: {
      debug() {},
      info() {},
      warn: (m: string) => options.warn?.(m),
      error: (m: string) => options.warn?.(m),
    },
    throttle: {
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
}
