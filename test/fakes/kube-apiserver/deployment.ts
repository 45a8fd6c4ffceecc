/**
 * The Deployment controller of the fake, after the real one (pkg/controller/deployment): one
 * ReplicaSet per pod template (compared semantically, ignoring `pod-template-hash`, so
 * `kubectl rollout undo` reuses the old ReplicaSet under a new revision), RollingUpdate with
 * maxSurge/maxUnavailable (old ReplicaSets scaled down as new pods become available), Recreate
 * (old pods gone before new ones start), `paused` (no rollout), `minReadySeconds` (via the
 * ReplicaSets), a progress deadline that restarts whenever the rollout makes progress, the
 * ReplicaFailure of the new ReplicaSet copied into the Deployment's conditions, and history
 * cleanup to `revisionHistoryLimit` once a rollout is complete.
 */
import { now, R } from './events.js';
import { clone, type Obj } from './merge.js';
import { meta, type Store, stable, templateHash } from './store.js';

export const REVISION = 'deployment.kubernetes.io/revision';
const SKIPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
]);

const num = (v: unknown, d = 0) => (v === undefined || v === null ? d : Number(v));

/** An int-or-percent of `total`, rounded as the controller rounds surge (up) and unavailability (down). */
export function scaled(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'string' && value.endsWith('%')) {
    const exact = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  return Number(value ?? 0);
}

function surgeAndUnavailable(d: Obj, replicas: number): [number, number] {
  const strategy = ((d.spec as Obj).strategy ?? {}) as Obj;
  if (strategy.type === 'Recreate') return [0, replicas];
  const ru = (strategy.rollingUpdate ?? {}) as Obj;
  const surge = scaled(ru.maxSurge ?? '25%', replicas, true);
  let unavailable = scaled(ru.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, Math.min(unavailable, replicas)];
}

/** The template compared semantically: without `pod-template-hash` and null fields (`creationTimestamp: null`). */
function withoutHash(template: Obj): string {
  const t = clone(template);
  const labels = meta(t).labels as Obj | undefined;
  if (labels) delete labels['pod-template-hash'];
  return JSON.stringify(JSON.parse(stable(t), (_k, v) => (v === null ? undefined : v)));
}

const revisionOf = (rs: Obj) => num((meta(rs).annotations as Obj | undefined)?.[REVISION]);
const specReplicas = (rs: Obj) => num((rs.spec as Obj).replicas);
const statusOf = (rs: Obj, key: string) => num(((rs.status ?? {}) as Obj)[key]);

export class DeploymentController {
  /** When each Deployment last made progress (the progress deadline counts from there). */
  private readonly lastProgress = new Map<string, { at: number; signature: string }>();

  constructor(private readonly store: Store) {}

  private owned(ns: string, uid: unknown): Obj[] {
    return this.store
      .list(R('ReplicaSet'), ns)
      .filter((o) =>
        ((meta(o).ownerReferences ?? []) as Obj[]).some((ref) => ref.uid === uid && ref.controller),
      );
  }

  private scale(rs: Obj, replicas: number): Obj {
    if (specReplicas(rs) === replicas) return rs;
    (rs.spec as Obj).replicas = replicas;
    return this.store.write(R('ReplicaSet'), rs);
  }

  sync(d: Obj) {
    const m = meta(d);
    const ns = m.namespace as string;
    const spec = d.spec as Obj;
    const replicas = num(spec.replicas, 1);
    const template = clone(spec.template as Obj);
    const key = withoutHash(template);
    let sets = this.owned(ns, m.uid);
    let current = sets.find((rs) => withoutHash((rs.spec as Obj).template as Obj) === key);
    const maxRevision = Math.max(0, ...sets.map(revisionOf));
    const paused = spec.paused === true;
    let progressed = false;
    const annotations = Object.fromEntries(
      Object.entries((m.annotations ?? {}) as Obj).filter(([k]) => !SKIPPED_ANNOTATIONS.has(k)),
    );
    if (!current && !paused) {
      const hash = templateHash(key);
      const tm = meta(template);
      tm.labels = { ...((tm.labels as Obj) ?? {}), 'pod-template-hash': hash };
      current = this.store.write(R('ReplicaSet'), {
        metadata: {
          name: `${m.name}-${hash}`,
          namespace: ns,
          labels: tm.labels,
          annotations: { ...annotations, [REVISION]: String(maxRevision + 1) },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: m.name,
              uid: m.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          replicas: 0,
          minReadySeconds: num(spec.minReadySeconds),
          selector: {
            matchLabels: { ...((spec.selector as Obj).matchLabels as Obj), 'pod-template-hash': hash },
          },
          template,
        },
      });
      progressed = true;
      sets = [...sets, current];
    } else if (current && !paused && revisionOf(current) < maxRevision) {
      // A rollback to an old template reuses its ReplicaSet under a new, highest revision.
      meta(current).annotations = {
        ...(meta(current).annotations as Obj),
        ...annotations,
        [REVISION]: String(maxRevision + 1),
      };
      current = this.store.write(R('ReplicaSet'), current);
      sets = sets.map((rs) => (meta(rs).uid === meta(current as Obj).uid ? (current as Obj) : rs));
      progressed = true;
    }
    if (current && (meta(d).annotations as Obj | undefined)?.[REVISION] !== String(revisionOf(current))) {
      m.annotations = { ...((m.annotations as Obj) ?? {}), [REVISION]: String(revisionOf(current)) };
      this.store.write(R('Deployment'), d);
    }
    const old = sets.filter((rs) => !current || meta(rs).uid !== meta(current).uid);
    if (paused) {
      // Only scaling happens while paused: the newest ReplicaSet follows spec.replicas.
      const newest = current ?? [...sets].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
      if (newest && old.every((rs) => specReplicas(rs) === 0 || rs === newest)) this.scale(newest, replicas);
    } else if (current && ((spec.strategy ?? {}) as Obj).type === 'Recreate') {
      for (const rs of old) this.scale(rs, 0);
      const oldPods = old.reduce((n, rs) => n + statusOf(rs, 'replicas'), 0);
      if (oldPods === 0) current = this.scale(current, replicas);
    } else if (current) {
      const [surge, maxUnavailable] = surgeAndUnavailable(d, replicas);
      // Scale up the new ReplicaSet within replicas + maxSurge.
      const total = sets.reduce((n, rs) => n + specReplicas(rs), 0);
      if (specReplicas(current) > replicas) current = this.scale(current, replicas);
      else if (total < replicas + surge && specReplicas(current) < replicas) {
        current = this.scale(current, Math.min(replicas, specReplicas(current) + replicas + surge - total));
      }
      // Scale down old ReplicaSets, keeping replicas - maxUnavailable available.
      const minAvailable = replicas - maxUnavailable;
      const all = [current, ...old];
      let allPods = all.reduce((n, rs) => n + specReplicas(rs), 0);
      const newUnavailable = specReplicas(current) - statusOf(current, 'availableReplicas');
      let budget = allPods - minAvailable - newUnavailable;
      const byAge = [...old].sort((a, b) => revisionOf(a) - revisionOf(b));
      for (const rs of byAge) {
        if (budget <= 0) break;
        const unhealthy = specReplicas(rs) - statusOf(rs, 'availableReplicas');
        if (unhealthy <= 0) continue;
        const down = Math.min(budget, unhealthy);
        this.scale(rs, specReplicas(rs) - down);
        budget -= down;
        allPods -= down;
      }
      const available = all.reduce((n, rs) => n + statusOf(rs, 'availableReplicas'), 0);
      let toRemove = Math.max(0, available - minAvailable);
      for (const rs of byAge) {
        if (toRemove <= 0) break;
        const fresh = this.store.get(R('ReplicaSet'), ns, String(meta(rs).name));
        if (!fresh || specReplicas(fresh) === 0) continue;
        const down = Math.min(specReplicas(fresh), toRemove);
        this.scale(fresh, specReplicas(fresh) - down);
        toRemove -= down;
      }
    }
    this.status(d, current, progressed);
  }

  private status(d: Obj, current: Obj | undefined, created: boolean) {
    const m = meta(d);
    const ns = m.namespace as string;
    const uid = String(m.uid);
    const spec = d.spec as Obj;
    const replicas = num(spec.replicas, 1);
    const all = this.owned(ns, m.uid);
    const fresh = current ? all.find((rs) => meta(rs).uid === meta(current).uid) : undefined;
    const sum = (key: string, sets = all) => sets.reduce((n, rs) => n + statusOf(rs, key), 0);
    const updated = fresh ? statusOf(fresh, 'replicas') : 0;
    const available = sum('availableReplicas');
    const total = sum('replicas');
    const specTotal = all.reduce((n, rs) => n + specReplicas(rs), 0);
    const [, maxUnavailable] = surgeAndUnavailable(d, replicas);
    const complete =
      !!fresh &&
      updated === replicas &&
      total === replicas &&
      available === replicas &&
      statusOf(fresh, 'availableReplicas') === replicas;
    const signature = `${fresh ? meta(fresh).uid : ''}/${updated}/${total - updated}/${sum('readyReplicas')}/${available}`;
    const seen = this.lastProgress.get(uid);
    const t = Date.now();
    if (created || !seen || (seen.signature !== signature && progress(seen.signature, signature))) {
      this.lastProgress.set(uid, { at: t, signature });
    } else if (seen.signature !== signature) seen.signature = signature;
    const since = this.lastProgress.get(uid)?.at ?? t;
    const previous = ((d.status as Obj | undefined)?.conditions ?? []) as Obj[];
    const prior = (type: string) => previous.find((c) => c.type === type);
    const condition = (
      type: string,
      status: string,
      reason: string,
      message: string,
      updatedAt?: string,
    ): Obj => {
      const before = prior(type);
      const same = before?.status === status && before?.reason === reason;
      return {
        type,
        status,
        lastUpdateTime: same && !updatedAt ? before?.lastUpdateTime : (updatedAt ?? now()),
        lastTransitionTime: before?.status === status ? before?.lastTransitionTime : now(),
        reason,
        message,
      };
    };
    const rsName = fresh ? meta(fresh).name : '';
    const deadline = num(spec.progressDeadlineSeconds, 600) * 1000;
    const timedOut = !created && t - since > deadline;
    let progressing: Obj;
    if (spec.paused === true)
      progressing = condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
    else if (complete)
      progressing = condition(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
      );
    else if (timedOut)
      progressing = condition(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
      );
    else
      progressing = condition(
        'Progressing',
        'True',
        created ? 'NewReplicaSetCreated' : 'ReplicaSetUpdated',
        created ? `Created new replica set "${rsName}"` : `ReplicaSet "${rsName}" is progressing.`,
        new Date(since).toISOString().replace(/\.\d+Z$/, 'Z'),
      );
    const minimum = available >= replicas - maxUnavailable;
    const failure = fresh
      ? (((fresh.status ?? {}) as Obj).conditions as Obj[] | undefined)?.find(
          (c) => c.type === 'ReplicaFailure',
        )
      : undefined;
    const conditions: Obj[] = [
      condition(
        'Available',
        minimum ? 'True' : 'False',
        minimum ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        minimum ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
      ),
      progressing,
      ...(failure ? [{ ...failure, lastUpdateTime: failure.lastTransitionTime }] : []),
    ];
    const status: Obj = {
      observedGeneration: m.generation as number,
      replicas: total,
      updatedReplicas: updated,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, specTotal - available),
      conditions,
    };
    for (const k of [
      'replicas',
      'updatedReplicas',
      'readyReplicas',
      'availableReplicas',
      'unavailableReplicas',
    ])
      if (status[k] === 0) delete status[k];
    const live = this.store.get(R('Deployment'), ns, m.name as string);
    const strip = (s: unknown) =>
      stable({
        ...(s as Obj),
        conditions: ((s as Obj | undefined)?.conditions as Obj[] | undefined)?.map(
          ({ lastUpdateTime: _u, lastTransitionTime: _t, ...c }) => c,
        ),
      });
    const sinceChanged = prior('Progressing')?.lastUpdateTime !== progressing.lastUpdateTime;
    if (live && (strip(live.status) !== strip(status) || sinceChanged)) {
      live.status = status;
      this.store.write(R('Deployment'), live, { status: true });
    }
    if (complete) this.cleanup(d, all, fresh as Obj);
  }

  /** Deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private cleanup(d: Obj, all: Obj[], current: Obj) {
    const limit = num((d.spec as Obj).revisionHistoryLimit, 10);
    const idle = all
      .filter(
        (rs) =>
          meta(rs).uid !== meta(current).uid && specReplicas(rs) === 0 && statusOf(rs, 'replicas') === 0,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit)))
      this.store.delete(R('ReplicaSet'), meta(rs).namespace as string, String(meta(rs).name));
  }
}

/** Whether the counts moved forward: more updated, ready or available pods, or fewer old ones. */
function progress(before: string, after: string): boolean {
  const [rsA, ...a] = before.split('/');
  const [rsB, ...b] = after.split('/');
  if (rsA !== rsB) return true;
  const [upA, oldA, readyA, availA] = a.map(Number) as [number, number, number, number];
  const [upB, oldB, readyB, availB] = b.map(Number) as [number, number, number, number];
  return upB > upA || oldB < oldA || readyB > readyA || availB > availA;
}
