/**
 * rollback's ecs strategy against the fake ECS through the real SDK: the target comes from the
 * service's deployment history (not "revision − 1"), must be ACTIVE, and a second rollback
 * without earlier history fails clearly without changing anything.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { deployEcs, type EcsRollbackOptions, rollbackEcs } from '../../src/core/deploy/ecs/index.js';
import type { DeployContext } from '../../src/core/deploy/types.js';
import { parseImage } from '../../src/core/image-ref.js';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';

const SECRET = 'rollback/secret+Key000000000000000000000';
const REPO = 'registry.example.com/team/app';
const DIGEST = `sha256:${'a'.repeat(64)}`;

let fake: FakeEcs;
let lines: string[];

const context = (): DeployContext => ({
  environment: 'production',
  tempDir: '/tmp',
  dryRun: false,
  log: {
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
    group: (_t, fn) => fn(),
  },
});

const target = (extra: Partial<EcsRollbackOptions> = {}): EcsRollbackOptions => ({
  cluster: 'prod',
  service: 'web',
  region: 'us-east-1',
  endpointUrl: fake.url,
  forceNewDeployment: false,
  rolloutTimeoutMs: 30_000,
  pollIntervalMs: 30,
  ...extra,
});

const def = (image: string) => ({ family: 'app', containerDefinitions: [{ name: 'app', image }] });

beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAROLLBACK00000001';
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
});
afterAll(() => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
});

beforeEach(async () => {
  lines = [];
  fake = await startFakeEcs({ tickMs: 10 });
  fake.register(def(`${REPO}@${DIGEST}`)); // app:1, what production ran first
  fake.register(def(`${REPO}:never-deployed`)); // app:2: registered elsewhere, never ran here
  await fake.createService({ cluster: 'prod', serviceName: 'web', taskDefinition: 'app:1' });
  // deploy-env registers app:3 and rolls it out
  await deployEcs({ ...target(), image: parseImage(`${REPO}:3`) }, context());
  expect(fake.service('web', 'prod').taskDefinition).toMatch(/app:3$/);
  fake.requests.length = 0;
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  expect(lines.join('\n')).not.toContain(SECRET);
  await fake.close();
});

test('returns to the revision the service ran before (from its history, not revision − 1); a second rollback errors clearly', async () => {
  const result = await rollbackEcs(target({ reason: 'smoke test failed' }), context());
  expect(result.revision).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/app:1');
  expect(result.from).toBe(`${REPO}:3`);
  expect(result.to).toBe(`${REPO}@${DIGEST}`);
  expect(fake.service('web', 'prod').taskDefinition).toBe(result.revision);
  expect(fake.service('web', 'prod').deployments[0]?.rolloutState).toBe('COMPLETED');
  expect(fake.operations()).toEqual(
    expect.arrayContaining(['ListServiceDeployments', 'DescribeServiceRevisions', 'UpdateService']),
  );
  expect(fake.operations()).not.toContain('RegisterTaskDefinition');
  expect(lines.filter((l) => l.startsWith('warning:'))).toEqual([]); // a digest: nothing to warn about

  fake.requests.length = 0;
  await expect(rollbackEcs(target(), context())).rejects.toThrow(
    /service web has no earlier revision to roll back to: its deployment history holds nothing before app:1 .*Nothing was changed/,
  );
  expect(fake.operations()).not.toContain('UpdateService');
  expect(fake.service('web', 'prod').taskDefinition).toBe(result.revision);
});

test('after two deploys, rollbacks walk back one deployment at a time and warn about mutable tags', async () => {
  await deployEcs({ ...target(), image: parseImage(`${REPO}:4`) }, context()); // app:4
  const first = await rollbackEcs(target(), context());
  expect(first.revision).toMatch(/app:3$/);
  expect(lines.join('\n')).toMatch(
    /warning: Rolling back to app:3, whose container app uses the mutable tag .*:3/,
  );
  const second = await rollbackEcs(target(), context());
  expect(second.revision).toMatch(/app:1$/);
});

test('a target revision that is no longer ACTIVE is a clear error and nothing changes', async () => {
  fake.store.deregisterTaskDefinition('app:1');
  await expect(rollbackEcs(target(), context())).rejects.toThrow(
    /revision arn:aws:ecs:us-east-1:123456789012:task-definition\/app:1 is INACTIVE \(deregistered\).*Nothing was changed/,
  );
  expect(fake.operations()).not.toContain('UpdateService');
  expect(fake.service('web', 'prod').taskDefinition).toMatch(/app:3$/);
});

test('`to` returns to an explicit image; `task-definition-arn` to an explicit revision', async () => {
  const byImage = await rollbackEcs(target({ to: `${REPO}:2.9` }), context());
  expect(byImage.to).toBe(`${REPO}:2.9`);
  expect(fake.operations()).toContain('RegisterTaskDefinition');
  expect(fake.service('web', 'prod').taskDefinition).toBe(byImage.revision);

  fake.requests.length = 0;
  const byArn = await rollbackEcs(target({ taskDefinitionArn: 'app:3' }), context());
  expect(byArn.revision).toMatch(/app:3$/);
  expect(fake.operations()).not.toContain('RegisterTaskDefinition');
  expect(fake.operations()).not.toContain('ListServiceDeployments');
});
