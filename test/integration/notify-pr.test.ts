/**
 * notify-pr run as the GitHub runner runs the built bundle, against the OpenAPI-validated fake
 * GitHub and a local Slack receiver: the merged PR found from a push commit, sticky updates,
 * five concurrent processes converging on one comment, Slack posted / down (webhook and bot
 * token with the board), retries with nothing duplicated, bad inputs rejected before any request,
 * secrets never printed.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { parseBoard } from '../../src/core/notify/board.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { startFakeSlack } from '../fakes/slack-api.js';
import { deadPort } from '../helpers/http.js';
import { type ActionRun, type RunOptions, runAction } from '../helpers/runner.js';
import { type SlackReceiver, startSlackReceiver } from '../helpers/slack.js';

const TOKEN = 'ghs_notifyTOKEN9876543210fedcba';
const PUSHED = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'; // the runner's GITHUB_SHA
const HEAD = '4444444444444444444444444444444444444444';
const MARKER = '<!-- stagecraft:notify:production -->';
const deployed = {
  environment: 'production',
  image: 'reg.example.com/app@sha256:abc',
  url: 'https://app.example.com',
};

let gh: FakeGitHub;
let slack: SlackReceiver;
beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
  slack = await startSlackReceiver();
  gh.store.addPull({ number: 12, headSha: HEAD, merged: true, mergeCommitSha: PUSHED });
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await Promise.all([gh.close(), slack.close()]);
});

function run(inputs: Record<string, string>, extra: Omit<RunOptions, 'inputs'> = {}): Promise<ActionRun> {
  return runAction('notify-pr', {
    ...extra,
    inputs: { token: TOKEN, ...inputs },
    env: { GITHUB_API_URL: gh.url, STAGECRAFT_RETRY_BASE_MS: '20', ...extra.env },
  });
}

function expectNoSecret(r: ActionRun, ...secrets: string[]) {
  const logs = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
  for (const s of secrets) {
    expect(logs.join('\n')).not.toContain(s);
    expect(r.stderr).not.toContain(s);
    expect(r.summary).not.toContain(s);
    expect(r.masks).toContain(s);
  }
}

describe('notify-pr on GitHub', () => {
  it('finds the merged PR of a push commit and comments, filling the template', async () => {
    const r = await run({
      ...deployed,
      message:
        'Live in **{environment}**: `{image}` at {url} ({status}, {sha}) — [run]({run-url}) {not-a-placeholder}',
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs['pr-numbers']).toBe('12');
    expect(gh.calls('repos/list-pull-requests-associated-with-commit')).toHaveLength(1);
    const comments = gh.store.commentsOf(12);
    expect(comments).toHaveLength(1);
    expect(r.outputs['comment-ids']).toBe(String(comments[0]?.id));
    expect(comments[0]?.body).toBe(
      `${MARKER}\nLive in **production**: \`reg.example.com/app@sha256:abc\` at https://app.example.com (success, ${PUSHED}) — [run](https://github.com/octo/app/actions/runs/4242) {not-a-placeholder}`,
    );
    expectNoSecret(r, TOKEN);
  });

  it('updates its comment on a second run instead of adding one; another key adds its own', async () => {
    const first = await run({ ...deployed, status: 'pending' });
    const second = await run({ ...deployed, status: 'success' });
    expect(second.errors).toEqual([]);
    expect(second.outputs['comment-ids']).toBe(first.outputs['comment-ids']);
    expect(gh.store.commentsOf(12)).toHaveLength(1);
    expect(gh.store.commentsOf(12)[0]?.body).toContain('Deployment to `production`: success');
    expect(gh.calls('issues/update-comment')).toHaveLength(1);
    const staging = await run({ ...deployed, environment: 'staging' });
    expect(staging.outputs['comment-ids']).not.toBe(first.outputs['comment-ids']);
    expect(gh.store.commentsOf(12)).toHaveLength(2);
  });

  it('comments on the event PR of a pull_request without looking it up', async () => {
    gh.store.addPull({ number: 31, headSha: HEAD });
    const r = await run(deployed, {
      eventName: 'pull_request',
      event: { number: 31, pull_request: { number: 31, head: { sha: HEAD } } },
    });
    expect(r.outputs['pr-numbers']).toBe('31');
    expect(gh.calls('repos/list-pull-requests-associated-with-commit')).toHaveLength(0);
    expect(gh.store.commentsOf(31)[0]?.body).toContain(HEAD);
  });

  it('five concurrent runs with one key leave one comment', async () => {
    await gh.close();
    gh = await startFakeGitHub({ token: TOKEN, latencyMs: 40 });
    gh.store.addPull({ number: 12, headSha: HEAD, merged: true, mergeCommitSha: PUSHED });
    const runs = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => run({ ...deployed, pr: '12', message: `run ${n} says {status}` })),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    const comments = gh.store.commentsOf(12);
    expect(comments).toHaveLength(1);
    expect(new Set(runs.map((r) => r.outputs['comment-ids']))).toEqual(new Set([String(comments[0]?.id)]));
    expect(comments[0]?.body).toMatch(/^<!-- stagecraft:notify:production -->\nrun \d says success$/);
    // Every comment a racing run created beyond the first was removed again (the fake also logged how many raced).
    const created = gh.calls('issues/create-comment').filter((q) => q.status === 201).length;
    const deleted = gh.calls('issues/delete-comment').filter((q) => q.status === 204).length;
    expect(created - deleted).toBe(1);
  });

  it('posts to Slack with a Block Kit message, the webhook URL masked', async () => {
    const r = await run({ ...deployed, 'slack-webhook-url': slack.webhook });
    expect(r.errors).toEqual([]);
    expect(slack.payloads).toHaveLength(1);
    const payload = slack.payloads[0];
    expect(payload?.text).toContain('Deployment to production: success');
    expect(JSON.stringify(payload?.blocks)).toContain('<https://app.example.com|Open environment>');
    expect(JSON.stringify(payload?.blocks)).toContain('<https://github.com/octo/app/pull/12|PR #12>');
    expect(r.summary).toContain('Slack: posted');
    expectNoSecret(r, TOKEN, slack.webhook);
  });

  it('only warns when Slack is down; fails when told to', async () => {
    slack.failNext(500, 10);
    const down = await run({ ...deployed, 'slack-webhook-url': slack.webhook });
    expect(down.code).toBe(0);
    expect(down.errors).toEqual([]);
    expect(down.stdout).toMatch(
      /::warning::Slack notification failed \(the deploy is not affected\): Slack answered 500/,
    );
    expect(gh.store.commentsOf(12)).toHaveLength(1);
    const port = await deadPort();
    const strict = await run({
      ...deployed,
      'slack-webhook-url': `http://127.0.0.1:${port}/services/T1/B1/secretpath`,
      'fail-on-slack-error': 'true',
    });
    expect(strict.code).toBe(1);
    expect(strict.errors[0]).toContain('Slack notification failed: Slack webhook unreachable (ECONNREFUSED)');
    expectNoSecret(strict, `http://127.0.0.1:${port}/services/T1/B1/secretpath`);
  });

  it('board + Slack bot from the bundle: a Slack 500 is a ::warning:: annotation and a summary line', async () => {
    const bot = await startFakeSlack({ token: 'xoxb-1-2-bundleSLACK' });
    try {
      const inputs = {
        ...deployed,
        board: 'true',
        'slack-token': 'xoxb-1-2-bundleSLACK',
        'slack-channel': '#deploys',
        'slack-api-url': bot.apiUrl,
      };
      const ok = await run(inputs);
      expect(ok.errors).toEqual([]);
      expect(ok.outputs['slack-ts']).toBe(bot.messages[0]?.ts);
      expect(gh.store.commentsOf(12)[0]?.body).toMatch(/^<!-- stagecraft:board -->/);
      bot.failNext({ status: 500, times: 4 });
      const down = await run({ ...inputs, status: 'failure' });
      expect(down.code).toBe(0);
      expect(down.stdout).toMatch(
        /::warning::Slack message failed \(the deploy is not affected\): Slack chat.update: HTTP 500/,
      );
      expect(down.summary).toContain('⚠️ Slack message failed: Slack chat.update: HTTP 500');
      // The board row keeps the message's ts, so the next run updates it again.
      const board = gh.store.commentsOf(12)[0]?.body ?? '';
      expect(parseBoard(board).production).toMatchObject({
        status: 'failure',
        slack: { ts: ok.outputs['slack-ts'] },
      });
      expect(bot.violations).toEqual([]);
      expectNoSecret(down, TOKEN, 'xoxb-1-2-bundleSLACK');
    } finally {
      await bot.close();
    }
  });

  it('retries 5xx, 429 and a secondary rate limit with nothing duplicated', async () => {
    gh.fail({ route: 'issues/create-comment', kind: '503' });
    gh.fail({ route: 'issues/create-comment', kind: '429', retryAfter: 1 });
    gh.fail({ route: 'issues/list-comments', kind: 'secondary', retryAfter: 1 });
    slack.failNext(429, 1, 0);
    const r = await run({ ...deployed, 'slack-webhook-url': slack.webhook });
    expect(r.code).toBe(0);
    expect(gh.calls('issues/create-comment').map((q) => q.status)).toEqual([503, 429, 201]);
    expect(gh.store.commentsOf(12)).toHaveLength(1);
    expect(slack.payloads).toHaveLength(1);
  });

  it.each([
    [{ pr: 'abc' }, 'Input "pr" has an invalid value "abc": "abc" is not a PR number'],
    [{ sticky: 'maybe' }, 'Input "sticky"'],
    [{ sha: 'HEAD' }, 'Input "sha"'],
    [{ 'slack-webhook-url': 'not a url' }, 'Input "slack-webhook-url" has an invalid value ***'],
  ])('%j is rejected before any API call', async (inputs, message) => {
    const r = await run(inputs as Record<string, string>);
    expect(r.code).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toContain(message);
    expect(gh.requests).toHaveLength(0);
    expect(slack.payloads).toHaveLength(0);
  });

  it('succeeds with nothing to do when no PR is associated with the commit', async () => {
    const r = await run(deployed, { env: { GITHUB_SHA: 'f'.repeat(40) } });
    expect(r.code).toBe(0);
    expect(r.outputs['pr-numbers']).toBe('');
    expect(r.summary).toContain('No PR is associated with this commit.');
  });
});
