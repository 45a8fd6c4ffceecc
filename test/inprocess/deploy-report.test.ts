/**
 * deploy-report on a seeded history, at a fixed clock, on GitHub and on GitLab.
 *
 * GitHub: the history is written by our own steps — deploy-env (gitops, into a bare config
 * repository) and rollback — with the fake GitHub's clock and the runtime's clock set to each
 * moment, so the deployment records, statuses and payloads are exactly what the steps write.
 * GitLab: the deployments a job with `environment:` leaves (deploy-prd / rollback-prd jobs) are
 * created in the fake GitLab at the same moments. Both serve the same app repository, whose
 * commits are made at known times, through their compare APIs.
 *
 * The history (hours after T0 = Monday 2026-11-16 00:00 UTC; the report runs at T0 + 21 days with
 * `since: 21d`): before the window, B deploys C0 (T0-24h). Then D1…D20, one a day at 10:00
 * (Dk at 24(k-1)+10 h), Dk deploying commit Ck made k hours before it (D1 also ships C1a made at
 * -20 h). D4, D11, D17 fail; D8 and D15 succeed and are rolled back 2 h and 3 h later. Staging
 * gets three deployments of its own in the window (one failing), which must not count.
 *
 * By hand:
 * - 20 deployments, 15 successful (not D4 D8 D11 D15 D17): frequency 15 / 21 days = 0.714… → `0.71`.
 * - change failure rate 5 / 20 = 25% (3 failed + 2 rolled back; the 2 rollbacks are not counted).
 * - lead time: each successful deployment's commits since the previous successful one:
 *   D1 {C1a 30h, C1 1h}, D2 2h, D3 3h, D5 {C4 = 106-78 = 28h, C5 5h}, D6 6h, D7 7h,
 *   D9 {C8 = 202-170 = 32h, C9 9h}, D10 10h, D12 {C11 = 274-239 = 35h, C12 12h}, D13 13h, D14 14h,
 *   D16 {C15 = 370-331 = 39h, C16 16h}, D18 {C17 = 418-377 = 41h, C18 18h}, D19 19h, D20 20h:
 *   21 commits; sorted 1 2 3 5 6 7 9 10 12 13 [14] 16 18 19 20 28 30 32 35 39 41 → median 14h = 50400 s.
 * - time to restore: D4 → D5 24h, D8 → rollback 2h, D11 → D12 24h, D15 → rollback 3h,
 *   D17 → D18 24h; sorted 2 3 [24] 24 24 → median 24h = 86400 s (`1d`).
 * - per week: 7 (1 failed), 7 (2 failed), 6 (2 failed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runStep } from '../../src/platform/host.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { deployReport } from '../../src/steps/deploy-report.js';
import { rollback } from '../../src/steps/rollback.js';
import { GitStore } from '../fakes/git-store.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { type BareRepo, commitAt, createBareRepo, git } from '../helpers/git.js';
import { fakeHost } from './fake-host.js';

const T0 = Date.parse('2026-11-16T00:00:00Z') / 1000;
const NOW = new Date((T0 + 21 * 86_400) * 1000);
const at = (hours: number) => new Date((T0 + hours * 3600) * 1000);
const REPO = 'registry.example.com/team/app';
const VALUES = 'image:\n  tag: "v0"\n';
const env = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1' };

const FAILED = new Set([4, 11, 17]);
const ROLLED_BACK = new Map([
  [8, 2],
  [15, 3],
]);
const deployHour = (k: number) => 24 * (k - 1) + 10;

/** One moment of the history, in time order. */
type Event =
  | {
      kind: 'deploy';
      hours: number;
      environment: string;
      commit: string;
      image: string;
      fails: boolean;
      job: string;
    }
  | { kind: 'rollback'; hours: number; environment: string; commit: string; job: string };

let app: BareRepo;
let work: string;
const commits = new Map<string, string>(); // name → sha
const events: Event[] = [];

beforeAll(() => {
  // The app repository: C0 … C20 (and C1a) at known times, one linear history.
  app = createBareRepo({ 'README.md': 'app\n' }, { name: 'app' });
  work = mkdtempSync(join(tmpdir(), 'dora-app-'));
  git(work, 'clone', '--quiet', app.path, '.');
  const made: Array<[string, number]> = [
    ['C0', -30],
    ['C1a', -20],
  ];
  for (let k = 1; k <= 20; k++) made.push([`C${k}`, deployHour(k) - k]);
  made.sort((a, b) => a[1] - b[1]);
  for (const [name, hours] of made) commits.set(name, commitAt(work, T0 + hours * 3600, name));
  git(work, 'push', '--quiet', 'origin', `HEAD:refs/heads/${app.branch}`);

  events.push({
    kind: 'deploy',
    hours: -24,
    environment: 'production',
    commit: 'C0',
    image: 'b',
    fails: false,
    job: 'deploy-prd',
  });
  for (let k = 1; k <= 20; k++) {
    events.push({
      kind: 'deploy',
      hours: deployHour(k),
      environment: 'production',
      commit: `C${k}`,
      image: `d${k}`,
      fails: FAILED.has(k),
      job: 'deploy-prd',
    });
    const back = ROLLED_BACK.get(k);
    if (back)
      events.push({
        kind: 'rollback',
        hours: deployHour(k) + back,
        environment: 'production',
        commit: `C${k}`,
        job: 'rollback-prd',
      });
  }
  // Staging: its own deployments, one failing, never counted for production.
  for (const [hours, k, fails] of [
    [5, 1, false],
    [100, 4, true],
    [300, 12, false],
  ] as const) {
    events.push({
      kind: 'deploy',
      hours,
      environment: 'staging',
      commit: `C${k}`,
      image: `s${k}`,
      fails,
      job: 'deploy-stg',
    });
  }
  events.sort((a, b) => a.hours - b.hours);
});
afterAll(() => {
  app?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The four keys exactly as computed by hand above. */
function expectHandFigures(outputs: Record<string, string>) {
  expect(outputs['deployment-frequency']).toBe('0.71');
  expect(outputs['change-failure-rate']).toBe('25%');
  expect(outputs['lead-time']).toBe('14h');
  expect(outputs['time-to-restore']).toBe('1d');
  const report = JSON.parse(outputs.report as string);
  expect(report).toMatchObject({
    environment: 'production',
    from: '2026-11-16T00:00:00.000Z',
    to: '2026-12-07T00:00:00.000Z',
    days: 21,
    deployments: 20,
    successful: 15,
    failed: 5,
    rolledBack: 2,
    rollbacks: 2,
    leadTime: 50_400,
    commits: 21,
    changeFailureRate: 0.25,
    timeToRestore: 86_400,
    restored: 5,
    unrestored: 0,
    weeks: [
      { week: '2026-11-16', deployments: 7, failed: 1 },
      { week: '2026-11-23', deployments: 7, failed: 2 },
      { week: '2026-11-30', deployments: 6, failed: 2 },
    ],
  });
  expect(report.deploymentFrequency).toBeCloseTo(15 / 21, 10);
}

describe('deploy-report on GitHub, from the records deploy-env and rollback wrote', () => {
  const TOKEN = 'gh-token';
  let gh: FakeGitHub;
  let config: BareRepo;
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN, repository: 'octo/app', git: new GitStore(app.path) });
    config = createBareRepo({
      'deploy/production/values.yaml': VALUES,
      'deploy/staging/values.yaml': VALUES,
    });
  });
  afterAll(async () => {
    await gh?.close();
    config?.cleanup();
  });

  const host = (inputs: Record<string, string>, now: Date, commit?: string) =>
    fakeHost(
      { token: TOKEN, ...inputs },
      {
        env,
        now,
        // The records' three writes go out at once (production spaces GitHub writes by 1 s).
        tuning: { githubWriteSpacingMs: 0 },
        ctx: {
          provider: 'github',
          forge: 'github',
          repository: 'octo/app',
          apiUrl: gh.url,
          actor: 'octocat',
          ...(commit ? { sha: commit, headSha: commit } : {}),
        },
      },
    );

  it('seeds the history through deploy-env and rollback', async () => {
    for (const e of events) {
      const moment = at(e.hours);
      gh.store.clock = () => moment;
      const sha = commits.get(e.commit) as string;
      const target = { strategy: 'gitops', repository: config.url, environment: e.environment };
      if (e.kind === 'deploy') {
        const h = host(
          {
            ...target,
            image: `${REPO}:${e.image}`,
            // A deploy that fails: its config file is missing (a typo'd overlay).
            ...(e.fails ? { file: 'deploy/{environment}-typo/values.yaml' } : {}),
          },
          moment,
          sha,
        );
        expect(await runStep(deployEnv, h)).toBe(!e.fails);
      } else {
        const h = host({ ...target, image: `${REPO}:any`, reason: 'smoke test failed' }, moment, sha);
        expect(await runStep(rollback, h)).toBe(true);
        expect(h.failures).toEqual([]);
      }
    }
    const production = gh.store.deployments.filter((d) => d.environment === 'production');
    expect(production).toHaveLength(23);
    const rollbacks = production.filter(
      (d) => (d.payload as { stagecraft?: { kind?: string } }).stagecraft?.kind === 'rollback',
    );
    expect(
      rollbacks.map(
        (d) =>
          (d.payload as { stagecraft: { rolled_back_from?: { id: number } } }).stagecraft.rolled_back_from
            ?.id,
      ),
    ).toEqual(
      [8, 15].map(
        (k) =>
          production.find(
            (d) => d.sha === commits.get(`C${k}`) && d.id !== rollbacks[0]?.id && d.id !== rollbacks[1]?.id,
          )?.id,
      ),
    );
    expect(gh.violations).toEqual([]);
  }, 180_000);

  it('gives the figures computed by hand', async () => {
    gh.store.clock = () => NOW;
    const h = host({ environment: 'production', since: '21d' }, NOW);
    expect(await runStep(deployReport, h)).toBe(true);
    expect(h.failures).toEqual([]);
    expectHandFigures(h.outputs);
    const summary = h.summaries.join('\n');
    expect(summary).toContain('| Change failure rate | 25% |');
    expect(summary).toContain('```mermaid\nxychart-beta');
    expect(summary).toContain('  bar [7, 7, 6]');
    expect(gh.violations).toEqual([]);
  });

  it('only the given environment counts: staging has its own figures', async () => {
    const h = host({ environment: 'staging', since: '21d' }, NOW);
    expect(await runStep(deployReport, h)).toBe(true);
    const report = JSON.parse(h.outputs.report as string);
    expect(report).toMatchObject({ deployments: 3, successful: 2, failed: 1, rollbacks: 0 });
    expect(h.outputs['change-failure-rate']).toBe('33.3%');
  });

  it('a window with no deployment says so instead of dividing by zero', async () => {
    const h = host({ environment: 'production', since: '1d' }, NOW);
    expect(await runStep(deployReport, h)).toBe(true);
    expect(h.outputs).toMatchObject({
      'deployment-frequency': '0',
      'lead-time': '',
      'change-failure-rate': '',
      'time-to-restore': '',
    });
    const report = JSON.parse(h.outputs.report as string);
    expect(report).toMatchObject({
      deployments: 0,
      changeFailureRate: null,
      leadTime: null,
      timeToRestore: null,
    });
    expect(h.summaries.join('\n')).toContain('No deployment to production in the last 1d');
    expect(h.summaries.join('\n')).not.toMatch(/NaN|Infinity/);
  });

  it('a bad since is one error naming the input', async () => {
    const h = host({ environment: 'production', since: '30 days' }, NOW);
    expect(await runStep(deployReport, h)).toBe(false);
    expect(h.failures).toEqual([expect.stringMatching(/^Input "since" has an invalid value "30 days"/)]);
  });
});

describe('deploy-report on GitLab, from the deployments of the jobs', () => {
  let gl: FakeGitLab;
  beforeAll(async () => {
    gl = await startFakeGitLab({
      project: 'acme/app',
      projectId: 9,
      token: 'glpat',
      jobToken: 'job',
      git: new GitStore(app.path),
    });
    for (const e of events) {
      const moment = at(e.hours);
      gl.clock = () => moment;
      const fails = e.kind === 'deploy' && e.fails;
      gl.addDeployment({
        environment: e.environment,
        sha: commits.get(e.commit) as string,
        status: fails ? 'failed' : 'success',
        jobName: e.job,
      });
    }
  });
  afterAll(async () => gl?.close());

  const host = (inputs: Record<string, string>) =>
    fakeHost(inputs, {
      env: { ...env, CI_JOB_TOKEN: 'job' },
      now: NOW,
      ctx: { provider: 'gitlab', forge: 'gitlab', apiUrl: gl.apiUrl, projectId: '9', repository: 'acme/app' },
    });

  it('gives the same figures computed by hand (rollback-prd jobs are the rollbacks)', async () => {
    const h = host({ environment: 'production', since: '21d' });
    expect(await runStep(deployReport, h)).toBe(true);
    expect(h.failures).toEqual([]);
    expectHandFigures(h.outputs);
    expect(gl.violations).toEqual([]);
    expect(gl.requests.every((r) => r.auth === 'job')).toBe(true);
  });

  it('only the given environment counts, and an empty window says so', async () => {
    const staging = host({ environment: 'staging', since: '21d' });
    expect(await runStep(deployReport, staging)).toBe(true);
    expect(JSON.parse(staging.outputs.report as string)).toMatchObject({ deployments: 3, failed: 1 });
    const empty = host({ environment: 'production', since: '1d' });
    expect(await runStep(deployReport, empty)).toBe(true);
    expect(empty.outputs['change-failure-rate']).toBe('');
    expect(empty.summaries.join('\n')).toContain('No deployment to production in the last 1d');
  });
});
