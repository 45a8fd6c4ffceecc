/**
 * A stand-in for the Argo Rollouts controller, for tests that ask for it (never by default in the
 * Kubernetes fake, where a Rollout's status stays what a client wrote). It installs the real
 * Rollout CRD (test/fixtures/argo-rollouts-crds/rollout-crd.yaml, from argoproj/argo-rollouts
 * manifests/crds) and an AnalysisRun CRD, and moves each Rollout through its canary steps the way
 * the controller does, with the real status fields:
 * - a ReplicaSet per pod template (`<name>-<pod hash>`, label `rollouts-pod-template-hash`), whose
 *   pods the fake's ReplicaSet controller and kubelet run (an image that will not pull stays
 *   unavailable, as on a cluster);
 * - `setWeight`: the canary ReplicaSet at ⌈replicas × weight⌉, the stable one at the rest, the
 *   step done once the canary pods are available;
 * - `pause: {}` and `pause: {duration}`: a `CanaryPauseStep` pause condition with
 *   `controllerPause: true`, phase `Paused`, message `CanaryPauseStep`; a promote clearing the
 *   pause conditions (or the duration running out) moves to the next step;
 * - `analysis`: an AnalysisRun per step labelled with the pod hash; its result comes from the
 *   test (`analysis`); a failed metric aborts the Rollout with the controller's message;
 * - `status.abort` (kubectl argo rollouts abort): the canary scaled to 0, the stable one back to
 *   all replicas, phase `Degraded` with a `RolloutAborted` condition;
 * - all steps done: `stableRS` becomes the current pod hash, old ReplicaSets scaled to 0, phase
 *   `Healthy`; `spec.paused`: phase `Paused`, message `manually paused`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { FakeKube } from './kube-apiserver/index.js';
import type { Obj } from './kube-apiserver/merge.js';

const ROOT = join(import.meta.dirname, '../..');
const HASH = 'rollouts-pod-template-hash';

/** The real Rollout CRD, and an AnalysisRun CRD that accepts any status (the real one is 660 kB of schema). */
export function rolloutCrds(root = ROOT): Obj[] {
  const rollout = parse(
    readFileSync(join(root, 'test/fixtures/argo-rollouts-crds/rollout-crd.yaml'), 'utf8'),
  );
  const analysisRun = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'analysisruns.argoproj.io' },
    spec: {
      group: 'argoproj.io',
      names: {
        kind: 'AnalysisRun',
        listKind: 'AnalysisRunList',
        plural: 'analysisruns',
        singular: 'analysisrun',
        shortNames: ['ar'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          subresources: { status: {} },
        },
      ],
    },
  };
  return [rollout, analysisRun];
}

export type AnalysisVerdict = { phase: 'Successful' } | { phase: 'Failed'; metric: string; message: string };

export interface RolloutsControllerOptions {
  tickMs?: number;
  /** The repository root (where the vendored CRD is), when this module runs from a bundle. */
  root?: string;
  /** The result of an analysis step's AnalysisRun, by template name (default Successful). */
  analysis?: (template: string, rollout: Obj) => AnalysisVerdict;
}

export interface RolloutsController {
  close(): void;
}

const podHash = (template: unknown) =>
  createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function startRolloutsController(
  kube: FakeKube,
  options: RolloutsControllerOptions = {},
): RolloutsController {
  for (const crd of rolloutCrds(options.root)) kube.put(crd);
  const revisions = new Map<string, string[]>();
  const tick = () => {
    for (const rollout of kube.list('Rollout')) {
      try {
        sync(kube, rollout, options, revisions);
      } catch (err) {
        process.stderr.write(`rollouts controller stand-in: ${String(err)}\n`);
      }
    }
  };
  const timer = setInterval(tick, options.tickMs ?? 50);
  return { close: () => clearInterval(timer) };
}

function sync(
  kube: FakeKube,
  rollout: Obj,
  options: RolloutsControllerOptions,
  revisions: Map<string, string[]>,
) {
  const m = rollout.metadata as Obj;
  const ns = m.namespace as string;
  const name = m.name as string;
  const spec = rollout.spec as Obj;
  const before = JSON.stringify(rollout.status ?? {});
  const status: Obj = JSON.parse(before);
  const replicas = Number(spec.replicas ?? 1);
  const steps = (((spec.strategy as Obj)?.canary as Obj)?.steps ?? []) as Obj[];
  const hash = podHash(spec.template);
  const seen = revisions.get(`${ns}/${name}`) ?? [];
  if (!seen.includes(hash)) seen.push(hash);
  revisions.set(`${ns}/${name}`, seen);
  const revision = seen.indexOf(hash) + 1;
  if (!status.stableRS) {
    status.stableRS = hash; // the first revision goes out at once
    status.currentPodHash = hash;
    if (steps.length) status.currentStepIndex = steps.length;
  }
  if (status.currentPodHash !== hash) {
    status.currentPodHash = hash;
    status.currentStepIndex = 0;
    for (const k of ['pauseConditions', 'controllerPause', 'abort', 'message']) delete status[k];
  }
  const stable = status.stableRS as string;
  const rsets = new Map<string, number>(); // hash → desired replicas
  let phase = 'Progressing';
  let message = 'more replicas need to be updated';
  let conditionReason = 'ReplicaSetUpdated';
  const available = (h: string) =>
    Number((kube.get('ReplicaSet', ns, `${name}-${h}`)?.status as Obj)?.availableReplicas ?? 0);
  if (spec.paused === true) {
    phase = 'Paused';
    message = 'manually paused';
    conditionReason = 'RolloutPaused';
  } else if (hash === stable) {
    rsets.set(hash, replicas);
    if (available(hash) >= replicas) {
      phase = 'Healthy';
      message = '';
      conditionReason = 'NewReplicaSetAvailable';
    }
  } else if (status.abort === true) {
    rsets.set(hash, 0);
    rsets.set(stable, replicas);
    phase = 'Degraded';
    message = String(status.message ?? '').startsWith('RolloutAborted')
      ? String(status.message)
      : `RolloutAborted: Rollout aborted update to revision ${revision}`;
    conditionReason = 'RolloutAborted';
  } else {
    let index = Number(status.currentStepIndex ?? 0);
    let weight = 0;
    for (const s of steps.slice(0, index)) if (s.setWeight !== undefined) weight = Number(s.setWeight);
    const step = steps[index];
    if (!step) {
      status.stableRS = hash; // all steps done: the canary is the stable version now
      rsets.set(hash, replicas);
      rsets.set(stable, 0);
    } else if (step.setWeight !== undefined) {
      weight = Number(step.setWeight);
      const canary = Math.ceil((replicas * weight) / 100);
      if (available(hash) >= canary) index++;
    } else if (step.pause) {
      const conditions = (status.pauseConditions ?? []) as Obj[];
      const duration = (step.pause as Obj).duration;
      if (status.controllerPause === true && conditions.length === 0) {
        index++; // resumed: kubectl argo rollouts promote cleared the pause conditions
        status.controllerPause = false;
      } else if (conditions.length === 0) {
        status.pauseConditions = [{ reason: 'CanaryPauseStep', startTime: now() }];
        status.controllerPause = true;
      } else if (
        duration !== undefined &&
        Date.now() - Date.parse(String(conditions[0]?.startTime)) >= seconds(duration) * 1000
      ) {
        delete status.pauseConditions;
        status.controllerPause = false;
        index++;
      }
      if ((status.pauseConditions as Obj[] | undefined)?.length) {
        phase = 'Paused';
        message = 'CanaryPauseStep';
        conditionReason = 'RolloutPaused';
      }
    } else if (step.analysis) {
      const template = String(
        (((step.analysis as Obj).templates as Obj[]) ?? [])[0]?.templateName ?? 'analysis',
      );
      const runName = `${name}-${hash}-${index}`;
      const run = kube.get('AnalysisRun', ns, runName);
      if (!run) {
        kube.put({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'AnalysisRun',
          metadata: {
            name: runName,
            namespace: ns,
            labels: { [HASH]: hash },
            ownerReferences: [
              { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name, uid: m.uid, controller: true },
            ],
          },
          spec: { metrics: [] },
        });
      } else if (!(run.status as Obj | undefined)?.phase) {
        const verdict = options.analysis?.(template, rollout) ?? { phase: 'Successful' };
        const metric = verdict.phase === 'Failed' ? verdict.metric : template;
        kube.putStatus({
          ...run,
          status: {
            phase: verdict.phase,
            metricResults: [
              {
                name: metric,
                phase: verdict.phase,
                ...(verdict.phase === 'Failed' ? { message: verdict.message, failed: 1 } : { successful: 1 }),
                count: 1,
              },
            ],
          },
        });
      } else if ((run.status as Obj).phase === 'Successful') index++;
      else {
        const failed = ((run.status as Obj).metricResults as Obj[])[0] as Obj;
        status.abort = true;
        phase = 'Degraded';
        conditionReason = 'RolloutAborted';
        message =
          status.message = `RolloutAborted: Rollout aborted update to revision ${revision}: Metric "${failed.name}" assessed Failed due to failed (1) > failureLimit (0)`;
      }
      status.canary = {
        currentStepAnalysisRunStatus: {
          name: runName,
          status: run?.status ? (run.status as Obj).phase : 'Running',
        },
      };
    }
    status.currentStepIndex = index;
    if (steps[index] || index < steps.length) {
      const canary = Math.ceil((replicas * weight) / 100);
      rsets.set(hash, canary);
      rsets.set(stable, Math.max(replicas - canary, 0));
    }
  }
  // Every other ReplicaSet of the Rollout is scaled down.
  for (const rs of kube.list('ReplicaSet', ns)) {
    const owner = ((rs.metadata as Obj).ownerReferences as Obj[] | undefined)?.[0];
    const h = ((rs.metadata as Obj).labels as Obj)?.[HASH] as string;
    if (owner?.uid === m.uid && !rsets.has(h)) rsets.set(h, 0);
  }
  for (const [h, count] of rsets) ensureReplicaSet(kube, rollout, h, count);
  let total = 0;
  let updated = 0;
  let ready = 0;
  let avail = 0;
  for (const h of rsets.keys()) {
    const s = (kube.get('ReplicaSet', ns, `${name}-${h}`)?.status ?? {}) as Obj;
    total += Number(s.replicas ?? 0);
    ready += Number(s.readyReplicas ?? 0);
    avail += Number(s.availableReplicas ?? 0);
    if (h === hash) updated = Number(s.replicas ?? 0);
  }
  Object.assign(status, {
    replicas: total,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: avail,
    observedGeneration: String(m.generation),
    phase,
    message,
    selector: Object.entries(((spec.selector as Obj)?.matchLabels ?? {}) as Record<string, string>)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  });
  if (!message) delete status.message;
  const previous = ((status.conditions ?? []) as Obj[]).find((c) => c.type === 'Progressing');
  status.conditions = [
    {
      type: 'Progressing',
      status: phase === 'Degraded' ? 'False' : phase === 'Paused' ? 'Unknown' : 'True',
      reason: conditionReason,
      message: message || 'Rollout is healthy',
      lastUpdateTime: previous?.reason === conditionReason ? previous.lastUpdateTime : now(),
      lastTransitionTime: previous?.reason === conditionReason ? previous.lastTransitionTime : now(),
    },
  ];
  if (JSON.stringify(status) !== before) kube.putStatus({ ...rollout, status });
}

function seconds(duration: unknown): number {
  if (typeof duration === 'number') return duration;
  const match = /^(\d+)(s|m|h)?$/.exec(String(duration));
  if (!match) return 0;
  return Number(match[1]) * ({ s: 1, m: 60, h: 3600 }[match[2] ?? 's'] as number);
}

function ensureReplicaSet(kube: FakeKube, rollout: Obj, hash: string, replicas: number) {
  const m = rollout.metadata as Obj;
  const ns = m.namespace as string;
  const name = `${m.name}-${hash}`;
  const existing = kube.get('ReplicaSet', ns, name);
  if (existing) {
    if (Number((existing.spec as Obj).replicas) !== replicas)
      kube.put({ ...existing, spec: { ...(existing.spec as Obj), replicas } });
    return;
  }
  if (replicas === 0) return;
  const spec = rollout.spec as Obj;
  const template = JSON.parse(JSON.stringify(spec.template)) as Obj;
  const tm = (template.metadata ?? {}) as Obj;
  template.metadata = { ...tm, labels: { ...((tm.labels as Obj) ?? {}), [HASH]: hash } };
  kube.put({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: ns,
      labels: { ...((tm.labels as Obj) ?? {}), [HASH]: hash },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: m.name,
          uid: m.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...(((spec.selector as Obj)?.matchLabels as Obj) ?? {}), [HASH]: hash } },
      template,
    },
  });
}
