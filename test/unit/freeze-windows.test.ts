/**
 * Freeze windows (src/core/freeze/windows.ts): the rule "the most recent start at or before now,
 * and the first end after that start is after now", for cron pairs with zones (UTC by default),
 * ISO intervals (a bare date is UTC midnight), several windows at once, and the texts the errors
 * and summaries use.
 */
import { describe, expect, it } from '@jest/globals';
import { activeFreezes, formatInZone, parseFreezeWindows } from '../../src/core/freeze/windows.js';

const at = (iso: string) => new Date(iso);

describe('freeze windows', () => {
  it('a cron pair without a zone is UTC', () => {
    const [w] = parseFreezeWindows('0 22 * * * 0 6 * * *');
    expect(w).toMatchObject({ kind: 'cron', start: '0 22 * * *', end: '0 6 * * *', timeZone: 'UTC' });
    const windows = parseFreezeWindows('0 22 * * * 0 6 * * *');
    expect(activeFreezes(windows, at('2026-12-02T21:59:59Z'))).toEqual([]);
    expect(activeFreezes(windows, at('2026-12-02T23:30:00Z'))[0]?.end).toEqual(at('2026-12-03T06:00:00Z'));
    expect(activeFreezes(windows, at('2026-12-03T05:59:59Z'))[0]?.start).toEqual(at('2026-12-02T22:00:00Z'));
    expect(activeFreezes(windows, at('2026-12-03T06:00:00Z'))).toEqual([]);
  });

  it('a window whose end comes before its next start is open in between (Friday 17:00 → Monday 08:00)', () => {
    const windows = parseFreezeWindows('0 17 * * 5 0 8 * * 1 Europe/Berlin');
    // Tuesday to Friday afternoon: the last start (a Friday) ended on the Monday after it.
    for (const open of ['2026-12-01T12:00:00Z', '2026-12-04T15:59:00Z', '2026-12-07T07:00:00Z']) {
      expect(activeFreezes(windows, at(open))).toEqual([]);
    }
    expect(activeFreezes(windows, at('2026-12-06T23:00:00Z'))).toHaveLength(1);
  });

  it('ISO intervals: with a zone offset, or a bare date (UTC midnight)', () => {
    const windows = parseFreezeWindows(
      '2026-12-24T00:00:00+01:00/2026-12-24T12:00:00+01:00\n2026-12-31/2027-01-02',
    );
    expect(activeFreezes(windows, at('2026-12-23T23:30:00Z'))).toHaveLength(1);
    expect(activeFreezes(windows, at('2026-12-24T11:00:00Z'))).toEqual([]);
    expect(activeFreezes(windows, at('2027-01-01T12:00:00Z'))[0]?.end).toEqual(at('2027-01-02T00:00:00Z'));
  });

  it('several windows at once: all that hold, the one ending last first', () => {
    const windows = parseFreezeWindows(
      '0 17 * * 5 0 8 * * 1 Europe/Berlin\n2026-12-05T00:00Z/2026-12-10T00:00Z',
    );
    const active = activeFreezes(windows, at('2026-12-05T12:00:00Z'));
    expect(active.map((a) => a.window.source)).toEqual(['freeze line 2', 'freeze line 1']);
  });

  it('formats an instant in its zone and in UTC', () => {
    expect(formatInZone(at('2026-07-06T06:00:00Z'), 'Europe/Berlin')).toBe(
      'Mon 2026-07-06 08:00 Europe/Berlin (GMT+02:00)',
    );
    expect(formatInZone(at('2026-07-06T06:00:00Z'), 'UTC')).toBe('Mon 2026-07-06 06:00 UTC');
  });
});
