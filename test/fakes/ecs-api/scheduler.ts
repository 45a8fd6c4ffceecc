/**
 * The fake's service scheduler, one step per tick: starts tasks for the PRIMARY deployment of
 * each service and completes it, or stops its tasks with the reason its image's behaviour names
 * (pull error, essential container exit) until the deployment circuit breaker fails it and, when
 * `rollback` is on, starts a deployment of the last completed revision — as ECS does.
 */
import { isProgressive, stepBlueGreen } from './bluegreen.js';
import { now, type Service } from './model.js';
import type { Store } from './store.js';

export interface SchedulerOptions {
  /** Failed tasks after which the circuit breaker trips (ECS: max(3, min(200, desired/2))). */
  breakerThreshold: number;
  /** How long a minute of a blue/green bake time lasts here. */
  minuteMs: number;
}

const PULL_ERROR =
  'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref';
const MAX_FAILED_WITHOUT_BREAKER = 25;

export function tick(store: Store, options: SchedulerOptions) {
  for (const service of store.services) {
    if (service.status === 'ACTIVE') step(store, service, options);
  }
}

function step(store: Store, service: Service, options: SchedulerOptions) {
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  if (primary?.rolloutState !== 'IN_PROGRESS') return;
  if (isProgressive(service) && !primary.rollback && service.deployments.length > 1)
    return stepBlueGreen(store, service, primary, options, complete);
  const name = service.serviceName;
  const behaviour = store.behaviourOf(primary.taskDefinition);
  primary.updatedAt = now();
  if (behaviour === 'hang') {
    primary.pendingCount = primary.desiredCount;
    return;
  }
  if (behaviour === 'healthy') {
    if (primary.runningCount < primary.desiredCount) {
      const task = store.startTask(service, primary, {});
      primary.runningCount++;
      store.addEvent(
        service,
        `(service ${name}) has started 1 tasks: (task ${task.taskArn.split('/').pop()}).`,
      );
      return;
    }
    complete(store, service);
    return;
  }
  if (primary.failedTasks >= MAX_FAILED_WITHOUT_BREAKER) return;
  const image = store.findTaskDef(primary.taskDefinition).containerDefinitions[0]?.image ?? '';
  const task =
    behaviour === 'pull-error'
      ? store.startTask(service, primary, {
          stoppedReason: `${PULL_ERROR} ${image}: not found`,
          stopCode: 'TaskFailedToStart',
          containerReason: `${PULL_ERROR} ${image}: not found`,
        })
      : store.startTask(service, primary, {
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          exitCode: 1,
        });
  primary.failedTasks++;
  store.addEvent(service, `(service ${name}) has started 1 tasks: (task ${task.taskArn.split('/').pop()}).`);
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  if (!breaker.enable || primary.failedTasks < options.breakerThreshold) return;
  primary.rolloutState = 'FAILED';
  primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
  store.addEvent(
    service,
    `(service ${name}) (deployment ${primary.id}) deployment failed: tasks failed to start.`,
  );
  const record = store.history.find((h) => h.serviceDeploymentArn === primary.record);
  const last = service.deployments.find((d) => d !== primary && d.rolloutState === 'COMPLETED');
  if (!breaker.rollback || !last) {
    if (record)
      Object.assign(record, {
        status: 'STOPPED',
        statusReason: primary.rolloutStateReason,
        finishedAt: now(),
      });
    return;
  }
  if (record)
    Object.assign(record, { status: 'ROLLBACK_IN_PROGRESS', statusReason: primary.rolloutStateReason });
  const back = store.startDeployment(service, last.taskDefinition, true);
  back.record = primary.record;
  back.rolloutStateReason = `ECS deployment circuit breaker: rolling back to deploymentId ${last.id}.`;
  store.addEvent(service, `(service ${name}) rolling back to deployment ${last.id}.`);
}

/** The PRIMARY deployment reached its desired count: drain the others, close the record. */
function complete(store: Store, service: Service) {
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  if (!primary) return;
  primary.rolloutState = 'COMPLETED';
  primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
  for (const old of service.deployments.filter((d) => d !== primary)) {
    for (const t of store.tasks) {
      if (t.startedBy === old.id && t.lastStatus === 'RUNNING') {
        store.stopTask(t, `Scaling activity initiated by (deployment ${primary.id})`);
      }
    }
  }
  service.deployments = [primary];
  service.runningCount = primary.runningCount;
  service.taskDefinition = primary.taskDefinition;
  const record = store.history.find((h) => h.serviceDeploymentArn === primary.record);
  if (record) {
    record.status = primary.rollback ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL';
    record.finishedAt = now();
    record.updatedAt = now();
  }
  store.addEvent(
    service,
    `(service ${service.serviceName}) (deployment ${primary.id}) deployment completed.`,
  );
  store.addEvent(service, `(service ${service.serviceName}) has reached a steady state.`);
}
