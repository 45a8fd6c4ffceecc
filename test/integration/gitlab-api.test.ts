/**
 * gate-merge and notify-pr on GitLab, through the CLI host (what the components run), against
 * the fake GitLab API: commit statuses on the MR head, require mode, MR notes with the sticky
 * marker, MRs found from a commit, JOB-TOKEN vs PRIVATE-TOKEN, retries, secrets kept out of logs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../../src/platform/cli.js';
import { gateMerge } from '../../src/steps/gate-merge.js';
import { notifyPr } from '../../src/steps/notify-pr.js';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';

const PRIVATE = 'glpat-privateTOKEN1234567890';
const JOB = 'glcbt-jobTOKEN0987654321';
const HEAD = '5555555555555555555555555555555555555555';
const MERGED = '6666666666666666666666666666666666666666';

let gl: FakeGitLab;
let dir: string;
beforeEach(async () => {
  gl = await startFakeGitLab({ project: 'team/app', projectId: 42, token: PRIVATE, jobToken: JOB });
  gl.mrs.push({ iid: 5, state: 'merged', sha: HEAD, merge_commit_sha: MERGED });
  gl.commitMrs.set(MERGED, [5]);
  dir = mkdtempSync(join(tmpdir(), 'gitlab-api-test-'));
});
afterEach(async () => {
  expect(gl.violations).toEqual([]);
  await gl.close();
});

async function cli(step: string, args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli([gateMerge, notifyPr], [step, ...args], {
    env: {
      GITLAB_CI: 'true',
      CI_API_V4_URL: gl.apiUrl,
      CI_SERVER_URL: 'https://gitlab.example.com',
      CI_PROJECT_ID: '42',
      CI_PROJECT_PATH: 'team/app',
      CI_COMMIT_SHA: MERGED,
      CI_COMMIT_BRANCH: 'main',
      CI_JOB_URL: 'https://gitlab.example.com/team/app/-/jobs/9',
      CI_JOB_TOKEN: JOB,
      STAGECRAFT_DOTENV: join(dir, 'stagecraft.env'),
      STAGECRAFT_SUMMARY: join(dir, 'summary.md'),
      STAGECRAFT_RETRY_BASE_MS: '20',
      TMPDIR: dir,
      ...env,
    },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  for (const secret of [PRIVATE, JOB]) {
    expect(stdout).not.toContain(secret);
    expect(stderr).not.toContain(secret);
  }
  return { code, stdout, stderr };
}

const mrPipeline = {
  CI_MERGE_REQUEST_IID: '5',
  CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD,
  CI_COMMIT_SHA: MERGED,
};

describe('gate-merge on GitLab', () => {
  it('sets the status on the MR head with a private token, idempotently', async () => {
    const first = await cli('gate-merge', ['--description', 'staging verified'], {
      ...mrPipeline,
      GITLAB_TOKEN: PRIVATE,
    });
    expect(first.stderr).not.toContain('error');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`sha=${HEAD}`);
    expect(gl.statuses).toEqual([
      {
        id: expect.any(Number),
        sha: HEAD,
        name: 'stagecraft/staging',
        status: 'success',
        description: 'staging verified',
        target_url: 'https://gitlab.example.com/team/app/-/jobs/9',
      },
    ]);
    expect(gl.requests.map((r) => r.auth)).toEqual(['private']);
    // GitLab refuses success → success; a re-run is still a success and writes nothing new.
    const again = await cli('gate-merge', [], { ...mrPipeline, GITLAB_TOKEN: PRIVATE });
    expect(again.code).toBe(0);
    expect(gl.statuses).toHaveLength(1);
    expect(readFileSync(join(dir, 'stagecraft.env'), 'utf8')).toContain(`STAGECRAFT_SHA=${HEAD}`);
  });

  it('maps failure to failed and requires contexts from commit statuses', async () => {
    await cli('gate-merge', ['--state', 'failure', '--context', 'e2e', '--token', PRIVATE]);
    await cli('gate-merge', ['--context', 'stagecraft/staging', '--token', PRIVATE]);
    expect(gl.statuses.map((s) => [s.sha, s.name, s.status])).toEqual([
      [MERGED, 'e2e', 'failed'],
      [MERGED, 'stagecraft/staging', 'success'],
    ]);
    const ok = await cli('gate-merge', [
      '--mode',
      'require',
      '--contexts',
      'stagecraft/staging',
      '--token',
      PRIVATE,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('state=success');
    const bad = await cli('gate-merge', [
      '--mode',
      'require',
      '--contexts',
      'stagecraft/staging,e2e,lint',
      '--token',
      PRIVATE,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('- e2e: red (status failure)');
    expect(bad.stderr).toContain('- lint: missing');
  });

  it('rejects bad inputs before any API call', async () => {
    for (const args of [
      ['--state', 'maybe'],
      ['--mode', 'require'],
      ['--sha', 'xyz'],
    ]) {
      const r = await cli('gate-merge', args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Input "(state|contexts|sha)"/);
    }
    expect(gl.requests).toHaveLength(0);
  });
});

describe('notify-pr on GitLab', () => {
  it('finds the MR of the merge commit and keeps one sticky note, with the job token', async () => {
    const first = await cli('notify-pr', [
      '--environment',
      'production',
      '--image',
      'reg/app:1',
      '--status',
      'pending',
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('pr-numbers=5');
    const second = await cli('notify-pr', ['--environment', 'production', '--image', 'reg/app:1']);
    expect(second.code).toBe(0);
    expect(gl.notes).toHaveLength(1);
    expect(gl.notes[0]?.body).toMatch(
      /^<!-- stagecraft:notify:production -->\n### ✅ Deployment to `production`: success/,
    );
    expect(gl.requests.every((r) => r.auth === 'job')).toBe(true);
    expect(
      gl.requests.some((r) =>
        r.path.startsWith(`/api/v4/projects/42/repository/commits/${MERGED}/merge_requests`),
      ),
    ).toBe(true);
  });

  it('converges concurrent runs on one note and retries 502/429 without duplicates', async () => {
    gl.fail({ method: 'POST', path: /notes$/, status: 502 });
    gl.fail({ method: 'POST', path: /notes$/, status: 429, retryAfter: 0 });
    const runs = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        cli('notify-pr', [
          '--pr',
          '5',
          '--environment',
          'staging',
          '--message',
          `run ${n}`,
          '--repository',
          'team/app',
        ]),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(gl.notes).toHaveLength(1);
    expect(
      gl.requests.some((r) => r.path.startsWith('/api/v4/projects/team%2Fapp/merge_requests/5/notes')),
    ).toBe(true);
    expect(gl.requests.filter((r) => r.status === 502 || r.status === 429)).toHaveLength(2);
  });

  it('rejects a bad pr before any API call', async () => {
    const r = await cli('notify-pr', ['--pr', 'abc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Input "pr" has an invalid value "abc"');
    expect(gl.requests).toHaveLength(0);
  });
});
