/**
 * What gate-merge and notify-pr need from the code host, the same on GitHub and GitLab:
 * commit statuses, the PRs/MRs of a commit, and the comments/notes of one PR/MR.
 * `connectForge` picks the host from the pipeline context and resolves the token (masked).
 */

import { StepError } from '../core/errors.js';
import type { CommitChecks } from '../core/gate/contexts.js';
import type { CommentApi } from '../core/notify/sticky.js';
import type { Runtime } from './runtime.js';

export type CommitState = 'success' | 'failure' | 'pending' | 'error';

export interface Forge {
  kind: 'github' | 'gitlab';
  /** owner/name or the GitLab project id/path. */
  project: string;
  setStatus(
    sha: string,
    status: { state: CommitState; context: string; description?: string; targetUrl?: string },
  ): Promise<void>;
  readChecks(sha: string): Promise<CommitChecks>;
  pullsForCommit(sha: string): Promise<number[]>;
  comments(pull: number): CommentApi;
  pullUrl(pull: number): string;
  /** The commit's page on the code host. */
  commitUrl(sha: string): string;
}

export interface ForgeOptions {
  token?: string;
  repository?: string;
}

export function forgeKind(rt: Runtime): 'github' | 'gitlab' {
  return rt.ctx.forge;
}

/** The token: the input, else the platform's usual variables. Masked wherever it came from. */
export function resolveToken(
  rt: Runtime,
  kind: 'github' | 'gitlab',
  input?: string,
): { token: string; job: boolean } {
  const env = rt.env;
  // The CLI host fills an unset `token` with CI_JOB_TOKEN on GitLab; that is still "not given"
  // here, so GITLAB_TOKEN wins over it and the job token goes out as JOB-TOKEN, not PRIVATE-TOKEN.
  if (kind === 'gitlab' && input && input === env.CI_JOB_TOKEN) input = undefined;
  const candidates: Array<[string | undefined, boolean]> =
    kind === 'github'
      ? [
          [input, false],
          [env.GITHUB_TOKEN, false],
          [env.GH_TOKEN, false],
        ]
      : [
          [input, false],
          [env.GITLAB_TOKEN, false],
          [env.CI_JOB_TOKEN, true],
        ];
  const found = candidates.find(([t]) => t?.trim());
  if (!found) {
    const vars = kind === 'github' ? 'GITHUB_TOKEN' : 'GITLAB_TOKEN or CI_JOB_TOKEN';
    throw new StepError(
      `no token for the ${kind === 'github' ? 'GitHub' : 'GitLab'} API: set the "token" input or ${vars}`,
    );
  }
  const token = (found[0] as string).trim();
  rt.setSecret(token);
  return { token, job: found[1] };
}

export async function connectForge(rt: Runtime, options: ForgeOptions): Promise<Forge> {
  const kind = forgeKind(rt);
  const { token, job } = resolveToken(rt, kind, options.token);
  if (kind === 'github') {
    const { githubForge } = await import('./github-forge.js');
    return githubForge(rt, token, options);
  }
  const { gitlabForge } = await import('./gitlab-forge.js');
  return gitlabForge(rt, token, job, options);
}
