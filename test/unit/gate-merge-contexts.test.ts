/** gate-merge require: the verdict per context from statuses and check runs, and the wait loop. */
import { describe, expect, it } from '@jest/globals';
import { type CommitChecks, evaluate, waitForContexts } from '../../src/core/gate/contexts.js';
import { silentLog } from '../../src/core/log.js';
import { fromGitLab } from '../../src/platform/gitlab-forge.js';

describe('evaluate', () => {
  it('takes the latest status per context (case-insensitive) and the worse of status and check run', () => {
    const checks: CommitChecks = {
      statuses: [
        { context: 'Deploy', state: 'failure', id: 1 },
        { context: 'deploy', state: 'success', id: 2 },
        { context: 'both', state: 'success', id: 3 },
      ],
      checkRuns: [
        { name: 'both', status: 'in_progress', conclusion: null, id: 4 },
        { name: 'skipped-ok', status: 'completed', conclusion: 'skipped', id: 5 },
        { name: 'timed', status: 'completed', conclusion: 'timed_out', id: 6 },
      ],
    };
    expect(
      evaluate(['deploy', 'both', 'skipped-ok', 'timed', 'absent'], checks).map((r) => r.verdict),
    ).toEqual(['green', 'pending', 'green', 'red', 'missing']);
  });

  it('maps GitLab states so manual/running wait and canceled/skipped do not pass', () => {
    expect(['success', 'running', 'manual', 'failed', 'canceled', 'skipped'].map(fromGitLab)).toEqual([
      'success',
      'pending',
      'pending',
      'failure',
      'error',
      'error',
    ]);
  });
});

describe('waitForContexts', () => {
  function clock() {
    let t = 0;
    return {
      now: () => t,
      wait: async (ms: number) => {
        t += ms;
      },
    };
  }

  it('polls until green within the timeout', async () => {
    const c = clock();
    let reads = 0;
    const result = await waitForContexts({
      required: ['a'],
      read: async () => ({
        statuses: [{ context: 'a', state: ++reads < 3 ? 'pending' : 'success' }],
        checkRuns: [],
      }),
      timeoutMs: 60_000,
      pollMs: 10_000,
      log: silentLog,
      ...c,
    });
    expect(result).toMatchObject({ passed: true, polls: 3, waitedMs: 20_000 });
  });

  it('stops at once on red, and at the timeout on pending', async () => {
    const red = await waitForContexts({
      required: ['a', 'b'],
      read: async () => ({ statuses: [{ context: 'a', state: 'error' }], checkRuns: [] }),
      timeoutMs: 60_000,
      pollMs: 1000,
      log: silentLog,
      ...clock(),
    });
    expect(red).toMatchObject({ passed: false, polls: 1 });
    const slow = await waitForContexts({
      required: ['a'],
      read: async () => ({ statuses: [], checkRuns: [] }),
      timeoutMs: 30_000,
      pollMs: 10_000,
      log: silentLog,
      ...clock(),
    });
    expect(slow).toMatchObject({ passed: false, polls: 4, waitedMs: 30_000 });
    expect(slow.reports[0]?.verdict).toBe('missing');
  });
});
