/** stop-env's records on GitLab: the environment stopped through the API; previews listed with their last deployment and MR. */
import { createGitLabClient, GitLabApiError, projectPath } from './gitlab-api.js';
import { type PreviewEnvironment, type PreviewRecords, pullOf } from './preview-records.js';
import type { Runtime } from './runtime.js';

interface GitLabEnvironment {
  id: number;
  name: string;
  state: string;
}

export function gitlabPreviewRecords(
  rt: Runtime,
  project: string,
  token: string,
  job: boolean,
): PreviewRecords {
  const client = createGitLabClient({
    apiUrl: rt.ctx.apiUrl as string,
    token,
    tokenKind: job ? 'job' : 'private',
    warn: (m) => rt.warning(m),
    ...(rt.tuning.retryBaseMs !== undefined ? { retryBaseMs: rt.tuning.retryBaseMs } : {}),
  });
  const base = projectPath(project);
  return {
    kind: 'gitlab',
    async end(environment) {
      const { data } = await client.request<GitLabEnvironment[]>('GET', `${base}/environments`, {
        query: { name: environment },
      });
      const env = data.find((e) => e.name === environment);
      if (!env) return [`GitLab has no environment \`${environment}\`.`];
      if (env.state === 'stopped') return [`GitLab environment \`${environment}\` was already stopped.`];
      await client.request('POST', `${base}/environments/${env.id}/stop`, { body: {} });
      rt.info(`GitLab: environment ${environment} (id ${env.id}) stopped`);
      return [`GitLab environment \`${environment}\` stopped.`];
    },
    async previews(previews) {
      const envs = await client.paginate<GitLabEnvironment>(`${base}/environments`, {
        states: 'available',
        per_page: '100',
      });
      const found: PreviewEnvironment[] = [];
      for (const env of envs.filter((e) => previews.some((re) => re.test(e.name)))) {
        const { data } = await client.request<Array<{ created_at: string }>>('GET', `${base}/deployments`, {
          query: { environment: env.name, order_by: 'id', sort: 'desc', per_page: '1' },
        });
        const pull = pullOf(env.name);
        let pullClosed: boolean | undefined;
        if (pull !== undefined) {
          try {
            const mr = await client.request<{ state: string }>('GET', `${base}/merge_requests/${pull}`);
            pullClosed = mr.data.state === 'closed' || mr.data.state === 'merged';
          } catch (err) {
            if (!(err instanceof GitLabApiError && err.status === 404)) throw err;
          }
        }
        found.push({
          name: env.name,
          lastDeployAt: new Date(data[0]?.created_at ?? 0),
          ...(pull !== undefined ? { pull } : {}),
          ...(pullClosed !== undefined ? { pullClosed } : {}),
        });
      }
      return found;
    },
  };
}
