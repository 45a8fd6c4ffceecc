/** `action: promote|reject` for ECS: the paused blue/green deployment continued or rolled back (bluegreen.ts). */
import type { DeployContext, DeployResult } from '../types.js';
import { decideServiceDeployment, followOptions } from './bluegreen.js';
import { createEcs } from './client.js';
import type { EcsService } from './options.js';
import { describeService } from './wait.js';

/** `action: promote|reject` of a blue/green deployment paused at a PAUSE lifecycle hook. */
export async function decideEcs(
  o: EcsService,
  action: 'promote' | 'reject',
  ctx: DeployContext,
): Promise<DeployResult> {
  const ecs = createEcs({
    region: o.region,
    ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
  });
  try {
    const followed = await decideServiceDeployment(ecs, action, followOptions(o), ctx.log);
    const service = await describeService(ecs, o.cluster, o.service);
    return {
      image: '',
      revision: service.taskDefinition ?? '',
      changed: true,
      extraOutputs: {
        'task-definition-arn': service.taskDefinition ?? '',
        'rollout-state': followed.rolloutState,
      },
      summary: [
        `ECS service \`${o.service}\`: ${action === 'promote' ? 'continued' : 'rolled back'} the paused deployment; now ${followed.rolloutState}${followed.stage ? ` (stage ${followed.stage})` : ''}, serving ${String(
          service.taskDefinition ?? '',
        )
          .split('/')
          .pop()}.`,
      ],
    };
  } finally {
    ecs.client.destroy();
  }
}
