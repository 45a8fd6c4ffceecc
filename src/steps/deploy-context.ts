/** The DeployContext deploy-env and rollback hand to every strategy, made from the step's Runtime. */
import type { DeployContext } from '../core/deploy/types.js';
import type { Runtime } from '../platform/runtime.js';

export function deployContext(rt: Runtime, environment: string, dryRun: boolean): DeployContext {
  return {
    environment,
    log: rt,
    tempDir: rt.tempDir,
    dryRun,
    env: rt.env,
    origin: {
      ...(rt.ctx.actor ? { actor: rt.ctx.actor } : {}),
      ...(rt.ctx.runUrl ? { runUrl: rt.ctx.runUrl } : {}),
      ...(rt.ctx.sha ? { sha: rt.ctx.sha } : {}),
      ...(rt.ctx.ref ? { ref: rt.ctx.ref } : {}),
      // A local run's repository only names the project of the API it calls, not the source.
      ...(rt.ctx.repository && rt.ctx.provider !== 'local' ? { repository: rt.ctx.repository } : {}),
    },
  };
}
