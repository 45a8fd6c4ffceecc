/**
 * The controllers a cluster runs, reduced to what rollout watching needs: the Deployment
 * controller (one ReplicaSet per pod template, revision annotations, reuse of an old ReplicaSet
 * on rollback, old ReplicaSets scaled down once the new one is available, status and conditions),
 * the ReplicaSet controller (pods, pod quota → ReplicaFailure/FailedCreate) and a kubelet that
 * moves pods through the states real images produce, chosen by image name:
 *   `broken` → ErrImagePull then ImagePullBackOff, `crash` → CrashLoopBackOff,
 *   `unready` → Running but never Ready (readiness probe fails), `nosecret` → CreateContainerConfigError,
 *   an uppercase image → InvalidImageName; anything else becomes Ready after `startMs`.
 */
import { createHash } from 'node:crypto';
import { clone, type Obj } from './merge.js';
import { type ResourceDef, resourceForKind } from './resources.js';
import { meta, type Store, stable } from './store.js';

export type PodBehaviour = 'ok' | 'pull-error' | 'crash' | 'unready' | 'config-error' | 'invalid-name';

const REVISION = 'deployment.kubernetes.io/revision';
const R = (kind: string) => resourceForKind(kind) as ResourceDef;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function defaultBehaviour(image: string): PodBehaviour {
  if (image !== image.toLowerCase()) return 'invalid-name';
  if (image.includes('broken')) return 'pull-error';
  if (image.includes('crash')) return 'crash';
  if (image.includes('unready')) return 'unready';
  if (image.includes('nosecret')) return 'config-error';
  return 'ok';
}

export class Controller {
  /** Per-namespace pod quota (`pods` hard limit), as a ResourceQuota would enforce at admission. */
  readonly podQuota = new Map<string, number>();
  behaviour: (image: string) => PodBehaviour = defaultBehaviour;
  private readonly emitted = new Set<string>();
  private readonly progressStarted = new Map<string, number>();
  private eventSeq = 0;
  private podSeq = 0;

  constructor(
    private readonly store: Store,
    private readonly startMs: number,
  ) {}

  tick() {
    for (const d of this.store.list(R('Deployment'))) this.syncDeployment(d);
    for (const rs of this.store.list(R('ReplicaSet'))) this.syncReplicaSet(rs);
    for (const pod of this.store.list(R('Pod'))) this.syncPod(pod);
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
        this.repeat(
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
      this.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${podName}`, 'replicaset-controller');
    }
    const isReady = (p: Obj) =>
      ((p.status as Obj | undefined)?.conditions as Obj[] | undefined)?.some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ) ?? false;
    if (pods.length > desired) {
      const order = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b)));
      for (const pod of order.slice(0, pods.length - desired)) {
        this.store.delete(R('Pod'), ns, meta(pod).name as string);
        this.event(
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

  private syncPod(pod: Obj) {
    const m = meta(pod);
    const containers = ((pod.spec as Obj).containers ?? []) as Obj[];
    const elapsed = Date.now() - this.bornAt(pod);
    this.once(
      pod,
      'Scheduled',
      'Normal',
      `Successfully assigned ${m.namespace}/${m.name} to fake-node`,
      'default-scheduler',
    );
    const stage = Math.floor(elapsed / this.startMs);
    const statuses: Obj[] = [];
    let phase = 'Pending';
    let allReady = stage >= 1;
    for (const c of containers) {
      const b = this.behaviour(String(c.image));
      const base = {
        name: c.name,
        image: c.image,
        imageID: '',
        restartCount: 0,
        started: false,
        ready: false,
      };
      if (stage < 1) {
        statuses.push({ ...base, state: { waiting: { reason: 'ContainerCreating' } } });
        allReady = false;
        continue;
      }
      const image = String(c.image);
      const field = `spec.containers{${c.name}}`;
      if (b === 'ok' || b === 'unready') {
        this.once(
          pod,
          `Pulled-${c.name}`,
          'Normal',
          `Container image "${image}" already present on machine`,
          'kubelet',
          field,
          'Pulled',
        );
        this.once(
          pod,
          `Started-${c.name}`,
          'Normal',
          `Started container ${c.name}`,
          'kubelet',
          field,
          'Started',
        );
        phase = 'Running';
        const ready = b === 'ok';
        if (!ready) {
          allReady = false;
          this.repeat(
            pod,
            'Unhealthy',
            'Warning',
            'Readiness probe failed: HTTP probe failed with statuscode: 503',
            field,
          );
        }
        statuses.push({
          ...base,
          started: true,
          ready,
          state: { running: { startedAt: m.creationTimestamp } },
        });
        continue;
      }
      allReady = false;
      if (b === 'pull-error') {
        const pullMessage = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`;
        this.once(
          pod,
          `Pulling-${c.name}`,
          'Normal',
          `Pulling image "${image}"`,
          'kubelet',
          field,
          'Pulling',
        );
        this.once(pod, `Failed-${c.name}`, 'Warning', pullMessage, 'kubelet', field, 'Failed');
        const reason = stage < 2 ? 'ErrImagePull' : 'ImagePullBackOff';
        if (stage >= 2) this.repeat(pod, 'BackOff', 'Normal', `Back-off pulling image "${image}"`, field);
        statuses.push({
          ...base,
          state: {
            waiting: { reason, message: stage < 2 ? pullMessage : `Back-off pulling image "${image}"` },
          },
        });
      } else if (b === 'crash') {
        phase = 'Running';
        this.once(
          pod,
          `Started-${c.name}`,
          'Normal',
          `Started container ${c.name}`,
          'kubelet',
          field,
          'Started',
        );
        if (stage < 2) {
          statuses.push({ ...base, started: true, state: { running: { startedAt: m.creationTimestamp } } });
        } else {
          this.repeat(
            pod,
            'BackOff',
            'Warning',
            `Back-off restarting failed container ${c.name} in pod ${m.name}_${m.namespace}(${m.uid})`,
            field,
          );
          statuses.push({
            ...base,
            restartCount: stage - 1,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 10s restarting failed container=${c.name} pod=${m.name}_${m.namespace}(${m.uid})`,
              },
            },
            lastState: {
              terminated: { exitCode: 1, reason: 'Error', startedAt: m.creationTimestamp, finishedAt: now() },
            },
          });
        }
      } else if (b === 'config-error') {
        const message = 'secret "db-credentials" not found';
        this.once(pod, `Failed-${c.name}`, 'Warning', `Error: ${message}`, 'kubelet', field, 'Failed');
        statuses.push({ ...base, state: { waiting: { reason: 'CreateContainerConfigError', message } } });
      } else {
        const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format: repository name must be lowercase`;
        this.once(pod, `InspectFailed-${c.name}`, 'Warning', message, 'kubelet', field, 'InspectFailed');
        statuses.push({ ...base, state: { waiting: { reason: 'InvalidImageName', message } } });
      }
    }
    const condition = (type: string, ok: boolean, reason?: string) => ({
      type,
      status: ok ? 'True' : 'False',
      ...(ok || !reason ? {} : { reason }),
    });
    const status: Obj = {
      phase,
      hostIP: '10.0.0.1',
      podIP: stage >= 1 ? `10.244.0.${(this.podSeq % 250) + 2}` : undefined,
      conditions: [
        condition('PodScheduled', true),
        condition('Initialized', true),
        condition('ContainersReady', allReady, 'ContainersNotReady'),
        condition('Ready', allReady, 'ContainersNotReady'),
      ],
      containerStatuses: statuses,
      startTime: m.creationTimestamp,
    };
    if (!status.podIP) delete status.podIP;
    if (stable(pod.status) !== stable(status)) {
      pod.status = status;
      this.store.write(R('Pod'), pod, { status: true });
    }
  }

  private readonly born = new Map<string, number>();
  private bornAt(pod: Obj): number {
    const uid = String(meta(pod).uid);
    if (!this.born.has(uid)) this.born.set(uid, Date.now());
    return this.born.get(uid) as number;
  }

  private once(
    obj: Obj,
    key: string,
    type: string,
    message: string,
    component: string,
    fieldPath?: string,
    reason = key,
  ) {
    const id = `${meta(obj).uid}/${key}`;
    if (this.emitted.has(id)) return;
    this.emitted.add(id);
    this.event(obj, type, reason, message, component, fieldPath);
  }

  /** An event that repeats (probe failures, back-offs): one object whose count grows, as the real event recorder does. */
  private repeat(
    obj: Obj,
    reason: string,
    type: string,
    message: string,
    fieldPath?: string,
    component = 'kubelet',
  ) {
    const id = `${meta(obj).uid}/repeat/${reason}`;
    const name = `${meta(obj).name}.${reason.toLowerCase()}`;
    const ns = meta(obj).namespace as string;
    const existing = this.emitted.has(id) ? this.store.get(R('Event'), ns, name) : undefined;
    if (existing) {
      const last = Date.parse(String(existing.lastTimestamp));
      if (Date.now() - last < 1000) return;
      existing.count = Number(existing.count ?? 1) + 1;
      existing.lastTimestamp = now();
      this.store.write(R('Event'), existing);
      return;
    }
    this.emitted.add(id);
    this.event(obj, type, reason, message, component, fieldPath, name);
  }

  event(
    obj: Obj,
    type: string,
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
    name?: string,
  ) {
    const m = meta(obj);
    const time = now();
    this.store.write(R('Event'), {
      metadata: {
        name: name ?? `${m.name}.${(Date.now() * 1000 + ++this.eventSeq).toString(16)}`,
        namespace: m.namespace,
      },
      involvedObject: {
        kind: obj.kind,
        apiVersion: obj.apiVersion,
        namespace: m.namespace,
        name: m.name,
        uid: m.uid,
        ...(fieldPath ? { fieldPath } : {}),
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: time,
      lastTimestamp: time,
      source: { component, ...(component === 'kubelet' ? { host: 'fake-node' } : {}) },
      reportingComponent: component,
    });
  }
}
