/**
 * deploy-report's reads on GitHub: the environment's deployments (newest first) with their
 * statuses — the outcome and its time are the last `success`/`failure`/`error` status GitHub
 * recorded (older deployments later turn `inactive`, which is no outcome) — and the commits
 * between two deployed commits (compare API; a commit's date is its committer date).
 */
import type { Deployment, DeploymentSource, RecordPayload } from '../core/dora/records.js';
import type { GitHubClient } from './github-api.js';

const FINAL = new Set(['success', 'failure', 'error']);

function stagecraft(payload: unknown): Partial<RecordPayload['stagecraft']> {
  const p = (payload && typeof payload === 'object' ? payload : {}) as { stagecraft?: unknown };
  return p.stagecraft && typeof p.stagecraft === 'object'
    ? (p.stagecraft as RecordPayload['stagecraft'])
    : {};
}

export function githubDeploymentSource(client: GitHubClient, owner: string, repo: string): DeploymentSource {
  return {
    async deployments(environment, from) {
      const found: Deployment[] = [];
      let baseFound = false;
      for await (const page of client.paginate.iterator('GET /repos/{owner}/{repo}/deployments', {
        owner,
        repo,
        environment,
        per_page: 100,
      })) {
        for (const d of page.data) {
          const statuses = await client.paginate(
            'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
            {
              owner,
              repo,
              deployment_id: Number(d.id),
              per_page: 100,
            },
          );
          const final = statuses.find((s) => FINAL.has(s.state));
          if (!final) continue; // still running, or never finished
          const meta = stagecraft(d.payload);
          const record: Deployment = {
            id: String(d.id),
            kind: meta.kind === 'rollback' ? 'rollback' : 'deploy',
            sha: d.sha,
            at: new Date(final.created_at),
            outcome: final.state === 'success' ? 'success' : 'failure',
            ...(meta.rolled_back_from?.id !== undefined
              ? { rolledBackFrom: String(meta.rolled_back_from.id) }
              : {}),
          };
          found.push(record);
          if (record.at < from && record.kind === 'deploy' && record.outcome === 'success') baseFound = true;
        }
        const oldest = page.data.at(-1);
        if (baseFound && oldest && new Date(oldest.created_at) < from) break;
      }
      return found.reverse();
    },
    async commitDates(base, head) {
      if (!base) {
        const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}', {
          owner,
          repo,
          ref: head,
        });
        return [new Date(data.commit.committer?.date ?? data.commit.author?.date ?? 0)];
      }
      const dates: Date[] = [];
      for await (const page of client.paginate.iterator('GET /repos/{owner}/{repo}/compare/{basehead}', {
        owner,
        repo,
        basehead: `${base}...${head}`,
        per_page: 100,
      })) {
        for (const c of page.data.commits)
          dates.push(new Date(c.commit.committer?.date ?? c.commit.author?.date ?? 0));
      }
      return dates;
    },
  };
}
