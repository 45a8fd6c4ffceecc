/**
 * examples/gitlab/ecs-gated (setup 5 on GitLab) through gitlab-ci-local (shell executor, the
 * committed CLI bundle), against the fake ECS and the fake GitLab API, at fixed clocks
 * (STAGECRAFT_NOW): the production deploy job deploys on a Wednesday, is refused on a Saturday
 * (Friday 17:00 to Monday 08:00 Berlin time) before touching the service, and goes through with
 * BREAK_GLASS; the scheduled pipeline's deploy-report job then reports from the deployments GitLab
 * recorded for those jobs (added to the fake as GitLab records them: one per job run, `failed`
 * for the refused one). The build job is exercised by the other example tests; here its output
 * (`STAGECRAFT_IMAGE_REF`) is given.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';
import { GitStore } from '../fakes/git-store.js';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { exampleFiles, localizePipeline } from '../helpers/examples.js';
import { createProject, type Project, runPipeline } from '../helpers/gitlab-ci-local.js';

jest.setTimeout(240_000);

const PROJECT_ID = 1217; // gitlab-ci-local's CI_PROJECT_ID
const JOB_TOKEN = 'glcbt-ecsJobTOKEN0987654321';
const PRIVATE = 'glpat-ecsPrivateTOKEN12345';
const REPO = 'registry.example.com/acme/shop';
const REF = `${REPO}@sha256:${'5e'.repeat(32)}`;
const DAY = 86_400_000;

/** The next `weekday` (0 Sunday … 6 Saturday) at `hour`:00 UTC after `from`. */
function next(from: number, weekday: number, hour: number): Date {
  const d = new Date(from);
  d.setUTCHours(hour, 0, 0, 0);
  while (d.getUTCDay() !== weekday || d.getTime() <= from) d.setTime(d.getTime() + DAY);
  return d;
}

let ecs: FakeEcs;
let gl: FakeGitLab;
let project: Project;
let head: string;
let committedAt: number;
const wednesday = next(Date.now(), 3, 10);
const saturday = next(wednesday.getTime(), 6, 12);
const saturdayLater = new Date(saturday.getTime() + 3600_000);

beforeAll(async () => {
  ecs = await startFakeEcs({ region: 'eu-west-1', tickMs: 10 });
  ecs.register({ family: 'shop', containerDefinitions: [{ name: 'app', image: `${REPO}:initial` }] });
  await ecs.createService({ cluster: 'shop', serviceName: 'shop-production', taskDefinition: 'shop:1' });
  const files = exampleFiles('gitlab/ecs-gated');
  files['.gitlab-ci.yml'] = localizePipeline(files['.gitlab-ci.yml'] as string);
  project = createProject(files);
  head = project.git('rev-parse', 'HEAD').trim();
  committedAt = Number(project.git('log', '-1', '--format=%ct').trim()) * 1000;
  gl = await startFakeGitLab({
    project: 'group/stagecraft',
    projectId: PROJECT_ID,
    token: PRIVATE,
    jobToken: JOB_TOKEN,
    git: new GitStore(join(project.dir, '.git')),
  });
});
afterAll(async () => {
  project?.remove();
  await gl?.close();
  await ecs?.close();
});

function run(job: string, now: Date, variables: Record<string, string> = {}) {
  return runPipeline(project, {
    jobs: [job],
    variables: {
      CI_API_V4_URL: gl.apiUrl,
      CI_PROJECT_ID: String(PROJECT_ID),
      CI_JOB_TOKEN: JOB_TOKEN,
      GITLAB_TOKEN: PRIVATE,
      ECS_ENDPOINT_URL: ecs.url,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLES00000001',
      AWS_SECRET_ACCESS_KEY: 'examples/Secret+Key000000000000000000',
      STAGECRAFT_ECS_POLL_MS: '50',
      STAGECRAFT_RETRY_BASE_MS: '20',
      STAGECRAFT_IMAGE_REF: REF,
      STAGECRAFT_NOW: now.toISOString(),
      ...variables,
    },
    env: { GCL_IGNORE_PREDEFINED_VARS: 'CI_API_V4_URL,CI_PROJECT_ID,CI_PIPELINE_SOURCE' },
  });
}
const imageOf = () =>
  ecs.store.findTaskDef(ecs.service('shop-production', 'shop').taskDefinition).containerDefinitions[0]?.image;
/** What GitLab records for a deploy job with `environment:`, at the moment it finished. */
function recorded(at: Date, status: 'success' | 'failed') {
  gl.clock = () => at;
  gl.addDeployment({ environment: 'production', sha: head, status, jobName: 'deploy-production' });
}

test('production deploys on a Wednesday, is frozen on a Saturday, and break-glass gets a fix through', async () => {
  const wed = await run('deploy-production', wednesday);
  if (wed.code !== 0) throw new Error(`pipeline failed:\n${wed.output}`);
  expect(imageOf()).toBe(REF);
  recorded(wednesday, 'success');
  const revision = ecs.service('shop-production', 'shop').taskDefinition;

  const sat = await run('deploy-production', saturday, {
    STAGECRAFT_IMAGE_REF: `${REPO}@sha256:${'6f'.repeat(32)}`,
  });
  expect(sat.code).not.toBe(0);
  const lines = sat.jobLines('deploy-production').join('\n');
  expect(lines).toContain('production is frozen: `0 17 * * 5 0 8 * * 1 Europe/Berlin` (freeze line 1)');
  const monday = new Date(saturday.getTime() + 2 * DAY);
  expect(lines).toContain(`Mon ${monday.toISOString().slice(0, 10)} 08:00 Europe/Berlin`);
  expect(ecs.service('shop-production', 'shop').taskDefinition).toBe(revision);
  expect(sat.summary('deploy-production')).toContain('### Deploy to production refused: frozen');
  recorded(saturday, 'failed');

  const glass = await run('deploy-production', saturdayLater, {
    STAGECRAFT_IMAGE_REF: `${REPO}@sha256:${'6f'.repeat(32)}`,
    BREAK_GLASS: 'hotfix INC-42',
  });
  if (glass.code !== 0) throw new Error(`pipeline failed:\n${glass.output}`);
  expect(imageOf()).toBe(`${REPO}@sha256:${'6f'.repeat(32)}`);
  expect(glass.jobLines('deploy-production').join('\n')).toMatch(
    /warning: Break-glass deploy to production during a freeze by .*: hotfix INC-42/,
  );
  expect(glass.summary('deploy-production')).toContain('| Reason | hotfix INC-42 |');
  expect(glass.dotenv('deploy-production')).toMatchObject({ STAGECRAFT_BREAK_GLASS: 'hotfix INC-42' });
  recorded(saturdayLater, 'success');
  expect(ecs.violations).toEqual([]);
  expect(gl.violations).toEqual([]);
});

test("the scheduled pipeline's deploy-report job reports DORA's four keys from those deployments", async () => {
  const report = await run('deploy-report', new Date(saturday.getTime() + DAY), {
    CI_PIPELINE_SOURCE: 'schedule',
  });
  if (report.code !== 0) throw new Error(`pipeline failed:\n${report.output}`);
  const out = report.dotenv('deploy-report');
  // 3 deployments: Wednesday (success), Saturday (refused: GitLab records the job's deployment as
  // failed), Saturday + 1 h (break-glass, success). The commit's lead time runs from its commit
  // date to Wednesday's deployment; the failure was restored one hour later.
  expect(out).toMatchObject({
    STAGECRAFT_DEPLOYMENT_FREQUENCY: (2 / 30).toFixed(2),
    STAGECRAFT_CHANGE_FAILURE_RATE: '33.3%',
    STAGECRAFT_TIME_TO_RESTORE: '1h',
  });
  const json = JSON.parse(out.STAGECRAFT_REPORT as string);
  expect(json).toMatchObject({ deployments: 3, successful: 2, failed: 1, commits: 1, timeToRestore: 3600 });
  expect(json.leadTime).toBe((wednesday.getTime() - committedAt) / 1000);
  expect(report.summary('deploy-report')).toContain('xychart-beta');
  expect(gl.violations).toEqual([]);
});
