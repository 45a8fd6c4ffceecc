/**
 * notify-pr's board (one comment per PR/MR, a row per environment) and its Slack bot messages,
 * in-process against the OpenAPI-validated fake GitHub, the fake GitLab and the fake Slack Web API.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BOARD_MARKER, parseBoard } from '../../src/core/notify/board.js';
import type { CiContext } from '../../src/platform/context.js';
import { runStep } from '../../src/platform/host.js';
import { notifyPr } from '../../src/steps/notify-pr.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { fakeHost } from './fake-host.js';

const TOKEN = 'ghs_boardTOKEN0123456789abcdef';
const SLACK = 'xoxb-1234-5678-boardSLACKtoken';
const HEAD = '3333333333333333333333333333333333333333';
const DIGEST = `sha256:${'ab12'.repeat(16)}`;

let gh: FakeGitHub;
let slack: FakeSlack;
beforeEach(async () => {
  // Latency makes concurrent runs interleave their reads and writes as they do against GitHub.
  gh = await startFakeGitHub({ token: TOKEN, latencyMs: 15 });
  gh.store.addPull({ number: 21, headSha: HEAD });
  slack = await startFakeSlack({ token: SLACK });
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  expect(slack.violations).toEqual([]);
  await gh.close();
  await slack.close();
});

/** Runs notify-pr in-process on one host's context; board on, status success unless given. */
const notify = (ctx: Partial<CiContext>, inputs: Record<string, string>) => {
  const host = fakeHost(
    { board: 'true', status: 'success', ...inputs },
    { ctx: { sha: HEAD, headSha: HEAD, ...ctx } },
  );
  return runStep(notifyPr, host).then((ok) => ({ ok, host }));
};
const run = (inputs: Record<string, string>, runId = 1) =>
  notify(
    {
      provider: 'github',
      forge: 'github',
      apiUrl: gh.url,
      serverUrl: 'https://github.com',
      repository: 'octo/app',
      runUrl: `https://github.com/octo/app/actions/runs/${runId}`,
    },
    { token: TOKEN, ...inputs },
  );
const deploy = (environment: string, extra: Record<string, string> = {}) => ({
  environment,
  image: `registry.example.com/team/app:1@${DIGEST}`,
  url: `https://${environment}.example.com`,
  ...extra,
});
const boardComments = () => gh.store.comments.filter((c) => c.body.startsWith(BOARD_MARKER));
const rowLine = (body: string, env: string) => body.split('\n').find((l) => l.startsWith(`| \`${env}\``));

describe('board on GitHub', () => {
  it('staging and production at the same time leave one board with both rows; a third run changes only its row', async () => {
    const [a, b] = await Promise.all([run(deploy('staging'), 1), run(deploy('production'), 2)]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect([...a.host.logs, ...b.host.logs].filter((l) => l.startsWith('warning'))).toEqual([]);
    expect(boardComments()).toHaveLength(1);
    const board = boardComments()[0]?.body ?? '';
    expect(Object.keys(parseBoard(board)).sort()).toEqual(['production', 'staging']);
    expect(rowLine(board, 'staging')).toContain('`registry.example.com/team/app:1@sha256:ab12ab12ab12` |');
    expect(rowLine(board, 'production')).toContain(
      '[production.example.com](https://production.example.com)',
    );
    expect(rowLine(board, 'production')).toContain('[logs](https://github.com/octo/app/actions/runs/2)');
    expect(a.host.outputs['comment-ids']).toBe(String(boardComments()[0]?.id));
    expect(b.host.outputs['comment-ids']).toBe(String(boardComments()[0]?.id));

    const production = rowLine(board, 'production');
    const c = await run(
      deploy('staging', { status: 'failure', image: 'registry.example.com/team/app:2', message: 'mine' }),
      3,
    );
    expect(c.ok).toBe(true);
    expect(c.host.logs.filter((l) => l.startsWith('warning'))).toEqual([
      'warning: "message" is not used with board: true (the board renders its own table); set board: false for a comment of your own',
    ]);
    expect(boardComments()).toHaveLength(1);
    const after = boardComments()[0]?.body ?? '';
    expect(rowLine(after, 'production')).toBe(production);
    expect(rowLine(after, 'staging')).toMatch(
      /❌ failure \| `registry.example.com\/team\/app:2` .*\[logs\]\(https:\/\/github.com\/octo\/app\/actions\/runs\/3\)/,
    );
    expect(parseBoard(after).production).toEqual(parseBoard(board).production);
  });

  it('three environments at once converge on one board holding all three rows', async () => {
    const envs = ['qa', 'staging', 'production'];
    const results = await Promise.all(envs.map((e, i) => run(deploy(e), i + 1)));
    expect(results.map((r) => r.ok)).toEqual(envs.map(() => true));
    expect(boardComments()).toHaveLength(1);
    expect(Object.keys(parseBoard(boardComments()[0]?.body ?? '')).sort()).toEqual([...envs].sort());
  });

  it('a later run of one environment: one list, one update, one re-read', async () => {
    await run(deploy('staging'));
    const before = gh.requests.length;
    const board = boardComments()[0]?.body;
    // Same inputs but a new time: the row is rewritten; only the staging line changes.
    await run(deploy('staging'));
    const calls = gh.requests.slice(before).map((r) => r.operationId);
    expect(calls).toEqual([
      'repos/list-pull-requests-associated-with-commit',
      'issues/list-comments',
      'issues/update-comment',
      'issues/list-comments',
    ]);
    expect(boardComments()[0]?.body).not.toBe(board);
  });

  it('a comment failure is a warning and a summary line carrying GitHub’s error; the step passes', async () => {
    // A fork PR's token: GitHub answers writes with 403.
    await gh.close();
    gh = await startFakeGitHub({ token: TOKEN, readOnly: true });
    gh.store.addPull({ number: 21, headSha: HEAD });
    const r = await run(deploy('staging'));
    expect(r.ok).toBe(true);
    const warnings = r.host.logs.filter((l) => l.startsWith('warning: Comment on #21 failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('403 Resource not accessible by integration');
    expect(warnings[0]).toContain('pull-requests: write');
    expect(r.host.summaries.join('\n')).toMatch(/⚠️ Comment on #21 failed: 403 Resource not accessible/);
  });
});

describe('Slack with a bot token', () => {
  const bot = { 'slack-token': SLACK, 'slack-channel': '#deploys' };

  it('the first run posts; the second updates the same ts and replies in its thread', async () => {
    const first = await run({ ...deploy('staging'), ...bot, 'slack-api-url': slack.apiUrl });
    expect(first.ok).toBe(true);
    const ts = first.host.outputs['slack-ts'];
    expect(ts).toMatch(/^\d+\.\d{6}$/);
    expect(slack.messages).toHaveLength(1);
    expect(first.host.masks).toContain(SLACK);
    const posted = slack.messages[0];
    expect(posted?.channel).toBe('C0DEPLOYS01');
    expect(JSON.stringify(posted?.blocks)).toContain(`<https://github.com/octo/app/commit/${HEAD}|`);
    expect(parseBoard(boardComments()[0]?.body ?? '').staging?.slack?.ts).toBe(ts);

    const second = await run({
      ...deploy('staging'),
      ...bot,
      'slack-api-url': slack.apiUrl,
      status: 'rolled-back',
    });
    expect(second.ok).toBe(true);
    expect(second.host.outputs['slack-ts']).toBe(ts);
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.update', 'chat.postMessage']);
    expect(slack.calls[1]?.args).toMatchObject({ channel: 'C0DEPLOYS01', ts });
    const [top, reply] = slack.messages;
    expect(top?.edits).toBe(1);
    expect(top?.text).toContain('rolled-back');
    expect(reply).toMatchObject({ thread_ts: ts, text: '↩️ rolled back (was: deployed)' });

    // Another environment of the same commit gets its own message.
    const prod = await run({ ...deploy('production'), ...bot, 'slack-api-url': slack.apiUrl });
    expect(prod.host.outputs['slack-ts']).not.toBe(ts);
    expect(slack.messages.filter((m) => !m.thread_ts)).toHaveLength(2);
  });

  it('a Slack 500 is a warning and the step passes; fail-on-slack-error fails it', async () => {
    slack.failNext({ status: 500, times: 4 });
    const soft = await run({ ...deploy('staging'), ...bot, 'slack-api-url': slack.apiUrl });
    expect(soft.ok).toBe(true);
    expect(soft.host.failures).toEqual([]);
    expect(soft.host.logs.filter((l) => l.startsWith('warning: Slack message failed'))).toEqual([
      'warning: Slack message failed (the deploy is not affected): Slack chat.postMessage: HTTP 500 {"ok":false,"error":"fatal_error"}',
    ]);
    expect(soft.host.summaries.join('\n')).toContain(
      '⚠️ Slack message failed: Slack chat.postMessage: HTTP 500',
    );
    expect(soft.host.outputs['slack-ts']).toBe('');
    expect(boardComments()).toHaveLength(1);

    slack.failNext({ status: 500, times: 4 });
    const strict = await run({
      ...deploy('staging'),
      ...bot,
      'slack-api-url': slack.apiUrl,
      'fail-on-slack-error': 'true',
    });
    expect(strict.ok).toBe(false);
    expect(strict.host.failures).toEqual([
      'Slack message failed: Slack chat.postMessage: HTTP 500 {"ok":false,"error":"fatal_error"}',
    ]);
  });

  it('Slack’s own errors (HTTP 200, ok: false) are warnings naming them; 429 waits for Retry-After', async () => {
    const wrong = await run({
      ...deploy('staging'),
      'slack-token': 'xoxb-wrong',
      'slack-channel': 'deploys',
      'slack-api-url': slack.apiUrl,
    });
    expect(wrong.ok).toBe(true);
    expect(wrong.host.logs.join('\n')).toContain('Slack chat.postMessage: invalid_auth');
    const nowhere = await run({
      ...deploy('staging'),
      ...bot,
      'slack-channel': '#nowhere',
      'slack-api-url': slack.apiUrl,
    });
    expect(nowhere.host.summaries.join('\n')).toContain('Slack chat.postMessage: channel_not_found');

    slack.failNext({ status: 429, retryAfter: 1 });
    const started = Date.now();
    const limited = await run({ ...deploy('staging'), ...bot, 'slack-api-url': slack.apiUrl });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(limited.host.outputs['slack-ts']).not.toBe('');
    expect(slack.messages).toHaveLength(1);
  });

  it('a message deleted in Slack is posted anew; sticky comments keep the ts too', async () => {
    const inputs = { ...deploy('staging'), ...bot, 'slack-api-url': slack.apiUrl, board: 'false' };
    const first = await run(inputs);
    const ts = first.host.outputs['slack-ts'] as string;
    expect(gh.store.comments[0]?.body).toContain('<!-- stagecraft:slack ');
    const again = await run({ ...inputs, status: 'failure' });
    expect(again.host.outputs['slack-ts']).toBe(ts);
    slack.remove(ts);
    const third = await run({ ...inputs, status: 'success' });
    expect(third.host.outputs['slack-ts']).not.toBe(ts);
    expect(third.host.logs.join('\n')).toContain(`Slack message ${ts} is gone; posting a new one`);
    expect(gh.store.comments).toHaveLength(1);
  });
});

describe('board on GitLab (merge-request notes)', () => {
  let gl: FakeGitLab;
  const PRIVATE = 'glpat-boardTOKEN1234567890';
  beforeEach(async () => {
    gl = await startFakeGitLab({ project: 'team/app', projectId: 42, token: PRIVATE });
    gl.mrs.push({ iid: 7, state: 'opened', sha: HEAD, merge_commit_sha: null });
    gl.commitMrs.set(HEAD, [7]);
  });
  afterEach(async () => {
    expect(gl.violations).toEqual([]);
    await gl.close();
  });
  const onGitLab = (inputs: Record<string, string>) =>
    notify(
      {
        provider: 'gitlab',
        forge: 'gitlab',
        apiUrl: gl.apiUrl,
        serverUrl: 'https://gitlab.example.com',
        repository: 'team/app',
        projectId: '42',
        runUrl: 'https://gitlab.example.com/team/app/-/jobs/9',
      },
      { token: PRIVATE, ...inputs },
    );

  it('concurrent staging and production keep one note with both rows; Slack links the GitLab commit', async () => {
    const bot = { 'slack-token': SLACK, 'slack-channel': 'C0RELEASES1', 'slack-api-url': slack.apiUrl };
    const [a, b] = await Promise.all([
      onGitLab({ ...deploy('staging'), ...bot }),
      onGitLab(deploy('production')),
    ]);
    expect([a.ok, b.ok]).toEqual([true, true]);
    const notes = gl.notes.filter((n) => n.body.startsWith(BOARD_MARKER));
    expect(notes).toHaveLength(1);
    expect(Object.keys(parseBoard(notes[0]?.body ?? '')).sort()).toEqual(['production', 'staging']);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain(
      `https://gitlab.example.com/team/app/-/commit/${HEAD}`,
    );
    expect(parseBoard(notes[0]?.body ?? '').staging?.slack?.ts).toBe(a.host.outputs['slack-ts']);

    const again = await onGitLab({ ...deploy('production'), status: 'failure' });
    expect(again.ok).toBe(true);
    const after = gl.notes.filter((n) => n.body.startsWith(BOARD_MARKER));
    expect(after).toHaveLength(1);
    expect(rowLine(after[0]?.body ?? '', 'staging')).toBe(rowLine(notes[0]?.body ?? '', 'staging'));
    expect(rowLine(after[0]?.body ?? '', 'production')).toContain('❌ failure');
  });
});
