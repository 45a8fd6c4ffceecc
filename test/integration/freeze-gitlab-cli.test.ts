/**
 * A GitLab deploy freeze created after the pipeline started stops the deploy job: the built CLI
 * (dist/cli, what the components run) with a GitLab job's variables, against the fake GitLab, its
 * clock fixed with STAGECRAFT_NOW. GitLab itself only checks freezes when a pipeline is created
 * (gitlab#336354); deploy-env reads the freeze periods again when the job runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { parseOutputs, runCli } from '../helpers/cli.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';

const PRIVATE = 'glpat-freezeTOKEN123456';
const NOW = '2026-12-05T12:00:00Z'; // a Saturday
let gl: FakeGitLab;
let repo: BareRepo;
let dir: string;
beforeAll(async () => {
  gl = await startFakeGitLab({ project: 'acme/shop', projectId: 7, token: PRIVATE, jobToken: 'job-token' });
  repo = createBareRepo({ 'deploy/production/values.yaml': 'image:\n  tag: "v1"\n' });
  dir = mkdtempSync(join(tmpdir(), 'freeze-cli-'));
});
afterAll(async () => {
  await gl?.close();
  repo?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const job = (id: string, tag: string) =>
  runCli(
    [
      'deploy-env',
      '--strategy',
      'gitops',
      '--repository',
      repo.url,
      '--environment',
      'production',
      '--image',
      `registry.example.com/acme/shop:${tag}`,
    ],
    {
      GITLAB_CI: 'true',
      CI_API_V4_URL: gl.apiUrl,
      CI_SERVER_URL: 'https://gitlab.example.com',
      CI_PROJECT_ID: '7',
      CI_PROJECT_PATH: 'acme/shop',
      CI_COMMIT_SHA: 'c'.repeat(40),
      CI_COMMIT_BRANCH: 'main',
      CI_JOB_ID: id,
      CI_JOB_TOKEN: 'job-token',
      GITLAB_TOKEN: PRIVATE,
      GITLAB_USER_LOGIN: 'alice',
      STAGECRAFT_NOW: NOW,
      STAGECRAFT_RETRY_BASE_MS: '20',
      GIT_CONFIG_NOSYSTEM: '1',
      TMPDIR: dir,
    },
    dir,
  );

it('a freeze period created after the pipeline started stops the deploy job', async () => {
  // The pipeline was created with no freeze: its first deploy job deploys.
  const first = await job('101', 'v2');
  expect(first.stderr).not.toContain('error:');
  expect(first.code).toBe(0);
  const deployed = repo.head();
  // While the pipeline runs, a maintainer adds a weekend freeze in the project's settings.
  const res = await fetch(`${gl.apiUrl}/projects/7/freeze_periods`, {
    method: 'POST',
    headers: { 'PRIVATE-TOKEN': PRIVATE, 'content-type': 'application/json' },
    body: JSON.stringify({
      freeze_start: '0 17 * * 5',
      freeze_end: '0 8 * * 1',
      cron_timezone: 'Europe/Berlin',
    }),
  });
  expect(res.status).toBe(201);
  const second = await job('102', 'v3');
  expect(second.code).toBe(1);
  expect(second.stderr).toMatch(
    /error: deploy-env failed: production is frozen: `0 17 \* \* 5 0 8 \* \* 1 Europe\/Berlin` \(GitLab freeze period \d+\) until Mon 2026-12-07 08:00 Europe\/Berlin \(GMT\+01:00\), Mon 2026-12-07 07:00 UTC/,
  );
  expect(repo.head()).toBe(deployed);
  // The job still leaves its report: the dotenv outputs and the summary naming the window.
  expect(parseOutputs(second.stdout)).toMatchObject({ environment: 'production', skipped: 'false' });
  expect(readFileSync(join(dir, 'stagecraft.env'), 'utf8')).toContain('STAGECRAFT_ENVIRONMENT=production');
  const summary = readFileSync(join(dir, 'stagecraft-summary.md'), 'utf8');
  expect(summary).toContain('<!-- stagecraft:job:102 -->');
  expect(summary).toContain('### Deploy to production refused: frozen');
  expect(summary).toContain('Fri 2026-12-04 17:00 Europe/Berlin (GMT+01:00)');
  expect(second.stderr).not.toContain(PRIVATE);
  expect(gl.violations).toEqual([]);
});
