/**
 * gate-merge and notify-pr components against the fake GitLab API (gitlab-ci-local, shell
 * executor), for what the one pipeline in job containers (gitlab-components-docker.test.ts) does
 * not show: require mode, a sticky note updated by a later pipeline, and failing jobs that fail
 * their pipeline with the step's message.
 */

import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import YAML from 'yaml';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { CLI, component, createProject, type Project, runPipeline } from '../helpers/gitlab-ci-local.js';

// Each pipeline is a few seconds on an idle machine; the shared CI machine can be much slower.
jest.setTimeout(180_000);

/** A failed pipeline fails the test with gitlab-ci-local's whole output. */
function expectSuccess(run: { code: number; output: string }) {
  if (run.code !== 0) throw new Error(`pipeline failed (${run.code}):\n${run.output}`);
}

const PROJECT = 'group/stagecraft'; // the test project's origin, as gitlab-ci-local names it
const PROJECT_ID = 1217; // gitlab-ci-local's CI_PROJECT_ID
const JOB_TOKEN = 'glcbt-jobTOKEN0987654321';
const PRIVATE = 'glpat-privateTOKEN1234567890';

/**
 * One project and one fake GitLab; two pipelines (jobs of both components share them, as the
 * jobs of a real pipeline would): all passing, all failing.
 */
describe('gate-merge and notify-pr components (fake GitLab API)', () => {
  let gl: FakeGitLab;
  let project: Project;
  beforeAll(async () => {
    gl = await startFakeGitLab({
      project: PROJECT,
      projectId: PROJECT_ID,
      token: PRIVATE,
      jobToken: JOB_TOKEN,
    });
  });
  afterAll(async () => {
    project?.remove();
    await gl?.close();
  });
  afterEach(() => expect(gl.violations).toEqual([]));

  /** The jobs see the fake as their GitLab, and the job token. */
  async function run() {
    const result = await runPipeline(project, {
      variables: {
        CI_API_V4_URL: gl.apiUrl,
        CI_PROJECT_ID: String(PROJECT_ID),
        CI_JOB_TOKEN: JOB_TOKEN,
        STAGECRAFT_RETRY_BASE_MS: '20',
      },
      env: { GCL_IGNORE_PREDEFINED_VARS: 'CI_API_V4_URL,CI_PROJECT_ID' },
    });
    expect(result.output).not.toContain(JOB_TOKEN);
    expect(result.output).not.toContain(PRIVATE);
    return result;
  }
  const head = () => project.git('rev-parse', 'HEAD').trim();
  const notify = (message: string) => ({
    component: component('notify-pr'),
    inputs: { cli: CLI, environment: 'staging', image: 'registry.example.com/app:1', message },
  });

  test('require mode sees the green status; notify-pr updates the note an earlier pipeline left', async () => {
    project = createProject({
      '.gitlab-ci.yml': YAML.stringify({
        stages: ['check', 'notify'],
        include: [
          {
            component: component('gate-merge'),
            inputs: { cli: CLI, stage: 'check', mode: 'require', contexts: 'stagecraft/staging' },
          },
          notify('second deploy'),
        ],
      }),
    });
    const sha = head();
    gl.mrs.push({ iid: 5, state: 'opened', sha, merge_commit_sha: null });
    gl.commitMrs.set(sha, [5]);
    // What an earlier pipeline's gate-merge (set) and notify-pr left.
    gl.statuses.push({
      id: 9,
      sha,
      name: 'stagecraft/staging',
      status: 'success',
      target_url: null,
      description: null,
    });
    const noteId = 77;
    gl.notes.push({
      id: noteId,
      iid: 5,
      body: '<!-- stagecraft:notify:staging -->\nfirst deploy',
      system: false,
      created_at: new Date().toISOString(),
    });
    const ok = await run();
    expectSuccess(ok);
    expect(gl.requests.every((r) => r.auth === 'job')).toBe(true);
    expect(ok.dotenv('gate-merge')).toMatchObject({ STAGECRAFT_STATE: 'success', STAGECRAFT_SHA: sha });
    expect(ok.jobLines('gate-merge').join('\n')).toContain(
      '"context":"stagecraft/staging","verdict":"green"',
    );
    // require mode wrote nothing.
    expect(gl.statuses).toHaveLength(1);

    expect(ok.jobLines('notify-pr')).toContain(`#5: comment ${noteId} updated`);
    expect(gl.notes).toHaveLength(1);
    expect(gl.notes[0]?.body).toContain('second deploy');
    expect(gl.notes[0]?.body).not.toContain('first deploy');
    expect(ok.dotenv('notify-pr')).toMatchObject({
      STAGECRAFT_COMMENT_IDS: String(noteId),
      STAGECRAFT_PR_NUMBERS: '5',
    });
  });

  test('failing: require with a red and a missing context; a pr that is no number; a refused token (a warning, or a failure with fail-on-slack-error)', async () => {
    project.commit({
      '.gitlab-ci.yml': YAML.stringify({
        stages: ['check'],
        include: [
          {
            component: component('gate-merge'),
            inputs: { cli: CLI, stage: 'check', mode: 'require', contexts: 'e2e,lint' },
          },
          ...[
            { 'job-name': 'bad-pr', pr: 'abc' },
            { 'job-name': 'bad-token', pr: '5', token: 'glpat-wrongTOKEN000000000' },
            {
              'job-name': 'bad-token-strict',
              pr: '5',
              token: 'glpat-wrongTOKEN000000000',
              'fail-on-slack-error': true,
            },
          ].map((inputs) => ({
            component: component('notify-pr'),
            inputs: { cli: CLI, stage: 'check', ...inputs },
          })),
        ],
      }),
    });
    gl.statuses.push({
      id: 1,
      sha: head(),
      name: 'e2e',
      status: 'failed',
      target_url: null,
      description: null,
    });
    const before = gl.requests.length;
    const bad = await run();
    expect(bad.code).not.toBe(0);
    for (const job of ['gate-merge', 'bad-pr', 'bad-token-strict'])
      expect(bad.output).toMatch(new RegExp(`FAIL\\s+${job}\\s`));
    // A comment the platform refused is a warning carrying its error; the step passes.
    expect(bad.output).toMatch(/PASS\s+bad-token\s/);

    const gate = bad.jobLines('gate-merge').join('\n');
    expect(gate).toContain(`error: 2 of 2 required context(s) not green on ${head()}`);
    expect(gate).toContain('- e2e: red (status failure)');
    expect(gate).toContain('- lint: missing');
    expect(bad.dotenv('gate-merge').STAGECRAFT_STATE).toBe('failure');

    expect(bad.jobLines('bad-pr').join('\n')).toContain('error: Input "pr" has an invalid value "abc"');
    expect(bad.jobLines('bad-token').join('\n')).toMatch(
      /warning: Comment on #5 failed \(the deploy is not affected\): GitLab GET .*answered 401/,
    );
    expect(bad.jobLines('bad-token-strict').join('\n')).toMatch(
      /error: .*Comment on #5 failed: GitLab GET .*answered 401/,
    );
    // bad-pr called nothing; bad-token was refused; no note and no status was written.
    expect(
      gl.requests
        .slice(before)
        .filter((r) => r.auth === 'private')
        .every((r) => r.status === 401),
    ).toBe(true);
    expect(gl.notes).toHaveLength(1);
    expect(gl.statuses).toHaveLength(2);
  });
});
