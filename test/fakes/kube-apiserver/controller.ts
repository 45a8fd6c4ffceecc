/**
 * The controllers a cluster runs, reduced to what rollouts need: the Deployment controller
 * (deployment.ts), the ReplicaSet controller (pods with generated names, minReadySeconds, a pod
 * quota enforced at admission → ReplicaFailure/FailedCreate, cleared once a create succeeds),
 * StatefulSets (statefulset.ts), DaemonSets (one fake node), Jobs, the HorizontalPodAutoscaler
 * (keeps its target's replicas within min/max) and the kubelet (kubelet.ts). Garbage collection
 * of dependents happens in the store when their owner is deleted.
 */

import { syncDaemonSet, syncHpa, syncJob } from './daemonset.js';
import { DeploymentController } from './deployment.js';
import { EventRecorder, now, R } from './events.js';
import { Kubelet } from './kubelet.js';
import { clone, type Obj } from './merge.js';
import { isAvailable, isReady, syncStatefulSet } from './statefulset.js';
import { meta, type Store, stable } from './store.js';

/** Five characters like the real generated names (consonants and digits). */
export function randomSuffix(seq: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let n = seq * 7919 + Math.floor(Math.random() * 1000) * 104729;
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += alphabet[n % alphabet.length];
    n = Math.floor(n / alphabet.length) + 17;
  }
  return out;
}

export type { PodBehaviour } from './kubelet.js';

export class Controller {
  /** Per-namespace pod quota (`pods` hard limit), as a ResourceQuota would enforce at admission. */
  readonly podQuota = new Map<string, number>();
  private podSeq = 0;
  private readonly events: EventRecorder;
  readonly kubelet: Kubelet;
  private readonly deployments: DeploymentController;

  constructor(
    private readonly store: Store,
    startMs: number,
  ) {
    this.events = new EventRecorder(store);
    this.kubelet = new Kubelet(store, this.events, startMs);
    this.deployments = new DeploymentController(store);
  }

  tick() {
    for (const hpa of this.store.list(R('HorizontalPodAutoscaler'))) syncHpa(this.store, hpa);
    for (const d of this.store.list(R('Deployment'))) this.deployments.sync(d);
    for (const rs of this.store.list(R('ReplicaSet'))) this.syncReplicaSet(rs);
    for (const sts of this.store.list(R('StatefulSet'))) syncStatefulSet(this.store, this.events, sts);
    for (const ds of this.store.list(R('DaemonSet'))) syncDaemonSet(this.store, this.events, ds, this);
    for (const job of this.store.list(R('Job'))) syncJob(this.store, this.events, job, this);
    for (const pod of this.store.list(R('Pod'))) this.kubelet.syncPod(pod);
  }

  private owned(kind: string, namespace: string, uid: unknown): Obj[] {
    return this.store
      .list(R(kind), namespace)
      .filter((o) =>
        ((meta(o).ownerReferences ?? []) as Obj[]).some((ref) => ref.uid === uid && ref.controller),
      );
  }

  /** Creates a pod for `owner` as the controllers do (generateName), or answers the quota's refusal. */
  createPod(owner: Obj, template: Obj, name: string | undefined, extraLabels: Obj = {}): Obj | string {
    const m = meta(owner);
    const ns = m.namespace as string;
    const prefix = `${m.name}-`;
    const quota = this.podQuota.get(ns);
    const used = this.store.list(R('Pod'), ns).length;
    if (quota !== undefined && used >= quota)
      return `pods "${name ?? prefix}" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=${used}, limited: pods=${quota}`;
    const tm = clone(meta(template));
    return this.store.write(R('Pod'), {
      metadata: {
        ...tm,
        labels: { ...((tm.labels as Obj) ?? {}), ...extraLabels },
        name: name ?? `${prefix}${randomSuffix(++this.podSeq)}`,
        ...(name ? {} : { generateName: prefix }),
        namespace: ns,
        ownerReferences: [
          {
            apiVersion: owner.apiVersion,
            kind: owner.kind,
            name: m.name,
            uid: m.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { ...clone(template.spec as Obj), nodeName: 'fake-node' },
    });
  }

  private syncReplicaSet(rs: Obj) {
    const m = meta(rs);
    const ns = m.namespace as string;
    const spec = rs.spec as Obj;
    const desired = Number(spec.replicas ?? 1);
    const pods = this.owned('Pod', ns, m.uid);
    let failure: Obj | undefined;
    for (let i = pods.length; i < desired; i++) {
      const pod = this.createPod(rs, spec.template as Obj, undefined);
      if (typeof pod === 'string') {
        failure = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: pod };
        // Rate-limited like the real controller's retries: one event whose count grows.
        this.events.repeat(
          rs,
          'FailedCreate',
          'Warning',
          `Error creating: ${pod}`,
          undefined,
          'replicaset-controller',
        );
        break;
      }
      pods.push(pod);
      this.events.event(
        rs,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${meta(pod).name}`,
        'replicaset-controller',
      );
    }
    if (pods.length > desired) {
      // Not-ready pods go first, then the newest, as the real controller ranks them.
      const order = [...pods].sort(
        (a, b) =>
          Number(isReady(a)) - Number(isReady(b)) ||
          String(meta(b).creationTimestamp).localeCompare(String(meta(a).creationTimestamp)) ||
          String(meta(b).name).localeCompare(String(meta(a).name)),
      );
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
    const minReady = Number(spec.minReadySeconds ?? 0);
    const previousFailure = (((rs.status ?? {}) as Obj).conditions as Obj[] | undefined)?.find(
      (c) => c.type === 'ReplicaFailure',
    );
    const status: Obj = {
      replicas: remaining.length,
      fullyLabeledReplicas: remaining.length,
      readyReplicas: remaining.filter(isReady).length,
      availableReplicas: remaining.filter((p) => isAvailable(p, minReady)).length,
      observedGeneration: m.generation as number,
      ...(failure
        ? {
            conditions: [
              {
                ...failure,
                lastTransitionTime:
                  previousFailure && previousFailure.message === failure.message
                    ? previousFailure.lastTransitionTime
                    : now(),
              },
            ],
          }
        : {}),
    };
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'])
      if (status[k] === 0) delete status[k];
    if (stable(rs.status) !== stable(status)) {
      rs.status = status;
      this.store.write(R('ReplicaSet'), rs, { status: true });
    }
  }
}
