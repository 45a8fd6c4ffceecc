/**
 * The build-push-image, gate-merge and notify-pr components in real pipelines (gitlab-ci-local,
 * shell executor): a real buildah build pushed to a real docker-registry, and the fake GitLab API
 * for commit statuses and MR notes. Each component: a passing pipeline with its results and dotenv
 * outputs (build-push-image's read by a later job through `needs:`), and a failing job that fails
 * its pipeline with the step's message.
 */

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals';
import YAML from 'yaml';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { CLI, component, createProject, type Project, runPipeline } from '../helpers/gitlab-ci-local.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { ROOT } from '../helpers/runner.js';

// Each pipeline is a few seconds on an idle machine; the shared CI machine can be much slower.
jest.setTimeout(180_000);

/** A failed pipeline fails the test with gitlab-ci-local's whole output. */
function expectSuccess(run: { code: number; output: string }) {
  if (run.code !== 0) throw new Error(`pipeline failed (${run.code}):\n${run.output}`);
}

describe('build-push-image component (buildah, real registry)', () => {
  let registry: TestRegistry;
  let project: Project;

  beforeAll(async () => {
    // `FROM busybox:1.36` without a network: the machine's busybox as that image.
    execFileSync('bash', [join(ROOT, 'scripts/seed-busybox.sh')]);
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
    project?.remove();
  });

  async function tags(repo: string): Promise<string[]> {
    const res = await fetch(`${registry.url}/v2/${repo}/tags/list`);
    if (res.status === 404) return [];
    return ((await res.json()) as { tags?: string[] }).tags ?? [];
  }

  const dockerfile = [
    'FROM busybox:1.36 AS test',
    'ARG FAIL_TESTS=false',
    // A new value makes the tests run again instead of coming from the layer cache.
    'ARG TEST_RUN=0',
    'RUN echo "tests of run $TEST_RUN"; if [ "$FAIL_TESTS" = true ]; then echo "FAIL: greeting_test"; exit 1; fi',
    '',
    'FROM busybox:1.36 AS app',
    'RUN echo hello > /greeting',
    'CMD ["cat", "/greeting"]',
    '',
  ].join('\n');

  const pipeline = (repo: string, buildArgs: string) => ({
    stages: ['build', 'report'],
    include: [
      {
        component: component('build-push-image'),
        inputs: {
          cli: CLI,
          image: `${registry.host}/${repo}`,
          context: 'app',
          'test-target': 'test',
          target: 'app',
          'build-args': buildArgs,
          'tls-verify': false,
        },
      },
    ],
    report: {
      stage: 'report',
      needs: ['build-push-image'],
      script: ['echo "built $STAGECRAFT_IMAGE_REF digest $STAGECRAFT_DIGEST"'],
    },
  });

  test('builds after the test stage, pushes the commit-sha tag; a later job reads digest and ref', async () => {
    project = createProject({
      '.gitlab-ci.yml': YAML.stringify(pipeline('group/app', `TEST_RUN=${Date.now()}`)),
      'app/Dockerfile': dockerfile,
    });
    const sha = project.git('rev-parse', 'HEAD').trim();
    const run = await runPipeline(project);
    expectSuccess(run);
    const env = run.dotenv('build-push-image');
    expect(env.STAGECRAFT_DIGEST).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(env.STAGECRAFT_IMAGE_REF).toBe(`${registry.host}/group/app@${env.STAGECRAFT_DIGEST}`);
    expect(run.jobLines('report')).toContain(
      `built ${env.STAGECRAFT_IMAGE_REF} digest ${env.STAGECRAFT_DIGEST}`,
    );
    expect(run.jobLines('build-push-image').join('\n')).toContain('tests of run');
    expect(await tags('group/app')).toContain(sha.slice(0, 7));
  });

  test('a failing test stage fails the pipeline with the step message; nothing is pushed', async () => {
    project.commit({
      '.gitlab-ci.yml': YAML.stringify(pipeline('group/broken', `FAIL_TESTS=true\nTEST_RUN=${Date.now()}`)),
    });
    const run = await runPipeline(project);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/FAIL\s+build-push-image/);
    const lines = run.jobLines('build-push-image').join('\n');
    expect(lines).toMatch(/test stage "test" failed, nothing was pushed/);
    expect(lines).toContain('FAIL: greeting_test');
    // The later job never ran.
    expect(run.jobLines('report')).toEqual([]);
    expect(await tags('group/broken')).toEqual([]);
  });
});

const PROJECT = 'group/stagecraft'; // the test project's origin, as gitlab-ci-local names it
const PROJECT_ID = 1217; // gitlab-ci-local's CI_PROJECT_ID
const JOB_TOKEN = 'glcbt-jobTOKEN0987654321';
const PRIVATE = 'glpat-privateTOKEN1234567890';

/**
 * One project and one fake GitLab; three pipelines (jobs of both components share them, as the
 * jobs of a real pipeline would): all passing, a second notify that updates, all failing.
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
  let noteId: number;

  test('gate-merge sets the commit status and require mode sees it; notify-pr notes the MR of the commit', async () => {
    const ci = {
      stages: ['gate', 'check', 'notify'],
      include: [
        { component: component('gate-merge'), inputs: { cli: CLI, description: 'staging verified' } },
        {
          component: component('gate-merge'),
          inputs: {
            cli: CLI,
            stage: 'check',
            'job-name': 'require-staging',
            mode: 'require',
            contexts: 'stagecraft/staging',
          },
        },
        notify('first deploy'),
      ],
    };
    project = createProject({ '.gitlab-ci.yml': YAML.stringify(ci) });
    const sha = head();
    gl.mrs.push({ iid: 5, state: 'opened', sha, merge_commit_sha: null });
    gl.commitMrs.set(sha, [5]);
    const ok = await run();
    expectSuccess(ok);
    expect(gl.requests.every((r) => r.auth === 'job')).toBe(true);

    // gate-merge: the status on the pipeline's commit, its outputs; require mode found it green.
    expect(gl.statuses).toEqual([
      expect.objectContaining({
        sha,
        name: 'stagecraft/staging',
        status: 'success',
        description: 'staging verified',
      }),
    ]);
    expect(ok.dotenv('gate-merge')).toMatchObject({ STAGECRAFT_STATE: 'success', STAGECRAFT_SHA: sha });
    expect(ok.dotenv('require-staging')).toMatchObject({ STAGECRAFT_STATE: 'success', STAGECRAFT_SHA: sha });
    expect(ok.jobLines('require-staging').join('\n')).toContain(
      '"context":"stagecraft/staging","verdict":"green"',
    );

    // notify-pr: the MR found from the commit, one note with the sticky marker.
    expect(
      gl.requests.some((r) =>
        r.path.startsWith(`/api/v4/projects/${PROJECT_ID}/repository/commits/${sha}/merge_requests`),
      ),
    ).toBe(true);
    expect(gl.notes).toHaveLength(1);
    const note = gl.notes[0] as (typeof gl.notes)[number];
    expect(note.iid).toBe(5);
    expect(note.body).toMatch(/^<!-- stagecraft:notify:staging -->\n/);
    expect(note.body).toContain('first deploy');
    expect(ok.dotenv('notify-pr')).toMatchObject({
      STAGECRAFT_COMMENT_IDS: String(note.id),
      STAGECRAFT_PR_NUMBERS: '5',
    });
    noteId = note.id;
  });

  test('notify-pr: a second pipeline on the same MR updates the note instead of adding one', async () => {
    project.commit({
      '.gitlab-ci.yml': YAML.stringify({ stages: ['notify'], include: [notify('second deploy')] }),
    });
    gl.commitMrs.set(head(), [5]);
    const two = await run();
    expectSuccess(two);
    expect(two.jobLines('notify-pr')).toContain(`#5: comment ${noteId} updated`);
    expect(gl.notes).toHaveLength(1);
    expect(gl.notes[0]?.id).toBe(noteId);
    expect(gl.notes[0]?.body).toContain('second deploy');
    expect(gl.notes[0]?.body).not.toContain('first deploy');
    expect(two.dotenv('notify-pr')).toMatchObject({
      STAGECRAFT_COMMENT_IDS: String(noteId),
      STAGECRAFT_PR_NUMBERS: '5',
    });
  });

  test('failing: require with a red and a missing context; a pr that is no number; a refused token', async () => {
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
    for (const job of ['gate-merge', 'bad-pr', 'bad-token'])
      expect(bad.output).toMatch(new RegExp(`FAIL\\s+${job}`));

    const gate = bad.jobLines('gate-merge').join('\n');
    expect(gate).toContain(`error: 2 of 2 required context(s) not green on ${head()}`);
    expect(gate).toContain('- e2e: red (status failure)');
    expect(gate).toContain('- lint: missing');
    expect(bad.dotenv('gate-merge').STAGECRAFT_STATE).toBe('failure');

    expect(bad.jobLines('bad-pr').join('\n')).toContain('error: Input "pr" has an invalid value "abc"');
    expect(bad.jobLines('bad-token').join('\n')).toMatch(
      /error: notify-pr failed: GitLab GET .*answered 401/,
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
