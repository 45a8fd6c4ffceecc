/**
 * What stop-env needs from the code host's records of environments, the same on GitHub and
 * GitLab: end an environment's records (GitHub: its deployments `inactive`, optionally the
 * environment deleted; GitLab: the environment stopped), and list the preview environments with
 * their last deploy and PR/MR for the sweep. Clients load lazily.
 */

import { resolveToken } from './forge.js';
import type { Runtime } from './runtime.js';

export interface PreviewEnvironment {
  name: string;
  /** When its newest deployment was created. */
  lastDeployAt: Date;
  /** The PR/MR it was deployed for, when known. */
  pull?: number;
  /** The PR/MR is closed or merged. */
  pullClosed?: boolean;
}

export interface PreviewRecords {
  kind: 'github' | 'gitlab';
  /** Ends the records of `environment`; returns summary lines. Warnings go to the log. */
  end(environment: string, options: { deleteEnvironment: boolean }): Promise<string[]>;
  /** The live (not yet ended) environments whose names match `previews`. */
  previews(previews: RegExp[]): Promise<PreviewEnvironment[]>;
}

/** The PR/MR number of a preview environment: the one its record names, else the last number in its name. */
export function pullOf(name: string, recorded?: unknown): number | undefined {
  if (typeof recorded === 'number' && recorded > 0) return recorded;
  const digits = /(\d+)(?!.*\d)/.exec(name)?.[1];
  return digits ? Number(digits) : undefined;
}

/** The records client of the pipeline's code host; undefined (with a notice) where none can be reached. */
export async function connectPreviewRecords(
  rt: Runtime,
  token?: string,
): Promise<PreviewRecords | undefined> {
  const ctx = rt.ctx;
  if (ctx.forge === 'github') {
    if (!ctx.repository || !(token || rt.env.GITHUB_TOKEN || rt.env.GH_TOKEN)) return undefined;
    const { token: resolved } = resolveToken(rt, 'github', token);
    const { githubPreviewRecords } = await import('./github-preview-records.js');
    return githubPreviewRecords(rt, resolved);
  }
  const project = ctx.projectId ?? ctx.repository;
  if (!ctx.apiUrl || !project || !(token || rt.env.GITLAB_TOKEN || rt.env.CI_JOB_TOKEN)) return undefined;
  const { token: resolved, job } = resolveToken(rt, 'gitlab', token);
  const { gitlabPreviewRecords } = await import('./gitlab-preview-records.js');
  return gitlabPreviewRecords(rt, project, resolved, job);
}
