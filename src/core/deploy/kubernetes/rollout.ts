/**
 * Waits for the rollout of exactly the workloads we changed, the way `kubectl rollout status`
 * judges it, but fails at once when a pod of the new revision is in a state that waiting will not
 * fix, and explains a timeout with the same pod-level diagnosis.
 */
import { formatDuration } from '../../duration.js';
import { StepError } from '../../errors.js';
import type { Log } from '../../log.js';
import { sleep } from '../../retry.js';
import { failedAnalysis, pauseIsTimed, rolloutHealth } from './argo-rollout.js';
import type { KObject, KubeClient } from './client.js';
import { type Diagnosis, diagnose } from './diagnose.js';
import { describe, type WorkloadRef } from './workloads.js';

export interface RolloutState {
  done: boolean;
  message: string;
  /** Set when the controller itself gave up (progress deadline exceeded, an aborted Rollout). */
  failed?: boolean;
  /** An Argo Rollout paused (Argo CD: Suspended); `timed` when the pause ends by itself. */
  suspended?: { timed: boolean };
}

/** What a paused Argo Rollout does to the wait: `succeed` stops with `paused`, `wait` waits through timed pauses. */
export type RolloutPause = 'succeed' | 'wait';

/** An Argo Rollout's state by Argo CD's health rules (argo-rollout.ts). */
function argoRolloutState(obj: KObject, name: string): RolloutState {
  const health = rolloutHealth(obj);
  switch (health.status) {
    case 'Healthy':
      return { done: true, message: `${name} is healthy${health.message ? `: ${health.message}` : ''}` };
    case 'Degraded':
      return { done: false, failed: true, message: `${name} is degraded: ${health.message}` };
    case 'Suspended':
      return {
        done: false,
        suspended: { timed: pauseIsTimed(obj) },
        message: `${name} is paused: ${health.message}`,
      };
    default:
      return { done: false, message: `${name}: ${health.message || health.status}` };
  }
}

const REVISION = 'deployment.kubernetes.io/revision';

export function revisionOf(obj: KObject | undefined): string | undefined {
  return obj?.metadata?.annotations?.[REVISION];
}

/** kubectl's rollout status rules for Deployments, StatefulSets and DaemonSets. */
export function rolloutState(obj: KObject): RolloutState {
  const name = `${String(obj.kind).toLowerCase()} "${obj.metadata?.name}"`;
  const spec = obj.spec ?? {};
  const status = obj.status ?? {};
  const generation = Number(obj.metadata?.generation ?? 0);
  const observed = Number(status.observedGeneration ?? 0);
  if (obj.kind === 'Rollout') return argoRolloutState(obj, name);
  if (obj.kind === 'Deployment' && spec.paused === true)
    return {
      done: false,
      failed: true,
      message: `${name} is paused: its rollout does not progress until resumed`,
    };
  if (observed < generation || observed === 0)
    return { done: false, message: `waiting for ${name} spec update to be observed` };
  if (obj.kind === 'Deployment') {
    const progressing = (status.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') {
      return { done: false, failed: true, message: `${name} exceeded its progress deadline` };
    }
    const replicas = Number(spec.replicas ?? 1);
    const updated = Number(status.updatedReplicas ?? 0);
    const total = Number(status.replicas ?? 0);
    const available = Number(status.availableReplicas ?? 0);
    if (updated < replicas)
      return { done: false, message: `${updated} of ${replicas} new replicas have been updated` };
    if (total > updated)
      return { done: false, message: `${total - updated} old replicas are pending termination` };
    if (available < updated)
      return { done: false, message: `${available} of ${updated} updated replicas are available` };
    return { done: true, message: `${name} successfully rolled out (${replicas} replicas)` };
  }
  if (obj.kind === 'StatefulSet') {
    const replicas = Number(spec.replicas ?? 1);
    const ready = Number(status.readyReplicas ?? 0);
    if (spec.updateStrategy?.type === 'OnDelete')
      return { done: true, message: `${name} uses OnDelete: pods update when deleted` };
    if (ready < replicas) return { done: false, message: `${ready} of ${replicas} pods are ready` };
    const partition = Number(spec.updateStrategy?.rollingUpdate?.partition ?? 0);
    if (partition > 0) {
      const updated = Number(status.updatedReplicas ?? 0);
      if (updated < replicas - partition)
        return {
          done: false,
          message: `${updated} of ${replicas - partition} pods updated (partition ${partition})`,
        };
      return { done: true, message: `${name} partitioned rollout complete` };
    }
    if (status.updateRevision !== status.currentRevision) {
      return {
        done: false,
        message: `${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision}`,
      };
    }
    return { done: true, message: `${name} successfully rolled out (${replicas} replicas)` };
  }
  if (obj.kind === 'DaemonSet') {
    if (spec.updateStrategy?.type === 'OnDelete')
      return { done: true, message: `${name} uses OnDelete: pods update when deleted` };
    const desired = Number(status.desiredNumberScheduled ?? 0);
    const updated = Number(status.updatedNumberScheduled ?? 0);
    const available = Number(status.numberAvailable ?? 0);
    if (updated < desired)
      return { done: false, message: `${updated} of ${desired} updated pods are scheduled` };
    if (available < desired)
      return { done: false, message: `${available} of ${desired} updated pods are available` };
    return { done: true, message: `${name} successfully rolled out (${desired} pods)` };
  }
  return { done: true, message: `${name} has no rollout to wait for` };
}

export interface WaitOptions {
  timeoutMs: number;
  pollIntervalMs: number;
  log: Log;
  /** How long a possibly transient failure may last without progress before it is fatal (default 5 s). */
  stallMs?: number;
  /** A paused Argo Rollout: `succeed` (default) ends the wait with it paused; `wait` waits through timed pauses. */
  rolloutPause?: RolloutPause;
}

const STALL_MS = 5000;

export interface RolloutResult {
  ref: WorkloadRef;
  object: KObject;
  message: string;
  /** An Argo Rollout left paused (rollout-pause `succeed`, or a pause only a promote ends). */
  paused?: boolean;
}

/** Polls until every workload is rolled out; throws a StepError with a diagnosis on an unhealable pod or at the deadline. */
export async function waitForRollouts(
  client: KubeClient,
  refs: WorkloadRef[],
  options: WaitOptions,
): Promise<RolloutResult[]> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const pending = new Map(refs.map((r) => [`${r.namespace}/${r.kind}/${r.name}`, r]));
  const results: RolloutResult[] = [];
  const lastMessage = new Map<string, string>();
  // When each workload last made progress: a failure the rollout may still get past (a pod quota
  // while old pods are scaled down) is fatal only once nothing moved for STALL_MS.
  const progress = new Map<string, { signature: string; at: number }>();
  for (;;) {
    const waiting: Array<{ ref: WorkloadRef; obj: KObject; state: RolloutState }> = [];
    for (const [key, ref] of pending) {
      const obj = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
      if (!obj)
        throw new StepError(
          `${describe(ref)} disappeared from namespace ${ref.namespace} during its rollout`,
        );
      const state = rolloutState(obj);
      if (state.done) {
        pending.delete(key);
        results.push({ ref, object: obj, message: state.message });
        options.log.info(`${describe(ref)}: ${state.message}`);
        continue;
      }
      if (state.suspended && (options.rolloutPause !== 'wait' || !state.suspended.timed)) {
        pending.delete(key);
        results.push({ ref, object: obj, message: state.message, paused: true });
        options.log.info(`${describe(ref)}: ${state.message}`);
        continue;
      }
      if (lastMessage.get(key) !== state.message) options.log.info(`${describe(ref)}: ${state.message}`);
      lastMessage.set(key, state.message);
      const signature = JSON.stringify([
        obj.status?.replicas,
        obj.status?.updatedReplicas,
        obj.status?.readyReplicas,
        obj.status?.availableReplicas,
        obj.status?.observedGeneration,
        obj.status?.currentStepIndex,
      ]);
      if (progress.get(key)?.signature !== signature) progress.set(key, { signature, at: Date.now() });
      const diagnosis = await diagnose(client, obj);
      const stalled = Date.now() - (progress.get(key)?.at ?? Date.now()) >= (options.stallMs ?? STALL_MS);
      if (state.failed && obj.kind === 'Rollout')
        diagnosis.lines.unshift(...(await failedAnalysis(client, obj)));
      if (diagnosis.fatal || (diagnosis.fatalIfStalled && stalled) || state.failed) {
        throw new StepError(
          failureMessage(
            ref,
            state,
            diagnosis,
            `will not become ready${state.failed ? ` (${state.message})` : ''}`,
          ),
        );
      }
      waiting.push({ ref, obj, state });
    }
    if (pending.size === 0) return results;
    if (Date.now() >= deadline) {
      const parts: string[] = [];
      for (const w of waiting) {
        const diagnosis = await diagnose(client, w.obj);
        parts.push(
          failureMessage(
            w.ref,
            w.state,
            diagnosis,
            `did not finish its rollout within ${formatDuration(options.timeoutMs)}`,
          ),
        );
      }
      throw new StepError(parts.join('\n\n'));
    }
    await sleep(Math.min(options.pollIntervalMs, Math.max(0, deadline - Date.now())));
  }
}

function failureMessage(ref: WorkloadRef, state: RolloutState, diagnosis: Diagnosis, what: string): string {
  const lines = [`${describe(ref)} in namespace ${ref.namespace} ${what}: ${state.message}.`];
  lines.push(...diagnosis.lines);
  return lines.join('\n');
}
