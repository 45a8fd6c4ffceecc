/**
 * The forge side of the gitops strategy: the API writer (`via: api`) and the PR/MR opener
 * (`pull-request: true`) for GitHub or GitLab, made for core, which sees only their interfaces.
 */
import type { GitApi } from '../core/deploy/gitops/api-writer.js';
import type { PullRequestApi } from '../core/deploy/gitops/target.js';
import { StepError } from '../core/errors.js';
import { forgeKind, resolveToken } from './forge.js';
import type { Runtime } from './runtime.js';

export interface GitopsForgeOptions {
  /** The `repository` input: a forge URL (`https://host/owner/name.git`), `owner/name`, or absent (this repository). */
  repository?: string;
  token?: string;
  api: boolean;
  pullRequest: boolean;
}

export interface GitopsForge {
  api?: GitApi;
  pullRequests?: PullRequestApi;
}

/** `owner/name` (GitHub) or the project path (GitLab) the `repository` input names. */
export function forgeProject(repository: string | undefined, fallback: string | undefined): string {
  const given = repository?.trim();
  if (!given) {
    if (fallback) return fallback;
    throw new StepError('no repository for the forge API: set `repository` (owner/name or its URL)');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) {
    const path = new URL(given).pathname.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
    if (path) return path;
  }
  if (/^[\w.-]+(\/[\w.-]+)+$/.test(given) && !given.endsWith('.git')) return given;
  throw new StepError(
    `repository ${given} is not on the forge's API: \`via: api\` and \`pull-request\` need owner/name or the repository's https URL`,
  );
}

export async function connectGitops(rt: Runtime, options: GitopsForgeOptions): Promise<GitopsForge> {
  if (!options.api && !options.pullRequest) return {};
  const kind = forgeKind(rt);
  const { token, job } = resolveToken(rt, kind, options.token);
  const warn = (m: string) => rt.warning(m);
  const retryBaseMs = rt.tuning.retryBaseMs;
  if (kind === 'github') {
    const { createGitHubClient, splitRepository } = await import('./github-api.js');
    const { githubGitApi, githubPullRequests } = await import('./github-gitops.js');
    const { owner, repo } = splitRepository(forgeProject(options.repository, rt.ctx.repository));
    const client = createGitHubClient({
      token,
      apiUrl: rt.ctx.apiUrl,
      warn,
      // A commit attempt is three writes on one head (tree, commit, ref): spaced a second apart,
      // its window would be over 2 s and concurrent deployers would nearly always collide. The
      // head is re-checked beside the first write instead (github-gitops.ts).
      writeSpacingMs: 0,
      ...(retryBaseMs !== undefined ? { retryBaseMs } : {}),
    });
    return {
      ...(options.api ? { api: githubGitApi(client, owner, repo) } : {}),
      ...(options.pullRequest ? { pullRequests: githubPullRequests(client, owner, repo) } : {}),
    };
  }
  const { createGitLabClient } = await import('./gitlab-api.js');
  const { gitlabGitApi, gitlabMergeRequests } = await import('./gitlab-gitops.js');
  const apiUrl = rt.ctx.apiUrl;
  if (!apiUrl) throw new StepError('no GitLab API URL: CI_API_V4_URL is not set');
  const project = forgeProject(options.repository, rt.ctx.projectId ?? rt.ctx.repository);
  const client = createGitLabClient({
    apiUrl,
    token,
    tokenKind: job ? 'job' : 'private',
    warn,
    ...(retryBaseMs !== undefined ? { retryBaseMs } : {}),
  });
  return {
    ...(options.api ? { api: gitlabGitApi(client, project) } : {}),
    ...(options.pullRequest ? { pullRequests: gitlabMergeRequests(client, project) } : {}),
  };
}
