/**
 * deploy-report's reads on GitLab: the deployments of an environment as GitLab records them for
 * jobs with `environment:` (commit, status, finished_at, the deploying job) — a deployment whose
 * job's name matches `rollbackJobs` (the rollback component's `rollback`, promote's `rollback-prd`)
 * is a rollback — and the commits between two deployed commits (repository compare API, the
 * committed date).
 */

import type { Deployment, DeploymentSource } from '../core/dora/records.js';
import { globToRegex } from '../core/environments.js';
import { type GitLabClient, projectPath } from './gitlab-api.js';

interface GitLabDeployment {
  id: number;
  sha: string;
  status: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  deployable?: { name?: string } | null;
}

interface GitLabCommit {
  id: string;
  committed_date?: string;
  created_at?: string;
}

export function gitlabDeploymentSource(
  client: GitLabClient,
  project: string,
  rollbackJobs: string[],
): DeploymentSource {
  const rollback = rollbackJobs.map(globToRegex);
  const base = projectPath(project);
  return {
    async deployments(environment, from) {
      const found: Deployment[] = [];
      let baseFound = false;
      for (let page = '1'; page; ) {
        const res = await client.request<GitLabDeployment[]>('GET', `${base}/deployments`, {
          query: { environment, order_by: 'id', sort: 'desc', per_page: '100', page },
        });
        for (const d of res.data) {
          if (d.status !== 'success' && d.status !== 'failed') continue; // running, canceled, blocked …
          const name = d.deployable?.name ?? '';
          const record: Deployment = {
            id: String(d.id),
            kind: rollback.some((r) => r.test(name)) ? 'rollback' : 'deploy',
            sha: d.sha,
            at: new Date(d.finished_at ?? d.updated_at),
            outcome: d.status === 'success' ? 'success' : 'failure',
          };
          found.push(record);
          if (record.at < from && record.kind === 'deploy' && record.outcome === 'success') baseFound = true;
        }
        const oldest = res.data.at(-1);
        if (baseFound && oldest && new Date(oldest.created_at) < from) break;
        page = res.headers.get('x-next-page') ?? '';
      }
      return found.reverse();
    },
    async commitDates(from, to) {
      const date = (c: GitLabCommit) => new Date(c.committed_date ?? c.created_at ?? 0);
      if (!from) {
        const res = await client.request<GitLabCommit>(
          'GET',
          `${base}/repository/commits/${encodeURIComponent(to)}`,
        );
        return [date(res.data)];
      }
      const res = await client.request<{ commits: GitLabCommit[] }>('GET', `${base}/repository/compare`, {
        query: { from, to, straight: 'false' },
      });
      return res.data.commits.map(date);
    },
  };
}
