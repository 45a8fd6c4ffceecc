/**
 * The StatefulSet controller of the fake, reduced to what rollout watching reads: pods
 * `<name>-<ordinal>` created in order (OrderedReady), labelled `controller-revision-hash`; a
 * RollingUpdate replaces pods from the highest ordinal down, one at a time, each once the others
 * are Ready; status carries currentRevision/updateRevision and the replica counts.
 */
import type { EventRecorder } from './events.js';
import { R } from './events.js';
import { clone, type Obj } from './merge.js';
import { meta, type Store, stable, templateHash } from './store.js';

const REVISION_LABEL = 'controller-revision-hash';

export const isReady = (p: Obj) =>
  ((p.status as Obj | undefined)?.conditions as Obj[] | undefined)?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  ) ?? false;

/** Ready for at least `minReadySeconds` (the Ready condition's lastTransitionTime tells since when). */
export function isAvailable(p: Obj, minReadySeconds: number): boolean {
  if (!isReady(p)) return false;
  if (minReadySeconds <= 0) return true;
  const ready = ((p.status as Obj).conditions as Obj[]).find((c) => c.type === 'Ready') as Obj;
  const since = Date.parse(String(ready.lastTransitionTime ?? ''));
  return Number.isFinite(since) && Date.now() - since >= minReadySeconds * 1000;
}

export function syncStatefulSet(store: Store, events: EventRecorder, sts: Obj) {
  const m = meta(sts);
  const ns = m.namespace as string;
  const spec = sts.spec as Obj;
  const template = spec.template as Obj;
  const updateRevision = `${m.name}-${templateHash(template)}`;
  const replicas = Number(spec.replicas ?? 1);
  const owned = () =>
    store
      .list(R('Pod'), ns)
      .filter((p) => ((meta(p).ownerReferences ?? []) as Obj[]).some((r) => r.uid === m.uid && r.controller));
  const revisionOf = (p: Obj) => (meta(p).labels as Record<string, string> | undefined)?.[REVISION_LABEL];
  let pods = owned();
  for (const pod of pods) {
    const ordinal = Number(String(meta(pod).name).slice(String(m.name).length + 1));
    if (ordinal >= replicas) store.delete(R('Pod'), ns, meta(pod).name as string);
  }
  pods = owned();
  for (let i = 0; i < replicas; i++) {
    const name = `${m.name}-${i}`;
    const pod = pods.find((p) => meta(p).name === name);
    if (pod) {
      if (!isReady(pod)) break; // OrderedReady: the next ordinal waits for this one
      continue;
    }
    const tm = clone(meta(template));
    store.write(R('Pod'), {
      metadata: {
        ...tm,
        name,
        namespace: ns,
        labels: {
          ...((tm.labels as Obj) ?? {}),
          [REVISION_LABEL]: updateRevision,
          'statefulset.kubernetes.io/pod-name': name,
        },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: m.name, uid: m.uid, controller: true },
        ],
      },
      spec: { ...clone(template.spec as Obj), nodeName: 'fake-node', hostname: name },
    });
    events.event(
      sts,
      'Normal',
      'SuccessfulCreate',
      `create Pod ${name} in StatefulSet ${m.name} successful`,
      'statefulset-controller',
    );
    break;
  }
  pods = owned();
  const allReady = pods.length === replicas && pods.every(isReady);
  const stale = pods
    .filter((p) => revisionOf(p) !== updateRevision)
    .sort((a, b) => String(meta(b).name).localeCompare(String(meta(a).name), undefined, { numeric: true }));
  if (allReady && stale[0]) {
    store.delete(R('Pod'), ns, meta(stale[0]).name as string);
    events.event(
      sts,
      'Normal',
      'SuccessfulDelete',
      `delete Pod ${meta(stale[0]).name} in StatefulSet ${m.name} successful`,
      'statefulset-controller',
    );
    pods = owned();
  }
  const updated = pods.filter((p) => revisionOf(p) === updateRevision).length;
  const previous = (sts.status as Obj | undefined)?.currentRevision as string | undefined;
  const currentRevision = updated === replicas || !previous ? updateRevision : previous;
  const status: Obj = {
    observedGeneration: m.generation,
    replicas: pods.length,
    readyReplicas: pods.filter(isReady).length,
    availableReplicas: pods.filter(isReady).length,
    currentReplicas: pods.filter((p) => revisionOf(p) === currentRevision).length,
    updatedReplicas: updated,
    currentRevision,
    updateRevision,
  };
  if (stable(sts.status) !== stable(status)) {
    sts.status = status;
    store.write(R('StatefulSet'), sts, { status: true });
  }
}
