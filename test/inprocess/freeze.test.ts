/**
 * Freeze windows, checked when deploy-env runs, at a fixed clock (the runtime's `now`): inside
 * `0 17 * * 5 0 8 * * 1 Europe/Berlin` the deploy fails before any change, naming the window and
 * its end in Berlin time and in UTC; outside it deploys; a window across a daylight-saving change
 * ends at the right UTC instant; ISO intervals; break-glass deploys with a warning, its reason and
 * actor in the summary and the GitHub deployment record; GitLab's freeze periods (read from the
 * API when the job runs) stop deploy-env but not rollback; bad windows are one error each.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BOARD_MARKER, parseBoard } from '../../src/core/notify/board.js';
import { runStep } from '../../src/platform/host.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { gateMerge } from '../../src/steps/gate-merge.js';
import { notifyPr } from '../../src/steps/notify-pr.js';
import { rollback } from '../../src/steps/rollback.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';
import { fakeHost } from './fake-host.js';

const REPO = 'registry.example.com/team/app';
const VALUES = 'image:\n  tag: "v1"\n';
const FRIDAY = '0 17 * * 5 0 8 * * 1 Europe/Berlin';
const TOKEN = 'gh-token';
const env = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1' };

let repo: BareRepo;
let gh: FakeGitHub;
let tag = 1;
beforeAll(async () => {
  repo = createBareRepo({ 'deploy/production/values.yaml': VALUES, 'deploy/staging/values.yaml': VALUES });
  gh = await startFakeGitHub({ token: TOKEN, repository: 'octo/app' });
});
afterAll(async () => {
  await gh?.close();
  repo?.cleanup();
});

/** Runs deploy-env on GitHub at `now` with a new tag; says whether it passed and what changed. */
async function deployAt(now: string, inputs: Record<string, string> = {}) {
  const image = `${REPO}:v${++tag}`;
  const before = repo.head();
  const records = gh.store.deployments.length;
  const h = fakeHost(
    {
      strategy: 'gitops',
      repository: repo.url,
      environment: 'production',
      image,
      freeze: FRIDAY,
      token: TOKEN,
      ...inputs,
    },
    {
      env,
      now: new Date(now),
      tuning: { githubWriteSpacingMs: 0 },
      ctx: {
        provider: 'github',
        forge: 'github',
        repository: 'octo/app',
        apiUrl: gh.url,
        sha: 'a'.repeat(40),
        headSha: 'a'.repeat(40),
        actor: 'octocat',
      },
    },
  );
  const ok = await runStep(deployEnv, h);
  return {
    ok,
    h,
    image,
    changed: repo.head() !== before,
    recorded: gh.store.deployments.slice(records),
  };
}

describe('freeze windows in deploy-env', () => {
  it('inside Friday 17:00 to Monday 08:00 Berlin: fails before any change, naming the window and its end in Berlin time and UTC', async () => {
    // Saturday 2026-12-05 12:00 UTC.
    const run = await deployAt('2026-12-05T12:00:00Z');
    expect(run.ok).toBe(false);
    expect(run.changed).toBe(false);
    expect(run.recorded).toEqual([]);
    expect(run.h.failures).toHaveLength(1);
    const [failure] = run.h.failures;
    expect(failure).toContain('production is frozen');
    expect(failure).toContain(`\`${FRIDAY}\``);
    expect(failure).toContain('Mon 2026-12-07 08:00 Europe/Berlin (GMT+01:00)');
    expect(failure).toContain('Mon 2026-12-07 07:00 UTC');
    expect(run.h.summaries.join('\n')).toContain('Fri 2026-12-04 17:00 Europe/Berlin (GMT+01:00)');
    expect(run.h.outputs).toMatchObject({ environment: 'production', skipped: 'false' });
  });

  it('the start and end instants themselves: frozen from 17:00 Friday Berlin, open again at 08:00 Monday', async () => {
    expect((await deployAt('2026-12-04T15:59:59Z')).ok).toBe(true);
    expect((await deployAt('2026-12-04T16:00:00Z')).ok).toBe(false);
    expect((await deployAt('2026-12-07T06:59:59Z')).ok).toBe(false);
    const open = await deployAt('2026-12-07T07:00:00Z');
    expect(open.ok).toBe(true);
    expect(open.changed).toBe(true);
  });

  it('outside the window (Thursday) deploys and records', async () => {
    const run = await deployAt('2026-12-03T12:00:00Z');
    expect(run.h.failures).toEqual([]);
    expect(run.ok).toBe(true);
    expect(run.changed).toBe(true);
    expect(repo.read('deploy/production/values.yaml')).toContain(run.image.split(':')[1]);
    expect(run.recorded).toHaveLength(1);
  });

  it('a window across the end of summer time (Sunday 2026-10-25) ends at Monday 08:00 CET = 07:00 UTC', async () => {
    // Friday 17:00 CEST is 15:00 UTC; Monday 08:00 CET is 07:00 UTC (not 06:00).
    expect((await deployAt('2026-10-23T14:59:00Z')).ok).toBe(true);
    const frozen = await deployAt('2026-10-24T12:00:00Z');
    expect(frozen.ok).toBe(false);
    expect(frozen.h.failures[0]).toContain('Mon 2026-10-26 08:00 Europe/Berlin (GMT+01:00)');
    expect(frozen.h.failures[0]).toContain('Mon 2026-10-26 07:00 UTC');
    expect(frozen.h.summaries.join('\n')).toContain('Fri 2026-10-23 17:00 Europe/Berlin (GMT+02:00)');
    expect((await deployAt('2026-10-26T06:30:00Z')).ok).toBe(false);
    expect((await deployAt('2026-10-26T07:00:00Z')).ok).toBe(true);
  });

  it('a window across the start of summer time (Sunday 2027-03-28) ends at Monday 08:00 CEST = 06:00 UTC', async () => {
    const frozen = await deployAt('2027-03-29T05:59:00Z');
    expect(frozen.ok).toBe(false);
    expect(frozen.h.failures[0]).toContain('Mon 2027-03-29 08:00 Europe/Berlin (GMT+02:00)');
    expect(frozen.h.failures[0]).toContain('Mon 2027-03-29 06:00 UTC');
    expect((await deployAt('2027-03-29T06:00:00Z')).ok).toBe(true);
  });

  it('an ISO interval freezes from its start to its end', async () => {
    const freeze = '2026-12-24T00:00Z/2026-12-27T00:00Z';
    const inside = await deployAt('2026-12-24T09:00:00Z', { freeze });
    expect(inside.ok).toBe(false);
    expect(inside.changed).toBe(false);
    expect(inside.h.failures[0]).toContain(`\`${freeze}\``);
    expect(inside.h.failures[0]).toContain('Sun 2026-12-27 00:00 UTC');
    expect((await deployAt('2026-12-27T00:00:00Z', { freeze })).ok).toBe(true);
    expect((await deployAt('2026-12-23T23:59:59Z', { freeze })).ok).toBe(true);
  });

  it('only the freeze-environments freeze: staging deploys during the window; a glob can add it', async () => {
    expect((await deployAt('2026-12-05T12:00:00Z', { environment: 'staging' })).ok).toBe(true);
    const globbed = await deployAt('2026-12-05T12:00:00Z', {
      environment: 'staging',
      'freeze-environments': 'prod*, stag*',
    });
    expect(globbed.ok).toBe(false);
  });

  it('break-glass deploys during the freeze with a warning; reason and actor in the summary and the GitHub deployment payload', async () => {
    const run = await deployAt('2026-12-05T12:00:00Z', { 'break-glass': 'hotfix INC-42' });
    expect(run.h.failures).toEqual([]);
    expect(run.ok).toBe(true);
    expect(run.changed).toBe(true);
    expect(run.h.logs.filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringMatching(
        /^warning: Break-glass deploy to production during a freeze by octocat: hotfix INC-42/,
      ),
    ]);
    const summary = run.h.summaries.join('\n');
    expect(summary).toContain('| Reason | hotfix INC-42 |');
    expect(summary).toContain('| Actor | octocat |');
    expect(run.h.outputs['break-glass']).toBe('hotfix INC-42');
    expect(run.recorded).toHaveLength(1);
    expect(run.recorded[0]?.payload).toMatchObject({
      image: run.image,
      stagecraft: {
        kind: 'deploy',
        commit: 'a'.repeat(40),
        actor: 'octocat',
        break_glass: { reason: 'hotfix INC-42', actor: 'octocat', windows: [FRIDAY] },
      },
    });
    // The board row (notify-pr, as the root promote action passes deploy-env's output on).
    gh.store.addPull({ number: 42, headSha: 'a'.repeat(40) });
    const board = fakeHost(
      {
        board: 'true',
        environment: 'production',
        image: run.image,
        status: 'success',
        'break-glass': run.h.outputs['break-glass'] as string,
        token: TOKEN,
      },
      {
        ctx: {
          provider: 'github',
          forge: 'github',
          repository: 'octo/app',
          apiUrl: gh.url,
          sha: 'a'.repeat(40),
          headSha: 'a'.repeat(40),
          actor: 'octocat',
        },
      },
    );
    expect(await runStep(notifyPr, board)).toBe(true);
    const comment = gh.store.comments.find((c) => c.body.startsWith(BOARD_MARKER));
    expect(comment?.body).toContain('✅ success (break-glass by octocat: hotfix INC-42)');
    expect(parseBoard(comment?.body ?? '').production?.breakGlass).toEqual({
      reason: 'hotfix INC-42',
      actor: 'octocat',
    });
    expect(gh.violations).toEqual([]);
  });

  it.each([
    ['0 17 * * 5 0 8 * *', '9 fields'],
    ['0 17 * * 5 0 25 * * 1 Europe/Berlin', 'end "0 25 * * 1"'],
    ['0 17 * * 8 0 8 * * 1', 'start "0 17 * * 8"'],
    ['0 17 * * 5 0 8 * * 1 Europe/Berlni', '"Europe/Berlni" is not a time zone'],
    ['2026-12-27T00:00Z/2026-12-24T00:00Z', 'ends before it starts'],
    ['2026-12-24T00:00/2026-12-27T00:00Z', 'not an ISO date-time with a zone'],
  ])('bad window %j: one error naming `freeze`, nothing changed', async (freeze, reason) => {
    const run = await deployAt('2026-12-03T12:00:00Z', { freeze: `# comment\n${freeze}` });
    expect(run.ok).toBe(false);
    expect(run.changed).toBe(false);
    expect(run.h.failures).toHaveLength(1);
    expect(run.h.failures[0]).toMatch(/^Input "freeze" has an invalid value/);
    expect(run.h.failures[0]).toContain(`line 2: `);
    expect(run.h.failures[0]).toContain(reason);
  });
});

describe('freeze windows in gate-merge set', () => {
  const gate = (now: string, inputs: Record<string, string>) =>
    fakeHost(
      { mode: 'set', state: 'success', freeze: FRIDAY, token: TOKEN, ...inputs },
      {
        now: new Date(now),
        ctx: {
          provider: 'github',
          forge: 'github',
          repository: 'octo/app',
          apiUrl: gh.url,
          headSha: 'b'.repeat(40),
        },
      },
    );
  const statuses = () => gh.store.statuses.filter((s) => s.sha === 'b'.repeat(40)).length;

  it('a gate for a frozen environment (its context names it) is not set during the window; outside it is', async () => {
    const before = statuses();
    const frozen = gate('2026-12-05T12:00:00Z', { context: 'stagecraft/production' });
    expect(await runStep(gateMerge, frozen)).toBe(false);
    expect(frozen.failures[0]).toContain('production is frozen');
    expect(frozen.failures[0]).toContain('Mon 2026-12-07 07:00 UTC');
    expect(frozen.summaries.join('\n')).toContain(
      '### Gate stagecraft/production to production refused: frozen',
    );
    expect(statuses()).toBe(before);
    // The staging gate is not frozen; the production gate is set again after the window.
    expect(await runStep(gateMerge, gate('2026-12-05T12:00:00Z', { context: 'stagecraft/staging' }))).toBe(
      true,
    );
    expect(await runStep(gateMerge, gate('2026-12-07T07:00:00Z', { context: 'stagecraft/production' }))).toBe(
      true,
    );
    expect(statuses()).toBe(before + 2);
    expect(gh.violations).toEqual([]);
  });
});

describe('GitLab freeze periods, read when the job runs', () => {
  let gl: FakeGitLab;
  beforeAll(async () => {
    gl = await startFakeGitLab({ project: 'acme/shop', projectId: 7, token: 'glpat', jobToken: 'job' });
  });
  afterAll(async () => gl?.close());

  const host = (
    inputs: Record<string, string>,
    now: string,
    tokens: Record<string, string> = { GITLAB_TOKEN: 'glpat' },
  ) =>
    fakeHost(
      { strategy: 'gitops', repository: repo.url, environment: 'production', ...inputs },
      {
        env: { ...env, CI_JOB_TOKEN: 'job', ...tokens },
        now: new Date(now),
        ctx: { provider: 'gitlab', forge: 'gitlab', apiUrl: gl.apiUrl, projectId: '7', actor: 'alice' },
      },
    );

  it('a freeze period created after the pipeline started stops deploy-env; rollback is never frozen', async () => {
    const now = '2026-12-05T12:00:00Z';
    // The pipeline starts with no freeze period: a deploy passes.
    const first = host({ image: `${REPO}:gl1` }, now);
    expect(await runStep(deployEnv, first)).toBe(true);
    // A maintainer creates a freeze period (GitLab's API) while the pipeline runs.
    const created = await fetch(`${gl.apiUrl}/projects/7/freeze_periods`, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': 'glpat', 'content-type': 'application/json' },
      body: JSON.stringify({
        freeze_start: '0 17 * * 5',
        freeze_end: '0 8 * * 1',
        cron_timezone: 'Europe/Berlin',
      }),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: number }).id;
    const before = repo.head();
    const frozen = host({ image: `${REPO}:gl2` }, now);
    expect(await runStep(deployEnv, frozen)).toBe(false);
    expect(frozen.failures[0]).toContain(`GitLab freeze period ${id}`);
    expect(frozen.failures[0]).toContain('Mon 2026-12-07 07:00 UTC');
    expect(repo.head()).toBe(before);
    expect(gl.requests.filter((r) => r.path.startsWith('/api/v4/projects/7/freeze_periods'))).toEqual([
      expect.objectContaining({ method: 'GET', auth: 'private', status: 200 }),
      expect.objectContaining({ method: 'POST', status: 201 }),
      expect.objectContaining({ method: 'GET', auth: 'private', status: 200 }),
    ]);
    // rollback is never frozen: it returns production to gl1 and reads no freeze period.
    const reads = gl.requests.length;
    const back = host({ image: `${REPO}:any`, reason: 'smoke failed' }, now);
    expect(await runStep(rollback, back)).toBe(true);
    expect(back.failures).toEqual([]);
    expect(repo.head()).not.toBe(before);
    expect(gl.requests.slice(reads)).toEqual([]);
    expect(gl.violations).toEqual([]);
  });

  it('with only the job token (GitLab does not let it read freeze periods) the step says so in a warning', async () => {
    const h = host({ image: `${REPO}:gl3` }, '2026-12-05T12:00:00Z', {});
    expect(await runStep(deployEnv, h)).toBe(true);
    expect(h.logs).toContainEqual(
      expect.stringMatching(
        /^warning: Could not read the project's GitLab freeze periods \(GitLab GET .*answered 401.*GITLAB_TOKEN/,
      ),
    );
  });
});
