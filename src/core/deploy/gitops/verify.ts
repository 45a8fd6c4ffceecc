/**
 * gitops `verify`: after the push, wait until the GitOps controller reports *our* commit applied
 * and healthy — Argo CD: `status.sync.revision` (or one of `status.sync.revisions`) is our sha,
 * sync `Synced`, health `Healthy`; Flux: `status.lastAppliedRevision` names our sha and `Ready=True`.
 * An older revision that is already Synced/Healthy is never taken for ours. Fails fast on a state
 * waiting will not fix (Degraded, a failed sync operation, Ready=False with a terminal reason), and
 * a timeout gives the same diagnosis. The Kubernetes access is an interface (verify-kube.ts is the
 * real one): a watch for fast verdicts plus a poll in case the watch stalls.
 */
import { formatDuration } from '../../duration.js';
import { StepError } from '../../errors.js';
import type { Log } from '../../log.js';

export type GitopsController = 'argocd' | 'flux';

/** An Argo CD Application or Flux Kustomization as plain data (fields read defensively). */
// biome-ignore lint/suspicious/noExplicitAny: custom resources are arbitrary JSON
export type AppObject = { metadata?: any; spec?: any; status?: any };

/** How the verification reads the application; verify-kube.ts implements it with @kubernetes/client-node. */
export interface AppStatusSource {
  /** The object as it is now; undefined when it does not exist. */
  read(): Promise<AppObject | undefined>;
  /**
   * Streams the object's changes (the current state first); `onEnd` when the stream ends, so it
   * can be started again. Resolves to a function that stops it.
   */
  watch(onChange: (obj: AppObject | undefined) => void, onEnd: (err?: unknown) => void): Promise<() => void>;
}

export interface VerifyOptions {
  controller: GitopsController;
  namespace: string;
  name: string;
  /** The commit the controller must report (full sha). */
  revision: string;
  timeoutMs: number;
  /** Re-read interval beside the watch (default 5 s). */
  pollIntervalMs?: number;
}

export interface VerifyResult {
  /** The revision the controller reports as applied (Flux: `main@sha1:…`). */
  revision: string;
  health: string;
  summary: string[];
}

export interface Verdict {
  state: 'done' | 'wait' | 'failed';
  /** The controller's state in one line. */
  message: string;
  /** The revision the controller reports now. */
  revision: string;
  health: string;
  /** Unhealthy resources and error conditions, one a line. */
  problems: string[];
}

/** True when a controller's revision text names the commit: `sha`, `main@sha1:sha`, `main/sha`. */
export function namesRevision(text: unknown, sha: string): boolean {
  if (typeof text !== 'string' || !sha) return false;
  const t = text.trim().toLowerCase();
  const s = sha.toLowerCase();
  return t === s || t.endsWith(`:${s}`) || t.endsWith(`/${s}`) || t.endsWith(`@${s}`);
}

const short = (rev: string) => rev.replace(/[0-9a-f]{40}/g, (sha) => sha.slice(0, 12));

/** Argo CD: the Application's sync, health and operation state for our commit. */
export function judgeArgo(app: AppObject, sha: string): Verdict {
  const status = app.status ?? {};
  const sync = status.sync ?? {};
  const revisions: string[] = (Array.isArray(sync.revisions) ? sync.revisions : []).filter(Boolean);
  const current: string = revisions.length ? revisions.join(', ') : String(sync.revision ?? '');
  const ours = namesRevision(sync.revision, sha) || revisions.some((r) => namesRevision(r, sha));
  const health = String(status.health?.status ?? 'Unknown');
  const op = status.operationState;
  const opSync = op?.operation?.sync ?? {};
  const opRevisions = [
    opSync.revision,
    ...(opSync.revisions ?? []),
    op?.syncResult?.revision,
    ...(op?.syncResult?.revisions ?? []),
  ];
  const opOurs = Boolean(op) && opRevisions.some((r) => namesRevision(r, sha));
  const problems = argoProblems(status);
  const state = `sync ${sync.status ?? 'Unknown'} at ${short(current) || 'no revision'}, health ${health}${op?.phase ? `, operation ${op.phase}` : ''}`;
  const verdict = (v: Verdict['state'], message: string): Verdict => ({
    state: v,
    message,
    // A multi-source app's revision of the config repository is the one reported.
    revision: ours ? (revisions.find((r) => namesRevision(r, sha)) ?? String(sync.revision)) : current,
    health,
    problems,
  });
  if (opOurs && (op.phase === 'Failed' || op.phase === 'Error')) {
    return verdict(
      'failed',
      `the sync operation ${op.phase === 'Error' ? 'errored' : 'failed'}: ${op.message || state}`,
    );
  }
  if (ours && health === 'Degraded') {
    return verdict(
      'failed',
      `health Degraded${status.health?.message ? `: ${status.health.message}` : ''} (${state})`,
    );
  }
  const running = opOurs && (op.phase === 'Running' || op.phase === 'Terminating');
  if (ours && sync.status === 'Synced' && health === 'Healthy' && !running) return verdict('done', state);
  return verdict('wait', state);
}

function argoProblems(status: AppObject['status']): string[] {
  const lines: string[] = [];
  for (const r of Array.isArray(status.resources) ? status.resources : []) {
    const h = r?.health;
    if (!h?.status || h.status === 'Healthy') continue;
    const where = r.namespace ? `${r.namespace}/${r.name}` : r.name;
    lines.push(`${r.kind} ${where}: ${h.status}${h.message ? `: ${h.message}` : ''}`);
  }
  for (const c of Array.isArray(status.conditions) ? status.conditions : []) {
    if (/Error|Warning/.test(String(c?.type))) lines.push(`${c.type}: ${c.message ?? ''}`);
  }
  return lines;
}

/**
 * Flux Ready=False reasons that waiting will not fix for this revision (kustomize-controller
 * retries on its interval, but only a new commit changes the outcome).
 */
const FLUX_TERMINAL = new Set([
  'BuildFailed',
  'HealthCheckFailed',
  'ReconciliationFailed',
  'PruneFailed',
  'InvalidPath',
]);

/** Flux: the Kustomization's applied/attempted revision and its Ready condition. */
export function judgeFlux(ks: AppObject, sha: string): Verdict {
  const status = ks.status ?? {};
  const conditions: Array<Record<string, string>> = Array.isArray(status.conditions) ? status.conditions : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const stalled = conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
  const applied = String(status.lastAppliedRevision ?? '');
  const attempted = String(status.lastAttemptedRevision ?? '');
  const generation = Number(ks.metadata?.generation ?? 0);
  const observed = Number(status.observedGeneration ?? 0);
  const health = ready?.status === 'True' ? 'Healthy' : String(ready?.reason ?? 'Unknown');
  const state = `Ready=${ready?.status ?? 'Unknown'}${ready?.reason ? ` (${ready.reason})` : ''}, applied ${short(applied) || 'nothing'}, attempted ${short(attempted) || 'nothing'}`;
  const problems = conditions
    .filter((c) => c.status === 'False' || (c.type === 'Stalled' && c.status === 'True'))
    .map((c) => `${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`);
  const verdict = (v: Verdict['state'], message: string): Verdict => ({
    state: v,
    message,
    revision: applied,
    health,
    problems,
  });
  const current = observed >= generation;
  if (namesRevision(attempted, sha) && current) {
    if (ready?.status === 'False' && FLUX_TERMINAL.has(String(ready.reason))) {
      return verdict('failed', `${ready.reason}: ${ready.message ?? ''}`);
    }
    if (stalled) return verdict('failed', `stalled (${stalled.reason}): ${stalled.message ?? ''}`);
  }
  if (namesRevision(applied, sha) && ready?.status === 'True' && current) return verdict('done', state);
  return verdict('wait', state);
}

function describe(what: string, sha: string, verdict: Verdict | undefined, head: string): string {
  const lines = [`${what}: ${head} (commit ${sha.slice(0, 12)}).`];
  if (verdict) {
    if (verdict.message !== head) lines.push(`State: ${verdict.message}`);
    if (verdict.problems.length)
      lines.push('Unhealthy resources and errors:', ...verdict.problems.map((p) => `  ${p}`));
  }
  return lines.join('\n');
}

/** Waits for the controller's verdict on our commit; throws a StepError with the diagnosis on failure or timeout. */
export function verifyGitops(
  options: VerifyOptions,
  source: AppStatusSource,
  log: Log,
): Promise<VerifyResult> {
  const what = `${options.controller === 'argocd' ? 'Argo CD Application' : 'Flux Kustomization'} ${options.namespace}/${options.name}`;
  const judge = options.controller === 'argocd' ? judgeArgo : judgeFlux;
  const sha = options.revision;
  const started = Date.now();
  log.info(
    `Waiting up to ${formatDuration(options.timeoutMs)} for ${what} to apply commit ${sha.slice(0, 12)}`,
  );
  return new Promise<VerifyResult>((resolve, reject) => {
    let settled = false;
    let last: Verdict | undefined;
    let missing = false;
    let stopWatch: (() => void) | undefined;
    const timers = new Set<NodeJS.Timeout>();
    const later = (fn: () => void, ms: number) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    };
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      stopWatch?.();
      fn();
    };
    const see = (obj: AppObject | undefined) => {
      if (settled) return;
      if (!obj) {
        if (!missing) log.warning(`${what} does not exist (yet); waiting for it`);
        missing = true;
        return;
      }
      missing = false;
      const verdict = judge(obj, sha);
      if (verdict.message !== last?.message) log.info(`${what}: ${verdict.message}`);
      last = verdict;
      if (verdict.state === 'done') {
        const took = formatDuration(Date.now() - started);
        finish(() =>
          resolve({
            revision: verdict.revision,
            health: verdict.health,
            summary: [`${what} applied commit \`${sha.slice(0, 12)}\`: ${verdict.message} (after ${took}).`],
          }),
        );
      } else if (verdict.state === 'failed') {
        finish(() => reject(new StepError(describe(what, sha, verdict, verdict.message))));
      }
    };
    const fail = (err: unknown) => finish(() => reject(err));
    const poll = () => {
      source.read().then((obj) => {
        see(obj);
        if (!settled) later(poll, options.pollIntervalMs ?? 5000);
      }, fail);
    };
    const watch = () => {
      if (settled) return;
      source
        .watch(see, () => {
          stopWatch = undefined;
          if (!settled) later(watch, 200); // the server ended the stream: start another
        })
        .then(
          (stop) => {
            if (settled) stop();
            else stopWatch = stop;
          },
          () => later(watch, 1000), // the poll still runs; try the watch again
        );
    };
    later(() => {
      const waited = formatDuration(options.timeoutMs);
      const head = missing
        ? `does not exist after ${waited}`
        : `did not report the commit synced and healthy within ${waited}`;
      fail(new StepError(describe(what, sha, missing ? undefined : last, head)));
    }, options.timeoutMs);
    poll();
    watch();
  });
}
