/**
 * Freeze windows: when deploys to an environment stop. A window is a pair of cron expressions
 * with a time zone, as GitLab's deploy freezes (`0 17 * * 5 0 8 * * 1 Europe/Berlin`: Friday 17:00
 * to Monday 08:00 Berlin time), or an ISO interval (`2026-12-24T00:00Z/2026-12-27T00:00Z`).
 * Cron occurrences, time zones and daylight-saving changes come from cron-parser (luxon), not
 * from arithmetic here. Nothing reads a clock: `now` is always passed in.
 */
import { CronExpressionParser } from 'cron-parser';

export interface CronWindow {
  kind: 'cron';
  /** The line as written (or the GitLab freeze period it came from). */
  text: string;
  /** Where it came from: `freeze line 2`, `GitLab freeze period 7`. */
  source: string;
  start: string;
  end: string;
  /** IANA zone; UTC when none was given. */
  timeZone: string;
}

export interface IntervalWindow {
  kind: 'interval';
  text: string;
  source: string;
  start: Date;
  end: Date;
  timeZone: 'UTC';
}

export type FreezeWindow = CronWindow | IntervalWindow;

/** A window that holds `now`: the start that began it and the end that closes it. */
export interface ActiveFreeze {
  window: FreezeWindow;
  start: Date;
  end: Date;
}

/** An IANA zone Intl knows (`Europe/Berlin`, `UTC`); throws otherwise. */
export function checkTimeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new Error(`"${zone}" is not a time zone (an IANA name like Europe/Berlin or UTC)`);
  }
  return zone;
}

/** One cron expression (5 fields), checked by cron-parser and checked to occur at all. */
function checkCron(expression: string, timeZone: string, what: string): void {
  try {
    CronExpressionParser.parse(expression, { tz: timeZone, currentDate: new Date(0), strict: false }).next();
  } catch (err) {
    throw new Error(
      `${what} "${expression}" is not a cron expression that occurs: ${(err as Error).message}`,
    );
  }
}

/** `2026-12-24T00:00Z`, `2026-12-24T00:00:00+01:00` or a date `2026-12-24` (UTC midnight). */
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

function parseInstant(text: string, what: string): Date {
  const time = INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new Error(`${what} "${text}" is not an ISO date-time with a zone (e.g. 2026-12-24T00:00Z)`);
  }
  return new Date(time);
}

/** Parses one window line; throws naming what is wrong. */
export function parseWindow(line: string, source: string): FreezeWindow {
  const text = line.trim();
  const fields = text.split(/\s+/);
  if (fields.length === 1 && text.includes('/')) {
    const [from, to, ...rest] = text.split('/');
    if (rest.length || !from || !to) throw new Error(`"${text}" is not START/END`);
    const start = parseInstant(from, 'start');
    const end = parseInstant(to, 'end');
    if (end <= start) throw new Error(`"${text}" ends before it starts`);
    return { kind: 'interval', text, source, start, end, timeZone: 'UTC' };
  }
  if (fields.length !== 10 && fields.length !== 11) {
    throw new Error(
      `"${text}" has ${fields.length} fields; a cron window is CRON_START CRON_END [TZ] (5 + 5 fields and a zone)`,
    );
  }
  const timeZone = checkTimeZone(fields[10] ?? 'UTC');
  const start = fields.slice(0, 5).join(' ');
  const end = fields.slice(5, 10).join(' ');
  checkCron(start, timeZone, 'start');
  checkCron(end, timeZone, 'end');
  return { kind: 'cron', text, source, start, end, timeZone };
}

/** The `freeze` input: one window a line (blank lines and `#` comments skipped). */
export function parseFreezeWindows(raw: string): FreezeWindow[] {
  const windows: FreezeWindow[] = [];
  for (const [index, line] of raw.split(/\r?\n/).entries()) {
    const text = line.trim();
    if (!text || text.startsWith('#')) continue;
    try {
      windows.push(parseWindow(text, `freeze line ${index + 1}`));
    } catch (err) {
      throw new Error(`line ${index + 1}: ${(err as Error).message}`);
    }
  }
  return windows;
}

/**
 * Whether `now` is inside the window: the most recent start at or before now, and the first end
 * after that start is after now.
 */
export function activeWindow(window: FreezeWindow, now: Date): ActiveFreeze | undefined {
  if (window.kind === 'interval') {
    return window.start <= now && now < window.end
      ? { window, start: window.start, end: window.end }
      : undefined;
  }
  let start: Date;
  try {
    // prev() is strictly before currentDate: one millisecond on, a start exactly at now counts.
    start = CronExpressionParser.parse(window.start, {
      tz: window.timeZone,
      currentDate: new Date(now.getTime() + 1),
    })
      .prev()
      .toDate();
  } catch {
    return undefined; // never started before now
  }
  const end = CronExpressionParser.parse(window.end, { tz: window.timeZone, currentDate: start })
    .next()
    .toDate();
  return end > now ? { window, start, end } : undefined;
}

/** Every window that holds `now`, the one ending last first. */
export function activeFreezes(windows: FreezeWindow[], now: Date): ActiveFreeze[] {
  return windows
    .map((w) => activeWindow(w, now))
    .filter((a): a is ActiveFreeze => a !== undefined)
    .sort((a, b) => b.end.getTime() - a.end.getTime());
}

/** `Mon 2026-12-07 08:00 Europe/Berlin (GMT+01:00)`; in UTC: `Mon 2026-12-07 07:00 UTC`. */
export function formatInZone(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const stamp = `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  if (timeZone === 'UTC') return `${stamp} UTC`;
  return `${stamp} ${timeZone} (${parts.timeZoneName})`;
}

/** `` `0 17 * * 5 …` (freeze line 1) until Mon 2026-12-07 08:00 Europe/Berlin (GMT+01:00), Mon 2026-12-07 07:00 UTC ``. */
export function describeFreeze(active: ActiveFreeze): string {
  const { window, end } = active;
  const zoned = window.timeZone === 'UTC' ? '' : `${formatInZone(end, window.timeZone)}, `;
  return `\`${window.text}\` (${window.source}) until ${zoned}${formatInZone(end, 'UTC')}`;
}
