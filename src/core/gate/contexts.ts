/**
 * gate-merge `require`: decides, for each required context, whether the commit is green, from
 * its commit statuses and check runs; and waits (polling) for pending or missing ones.
 */
import type { Log } from '../log.js';
import { sleep } from '../retry.js';

export interface StatusEntry {
  context: string;
  /** success, failure, error, pending (GitHub's words; GitLab's are mapped by the adapter). */
  state: string;
  url?: string;
  id?: number;
}

export interface CheckRunEntry {
  name: string;
  /** queued, in_progress, completed, … */
  status: string;
  conclusion: string | null;
  url?: string;
  id?: number;
}

export interface CommitChecks {
  statuses: StatusEntry[];
  checkRuns: CheckRunEntry[];
}

export type Verdict = 'green' | 'pending' | 'red' | 'missing';

export interface ContextReport {
  context: string;
  verdict: Verdict;
  /** What was seen: `status success`, `check completed/failure`, or `not reported`. */
  detail: string;
  url?: string;
}

// Branch protection counts these check-run conclusions as passing.
const GREEN_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);
const RANK: Record<Verdict, number> = { green: 0, pending: 1, missing: 1, red: 2 };

function statusVerdict(state: string): Verdict {
  if (state === 'success') return 'green';
  if (state === 'pending') return 'pending';
  return 'red';
}

function checkVerdict(run: CheckRunEntry): Verdict {
  if (run.status !== 'completed') return 'pending';
  return GREEN_CONCLUSIONS.has(run.conclusion ?? '') ? 'green' : 'red';
}

/** The latest entry per name (highest id, else the last listed). */
function latest<T extends { id?: number }>(items: T[], name: (t: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const key = name(item).toLowerCase();
    const seen = map.get(key);
    if (!seen || (item.id ?? 0) >= (seen.id ?? 0)) map.set(key, item);
  }
  return map;
}

/** One report per required context; a context reported both ways takes the worse verdict. */
export function evaluate(required: string[], checks: CommitChecks): ContextReport[] {
  const statuses = latest(checks.statuses, (s) => s.context);
  const runs = latest(checks.checkRuns, (r) => r.name);
  return required.map((context) => {
    const key = context.toLowerCase();
    const found: ContextReport[] = [];
    const status = statuses.get(key);
    if (status)
      found.push({
        context,
        verdict: statusVerdict(status.state),
        detail: `status ${status.state}`,
        ...(status.url ? { url: status.url } : {}),
      });
    const run = runs.get(key);
    if (run) {
      found.push({
        context,
        verdict: checkVerdict(run),
        detail: `check run ${run.status}${run.conclusion ? `/${run.conclusion}` : ''}`,
        ...(run.url ? { url: run.url } : {}),
      });
    }
    if (!found.length) return { context, verdict: 'missing', detail: 'not reported on this commit' };
    return found.reduce((a, b) => (RANK[b.verdict] > RANK[a.verdict] ? b : a));
  });
}

export interface WaitOptions {
  required: string[];
  read: () => Promise<CommitChecks>;
  /** How long to wait for pending/missing contexts; 0 = decide on the first read. */
  timeoutMs: number;
  pollMs: number;
  log: Log;
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
}

export interface WaitResult {
  passed: boolean;
  reports: ContextReport[];
  polls: number;
  waitedMs: number;
}

/** Polls until every context is green, one is red (no point waiting), or the timeout passes. */
export async function waitForContexts(options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const wait = options.wait ?? sleep;
  const started = now();
  for (let polls = 1; ; polls++) {
    const reports = evaluate(options.required, await options.read());
    const waitedMs = now() - started;
    const open = reports.filter((r) => r.verdict === 'pending' || r.verdict === 'missing');
    const red = reports.some((r) => r.verdict === 'red');
    if (red || !open.length || waitedMs + options.pollMs > options.timeoutMs) {
      return { passed: !red && !open.length, reports, polls, waitedMs };
    }
    options.log.info(
      `waiting for ${open.map((r) => `${r.context} (${r.verdict})`).join(', ')}; next check in ${options.pollMs}ms`,
    );
    await wait(options.pollMs);
  }
}
