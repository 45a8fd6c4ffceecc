/**
 * What the gitops strategy writes to and how: the config repository (git remote or forge API),
 * the branch, pull-request mode; `openWriter` picks the writer. Shared by deploy and rollback.
 */
import type { DeployContext } from '../types.js';
import { apiWriter, type GitApi } from './api-writer.js';
import type { ConfigWriter, WriteTuning } from './changes.js';
import { gitWriter } from './git-writer.js';

export type ValueKind = 'tag' | 'digest' | 'ref';

/** Opens or updates the one PR/MR of a branch (the forge's side of `pull-request: true`). */
export interface PullRequestApi {
  ensure(request: {
    head: string;
    base: string;
    title: string;
    body: string;
    autoMerge: boolean;
  }): Promise<{ number: number; url: string; created: boolean }>;
}

export interface GitopsTarget extends WriteTuning {
  /** Git URL or local path (git writer); for the API writer only shown in logs. */
  repository: string;
  /** Default: the repository's default branch. */
  branch?: string;
  token?: string;
  tokenUser?: string;
  /** `via: api`: commit through this forge API, no clone. */
  api?: GitApi;
  /** `pull-request: true`: commit to `stagecraft/<environment>` and open or update one PR/MR into `branch`. */
  pullRequest?: { api: PullRequestApi; autoMerge: boolean };
}

/** One key to set: the file (`{environment}` replaced), the key path and the image it comes from. */
export interface GitopsEntry {
  file: string;
  key: string[];
}

export function openWriter(
  target: GitopsTarget,
  ctx: DeployContext,
  history: boolean,
): Promise<ConfigWriter> {
  const targetBranch = target.pullRequest ? `stagecraft/${ctx.environment}` : undefined;
  const branches = {
    ...(target.branch ? { branch: target.branch } : {}),
    ...(targetBranch ? { targetBranch } : {}),
  };
  if (target.api) return apiWriter(target.api, branches);
  return gitWriter(
    {
      repository: target.repository,
      ...branches,
      ...(target.token ? { token: target.token } : {}),
      ...(target.tokenUser ? { tokenUser: target.tokenUser } : {}),
    },
    ctx,
    history,
  );
}

export function where(entry: GitopsEntry): string {
  return `${entry.file}:${entry.key.join('.')}`;
}

export function imageFor(kind: ValueKind, repository: string | undefined, value: string): string {
  if (!value) return '';
  if (kind === 'ref' || !repository) return value;
  return kind === 'digest' ? `${repository}@${value}` : `${repository}:${value}`;
}

export function runLine(ctx: DeployContext): string[] {
  const o = ctx.origin ?? {};
  const who = o.actor ? `by ${o.actor}` : 'by stagecraft';
  return [
    `Deployed ${who}${o.runUrl ? ` in ${o.runUrl}` : ''}.`,
    ...(o.repository || o.sha
      ? [`Source: ${o.repository ?? ''}${o.sha ? `@${o.sha}` : ''}${o.ref ? ` (${o.ref})` : ''}`]
      : []),
  ];
}
