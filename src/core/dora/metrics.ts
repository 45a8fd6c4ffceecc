/**
 * DORA's four keys over classified deployment records (./records.ts), as CONTRACT.md defines them:
 * rollbacks are not deployments; a deployment a rollback rolled away from counts as failed.
 * - deployment frequency: successful deployments per day over the window;
 * - lead time: the median, over every commit a successful deployment brought (the commits after
 *   the previous successful deployment's), of the time from the commit's date to that deployment;
 * - change failure rate: failed or rolled-back deployments over all deployments;
 * - time to restore: the median time from a failed or rolled-back deployment to the next success
 *   in the environment (a successful rollback counts).
 * An empty window has no rate and no medians (null), never a division by zero.
 */
import type { Classified } from './records.js';

export interface DoraWindow {
  from: Date;
  to: Date;
}

/** A successful deployment in the window and the deployment before it whose commit is the base. */
export interface ShippedRange {
  deployment: Classified;
  /** The previous successful deployment's commit; none for the first deployment on record. */
  baseSha?: string;
}

export interface WeekCount {
  /** Monday of the week (UTC), `YYYY-MM-DD`. */
  week: string;
  deployments: number;
  failed: number;
}

export interface DoraReport {
  environment: string;
  from: string;
  to: string;
  days: number;
  deployments: number;
  successful: number;
  failed: number;
  rolledBack: number;
  rollbacks: number;
  /** Successful deployments per day. */
  deploymentFrequency: number;
  /** Seconds; null without a successful deployment. */
  leadTime: number | null;
  commits: number;
  /** 0..1; null without a deployment. */
  changeFailureRate: number | null;
  /** Seconds; null when no failure was restored. */
  timeToRestore: number | null;
  restored: number;
  unrestored: number;
  weeks: WeekCount[];
}

const inWindow = (d: Classified, w: DoraWindow) => d.at >= w.from && d.at <= w.to;
const succeeded = (d: Classified) => d.kind === 'deploy' && d.outcome === 'success' && !d.failed;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The successful deployments in the window and each one's base commit (what was shipped before it). */
export function shippedRanges(all: Classified[], window: DoraWindow): ShippedRange[] {
  const ranges: ShippedRange[] = [];
  let base: string | undefined;
  for (const d of all) {
    if (!succeeded(d)) continue;
    if (inWindow(d, window)) ranges.push({ deployment: d, ...(base ? { baseSha: base } : {}) });
    base = d.sha;
  }
  return ranges;
}

function monday(date: Date): Date {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}

/** Every week (Monday, UTC) the window touches, with its deployments and failures. */
function weeks(deployments: Classified[], window: DoraWindow): WeekCount[] {
  const out: WeekCount[] = [];
  for (let m = monday(window.from); m < window.to; m = new Date(m.getTime() + 7 * 86_400_000)) {
    const end = new Date(m.getTime() + 7 * 86_400_000);
    const these = deployments.filter((d) => d.at >= m && d.at < end);
    out.push({
      week: m.toISOString().slice(0, 10),
      deployments: these.length,
      failed: these.filter((d) => d.failed).length,
    });
  }
  return out;
}

/**
 * The report. `commitDates` holds, for each successful deployment id in the window, the dates of
 * the commits it brought (from shippedRanges).
 */
export function computeDora(
  environment: string,
  all: Classified[],
  window: DoraWindow,
  commitDates: Map<string, Date[]>,
): DoraReport {
  const inside = all.filter((d) => inWindow(d, window));
  const deployments = inside.filter((d) => d.kind === 'deploy');
  const successful = deployments.filter(succeeded);
  const failed = deployments.filter((d) => d.failed);
  const days = (window.to.getTime() - window.from.getTime()) / 86_400_000;
  const leads: number[] = [];
  for (const d of successful) {
    for (const date of commitDates.get(d.id) ?? []) leads.push((d.at.getTime() - date.getTime()) / 1000);
  }
  const restores: number[] = [];
  for (const f of failed) {
    const next = all.find(
      (d) => d.at > f.at && ((d.kind === 'rollback' && d.outcome === 'success') || succeeded(d)),
    );
    if (next) restores.push((next.at.getTime() - f.at.getTime()) / 1000);
  }
  return {
    environment,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    days,
    deployments: deployments.length,
    successful: successful.length,
    failed: failed.length,
    rolledBack: deployments.filter((d) => d.rolledBack).length,
    rollbacks: inside.filter((d) => d.kind === 'rollback').length,
    deploymentFrequency: days > 0 ? successful.length / days : 0,
    leadTime: median(leads),
    commits: leads.length,
    changeFailureRate: deployments.length ? failed.length / deployments.length : null,
    timeToRestore: median(restores),
    restored: restores.length,
    unrestored: failed.length - restores.length,
    weeks: weeks(deployments, window),
  };
}

/** `2d 3h`, `3h 5m`, `4m 10s`, `12s`. */
export function humanDuration(seconds: number): string {
  const s = Math.round(seconds);
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n || parts.length) parts.push(`${n}${name}`);
  }
  const shown = parts.slice(0, 2).filter((p) => !/^0[a-z]$/.test(p));
  return shown.length ? shown.join(' ') : '0s';
}

/** `since`: `30d`, `2w`, `12h`, `90m` → milliseconds. */
export function parseSince(text: string): number {
  const m = /^(\d+)(w|d|h|m)$/.exec(text.trim());
  if (!m) throw new Error('not a period like 30d, 4w or 12h');
  const size = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'w' | 'd' | 'h' | 'm'];
  const ms = Number(m[1]) * size;
  if (ms <= 0) throw new Error('must be longer than nothing');
  return ms;
}
