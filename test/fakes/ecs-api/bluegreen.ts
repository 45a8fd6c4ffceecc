/**
 * Blue/green (and LINEAR / CANARY) service deployments as the ECS documentation describes them
 * (deployment-type-blue-green, deployment-lifecycle-hooks): the deployment walks its lifecycle
 * stages RECONCILE_SERVICE → PRE_SCALE_UP → SCALE_UP (the green tasks start; blue keeps serving)
 * → POST_SCALE_UP → TEST_TRAFFIC_SHIFT → POST_TEST_TRAFFIC_SHIFT → PRODUCTION_TRAFFIC_SHIFT →
 * POST_PRODUCTION_TRAFFIC_SHIFT → BAKE_TIME (`bakeTimeInMinutes`, blue still up for an instant
 * rollback) → CLEAN_UP (blue drained, SUCCESSFUL). A `PAUSE` lifecycle hook at a stage stops
 * there with a hook detail `AWAITING_ACTION` until ContinueServiceDeployment: `CONTINUE` goes
 * on, `ROLLBACK` stops the green tasks and leaves blue serving (ROLLBACK_SUCCESSFUL). Green tasks
 * that fail trip the circuit breaker into the same rollback. LINEAR and CANARY walk the same
 * stages here (their traffic steps are not modelled).
 */
import {
  type Deployment,
  EcsError,
  type LifecycleHookDetail,
  now,
  randomId,
  type Service,
  type ServiceDeploymentRecord,
} from './model.js';
import type { Store } from './store.js';

export const STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

/** PAUSE hooks may not sit at the traffic-shift stages themselves (ECS rejects them there). */
const NO_PAUSE = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

export const isProgressive = (service: Service) =>
  ['BLUE_GREEN', 'LINEAR', 'CANARY'].includes(service.deploymentConfiguration.strategy ?? 'ROLLING');

interface StageState {
  index: number;
  enteredAt: number;
  acted: Set<string>;
  rollback?: string;
}
const states = new Map<string, StageState>();

export interface BlueGreenOptions {
  /** How long a "minute" of bakeTimeInMinutes lasts (tests shorten it). */
  minuteMs: number;
  breakerThreshold: number;
}

/** Checks an UpdateService/CreateService deployment configuration as ECS does. */
export function checkConfiguration(config: Record<string, unknown> | undefined) {
  for (const hook of (config?.lifecycleHooks ?? []) as Array<{
    targetType?: string;
    lifecycleStages?: string[];
    hookTargetArn?: string;
  }>) {
    if (hook.targetType === 'PAUSE') {
      const bad = (hook.lifecycleStages ?? []).find((s) => NO_PAUSE.has(s));
      if (bad)
        throw new EcsError(
          'InvalidParameterException',
          `PAUSE hooks cannot be configured at the ${bad} stage.`,
        );
    } else if (!hook.hookTargetArn)
      throw new EcsError(
        'InvalidParameterException',
        'hookTargetArn is required for AWS_LAMBDA lifecycle hooks.',
      );
  }
}

/** One scheduler step of a progressive deployment; `complete` finishes it as a rolling one finishes. */
export function stepBlueGreen(
  store: Store,
  service: Service,
  primary: Deployment,
  options: BlueGreenOptions,
  complete: (store: Store, service: Service) => void,
) {
  const record = store.history.find((h) => h.serviceDeploymentArn === primary.record);
  if (!record) return;
  if (record.status !== 'IN_PROGRESS') return;
  let state = states.get(record.serviceDeploymentArn);
  if (!state) {
    state = { index: 0, enteredAt: Date.now(), acted: new Set() };
    states.set(record.serviceDeploymentArn, state);
    record.deploymentConfiguration = JSON.parse(JSON.stringify(service.deploymentConfiguration));
  }
  if (state.rollback) return rollBack(store, service, primary, record, state.rollback);
  const stage = STAGES[state.index] as string;
  record.lifecycleStage = stage;
  record.updatedAt = now();
  const hook = (service.deploymentConfiguration.lifecycleHooks ?? []).find(
    (h) => h.targetType === 'PAUSE' && h.lifecycleStages.includes(stage),
  );
  if (hook && !state.acted.has(stage)) {
    if (!record.lifecycleHookDetails?.some((d) => d.status === 'AWAITING_ACTION')) {
      const minutes = hook.timeoutConfiguration?.timeoutInMinutes ?? 60;
      record.lifecycleHookDetails = [
        {
          hookId: randomId(16),
          targetType: 'PAUSE',
          status: 'AWAITING_ACTION',
          expiresAt: now() + minutes * 60,
          timeoutAction: hook.timeoutConfiguration?.timeoutAction ?? 'ROLLBACK',
        },
      ];
      store.addEvent(
        service,
        `(service ${service.serviceName}) (deployment ${primary.id}) paused at ${stage}.`,
      );
    }
    return;
  }
  if (stage === 'SCALE_UP') {
    if (!scaleUp(store, service, primary, options)) return;
    if (state.rollback) return;
  }
  if (stage === 'BAKE_TIME') {
    const bake = Number(service.deploymentConfiguration.bakeTimeInMinutes ?? 0) * options.minuteMs;
    if (Date.now() - state.enteredAt < bake) return;
  }
  if (stage === 'CLEAN_UP') {
    complete(store, service);
    states.delete(record.serviceDeploymentArn);
    return;
  }
  state.index++;
  state.enteredAt = Date.now();
}

/** Starts green tasks one a tick; true once all run. Failing ones trip the circuit breaker into a rollback. */
function scaleUp(store: Store, service: Service, primary: Deployment, options: BlueGreenOptions): boolean {
  if (primary.runningCount >= primary.desiredCount) return true;
  const behaviour = store.behaviourOf(primary.taskDefinition);
  if (behaviour === 'hang') return false;
  if (behaviour === 'healthy') {
    store.startTask(service, primary, {});
    primary.runningCount++;
    return primary.runningCount >= primary.desiredCount;
  }
  store.startTask(service, primary, {
    stoppedReason:
      behaviour === 'pull-error'
        ? 'CannotPullContainerError: pull image manifest has been retried 5 time(s)'
        : 'Essential container in task exited',
    stopCode: behaviour === 'pull-error' ? 'TaskFailedToStart' : 'EssentialContainerExited',
  });
  primary.failedTasks++;
  if (primary.failedTasks >= options.breakerThreshold) {
    const state = states.get(primary.record);
    if (state) state.rollback = 'ECS deployment circuit breaker: tasks failed to start.';
  }
  return false;
}

/** Green goes, blue (never stopped) is PRIMARY again; the record ends ROLLBACK_SUCCESSFUL. */
function rollBack(
  store: Store,
  service: Service,
  green: Deployment,
  record: ServiceDeploymentRecord,
  reason: string,
) {
  for (const t of store.tasks)
    if (t.startedBy === green.id && t.lastStatus === 'RUNNING') store.stopTask(t, `Rolled back: ${reason}`);
  green.rolloutState = 'FAILED';
  green.rolloutStateReason = reason;
  const blue = service.deployments.find((d) => d !== green && d.rolloutState === 'COMPLETED');
  service.deployments = blue ? [blue] : [];
  if (blue) {
    blue.status = 'PRIMARY';
    service.taskDefinition = blue.taskDefinition;
  }
  const t = now();
  Object.assign(record, {
    status: 'ROLLBACK_SUCCESSFUL',
    statusReason: reason,
    finishedAt: t,
    updatedAt: t,
    rollback: { reason, startedAt: t, serviceRevisionArn: record.sourceServiceRevisionArns[0] ?? '' },
  });
  states.delete(record.serviceDeploymentArn);
  store.addEvent(service, `(service ${service.serviceName}) (deployment ${green.id}) rolled back: ${reason}`);
}

/** ContinueServiceDeployment: act on the paused hook (CONTINUE, the default, or ROLLBACK). */
export function continueDeployment(store: Store, body: Record<string, unknown>) {
  const arn = body.serviceDeploymentArn as string;
  const record = store.history.find((h) => h.serviceDeploymentArn === arn);
  if (!record)
    throw new EcsError('ServiceDeploymentNotFoundException', `The service deployment ${arn} does not exist.`);
  const hook = (record.lifecycleHookDetails ?? []).find((d: LifecycleHookDetail) => d.hookId === body.hookId);
  if (hook?.status !== 'AWAITING_ACTION' || record.status !== 'IN_PROGRESS')
    throw new EcsError(
      'InvalidParameterException',
      `Lifecycle hook ${String(body.hookId)} is not awaiting action.`,
    );
  const state = states.get(arn);
  hook.status = 'SUCCEEDED';
  state?.acted.add(String(record.lifecycleStage));
  if ((body.action ?? 'CONTINUE') === 'ROLLBACK' && state)
    state.rollback = 'Rollback requested by ContinueServiceDeployment.';
  return { serviceDeploymentArn: arn };
}
