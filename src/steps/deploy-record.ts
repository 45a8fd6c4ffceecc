/**
 * Wraps a deploy in a GitHub deployment record (Deployments API): created with state
 * in_progress, then success or failure with the environment URL and the run's log URL. A record
 * that cannot be written is a warning, never a failed deploy. The GitHub client is loaded lazily.
 */
import type { DeployResult } from '../core/deploy/types.js';
import { errorMessage } from '../core/errors.js';
import type { Runtime } from '../platform/runtime.js';

export interface RecordRequest {
  enabled: boolean;
  token?: string;
  environment: string;
  image: string;
  url?: string;
}

type Recorder = (state: 'success' | 'failure', description: string) => Promise<void>;

async function start(rt: Runtime, req: RecordRequest): Promise<Recorder | undefined> {
  const ctx = rt.ctx;
  const [owner, repo] = (ctx.repository ?? '').split('/');
  if (!req.enabled || ctx.provider !== 'github' || !req.token || !owner || !repo) return undefined;
  try {
    const { createGitHubClient } = await import('../platform/github-api.js');
    const { startDeploymentRecord, finishDeploymentRecord } = await import(
      '../platform/github-deployments.js'
    );
    const client = createGitHubClient({
      token: req.token,
      ...(ctx.apiUrl ? { apiUrl: ctx.apiUrl } : {}),
      warn: (m) => rt.warning(m),
      maxRateLimitRetries: 2,
    });
    const { id } = await startDeploymentRecord(client, {
      owner,
      repo,
      ref: ctx.headSha || ctx.sha || ctx.ref,
      environment: req.environment,
      image: req.image,
      ...(req.url ? { url: req.url } : {}),
      description: `stagecraft: ${req.image}`,
      productionEnvironment: /^(prod|production|prd)$/i.test(req.environment),
    });
    const common = { owner, repo, id, ...(ctx.runUrl ? { logUrl: ctx.runUrl } : {}) };
    await finishDeploymentRecord(client, { ...common, state: 'in_progress' });
    rt.info(`Deployment record ${id} for ${req.environment} (in progress)`);
    return async (state, description) => {
      try {
        await finishDeploymentRecord(client, {
          ...common,
          state,
          description,
          ...(req.url && state === 'success' ? { environmentUrl: req.url } : {}),
        });
      } catch (err) {
        rt.warning(`Could not update deployment record ${id}: ${errorMessage(err)}`);
      }
    };
  } catch (err) {
    rt.warning(`Could not write a deployment record (the deploy goes on): ${errorMessage(err)}`);
    return undefined;
  }
}

export async function recordDeployment(
  rt: Runtime,
  req: RecordRequest,
  deploy: () => Promise<DeployResult>,
): Promise<DeployResult> {
  const finish = await start(rt, req);
  let result: DeployResult;
  try {
    result = await deploy();
  } catch (err) {
    await finish?.('failure', errorMessage(err));
    throw err;
  }
  await finish?.('success', `${result.changed ? 'Deployed' : 'Already deployed'} ${result.image}`);
  return result;
}
