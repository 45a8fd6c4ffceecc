/**
 * Why a workload's new revision is not ready: its pods' container states and conditions, the
 * controller's ReplicaFailure (quota, admission), and the last events of each. `fatal` marks the
 * states that waiting will not fix, so the rollout fails fast instead of sitting out its timeout.
 */
import type { KObject, KubeClient } from './client.js';

/** Container waiting reasons that do not heal by waiting (a new image or config is needed). */
export const FATAL_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
]);

export interface Diagnosis {
  fatal: boolean;
  /** Fatal unless the rollout still moves: pods cannot be created while old ones are still being scaled down. */
  fatalIfStalled?: boolean;
  lines: string[];
}

const MAX_PODS = 3;
const MAX_EVENTS = 5;

/** `matchLabels` + `matchExpressions` as a label selector string. */
export function selectorString(selector: KObject['spec'] | undefined): string {
  const terms = Object.entries((selector?.matchLabels ?? {}) as Record<string, string>).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of (selector?.matchExpressions ?? []) as Array<{
    key: string;
    operator: string;
    values?: string[];
  }>) {
    if (e.operator === 'In') terms.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.join(',');
}

const ownedBy = (obj: KObject, uid: string | undefined) =>
  (obj.metadata?.ownerReferences ?? []).some(
    (r: { uid?: string; controller?: boolean }) => r.uid === uid && r.controller,
  );

/** The ReplicaSet of a Deployment's current revision, once the controller has observed the spec. */
export async function currentReplicaSet(
  client: KubeClient,
  deployment: KObject,
): Promise<KObject | undefined> {
  const revision = deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  if (
    !revision ||
    Number(deployment.status?.observedGeneration ?? 0) < Number(deployment.metadata?.generation ?? 0)
  )
    return undefined;
  const sets = await ownedReplicaSets(client, deployment);
  return sets.find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision);
}

export async function ownedReplicaSets(client: KubeClient, deployment: KObject): Promise<KObject[]> {
  const ns = deployment.metadata?.namespace as string;
  const sets = await client.list('apps/v1', 'ReplicaSet', ns, selectorString(deployment.spec?.selector));
  return sets.filter((rs) => ownedBy(rs, deployment.metadata?.uid));
}

/** The pods of the workload's new revision, and the object that creates them. */
async function newRevision(client: KubeClient, obj: KObject): Promise<{ owner?: KObject; pods: KObject[] }> {
  const ns = obj.metadata?.namespace as string;
  const selector = selectorString(obj.spec?.selector);
  if (obj.kind === 'Deployment') {
    const rs = await currentReplicaSet(client, obj);
    if (!rs) return { pods: [] };
    const pods = await client.list('v1', 'Pod', ns, selectorString(rs.spec?.selector));
    return { owner: rs, pods: pods.filter((p) => ownedBy(p, rs.metadata?.uid)) };
  }
  if (obj.kind === 'Rollout') {
    // Argo Rollouts labels the pods of each revision with its pod hash; they belong to its ReplicaSets.
    const hash = obj.status?.currentPodHash;
    if (!hash) return { pods: [] };
    const pods = await client.list(
      'v1',
      'Pod',
      ns,
      [selector, `rollouts-pod-template-hash=${hash}`].join(','),
    );
    return { owner: obj, pods };
  }
  const extra =
    obj.kind === 'StatefulSet'
      ? obj.status?.updateRevision && `controller-revision-hash=${obj.status.updateRevision}`
      : `pod-template-generation=${obj.metadata?.generation}`;
  const pods = await client.list('v1', 'Pod', ns, [selector, extra].filter(Boolean).join(','));
  return { owner: obj, pods: pods.filter((p) => ownedBy(p, obj.metadata?.uid)) };
}

interface Problem {
  pod: string;
  container?: string;
  reason: string;
  message?: string;
  fatal: boolean;
}

export function podProblems(pod: KObject): Problem[] {
  const name = pod.metadata?.name as string;
  const problems: Problem[] = [];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason && FATAL_REASONS.has(waiting.reason)) {
      const last = s.lastState?.terminated;
      const exit = last
        ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''}, ${s.restartCount ?? 0} restarts)`
        : '';
      problems.push({
        pod: name,
        container: s.name,
        reason: waiting.reason,
        message: `${waiting.message ?? ''}${exit}`.trim(),
        fatal: true,
      });
    } else if (!s.ready) {
      const state = waiting
        ? (waiting.reason ?? 'Waiting')
        : s.state?.terminated
          ? `Terminated (${s.state.terminated.reason ?? s.state.terminated.exitCode})`
          : 'Running, not ready';
      problems.push({ pod: name, container: s.name, reason: state, message: waiting?.message, fatal: false });
    }
  }
  const scheduled = (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False')
    problems.push({
      pod: name,
      reason: scheduled.reason ?? 'Unschedulable',
      message: scheduled.message,
      fatal: false,
    });
  if (problems.length === 0 && !isReady(pod))
    problems.push({ pod: name, reason: pod.status?.phase ?? 'Pending', fatal: false });
  return problems;
}

function isReady(pod: KObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
}

const stamp = (e: KObject) => {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t).getTime() : 0;
};

/** The last events about one object, oldest first, as `Type Reason (xN): message` lines. */
export async function lastEvents(
  client: KubeClient,
  obj: KObject,
  max = MAX_EVENTS,
  about: (fieldPath: string | undefined) => boolean = () => true,
): Promise<string[]> {
  const ns = obj.metadata?.namespace as string;
  const events = await client.list('v1', 'Event', ns, undefined, `involvedObject.name=${obj.metadata?.name}`);
  return events
    .filter(
      (e) =>
        (!e.involvedObject?.kind || e.involvedObject.kind === obj.kind) && about(e.involvedObject?.fieldPath),
    )
    .sort((a, b) => stamp(a) - stamp(b))
    .slice(-max)
    .map(
      (e) =>
        `${e.type ?? 'Normal'} ${e.reason}${Number(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}: ${e.message ?? e.note ?? ''}`,
    );
}

export async function diagnose(client: KubeClient, obj: KObject): Promise<Diagnosis> {
  const { owner, pods } = await newRevision(client, obj);
  const lines: string[] = [];
  let fatal = false;
  let fatalIfStalled = false;
  const conditions = owner?.status?.conditions;
  const failure = (Array.isArray(conditions) ? conditions : []).find(
    (c: { type: string; status: string }) => c.type === 'ReplicaFailure' && c.status === 'True',
  );
  if (owner && failure) {
    // During a rolling update old pods still being scaled down free quota: wait while it moves.
    const oldPods = Number(obj.status?.replicas ?? 0) - Number(obj.status?.updatedReplicas ?? 0);
    if (obj.kind === 'Deployment' && oldPods > 0) fatalIfStalled = true;
    else fatal = true;
    lines.push(
      `${String(owner.kind).toLowerCase()}/${owner.metadata?.name} cannot create pods: ${failure.reason}: ${failure.message}`,
    );
    const events = await lastEvents(client, owner, 3);
    if (events.length > 0)
      lines.push(
        `Last events of ${String(owner.kind).toLowerCase()}/${owner.metadata?.name}:`,
        ...events.map((e) => `  ${e}`),
      );
  } else if (owner && owner !== obj && pods.length === 0) {
    lines.push(`No pods of ${String(owner.kind).toLowerCase()}/${owner.metadata?.name} exist yet.`);
  } else if (owner === obj && pods.length === 0) {
    // StatefulSets and DaemonSets report admission failures only as events on themselves.
    const events = (await lastEvents(client, obj, 3)).filter((e) => e.startsWith('Warning FailedCreate'));
    if (events.length > 0) {
      fatal = true;
      lines.push(
        `${String(obj.kind).toLowerCase()}/${obj.metadata?.name} cannot create pods:`,
        ...events.map((e) => `  ${e}`),
      );
    }
  }
  const troubled = pods
    .map((pod) => ({ pod, problems: podProblems(pod) }))
    .filter((p) => p.problems.length > 0)
    .sort((a, b) => Number(b.problems.some((x) => x.fatal)) - Number(a.problems.some((x) => x.fatal)));
  // Pods failing the same way are told once, with the others named: the story is the same.
  const groups = new Map<string, { pod: KObject; problems: Problem[]; others: string[] }>();
  for (const { pod, problems } of troubled) {
    const key = problems.map((p) => `${p.container}:${p.reason}`).join('|');
    const group = groups.get(key);
    if (group) group.others.push(pod.metadata?.name as string);
    else groups.set(key, { pod, problems, others: [] });
  }
  for (const { pod, problems, others } of [...groups.values()].slice(0, MAX_PODS)) {
    for (const p of problems) {
      if (p.fatal) fatal = true;
      const where = p.container ? `pod ${p.pod} container ${p.container}` : `pod ${p.pod}`;
      lines.push(`${where}: ${p.reason}${p.message ? ` — ${p.message}` : ''}`);
    }
    if (others.length > 0)
      lines.push(`(the same for ${others.length === 1 ? 'pod' : 'pods'} ${others.join(', ')})`);
    // Events about the troubled containers (and the pod as a whole), not the healthy sidecars.
    const containers = new Set(problems.map((p) => p.container).filter(Boolean));
    const events = await lastEvents(client, pod, MAX_EVENTS, (fieldPath) => {
      const name = /\{(.+)\}/.exec(fieldPath ?? '')?.[1];
      return !name || containers.size === 0 || containers.has(name);
    });
    if (events.length > 0)
      lines.push(`Last events of pod/${pod.metadata?.name}:`, ...events.map((e) => `  ${e}`));
  }
  if (groups.size > MAX_PODS) lines.push(`…and ${groups.size - MAX_PODS} more kinds of failure.`);
  return { fatal, ...(fatalIfStalled ? { fatalIfStalled } : {}), lines };
}
