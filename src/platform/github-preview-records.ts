/** stop-env's records on GitHub: deployments of an environment marked `inactive`, the environment deleted on request. */
import { errorMessage } from '../core/errors.js';
import { createGitHubClient, httpStatus, splitRepository } from './github-api.js';
import { finishDeploymentRecord } from './github-deployments.js';
import { type PreviewEnvironment, type PreviewRecords, pullOf } from './preview-records.js';
import type { Runtime } from './runtime.js';

interface Deployment {
  id: number;
  environment: string;
  created_at: string;
  payload: unknown;
}

export function githubPreviewRecords(rt: Runtime, token: string): PreviewRecords {
  const { owner, repo } = splitRepository(rt.ctx.repository);
  const client = createGitHubClient({
    token,
    ...(rt.ctx.apiUrl ? { apiUrl: rt.ctx.apiUrl } : {}),
    warn: (m) => rt.warning(m),
    maxRateLimitRetries: 2,
  });
  const latestState = async (id: number) => {
    const { data } = await client.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner,
      repo,
      deployment_id: id,
      per_page: 1,
    });
    return data[0]?.state;
  };
  const deployments = async (environment?: string) =>
    (await client.paginate('GET /repos/{owner}/{repo}/deployments', {
      owner,
      repo,
      ...(environment ? { environment } : {}),
      per_page: 100,
    })) as unknown as Deployment[];

  return {
    kind: 'github',
    async end(environment, { deleteEnvironment }) {
      const lines: string[] = [];
      let ended = 0;
      for (const d of await deployments(environment)) {
        if ((await latestState(d.id)) === 'inactive') continue;
        await finishDeploymentRecord(client, {
          owner,
          repo,
          id: d.id,
          state: 'inactive',
          description: 'stagecraft stop-env: environment stopped',
          ...(rt.ctx.runUrl ? { logUrl: rt.ctx.runUrl } : {}),
        });
        ended++;
      }
      rt.info(`GitHub: ${ended} deployment(s) of ${environment} marked inactive`);
      lines.push(`GitHub: ${ended} deployment(s) of \`${environment}\` marked \`inactive\`.`);
      if (deleteEnvironment) {
        try {
          await client.request('DELETE /repos/{owner}/{repo}/environments/{environment_name}', {
            owner,
            repo,
            environment_name: environment,
          });
          lines.push(`GitHub environment \`${environment}\` deleted.`);
        } catch (err) {
          const status = httpStatus(err);
          if (status === 404) lines.push(`GitHub environment \`${environment}\` did not exist.`);
          else if (status === 403) {
            rt.warning(
              `Could not delete the GitHub environment ${environment} (403: deleting environments needs a token with administration: write, which the workflow's GITHUB_TOKEN does not have): ${errorMessage(err)}`,
            );
            lines.push(`GitHub environment \`${environment}\` not deleted (403).`);
          } else throw err;
        }
      }
      return lines;
    },
    async previews(previews) {
      const newest = new Map<string, Deployment>();
      // Newest first: the first deployment seen of an environment is its last deploy.
      for (const d of await deployments()) {
        if (!previews.some((re) => re.test(d.environment)) || newest.has(d.environment)) continue;
        newest.set(d.environment, d);
      }
      const found: PreviewEnvironment[] = [];
      for (const [name, d] of newest) {
        if ((await latestState(d.id)) === 'inactive') continue;
        const pull = pullOf(name, (d.payload as { stagecraft?: { pr?: unknown } } | null)?.stagecraft?.pr);
        let pullClosed: boolean | undefined;
        if (pull !== undefined) {
          try {
            const { data } = await client.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
              owner,
              repo,
              pull_number: pull,
            });
            pullClosed = data.state === 'closed';
          } catch (err) {
            if (httpStatus(err) !== 404) throw err;
          }
        }
        found.push({
          name,
          lastDeployAt: new Date(d.created_at),
          ...(pull !== undefined ? { pull } : {}),
          ...(pullClosed !== undefined ? { pullClosed } : {}),
        });
      }
      return found;
    },
  };
}
