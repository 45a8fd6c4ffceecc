/**
 * Waits for one ECS deployment — ours, by id — and explains failures. COMPLETED passes;
 * `rolloutState: FAILED`, our deployment no longer being PRIMARY (the circuit breaker rolled
 * back, or someone else updated the service) or the timeout fail. While waiting, stopped tasks
 * of our deployment with a reason that will not heal by waiting (pull error, essential container
 * exit, failed health checks, resource initialisation) fail at once, naming task, container,
 * stop reason, exit code and the last service events.
 */
import {
  type Deployment,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DescribeTasksCommand,
  type DescribeTasksCommandOutput,
  ListTasksCommand,
  type ListTasksCommandOutput,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { formatDuration } from '../../duration.js';
import { StepError } from '../../errors.js';
import type { Log } from '../../log.js';
import { sleep } from '../../retry.js';
import type { Ecs } from './client.js';

export interface WaitOptions {
  cluster: string;
  service: string;
  deploymentId: string;
  timeoutMs: number;
  pollIntervalMs: number;
  /** The revision the service ran before (to recognise a rollback to it). */
  previousTaskDefinition?: string;
  /** When our deployment started (ms since epoch): older events and tasks are not ours. */
  startedAt: number;
}

export interface WaitResult {
  rolloutState: string;
  durationMs: number;
}

/** A failed rollout: the message carries the diagnosis; `events` go to the job summary too. */
export class RolloutFailed extends StepError {
  constructor(
    message: string,
    readonly rolloutState: string,
    readonly events: string[],
  ) {
    super(message);
  }
}

/** Stop reasons that waiting will not fix (ECS stop codes and reason texts). */
const FATAL_REASON =
  /CannotPullContainer|ResourceInitializationError|CannotStartContainer|CannotCreateContainer|CannotInspectContainer|Essential container in task exited|failed (container|ELB) health checks|OutOfMemory|InvalidParameter|ContainerRuntimeError/i;
const FATAL_STOP_CODES = new Set(['TaskFailedToStart', 'EssentialContainerExited']);

export async function describeService(ecs: Ecs, cluster: string, service: string): Promise<Service> {
  const out = await ecs.call<DescribeServicesCommandOutput>(
    'DescribeServices',
    new DescribeServicesCommand({ cluster, services: [service] }),
    `service ${service} in cluster ${cluster}`,
  );
  const found = out.services?.[0];
  if (!found || found.status === 'INACTIVE') {
    throw new StepError(
      `ECS service "${service}" was not found in cluster "${cluster}" (${out.failures?.[0]?.reason ?? found?.status ?? 'MISSING'}); check \`service\`, \`cluster\` and \`aws-region\``,
    );
  }
  return found;
}

export async function waitForDeployment(ecs: Ecs, o: WaitOptions, log: Log): Promise<WaitResult> {
  const deadline = o.startedAt + o.timeoutMs;
  const seenTasks = new Set<string>();
  let lastProgress = '';
  for (;;) {
    // Sleep first: right after UpdateService there is nothing to see yet.
    await sleep(Math.min(o.pollIntervalMs, Math.max(0, deadline - Date.now())));
    const service = await describeService(ecs, o.cluster, o.service);
    const deployments = service.deployments ?? [];
    const ours = deployments.find((d) => d.id === o.deploymentId);
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    if (ours && isDone(ours, deployments)) {
      return { rolloutState: ours.rolloutState ?? 'COMPLETED', durationMs: Date.now() - o.startedAt };
    }
    const failures = await newFatalStops(ecs, o, seenTasks);
    if (ours?.status !== 'PRIMARY' || ours.rolloutState === 'FAILED') {
      const why = ours?.status !== 'PRIMARY' ? replacedBy(primary, service, o) : ours.rolloutStateReason;
      throw failed(`${why ?? 'the rollout failed'}`, 'FAILED', service, o, failures);
    }
    if (failures.length) {
      throw failed(
        'a task of the new revision stopped and will not start by waiting',
        'FAILED',
        service,
        o,
        failures,
      );
    }
    if (Date.now() >= deadline) {
      throw failed(
        `it did not complete within ${formatDuration(o.timeoutMs)} (${ours.runningCount ?? 0}/${ours.desiredCount ?? 0} running, ${ours.pendingCount ?? 0} pending)`,
        ours.rolloutState ?? 'IN_PROGRESS',
        service,
        o,
        failures,
      );
    }
    const progress = `${ours.runningCount ?? 0}/${ours.desiredCount ?? 0} running, ${ours.pendingCount ?? 0} pending, rollout ${ours.rolloutState ?? 'IN_PROGRESS'}`;
    if (progress !== lastProgress) log.info(`${o.deploymentId}: ${progress}`);
    lastProgress = progress;
  }
}

/** COMPLETED; or, for services without rollout states, PRIMARY alone at its desired count. */
function isDone(ours: Deployment, all: Deployment[]): boolean {
  if (ours.rolloutState) return ours.rolloutState === 'COMPLETED';
  return ours.status === 'PRIMARY' && all.length === 1 && ours.runningCount === ours.desiredCount;
}

/** Why our deployment is no longer PRIMARY: the circuit breaker rolled back, or another update. */
function replacedBy(primary: Deployment | undefined, service: Service, o: WaitOptions): string {
  const recent = (service.events ?? []).filter(
    (e) => !e.createdAt || e.createdAt.getTime() >= o.startedAt - 1000,
  );
  const breaker =
    /circuit breaker|rolling back/i.test(primary?.rolloutStateReason ?? '') ||
    recent.some(
      (e) =>
        e.message?.includes(`${o.deploymentId}) deployment failed`) ||
        /rolling back to/.test(e.message ?? ''),
    );
  const back = primary ? ` to ${primary.taskDefinition} (${primary.id})` : '';
  if (breaker) return `the deployment circuit breaker failed it and rolled the service back${back}`;
  if (o.previousTaskDefinition && primary?.taskDefinition === o.previousTaskDefinition) {
    return `the service is back on its previous revision${back} (a circuit-breaker rollback or another update)`;
  }
  if (primary) return `another deployment replaced it${back}: someone else updated the service`;
  return `deployment ${o.deploymentId} is gone from the service`;
}

/** Stopped tasks of our deployment, not seen before, whose reason is fatal. */
async function newFatalStops(ecs: Ecs, o: WaitOptions, seen: Set<string>): Promise<Task[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 3; page++) {
    const out: ListTasksCommandOutput = await ecs.call(
      'ListTasks',
      new ListTasksCommand({
        cluster: o.cluster,
        serviceName: o.service,
        desiredStatus: 'STOPPED',
        ...(nextToken ? { nextToken } : {}),
      }),
      `stopped tasks of service ${o.service}`,
    );
    arns.push(...(out.taskArns ?? []).filter((a) => !seen.has(a)));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  const fatal: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const chunk = arns.slice(i, i + 100);
    const out = await ecs.call<DescribeTasksCommandOutput>(
      'DescribeTasks',
      new DescribeTasksCommand({ cluster: o.cluster, tasks: chunk }),
      `stopped tasks of service ${o.service}`,
    );
    for (const task of out.tasks ?? []) {
      if (task.taskArn) seen.add(task.taskArn);
      if (task.startedBy === o.deploymentId && isFatal(task)) fatal.push(task);
    }
  }
  return fatal;
}

export function isFatal(task: Task): boolean {
  if (task.stopCode && FATAL_STOP_CODES.has(task.stopCode)) return true;
  const reasons = [task.stoppedReason ?? '', ...(task.containers ?? []).map((c) => c.reason ?? '')];
  return reasons.some((r) => FATAL_REASON.test(r));
}

function failed(why: string, state: string, service: Service, o: WaitOptions, tasks: Task[]): RolloutFailed {
  const events = lastEvents(service, o.startedAt);
  const lines = [
    `ECS deployment ${o.deploymentId} of service ${o.service} (cluster ${o.cluster}) failed: ${why}.`,
  ];
  for (const task of tasks.slice(0, 3)) lines.push(...describeStop(task));
  if (tasks.length > 3) lines.push(`… and ${tasks.length - 3} more stopped tasks`);
  if (events.length) lines.push('Last service events:', ...events.map((e) => `  ${e}`));
  return new RolloutFailed(lines.join('\n'), state, events);
}

/** `Task 1a2b… (app:7) stopped: <reason>` and one line per container with a reason or exit code. */
export function describeStop(task: Task): string[] {
  const id = task.taskArn?.split('/').pop() ?? '?';
  const def = task.taskDefinitionArn?.split('/').pop() ?? '?';
  const lines = [
    `Task ${id} (${def}) stopped${task.stopCode ? ` [${task.stopCode}]` : ''}: ${task.stoppedReason ?? 'no reason given'}`,
  ];
  for (const c of task.containers ?? []) {
    if (c.reason || (c.exitCode !== undefined && c.exitCode !== 0)) {
      const exit = c.exitCode !== undefined ? `exit code ${c.exitCode}` : 'no exit code';
      lines.push(`  container ${c.name} (${c.image ?? '?'}): ${exit}${c.reason ? `, ${c.reason}` : ''}`);
    }
  }
  return lines;
}

function lastEvents(service: Service, since: number): string[] {
  return (service.events ?? [])
    .filter((e) => !e.createdAt || e.createdAt.getTime() >= since - 1000)
    .slice(0, 8)
    .reverse()
    .map((e) => `${e.createdAt?.toISOString() ?? ''} ${e.message ?? ''}`.trim());
}
