/**
 * GitHub deployment records (Deployments API), used by deploy-env and rollback so a deploy shows
 * up on the PR and in the repository's Environments page.
 */
import type { GitHubClient } from './github-api.js';

export interface StartDeploymentRecord {
  owner: string;
  repo: string;
  /** Branch, tag or sha that was deployed. */
  ref: string;
  environment: string;
  /** The image reference deployed; stored in the deployment payload. */
  image: string;
  url?: string;
  /** The whole payload (default `{ image, url }`); deploy-record writes what deploy-report reads. */
  payload?: object;
  description?: string;
  productionEnvironment?: boolean;
  transient?: boolean;
}

export type DeploymentState = 'success' | 'failure' | 'error' | 'inactive' | 'in_progress';

export interface FinishDeploymentRecord {
  owner: string;
  repo: string;
  id: number;
  state: DeploymentState;
  environmentUrl?: string;
  logUrl?: string;
  description?: string;
}

/** GitHub rejects descriptions over 140 characters with a 422. */
function short(text: string | undefined): string | undefined {
  return text === undefined ? undefined : text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/**
 * Creates the deployment (state `in_progress` follows with finishDeploymentRecord).
 * `auto_merge: false`: never merge the default branch into the ref; `required_contexts: []`:
 * the pipeline already decided to deploy, GitHub must not re-check statuses and refuse (409).
 */
export async function startDeploymentRecord(
  client: GitHubClient,
  record: StartDeploymentRecord,
): Promise<{ id: number }> {
  const response = await client.request('POST /repos/{owner}/{repo}/deployments', {
    owner: record.owner,
    repo: record.repo,
    ref: record.ref,
    environment: record.environment,
    auto_merge: false,
    required_contexts: [],
    payload: (record.payload ?? {
      image: record.image,
      ...(record.url ? { url: record.url } : {}),
    }) as Record<string, unknown>,
    ...(record.description !== undefined ? { description: short(record.description) } : {}),
    ...(record.productionEnvironment !== undefined
      ? { production_environment: record.productionEnvironment }
      : {}),
    ...(record.transient !== undefined ? { transient_environment: record.transient } : {}),
  });
  // 202 means "merged the default branch first"; impossible with auto_merge false, but say so if it happens.
  const data = response.data as { id?: number; message?: string };
  if (typeof data.id !== 'number') {
    throw new Error(
      `GitHub did not create a deployment for ${record.ref}: ${data.message ?? response.status}`,
    );
  }
  return { id: data.id };
}

/** Adds a deployment status; `inactive` marks an older deployment of the environment as replaced. */
export async function finishDeploymentRecord(
  client: GitHubClient,
  status: FinishDeploymentRecord,
): Promise<void> {
  await client.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    owner: status.owner,
    repo: status.repo,
    deployment_id: status.id,
    state: status.state,
    ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
    ...(status.logUrl ? { log_url: status.logUrl } : {}),
    ...(status.description !== undefined ? { description: short(status.description) } : {}),
    // Older deployments of this environment become inactive on success (GitHub's default, made explicit).
    ...(status.state === 'success' ? { auto_inactive: true } : {}),
  });
}

/**
 * The deployment serving `environment` now: the newest one whose latest status is `success`
 * (older ones turn `inactive` when a newer one succeeds). A rollback names it as what it rolls away from.
 */
export async function currentDeployment(
  client: GitHubClient,
  where: { owner: string; repo: string; environment: string },
): Promise<{ id: number; image?: string; sha?: string } | undefined> {
  const { data } = await client.request('GET /repos/{owner}/{repo}/deployments', {
    ...where,
    per_page: 20,
  });
  for (const d of data) {
    const statuses = await client.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      owner: where.owner,
      repo: where.repo,
      deployment_id: Number(d.id),
      per_page: 1,
    });
    if (statuses.data[0]?.state === 'success') {
      const image = (d.payload as { image?: unknown } | null)?.image;
      return { id: Number(d.id), sha: d.sha, ...(typeof image === 'string' ? { image } : {}) };
    }
  }
  return undefined;
}
