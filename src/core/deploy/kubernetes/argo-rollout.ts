/**
 * Argo Rollouts: Argo CD's health verdict for a `Rollout` (argoproj.io/v1alpha1), ported from
 * argoproj/argo-cd resource_customizations/argoproj.io/Rollout/health.lua (its own test cases run
 * in test/unit/argo-rollout-health.test.ts), and the patches `kubectl argo rollouts promote` and
 * `abort` send (argoproj/argo-rollouts pkg/kubectl-argo-rollouts/cmd/promote, cmd/abort).
 */
import type { KObject, KubeClient } from './client.js';

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  status: HealthStatus | string;
  message: string;
}

export const ROLLOUT_API = 'argoproj.io/v1alpha1';

const num = (v: unknown, d: number) => (v === undefined || v === null ? d : Number(v));

/** Lua's tonumber: numbers and numeric strings, else undefined (nil). */
function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function isGenerationObserved(obj: KObject): boolean {
  if (obj.status === undefined || obj.status === null) return false;
  const observed = toNumber(obj.status.observedGeneration);
  const generation = Number(obj.metadata?.generation ?? 0);
  // a v0.9 rollout (a hash, not a number) counts as observed
  if (observed === undefined || observed > generation) return true;
  return observed === generation;
}

function isWorkloadGenerationObserved(obj: KObject): boolean {
  if (!obj.spec?.workloadRef || !obj.metadata?.annotations) return true;
  const workloadGen = toNumber(obj.metadata.annotations['rollout.argoproj.io/workload-generation']);
  const observed = toNumber(obj.status?.workloadObservedGeneration);
  return workloadGen === observed;
}

function stableRS(obj: KObject): string {
  if (obj.status?.stableRS !== undefined && obj.status?.stableRS !== null) return obj.status.stableRS;
  return obj.status?.canary?.stableRS ?? '';
}

/** Argo CD's verdict for a Rollout, exactly as health.lua gives it. */
export function rolloutHealth(obj: KObject): Health {
  if (!isGenerationObserved(obj) || !isWorkloadGenerationObserved(obj))
    return { status: 'Progressing', message: 'Waiting for rollout spec update to be observed' };
  const status = obj.status ?? {};
  const spec = obj.spec ?? {};
  if (status.phase !== undefined && status.phase !== null)
    return {
      status: status.phase === 'Paused' ? 'Suspended' : status.phase,
      message: status.message ?? '',
    };
  // Lua's ipairs walks only a list
  for (const c of (Array.isArray(status.conditions) ? status.conditions : []) as Array<{
    type?: string;
    reason?: string;
    message?: string;
  }>) {
    if (
      c.type === 'InvalidSpec' ||
      (c.type === 'Progressing' && (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded'))
    )
      return { status: 'Degraded', message: c.message ?? '' };
  }
  if ((status.pauseConditions?.length ?? 0) > 0 || spec.paused === true)
    return { status: 'Suspended', message: 'Rollout is paused' };
  if (status.currentPodHash === undefined || status.currentPodHash === null)
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: status has not been reconciled.',
    };
  const desired = num(spec.replicas, 1);
  const replicas = num(status.replicas, 0);
  const updated = num(status.updatedReplicas, 0);
  const available = num(status.availableReplicas, 0);
  if (updated < desired)
    return {
      status: 'Progressing',
      message: 'Waiting for roll out to finish: More replicas need to be updated',
    };
  if (available < updated)
    return {
      status: 'Progressing',
      message: 'Waiting for roll out to finish: updated replicas are still becoming available',
    };
  const stable = stableRS(obj);
  if (spec.strategy?.blueGreen) {
    if (!status.blueGreen || status.blueGreen.activeSelector !== status.currentPodHash)
      return { status: 'Progressing', message: 'active service cutover pending' };
    if (stable !== '' && stable !== status.currentPodHash)
      return { status: 'Progressing', message: 'waiting for analysis to complete' };
  } else if (spec.strategy?.canary) {
    if (replicas > updated)
      return {
        status: 'Progressing',
        message: 'Waiting for roll out to finish: old replicas are pending termination',
      };
    if (stable === '' || stable !== status.currentPodHash)
      return { status: 'Progressing', message: 'Waiting for rollout to finish steps' };
  }
  return { status: 'Healthy', message: '' };
}

/** replicasetutil.GetCurrentCanaryStep's index: undefined without canary steps. */
function currentStepIndex(obj: KObject): number | undefined {
  const steps = obj.spec?.strategy?.canary?.steps;
  if (!Array.isArray(steps) || steps.length === 0) return undefined;
  return Number(obj.status?.currentStepIndex ?? 0);
}

/**
 * `kubectl argo rollouts promote` (no flags): the merge patch of the `status` subresource and the
 * merge patch of the spec it sends, as getPatches' default case in
 * pkg/kubectl-argo-rollouts/cmd/promote/promote.go builds them.
 */
export function promotePatches(obj: KObject): { spec?: object; status?: object } {
  const patches: { spec?: object; status?: object } = {};
  const status = obj.status ?? {};
  const steps = obj.spec?.strategy?.canary?.steps ?? [];
  if (obj.spec?.paused === true) patches.spec = { spec: { paused: false } };
  const paused = (status.pauseConditions?.length ?? 0) > 0;
  const next = (i: number) => (i < steps.length ? i + 1 : i);
  const index = currentStepIndex(obj);
  const inconclusive =
    obj.spec?.strategy?.canary && status.canary?.currentStepAnalysisRunStatus?.status === 'Inconclusive';
  if (inconclusive && paused && status.controllerPause === true) {
    if (index !== undefined)
      patches.status = {
        status: { pauseConditions: null, controllerPause: false, currentStepIndex: next(index) },
      };
  } else if (paused) patches.status = { status: { pauseConditions: null } };
  else if (obj.spec?.strategy?.canary && index !== undefined)
    patches.status = { status: { pauseConditions: null, currentStepIndex: next(index) } };
  return patches;
}

/** `kubectl argo rollouts abort`: `{"status":{"abort":true}}` on the status subresource (cmd/abort/abort.go). */
export const ABORT_PATCH = { status: { abort: true } };

/** Whether the pause ends by itself: a canary pause step with a duration (not spec.paused, not an untimed step). */
export function pauseIsTimed(obj: KObject): boolean {
  if (obj.spec?.paused === true) return false;
  const conditions = (obj.status?.pauseConditions ?? []) as Array<{ reason?: string }>;
  if (conditions.some((c) => c.reason !== 'CanaryPauseStep')) return false;
  const index = currentStepIndex(obj);
  const step = index === undefined ? undefined : obj.spec?.strategy?.canary?.steps?.[index];
  return step?.pause?.duration !== undefined && step?.pause?.duration !== null;
}

/**
 * Why an analysis aborted the Rollout: the failed metrics of its AnalysisRuns for the current
 * revision (label `rollouts-pod-template-hash`), one line each. None when the CRD is not served.
 */
export async function failedAnalysis(client: KubeClient, obj: KObject): Promise<string[]> {
  const hash = obj.status?.currentPodHash;
  if (!hash) return [];
  let runs: KObject[];
  try {
    runs = await client.list(
      ROLLOUT_API,
      'AnalysisRun',
      obj.metadata?.namespace as string,
      `rollouts-pod-template-hash=${hash}`,
    );
  } catch {
    return []; // no AnalysisRun CRD: nothing to add to the Rollout's own message
  }
  const lines: string[] = [];
  for (const run of runs) {
    if (!['Failed', 'Error'].includes(run.status?.phase)) continue;
    for (const m of (run.status?.metricResults ?? []) as Array<{
      name: string;
      phase: string;
      message?: string;
    }>) {
      if (!['Failed', 'Error', 'Inconclusive'].includes(m.phase)) continue;
      lines.push(
        `AnalysisRun ${run.metadata?.name}: metric "${m.name}" ${m.phase}${m.message ? `: ${m.message}` : ''}`,
      );
    }
  }
  return lines;
}
