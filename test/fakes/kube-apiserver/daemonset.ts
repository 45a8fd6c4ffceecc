/**
 * Smaller controllers of the fake: DaemonSets on its one node (`fake-node`; a RollingUpdate
 * replaces the pod once the template changes, labelled `pod-template-generation` and
 * `controller-revision-hash`), Jobs (a pod that completes when its image would become Ready),
 * and HorizontalPodAutoscalers (no metrics: they keep the target's replicas within
 * minReplicas..maxReplicas through the scale subresource, as manager `kube-controller-manager`).
 */
import type { Controller } from './controller.js';
import type { EventRecorder } from './events.js';
import { now, R } from './events.js';
import type { Obj } from './merge.js';
import { isAvailable, isReady } from './statefulset.js';
import { meta, type Store, stable, templateHash } from './store.js';

function ownedPods(store: Store, owner: Obj): Obj[] {
  const m = meta(owner);
  return store
    .list(R('Pod'), m.namespace as string)
    .filter((p) => ((meta(p).ownerReferences ?? []) as Obj[]).some((r) => r.uid === m.uid && r.controller));
}

export function syncDaemonSet(store: Store, events: EventRecorder, ds: Obj, controller: Controller) {
  const m = meta(ds);
  const spec = ds.spec as Obj;
  const generation = String(m.generation ?? 1);
  const hash = templateHash(spec.template);
  let pods = ownedPods(store, ds);
  const current = (p: Obj) => (meta(p).labels as Obj | undefined)?.['controller-revision-hash'] === hash;
  const onDelete = ((spec.updateStrategy ?? {}) as Obj).type === 'OnDelete';
  for (const stale of pods.filter((p) => !current(p))) {
    if (onDelete) continue;
    store.delete(R('Pod'), m.namespace as string, String(meta(stale).name));
    events.event(
      ds,
      'Normal',
      'SuccessfulDelete',
      `Deleted pod: ${meta(stale).name}`,
      'daemonset-controller',
    );
  }
  pods = ownedPods(store, ds);
  if (pods.length === 0) {
    const pod = controller.createPod(ds, spec.template as Obj, undefined, {
      'controller-revision-hash': hash,
      'pod-template-generation': generation,
    });
    if (typeof pod === 'string')
      events.repeat(
        ds,
        'FailedCreate',
        'Warning',
        `Error creating: ${pod}`,
        undefined,
        'daemonset-controller',
      );
    else
      events.event(
        ds,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${meta(pod).name}`,
        'daemonset-controller',
      );
    pods = ownedPods(store, ds);
  }
  const minReady = Number(spec.minReadySeconds ?? 0);
  const status: Obj = {
    currentNumberScheduled: pods.length,
    desiredNumberScheduled: 1,
    numberMisscheduled: 0,
    numberReady: pods.filter(isReady).length,
    numberAvailable: pods.filter((p) => isAvailable(p, minReady)).length,
    numberUnavailable: 1 - pods.filter((p) => isAvailable(p, minReady)).length,
    updatedNumberScheduled: pods.filter(current).length,
    observedGeneration: m.generation,
  };
  if (stable(ds.status) !== stable(status)) {
    ds.status = status;
    store.write(R('DaemonSet'), ds, { status: true });
  }
}

export function syncJob(store: Store, events: EventRecorder, job: Obj, controller: Controller) {
  const m = meta(job);
  const spec = job.spec as Obj;
  let pods = ownedPods(store, job);
  const done = ((job.status as Obj | undefined)?.succeeded as number | undefined) ?? 0;
  if (pods.length === 0 && done === 0) {
    const pod = controller.createPod(job, spec.template as Obj, undefined, { 'job-name': m.name });
    if (typeof pod !== 'string')
      events.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${meta(pod).name}`, 'job-controller');
    pods = ownedPods(store, job);
  }
  const succeeded = done + pods.filter(isReady).length;
  const status: Obj =
    succeeded > 0
      ? {
          succeeded: 1,
          startTime: m.creationTimestamp,
          completionTime: (job.status as Obj | undefined)?.completionTime ?? now(),
          conditions: [{ type: 'Complete', status: 'True' }],
        }
      : { active: pods.length, startTime: m.creationTimestamp };
  if (stable(job.status) !== stable(status)) {
    job.status = status;
    store.write(R('Job'), job, { status: true });
  }
}

export function syncHpa(store: Store, hpa: Obj) {
  const m = meta(hpa);
  const spec = hpa.spec as Obj;
  const ref = (spec.scaleTargetRef ?? {}) as Obj;
  const def = R(String(ref.kind));
  const target = def ? store.get(def, m.namespace as string, String(ref.name)) : undefined;
  if (!target) return;
  const current = Number((target.spec as Obj).replicas ?? 1);
  const desired = Math.max(
    Number(spec.minReplicas ?? 1),
    Math.min(Number(spec.maxReplicas ?? current), current),
  );
  if (desired !== current) {
    (target.spec as Obj).replicas = desired;
    const fields = ((meta(target).managedFields ?? []) as Obj[]).filter(
      (f) => f.manager !== 'kube-controller-manager',
    );
    meta(target).managedFields = [
      ...fields,
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        apiVersion: 'autoscaling/v1',
        time: now(),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        subresource: 'scale',
      },
    ];
    store.write(def, target);
  }
  const status: Obj = { currentReplicas: current, desiredReplicas: desired };
  if (stable(hpa.status) !== stable(status)) {
    hpa.status = status;
    store.write(R('HorizontalPodAutoscaler'), hpa, { status: true });
  }
}
