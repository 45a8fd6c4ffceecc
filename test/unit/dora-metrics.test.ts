/**
 * DORA's four keys over records (src/core/dora): what a rollback marks as failed (the deployment
 * its record names, else the last successful one before it), the lead-time ranges, and an empty
 * window (no rate, no medians, no division by zero).
 */
import { describe, expect, it } from '@jest/globals';
import {
  computeDora,
  humanDuration,
  median,
  parseSince,
  shippedRanges,
} from '../../src/core/dora/metrics.js';
import { classify, type Deployment } from '../../src/core/dora/records.js';

const h = (hours: number) => new Date(Date.UTC(2026, 10, 16) + hours * 3_600_000);
const deploy = (id: string, hours: number, outcome: 'success' | 'failure' = 'success'): Deployment => ({
  id,
  kind: 'deploy',
  sha: `sha-${id}`,
  at: h(hours),
  outcome,
});

describe('classify', () => {
  it('a rollback that names what it rolled away from marks that one, else the last successful deployment', () => {
    const named = classify([
      deploy('a', 1),
      deploy('b', 2),
      { id: 'r', kind: 'rollback', sha: 'x', at: h(3), outcome: 'success', rolledBackFrom: 'a' },
    ]);
    expect(named.filter((d) => d.rolledBack).map((d) => d.id)).toEqual(['a']);
    const inferred = classify([
      deploy('a', 1),
      deploy('b', 2),
      deploy('c', 2.5, 'failure'),
      { id: 'r', kind: 'rollback', sha: 'x', at: h(3), outcome: 'success' },
    ]);
    expect(inferred.filter((d) => d.rolledBack).map((d) => d.id)).toEqual(['b']);
    // A failed rollback rolled nothing away.
    const failed = classify([
      deploy('a', 1),
      { id: 'r', kind: 'rollback', sha: 'x', at: h(3), outcome: 'failure' },
    ]);
    expect(failed.some((d) => d.rolledBack)).toBe(false);
  });

  it('lead-time ranges start at the previous successful deployment, before the window too', () => {
    const all = classify([deploy('base', -5), deploy('a', 1, 'failure'), deploy('b', 2)]);
    const ranges = shippedRanges(all, { from: h(0), to: h(10) });
    expect(ranges.map((r) => [r.deployment.id, r.baseSha])).toEqual([['b', 'sha-base']]);
  });
});

describe('computeDora', () => {
  it('an empty window has a zero frequency and no rate or medians', () => {
    const all = classify([deploy('old', -50)]);
    const report = computeDora('production', all, { from: h(0), to: h(24) }, new Map());
    expect(report).toMatchObject({
      deployments: 0,
      deploymentFrequency: 0,
      changeFailureRate: null,
      leadTime: null,
      timeToRestore: null,
    });
  });

  it('a failure not restored yet is counted as unrestored, not as a zero', () => {
    const all = classify([deploy('a', 1), deploy('b', 2, 'failure')]);
    const report = computeDora('production', all, { from: h(0), to: h(24) }, new Map([['a', [h(0)]]]));
    expect(report).toMatchObject({
      failed: 1,
      restored: 0,
      unrestored: 1,
      timeToRestore: null,
      leadTime: 3600,
    });
    expect(report.changeFailureRate).toBe(0.5);
  });
});

describe('helpers', () => {
  it('median, human durations, since', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(humanDuration(86_400)).toBe('1d');
    expect(humanDuration(3 * 3600 + 5 * 60 + 7)).toBe('3h 5m');
    expect(humanDuration(42)).toBe('42s');
    expect(humanDuration(0)).toBe('0s');
    expect(parseSince('30d')).toBe(30 * 86_400_000);
    expect(parseSince('4w')).toBe(28 * 86_400_000);
    expect(() => parseSince('30 days')).toThrow('not a period');
  });
});
