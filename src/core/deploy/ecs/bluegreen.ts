/**
 * ECS blue/green, linear and canary deployments (deploymentConfiguration.strategy): followed
 * through their lifecycle stages with DescribeServiceDeployments. A `PAUSE` lifecycle hook
 * awaiting action follows `rollout-pause` (`succeed`: the step passes as `paused`, so a smoke test
 * can check the test listener); `action: promote` continues it (ContinueServiceDeployment
 * CONTINUE) and waits through the bake time, `reject` rolls it back (ROLLBACK) and waits until the
 * previous revision serves again. A rollback ECS starts itself (circuit breaker, a failed hook)
 * fails fast with its reason.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  type DescribeServiceDeploymentsCommandOutput,
  ListServiceDeploymentsCommand,
  type ListServiceDeploymentsCommandOutput,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { formatDuration } from '../../duration.js';
import { StepError } from '../../errors.js';
import type { Log } from '../../log.js';
import { sleep } from '../../retry.js';
import type { Ecs } from './client.js';
import { DEFAULT_POLL_INTERVAL_MS, type EcsService } from './options.js';

export const PROGRESSIVE = new Set(['BLUE_GREEN', 'LINEAR', 'CANARY']);

export interface FollowOptions {
  cluster: string;
  service: string;
  timeoutMs: number;
  pollIntervalMs: number;
  rolloutPause: 'succeed' | 'wait';
  /** What success is: the new revision serving (deploy, promote) or the previous one again (reject). */
  goal: 'forward' | 'back';
}

export interface Followed {
  rolloutState: 'paused' | 'promoted' | 'rolled-back';
  serviceDeploymentArn: string;
  stage?: string;
  durationMs: number;
}

const pausedHook = (d: ServiceDeployment) =>
  d.lifecycleHookDetails?.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');

async function describe(ecs: Ecs, arn: string, what: string): Promise<ServiceDeployment> {
  const out = await ecs.call<DescribeServiceDeploymentsCommandOutput>(
    'DescribeServiceDeployments',
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }),
    what,
  );
  const found = out.serviceDeployments?.[0];
  if (!found)
    throw new StepError(
      `ECS service deployment ${arn} was not found (${out.failures?.[0]?.reason ?? 'MISSING'})`,
    );
  return found;
}

/** The service's deployment in progress (newest first), if any. */
export async function inProgress(ecs: Ecs, cluster: string, service: string): Promise<string | undefined> {
  const out = await ecs.call<ListServiceDeploymentsCommandOutput>(
    'ListServiceDeployments',
    new ListServiceDeploymentsCommand({ cluster, service, status: ['IN_PROGRESS'] }),
    `service ${service} in cluster ${cluster}`,
  );
  return out.serviceDeployments?.[0]?.serviceDeploymentArn;
}

/** Polls the service deployment until it pauses (per rollout-pause), succeeds or rolls back. */
export async function followServiceDeployment(
  ecs: Ecs,
  arn: string,
  o: FollowOptions,
  log: Log,
): Promise<Followed> {
  const started = Date.now();
  const what = `service ${o.service} in cluster ${o.cluster}`;
  let lastStage = '';
  for (;;) {
    const d = await describe(ecs, arn, what);
    if (d.lifecycleStage && d.lifecycleStage !== lastStage) {
      log.info(`Service deployment ${arn.split('/').pop()}: ${d.lifecycleStage}`);
      lastStage = d.lifecycleStage;
    }
    const base = { serviceDeploymentArn: arn, ...(d.lifecycleStage ? { stage: d.lifecycleStage } : {}) };
    const durationMs = Date.now() - started;
    if (d.status === 'SUCCESSFUL') {
      if (o.goal === 'back')
        throw new StepError(`ECS service deployment ${arn} completed instead of rolling back`);
      return { ...base, rolloutState: 'promoted', durationMs };
    }
    if (d.status === 'ROLLBACK_SUCCESSFUL' && o.goal === 'back')
      return { ...base, rolloutState: 'rolled-back', durationMs };
    if (
      d.status !== 'IN_PROGRESS' &&
      d.status !== 'PENDING' &&
      d.status !== 'ROLLBACK_REQUESTED' &&
      d.status !== 'ROLLBACK_IN_PROGRESS'
    )
      throw new StepError(
        `ECS service deployment of ${o.service} ended ${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}: ${(d.rollback?.reason ?? d.statusReason ?? 'no reason given').replace(/\.$/, '')}. The previous revision serves.`,
      );
    if (d.status === 'IN_PROGRESS' && pausedHook(d) && o.goal === 'forward' && o.rolloutPause === 'succeed')
      return { ...base, rolloutState: 'paused', durationMs };
    if (durationMs >= o.timeoutMs)
      throw new StepError(
        `ECS service deployment of ${o.service} did not finish within ${formatDuration(o.timeoutMs)}: ${d.status} at ${d.lifecycleStage ?? 'an unknown stage'}${pausedHook(d) ? ' (a PAUSE lifecycle hook awaits `action: promote` or `reject`)' : ''}`,
      );
    await sleep(o.pollIntervalMs);
  }
}

/** `action: promote|reject`: acts on the paused hook of the deployment in progress, then follows it. */
export async function decideServiceDeployment(
  ecs: Ecs,
  action: 'promote' | 'reject',
  o: Omit<FollowOptions, 'goal'>,
  log: Log,
): Promise<Followed> {
  const what = `service ${o.service} in cluster ${o.cluster}`;
  const arn = await inProgress(ecs, o.cluster, o.service);
  if (!arn)
    throw new StepError(
      `ECS service ${o.service} has no deployment in progress to ${action}: nothing was changed (was it already promoted or rolled back?)`,
    );
  const d = await describe(ecs, arn, what);
  const hook = pausedHook(d);
  if (!hook?.hookId)
    throw new StepError(
      `ECS service deployment ${arn} of ${o.service} is not paused at a PAUSE lifecycle hook (stage ${d.lifecycleStage ?? 'unknown'}): nothing to ${action}`,
    );
  await ecs.call(
    'ContinueServiceDeployment',
    new ContinueServiceDeploymentCommand({
      serviceDeploymentArn: arn,
      hookId: hook.hookId,
      action: action === 'promote' ? 'CONTINUE' : 'ROLLBACK',
    }),
    what,
  );
  log.info(
    `${action === 'promote' ? 'Continued' : 'Rolled back'} service deployment ${arn.split('/').pop()} at ${d.lifecycleStage}`,
  );
  return followServiceDeployment(ecs, arn, { ...o, goal: action === 'promote' ? 'forward' : 'back' }, log);
}

/** The follow settings of a service's options. */
export const followOptions = (o: EcsService) => ({
  cluster: o.cluster,
  service: o.service,
  timeoutMs: o.rolloutTimeoutMs,
  pollIntervalMs: o.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
  rolloutPause: o.rolloutPause ?? 'succeed',
});
