/**
 * Wraps a deploy or a rollback in a GitHub deployment record (Deployments API): created with
 * state in_progress, then success or failure with the environment URL and the run's log URL. The
 * payload carries what deploy-report needs (see src/core/dora/records.ts): the kind, the commit,
 * the image, a break-glass reason and actor, and for a rollback the deployment it rolled away
 * from. A record that cannot be written is a warning, never a failed deploy. The GitHub client is
 * loaded lazily.
 */
import type { RecordPayload } from '../core/dora/records.js';
import { errorMessage } from '../core/errors.js';
import type { Runtime } from '../platform/runtime.js';

export interface RecordRequest {
  enabled: boolean;
  token?: string;
  environment: string;
  image: string;
  url?: string;
  /** `rollback`: the record names the deployment it rolls away from. Default `deploy`. */
  kind?: 'deploy' | 'rollback';
  /** Deployed through a freeze window: who and why (kept in the record's payload). */
  breakGlass?: { reason: string; actor: string; windows: string[] };
}

type Recorder = (state: 'success' | 'failure', description: string) => Promise<void>;

async function start(rt: Runtime, req: RecordRequest): Promise<Recorder | undefined> {
  const ctx = rt.ctx;
  const [owner, repo] = (ctx.repository ?? '').split('/');
  if (!req.enabled || ctx.provider !== 'github' || !req.token || !owner || !repo) return undefined;
  try {
    const { createGitHubClient } = await import('../platform/github-api.js');
    const { currentDeployment, startDeploymentRecord, finishDeploymentRecord } = await import(
      '../platform/github-deployments.js'
    );
    const client = createGitHubClient({
      token: req.token,
      ...(ctx.apiUrl ? { apiUrl: ctx.apiUrl } : {}),
      warn: (m) => rt.warning(m),
      maxRateLimitRetries: 2,
      ...(rt.tuning.githubWriteSpacingMs !== undefined
        ? { writeSpacingMs: rt.tuning.githubWriteSpacingMs }
        : {}),
    });
    const commit = ctx.headSha || ctx.sha;
    const kind = req.kind ?? 'deploy';
    const from =
      kind === 'rollback'
        ? await currentDeployment(client, { owner, repo, environment: req.environment })
        : undefined;
    const payload: RecordPayload = {
      image: req.image,
      ...(req.url ? { url: req.url } : {}),
      stagecraft: {
        kind,
        ...(commit ? { commit } : {}),
        ...(ctx.actor ? { actor: ctx.actor } : {}),
        ...(from ? { rolled_back_from: from } : {}),
        ...(req.breakGlass ? { break_glass: req.breakGlass } : {}),
      },
    };
    const { id } = await startDeploymentRecord(client, {
      owner,
      repo,
      ref: commit || ctx.ref,
      environment: req.environment,
      image: req.image,
      payload,
      description: `stagecraft ${kind}: ${req.image}`,
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

/** Runs `work` inside a deployment record; `done` says what succeeded, for the final status. */
export async function recordDeployment<T>(
  rt: Runtime,
  req: RecordRequest,
  work: () => Promise<T>,
  done: (result: T) => string,
): Promise<T> {
  const finish = await start(rt, req);
  let result: T;
  try {
    result = await work();
  } catch (err) {
    await finish?.('failure', errorMessage(err));
    throw err;
  }
  await finish?.('success', done(result));
  return result;
}
