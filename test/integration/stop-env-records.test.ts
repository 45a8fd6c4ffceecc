/**
 * stop-env's records and sweep, through the built bundles against a real bare config repository
 * (gitops) and the fake GitHub (every request checked against GitHub's OpenAPI description) and
 * fake GitLab: the GitHub deployments of a stopped environment become `inactive`, with
 * `delete-environment` the environment is deleted, and its row on the PR's board says `stopped`; on GitLab the environment is stopped through
 * the API; a sweep over 6 preview environments stops exactly the 2 of closed PRs and the 1 older
 * than `max-age`, and its dry run lists them and changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseBoard } from '../../src/core/notify/board.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-api.js';
import { parseOutputs, runCli } from '../helpers/cli.js';
import { type BareRepo, createBareRepo, git } from '../helpers/git.js';
import { runAction } from '../helpers/runner.js';

const TOKEN = 'ghs_stopenv123';
const SLACK = 'xoxb-1-2-stopenvSLACK';
let gh: FakeGitHub;
let slack: FakeSlack;
let repo: BareRepo;
beforeAll(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
  slack = await startFakeSlack({ token: SLACK });
  repo = createBareRepo({ 'deploy/template/values.yaml': 'image:\n  tag: latest\n' });
});
afterAll(async () => {
  await gh?.close();
  await slack?.close();
  repo?.cleanup();
});

const files = () => git(repo.path, 'ls-tree', '-r', '--name-only', 'main').split('\n').filter(Boolean);
const latest = (id: number) =>
  gh.store.deploymentStatuses.filter((s) => s.deployment_id === id).at(-1)?.state;
const statesOf = (environment: string) =>
  gh.store.deployments.filter((d) => d.environment === environment).map((d) => latest(d.id));

const run = (step: string, number: number | undefined, inputs: Record<string, string>) =>
  runAction(step, {
    eventName: number ? 'pull_request' : 'schedule',
    event: number
      ? { action: 'opened', number, pull_request: { number, head: { sha: 'a'.repeat(40) } } }
      : {},
    env: {
      GITHUB_API_URL: gh.url,
      GITHUB_REF: number ? `refs/pull/${number}/merge` : 'refs/heads/main',
      STAGECRAFT_RETRY_BASE_MS: '10',
    },
    inputs: { strategy: 'gitops', repository: repo.url, token: TOKEN, ...inputs },
  });
const deploy = (number: number, tag: string) =>
  run('deploy-env', number, {
    environment: 'pr-{pr}',
    image: `registry.example.com/team/app:${tag}`,
    template: 'deploy/template',
  });

describe('stop-env records (GitHub)', () => {
  it('marks every deployment of the environment inactive and deletes the environment', async () => {
    gh.store.addPull({ number: 3, headSha: 'a'.repeat(40) });
    expect((await deploy(3, '1.0.0')).errors).toEqual([]);
    expect((await deploy(3, '1.1.0')).errors).toEqual([]);
    expect(statesOf('pr-3')).toEqual(['success', 'success']);
    const notify = await runAction('notify-pr', {
      eventName: 'pull_request',
      event: { action: 'opened', number: 3, pull_request: { number: 3, head: { sha: 'a'.repeat(40) } } },
      env: { GITHUB_API_URL: gh.url, GITHUB_REF: 'refs/pull/3/merge', STAGECRAFT_RETRY_BASE_MS: '10' },
      inputs: {
        environment: 'pr-3',
        image: 'registry.example.com/team/app:1.1.0',
        board: 'true',
        pr: '3',
        token: TOKEN,
        'slack-token': SLACK,
        'slack-channel': '#deploys',
        'slack-api-url': slack.apiUrl,
      },
    });
    expect(notify.errors).toEqual([]);
    expect(parseBoard(gh.store.commentsOf(3)[0]?.body ?? '')['pr-3']?.status).toBe('success');
    const posted = slack.messages[0];
    const stop = await run('stop-env', 3, {
      environment: 'pr-{pr}',
      'delete-environment': 'true',
      'slack-token': SLACK,
      'slack-api-url': slack.apiUrl,
    });
    expect(stop.errors).toEqual([]);
    expect(stop.outputs.stopped).toBe('pr-3');
    expect(statesOf('pr-3')).toEqual(['inactive', 'inactive']);
    expect(gh.store.deletedEnvironments).toEqual(['pr-3']);
    expect(stop.summary).toContain('GitHub environment `pr-3` deleted');
    expect(gh.store.commentsOf(3)).toHaveLength(1);
    expect(parseBoard(gh.store.commentsOf(3)[0]?.body ?? '')['pr-3']).toMatchObject({
      status: 'stopped',
      image: 'registry.example.com/team/app:1.1.0',
      slack: { ts: posted?.ts, status: 'stopped' },
    });
    // The Slack message notify-pr posted is updated in place, with a reply in its thread.
    expect(slack.messages.filter((m) => !m.thread_ts)).toHaveLength(1);
    expect(posted?.edits).toBe(1);
    expect(posted?.text).toMatch(/stopped/);
    expect(slack.messages.some((m) => m.thread_ts === posted?.ts && /stopped/.test(m.text ?? ''))).toBe(true);
    expect(stop.masks).toContain(SLACK);
    expect(stop.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(SLACK))).toEqual(
      [],
    );
    expect(gh.violations).toEqual([]);
  });
});

describe('stop-env sweep (GitHub)', () => {
  it('stops exactly the previews of closed PRs and the one older than max-age; dry-run changes nothing', async () => {
    const day = 86_400_000;
    for (const n of [11, 12, 13, 14, 15, 16]) {
      gh.store.addPull({ number: n, headSha: 'a'.repeat(40) });
      // PR 13's environment was last deployed 10 days ago.
      gh.store.clock = () => new Date(Date.now() - (n === 13 ? 10 * day : 0));
      expect((await deploy(n, `${n}.0.0`)).errors).toEqual([]);
    }
    gh.store.clock = () => new Date();
    for (const n of [11, 12]) {
      const pull = gh.store.pulls.find((p) => p.number === n);
      if (pull) pull.state = 'closed';
    }
    const head = repo.head();
    const statuses = gh.store.deploymentStatuses.length;
    const dry = await run('stop-env', undefined, { sweep: 'true', 'max-age': '7d', 'dry-run': 'true' });
    expect(dry.errors).toEqual([]);
    expect(String(dry.outputs.stopped).split('\n')).toEqual(['pr-11', 'pr-12', 'pr-13']);
    expect(dry.summary).toContain('PR #11 is closed or merged');
    expect(dry.summary).toContain('older than max-age');
    expect(repo.head()).toBe(head);
    expect(gh.store.deploymentStatuses.length).toBe(statuses);

    const sweep = await run('stop-env', undefined, { sweep: 'true', 'max-age': '7d' });
    expect(sweep.errors).toEqual([]);
    expect(String(sweep.outputs.stopped).split('\n')).toEqual(['pr-11', 'pr-12', 'pr-13']);
    const dirs = new Set(files().map((f) => f.split('/')[1]));
    expect([...dirs].sort()).toEqual(['pr-14', 'pr-15', 'pr-16', 'template']);
    for (const n of [11, 12, 13]) expect(statesOf(`pr-${n}`)).toEqual(['inactive']);
    for (const n of [14, 15, 16]) expect(statesOf(`pr-${n}`)).toEqual(['success']);
    // pr-3 (stopped before) is not swept again: its deployments are inactive already.
    expect(sweep.summary).not.toContain('pr-3');
    expect(gh.violations).toEqual([]);
  });
});

describe('stop-env records (GitLab)', () => {
  let gl: FakeGitLab;
  let dir: string;
  beforeAll(async () => {
    gl = await startFakeGitLab({
      project: 'acme/shop',
      projectId: 7,
      token: 'glpat-x',
      jobToken: 'job-token',
    });
    dir = mkdtempSync(join(tmpdir(), 'stop-env-gl-'));
  });
  afterAll(async () => {
    await gl?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the GitLab environment through the API (job token); twice is a notice', async () => {
    gl.addDeployment({
      environment: 'pr-4',
      sha: 'c'.repeat(40),
      status: 'success',
      ref: 'refs/merge-requests/4/head',
    });
    gl.addDeployment({ environment: 'staging', sha: 'c'.repeat(40), status: 'success' });
    const repoDir = createBareRepo({ 'deploy/pr-4/values.yaml': 'image:\n  tag: "1"\n' });
    try {
      const job = () =>
        runCli(
          ['stop-env', '--strategy', 'gitops', '--repository', repoDir.url, '--environment', 'pr-{pr}'],
          {
            GITLAB_CI: 'true',
            CI_API_V4_URL: gl.apiUrl,
            CI_SERVER_URL: 'https://gitlab.example.com',
            CI_PROJECT_ID: '7',
            CI_PROJECT_PATH: 'acme/shop',
            CI_COMMIT_SHA: 'c'.repeat(40),
            CI_MERGE_REQUEST_IID: '4',
            CI_JOB_TOKEN: 'job-token',
            STAGECRAFT_RETRY_BASE_MS: '10',
            GIT_CONFIG_NOSYSTEM: '1',
            TMPDIR: dir,
          },
          dir,
        );
      const first = await job();
      expect(first.stderr).not.toContain('error');
      expect(first.code).toBe(0);
      expect(parseOutputs(first.stdout).stopped).toBe('pr-4');
      expect(gl.environments.find((e) => e.name === 'pr-4')?.state).toBe('stopped');
      expect(gl.environments.find((e) => e.name === 'staging')?.state).toBe('available');
      expect(
        gl.requests.some(
          (r) => r.method === 'POST' && /environments\/\d+\/stop$/.test(r.path) && r.auth === 'job',
        ),
      ).toBe(true);
      const again = await job();
      expect(again.code).toBe(0);
      expect(`${again.stdout}${again.stderr}`).toMatch(/pr-4 is already gone/);
      expect(gl.violations).toEqual([]);
    } finally {
      repoDir.cleanup();
    }
  });
});
