/**
 * The built deploy-env and rollback bundles on the ecs path, run the way the GitHub runner runs
 * them (test/helpers/runner.ts), against the fake ECS: outputs, summary, no credential in any
 * log, and a bad input that fails before the fake sees a single request.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';
import { parseOutputs, runCli } from '../helpers/cli.js';
import { runAction } from '../helpers/runner.js';

const KEY_ID = 'AKIAACTIONTEST000001';
const SECRET = 'action/Secret+Key0000000000000000000000';
const REPO = 'registry.example.com/team/app';

let fake: FakeEcs;
const env = () => ({
  AWS_ACCESS_KEY_ID: KEY_ID,
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_REGION: 'eu-central-1',
  STAGECRAFT_ECS_POLL_MS: '50',
});
const inputs = (extra: Record<string, string> = {}) => ({
  environment: 'staging',
  strategy: 'ecs',
  cluster: 'staging',
  service: 'web',
  'endpoint-url': fake.url,
  ...extra,
});

beforeAll(async () => {
  fake = await startFakeEcs({ region: 'eu-central-1', tickMs: 10 });
  fake.register({ family: 'web', containerDefinitions: [{ name: 'web', image: `${REPO}:1` }] });
  await fake.createService({ cluster: 'staging', serviceName: 'web', taskDefinition: 'web:1' });
});

afterAll(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

function expectNoCredentials(run: { stdout: string; stderr: string; summary: string }) {
  for (const text of [run.stdout, run.stderr, run.summary]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(KEY_ID);
  }
}

test('deploy-env (ecs) then rollback through the built bundles', async () => {
  const deploy = await runAction('deploy-env', {
    inputs: inputs({ image: `${REPO}:2`, record: 'false' }),
    env: env(),
  });
  expect(deploy.errors).toEqual([]);
  expect(deploy.code).toBe(0);
  const service = fake.service('web', 'staging');
  expect(deploy.outputs).toMatchObject({
    environment: 'staging',
    image: `${REPO}:2`,
    'previous-image': `${REPO}:1`,
    revision: 'arn:aws:ecs:eu-central-1:123456789012:task-definition/web:2',
    'task-definition-arn': 'arn:aws:ecs:eu-central-1:123456789012:task-definition/web:2',
    'previous-task-definition-arn': 'arn:aws:ecs:eu-central-1:123456789012:task-definition/web:1',
    'deployment-id': service.deployments[0]?.id,
    'rollout-state': 'COMPLETED',
    skipped: 'false',
  });
  expect(deploy.summary).toMatch(/#### Amazon ECS/);
  expect(deploy.summary).toMatch(/Task definition \| `web:1` → `web:2` \(registered\)/);
  expectNoCredentials(deploy);

  const back = await runAction('rollback', { inputs: inputs({ reason: 'smoke test failed' }), env: env() });
  expect(back.errors).toEqual([]);
  expect(back.outputs).toEqual({
    from: `${REPO}:2`,
    to: `${REPO}:1`,
    revision: 'arn:aws:ecs:eu-central-1:123456789012:task-definition/web:1',
  });
  expect(back.stdout).toMatch(/::warning::Rolling back to web:1, whose container web uses the mutable tag/);
  expect(fake.service('web', 'staging').taskDefinition).toMatch(/web:1$/);
  expectNoCredentials(back);
});

test('bad inputs fail before any ECS request', async () => {
  fake.requests.length = 0;
  const cases: Array<[Record<string, string>, RegExp]> = [
    [
      { image: `${REPO}:3`, 'rollout-timeout': 'soon' },
      /Input "rollout-timeout" has an invalid value "soon"/,
    ],
    [{ image: `${REPO}:3`, service: '' }, /Input "service"/],
    [
      { image: `${REPO}:3`, 'task-definition': 'missing/{environment}.json' },
      /Input "task-definition" has an invalid value "missing\/staging.json"/,
    ],
  ];
  for (const [extra, expected] of cases) {
    const run = await runAction('deploy-env', { inputs: inputs({ ...extra, record: 'false' }), env: env() });
    expect(run.code).not.toBe(0);
    expect(run.errors.join('\n')).toMatch(expected);
  }
  expect(fake.requests).toEqual([]);
});

test('the CLI (as a GitLab job runs it) deploys with a YAML task definition and writes the dotenv report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-cli-'));
  writeFileSync(
    join(dir, 'taskdef-production.yaml'),
    `family: web-{environment}\ncontainerDefinitions:\n  - name: web\n    image: ${REPO}:placeholder\n`,
  );
  const run = await runCli(
    [
      'deploy-env',
      '--strategy',
      'ecs',
      '--environment',
      'production',
      '--image',
      `${REPO}@sha256:${'b'.repeat(64)}`,
      '--cluster',
      'staging',
      '--service',
      'web',
      '--task-definition',
      'taskdef-{environment}.yaml',
      '--endpoint-url',
      fake.url,
    ],
    { ...env(), GITLAB_CI: 'true', CI_COMMIT_SHA: 'abc', CI_COMMIT_REF_NAME: 'main' },
    dir,
  );
  expect(run.stderr).not.toMatch(/error/i);
  expect(run.code).toBe(0);
  const outputs = parseOutputs(run.stdout);
  expect(outputs['task-definition-arn']).toBe(
    'arn:aws:ecs:eu-central-1:123456789012:task-definition/web-production:1',
  );
  const dotenv = readFileSync(join(dir, 'stagecraft.env'), 'utf8');
  expect(dotenv).toMatch(/^STAGECRAFT_ROLLOUT_STATE=COMPLETED$/m);
  expect(dotenv).toMatch(/^STAGECRAFT_DEPLOYMENT_ID=ecs-svc\/\d+$/m);
  expectNoCredentials({ stdout: run.stdout, stderr: run.stderr, summary: dotenv });
});
