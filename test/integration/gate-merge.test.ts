/**
 * gate-merge run as the GitHub runner runs the built bundle, against the OpenAPI-validated fake
 * GitHub: which commit gets the status on pull_request / merge_group / push, require mode
 * (green, red, missing, waiting for pending), retries without duplicates, bad inputs rejected
 * before any request, and the token never printed.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type ActionRun, type RunOptions, runAction } from '../helpers/runner.js';

const TOKEN = 'ghs_gateTOKEN0123456789abcdef';
const HEAD = '1111111111111111111111111111111111111111';
const MERGE = '2222222222222222222222222222222222222222';
const QUEUE = '3333333333333333333333333333333333333333';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
});

function run(inputs: Record<string, string>, extra: Omit<RunOptions, 'inputs'> = {}): Promise<ActionRun> {
  return runAction('gate-merge', {
    ...extra,
    inputs: { token: TOKEN, ...inputs },
    env: { GITHUB_API_URL: gh.url, STAGECRAFT_RETRY_BASE_MS: '20', ...extra.env },
  });
}

function expectNoToken(r: ActionRun) {
  const logs = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  expect(logs.join('\n')).not.toContain(TOKEN);
  expect(r.stderr).not.toContain(TOKEN);
  expect(r.summary).not.toContain(TOKEN);
  expect(r.masks).toContain(TOKEN);
}

describe('gate-merge set', () => {
  it('marks the PR head on pull_request, not the merge commit, linking the run', async () => {
    const r = await run(
      { description: 'staging verified' },
      {
        eventName: 'pull_request',
        env: { GITHUB_SHA: MERGE, GITHUB_REF: 'refs/pull/7/merge' },
        event: { number: 7, pull_request: { number: 7, head: { sha: HEAD } } },
      },
    );
    expect(r.errors).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ state: 'success', sha: HEAD });
    expect(gh.store.statuses).toEqual([
      expect.objectContaining({
        sha: HEAD,
        context: 'stagecraft/staging',
        state: 'success',
        description: 'staging verified',
        target_url: 'https://github.com/octo/app/actions/runs/4242',
      }),
    ]);
    expect(gh.requests.map((q) => q.authorization)).toEqual([`token ${TOKEN}`]);
    expectNoToken(r);
  });

  it('marks the merge-group head on merge_group', async () => {
    const r = await run(
      { state: 'pending', context: 'stagecraft/queue' },
      {
        eventName: 'merge_group',
        env: { GITHUB_SHA: QUEUE, GITHUB_REF: 'refs/heads/gh-readonly-queue/main/pr-7-abc' },
        event: { merge_group: { head_sha: QUEUE, head_ref: 'refs/heads/gh-readonly-queue/main/pr-7-abc' } },
      },
    );
    expect(r.code).toBe(0);
    expect(gh.store.statuses.map((s) => [s.sha, s.context, s.state])).toEqual([
      [QUEUE, 'stagecraft/queue', 'pending'],
    ]);
  });

  it('marks the pushed commit on push, retrying a 502 and a 429 with nothing duplicated', async () => {
    gh.fail({ route: 'repos/create-commit-status', kind: '502' });
    gh.fail({ route: 'repos/create-commit-status', kind: '429', retryAfter: 1 });
    const r = await run({ state: 'failure', 'target-url': 'https://ci.example.com/1' });
    expect(r.code).toBe(0);
    expect(gh.calls('repos/create-commit-status').map((q) => q.status)).toEqual([502, 429, 201]);
    expect(gh.store.statuses).toHaveLength(1);
    expect(gh.store.statuses[0]).toMatchObject({
      sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      state: 'failure',
      target_url: 'https://ci.example.com/1',
    });
    expect(r.stdout).toContain('::warning::');
  });
});

describe('gate-merge require', () => {
  const sha = HEAD;
  it('passes when every context is green (a status and a check run)', async () => {
    gh.store.addStatus(sha, 'stagecraft/staging', 'success');
    gh.store.addCheckRun(sha, 'unit-tests', 'completed', 'success');
    gh.store.addStatus(sha, 'unrelated', 'failure');
    const r = await run({ mode: 'require', contexts: 'stagecraft/staging\nunit-tests', sha });
    expect(r.errors).toEqual([]);
    expect(r.outputs.state).toBe('success');
    expect(JSON.parse(r.outputs.report as string)).toEqual([
      { context: 'stagecraft/staging', verdict: 'green', detail: 'status success' },
      { context: 'unit-tests', verdict: 'green', detail: 'check run completed/success' },
    ]);
    expect(r.summary).toContain('all required contexts are green');
  });

  it('fails on a red and a missing context, naming each', async () => {
    gh.store.addStatus(sha, 'stagecraft/staging', 'success');
    gh.store.addStatus(sha, 'stagecraft/staging', 'error');
    gh.store.addCheckRun(sha, 'lint', 'completed', 'failure');
    const r = await run({ mode: 'require', contexts: 'stagecraft/staging, lint, e2e', sha });
    expect(r.code).toBe(1);
    expect(r.outputs.state).toBe('failure');
    expect(r.errors).toHaveLength(1);
    const error = decodeURIComponent(r.errors[0] as string).replace(/%0A/g, '\n');
    expect(error).toContain('3 of 3 required context(s) not green');
    expect(error).toContain('stagecraft/staging: red (status error)');
    expect(error).toContain('lint: red (check run completed/failure)');
    expect(error).toContain('e2e: missing (not reported on this commit)');
  });

  it('waits for a pending context until it turns green', async () => {
    gh.store.addStatus(sha, 'stagecraft/staging', 'pending');
    gh.store.addCheckRun(sha, 'build', 'in_progress');
    // Turn green only after the step has seen it pending (load-independent: no fixed delay).
    const timer = setInterval(() => {
      if (!gh.calls('checks/list-for-ref').some((q) => q.status === 200)) return;
      clearInterval(timer);
      gh.store.addStatus(sha, 'stagecraft/staging', 'success');
      gh.store.addCheckRun(sha, 'build', 'completed', 'success');
    }, 20);
    const r = await run({
      mode: 'require',
      contexts: 'stagecraft/staging\nbuild',
      sha,
      timeout: '20s',
      'poll-interval': '300ms',
    });
    clearInterval(timer);
    expect(r.errors).toEqual([]);
    expect(r.outputs.state).toBe('success');
    expect(gh.calls('repos/get-combined-status-for-ref').length).toBeGreaterThan(1);
    expect(r.stdout).toContain('waiting for stagecraft/staging (pending), build (pending)');
  });

  it('gives up on a context still pending at the timeout', async () => {
    gh.store.addStatus(sha, 'stagecraft/staging', 'pending');
    const r = await run({
      mode: 'require',
      contexts: 'stagecraft/staging',
      sha,
      timeout: '600ms',
      'poll-interval': '200ms',
    });
    expect(r.code).toBe(1);
    expect(r.outputs.state).toBe('pending');
    expect(r.errors[0]).toContain('stagecraft/staging: pending (status pending)');
  });
});

describe('gate-merge bad inputs', () => {
  it.each([
    [
      { state: 'maybe' },
      'Input "state" has an invalid value "maybe": expected one of success, failure, pending, error',
    ],
    [{ mode: 'require' }, 'Input "contexts"'],
    [{ mode: 'require', contexts: ' , \n' }, 'require mode needs at least one context'],
    [{ sha: 'abc123' }, 'Input "sha" has an invalid value "abc123"'],
    [{ 'poll-interval': 'soon' }, 'Input "poll-interval"'],
  ])('%j is rejected before any API call', async (inputs, message) => {
    const r = await run(inputs as Record<string, string>);
    expect(r.code).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain(message);
    expect(gh.requests).toHaveLength(0);
    expectNoToken(r);
  });
});

describe('gate-merge without permission', () => {
  it('names the permission the token lacks', async () => {
    await gh.close();
    gh = await startFakeGitHub({ token: TOKEN, readOnly: true });
    const r = await run({});
    expect(r.code).toBe(1);
    expect(r.errors[0]).toContain('Resource not accessible by integration');
    expect(r.errors[0]).toContain('the token needs `statuses: write`');
    expect(gh.calls('repos/create-commit-status')).toHaveLength(1);
  });
});
