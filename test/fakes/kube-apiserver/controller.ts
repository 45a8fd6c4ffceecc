/**
 * The controllers a cluster runs, reduced to what rollout watching needs: the Deployment
 * controller (one ReplicaSet per pod template, revision annotations, reuse of an old ReplicaSet
 * on rollback, old ReplicaSets scaled down once the new one is available, status and conditions)
 * and the ReplicaSet controller (pods, pod quota → ReplicaFailure/FailedCreate); StatefulSets are
 * in statefulset.ts and pods are run by the fake kubelet (kubelet.ts).
 */
import { createHash } from 'node:crypto';
import { EventRecorder, R } from './events.js';
import { Kubelet } from './kubelet.js';
import { clone, type Obj } from './merge.js';
import { syncStatefulSet } from './statefulset.js';
import { meta, type Store, stable } from './store.js';

export type { PodBehaviour } from './kubelet.js';

const REVISION = 'deployment.kubernetes.io/revision';

export class Controller {
  /** Per-namespace pod quota (`pods` hard limit), as a ResourceQuota would enforce at admission. */
  readonly podQuota = new Map<string, number>();
  private readonly progressStarted = new Map<string, number>();
  private podSeq = 0;
  private readonly events: EventRecorder;
  readonly kubelet: Kubelet;

  constructor(
    private readonly store: Store,
    startMs: number,
  ) {
    this.events = new EventRecorder(store);
    this.kubelet = new Kubelet(store, this.events, startMs);
  }

  tick() {
    for (const d of this.store.list(R('Deployment'))) this.syncDeployment(d);
    for (const rs of this.store.list(R('ReplicaSet'))) this.syncReplicaSet(rs);
    for (const sts of this.store.list(R('StatefulSet'))) syncStatefulSet(this.store, this.events, sts);
    for (const pod of this.store.list(R('Pod'))) this.kubelet.syncPod(pod);
  }

  private owned(kind: string, namespace: string, uid: unknown): Obj[] {
    return this.store
      .list(R(kind), namespace)
      .filter((o) =>
        ((meta(o).ownerReferences ?? []) as Obj[]).some((ref) => ref.uid === uid && ref.controller),
      );
  }

  private syncDeployment(d: Obj) {
    const m = meta(d);
    const ns = m.namespace as string;
    const spec = d.spec as Obj;
    const template = clone(spec.template as Obj);
    const hash = createHash('sha256').update(stable(template)).digest('hex').slice(0, 10);
    const sets = this.owned('ReplicaSet', ns, m.uid);
    const revisionOf = (rs: Obj) => Number((meta(rs).annotations as Obj | undefined)?.[REVISION] ?? 0);
    const maxRevision = Math.max(0, ...sets.map(revisionOf));
    let current = sets.find((rs) => (meta(rs).labels as Obj | undefined)?.['pod-template-hash'] === hash);
    if (!current) {
      const tm = meta(template);
      tm.labels = { ...((tm.labels as Obj) ?? {}), 'pod-template-hash': hash };
      current = this.store.write(R('ReplicaSet'), {
        metadata: {
          name: `${m.name}-${hash}`,
          namespace: ns,
          labels: tm.labels,
          annotations: { [REVISION]: String(maxRevision + 1) },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: m.name, uid: m.uid, controller: true },
          ],
        },
        spec: {
          replicas: 0,
          selector: {
            matchLabels: { ...((spec.selector as Obj).matchLabels as Obj), 'pod-template-hash': hash },
          },
          template,
        },
      });
      this.progressStarted.set(String(m.uid), Date.now());
    } else if (revisionOf(current) < maxRevision) {
      // A rollback to an old template reuses its ReplicaSet under a new, highest revision.
      meta(current).annotations = {
        ...(meta(current).annotations as Obj),
        [REVISION]: String(maxRevision + 1),
      };
      current = this.store.write(R('ReplicaSet'), current);
      this.progressStarted.set(String(m.uid), Date.now());
    }
    const revision = String(revisionOf(current));
    if ((m.annotations as Obj | undefined)?.[REVISION] !== revision) {
      m.annotations = { ...((m.annotations as Obj) ?? {}), [REVISION]: revision };
      this.store.write(R('Deployment'), d);
    }
    const desired = Number(spec.replicas ?? 1);
    if ((current.spec as Obj).replicas !== desired) {
      (current.spec as Obj).replicas = desired;
      current = this.store.write(R('ReplicaSet'), current);
    }
    const currentStatus = (current.status ?? {}) as Obj;
    const newAvailable = Number(currentStatus.availableReplicas ?? 0);
    const all = this.owned('ReplicaSet', ns, m.uid);
    for (const rs of all) {
      if (meta(rs).uid === meta(current).uid) continue;
      if (newAvailable >= desired && (rs.spec as Obj).replicas !== 0) {
        (rs.spec as Obj).replicas = 0;
        this.store.write(R('ReplicaSet'), rs);
      }
    }
    const sum = (key: string) => all.reduce((n, rs) => n + Number(((rs.status ?? {}) as Obj)[key] ?? 0), 0);
    const updated = Number(currentStatus.replicas ?? 0);
    const available = sum('availableReplicas');
    const replicas = sum('replicas');
    const complete =
      updated === desired && replicas === desired && available === desired && newAvailable === desired;
    const started = this.progressStarted.get(String(m.uid)) ?? Date.now();
    const deadline = Number(spec.progressDeadlineSeconds ?? 600) * 1000;
    const failure = ((currentStatus.conditions ?? []) as Obj[]).find((c) => c.type === 'ReplicaFailure');
    const conditions: Obj[] = [
      {
        type: 'Available',
        status: available >= desired ? 'True' : 'False',
        reason: available >= desired ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        message:
          available >= desired
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
      },
      complete
        ? {
            type: 'Progressing',
            status: 'True',
            reason: 'NewReplicaSetAvailable',
            message: `ReplicaSet "${meta(current).name}" has successfully progressed.`,
          }
        : Date.now() - started > deadline
          ? {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${meta(current).name}" has timed out progressing.`,
            }
          : {
              type: 'Progressing',
              status: 'True',
              reason: 'ReplicaSetUpdated',
              message: `ReplicaSet "${meta(current).name}" is progressing.`,
            },
      ...(failure ? [failure] : []),
    ];
    const status: Obj = {
      observedGeneration: m.generation as number,
      replicas,
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, desired - available),
      conditions,
    };
    const fresh = this.store.get(R('Deployment'), ns, m.name as string);
    if (fresh && stable(fresh.status) !== stable(status)) {
      fresh.status = status;
      this.store.write(R('Deployment'), fresh, { status: true });
    }
  }

  private syncReplicaSet(rs: Obj) {
    const m = meta(rs);
    const ns = m.namespace as string;
    const desired = Number((rs.spec as Obj).replicas ?? 1);
    const pods = this.owned('Pod', ns, m.uid);
    let failure: Obj | undefined;
    for (let i = pods.length; i < desired; i++) {
      const quota = this.podQuota.get(ns);
      const used = this.store.list(R('Pod'), ns).length;
      if (quota !== undefined && used >= quota) {
        const message = `pods "${m.name}-${(this.podSeq + 1).toString(36).padStart(5, 'x')}" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=${used}, limited: pods=${quota}`;
        failure = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message };
        // Rate-limited like the real controller's retries: one event whose count grows.
        this.events.repeat(
          rs,
          'FailedCreate',
          'Warning',
          `Error creating: ${message}`,
          undefined,
          'replicaset-controller',
        );
        break;
      }
      const template = (rs.spec as Obj).template as Obj;
      const podName = `${m.name}-${(++this.podSeq).toString(36).padStart(5, 'x')}`;
      const pod = this.store.write(R('Pod'), {
        metadata: {
          ...clone(meta(template)),
          name: podName,
          namespace: ns,
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: m.name, uid: m.uid, controller: true },
          ],
        },
        spec: { ...clone(template.spec as Obj), nodeName: 'fake-node' },
      });
      pods.push(pod);
      this.events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${podName}`, 'replicaset-controller');
    }
    const isReady = (p: Obj) =>
      ((p.status as Obj | undefined)?.conditions as Obj[] | undefined)?.some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ) ?? false;
    if (pods.length > desired) {
      const order = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b)));
      for (const pod of order.slice(0, pods.length - desired)) {
        this.store.delete(R('Pod'), ns, meta(pod).name as string);
        this.events.event(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${meta(pod).name}`,
          'replicaset-controller',
        );
      }
    }
    const remaining = this.owned('Pod', ns, m.uid);
    const ready = remaining.filter(isReady).length;
    const status: Obj = {
      replicas: remaining.length,
      fullyLabeledReplicas: remaining.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: m.generation as number,
      ...(failure ? { conditions: [failure] } : {}),
    };
    if (stable(rs.status) !== stable(status)) {
      rs.status = status;
      this.store.write(R('ReplicaSet'), rs, { status: true });
    }
  }
}
