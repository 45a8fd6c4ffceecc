/**
 * deploy-env's ecs strategy with a BLUE_GREEN service and a PAUSE hook at POST_TEST_TRAFFIC_SHIFT,
 * against the fake ECS through the real SDK: the deploy stops `paused` (the test listener now
 * serves green), promote continues it through the bake time, reject rolls it back; a circuit
 * breaker rollback fails fast.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { decideEcs, deployEcs } from '../../src/core/deploy/ecs/index.js';
import { parseImage } from '../../src/core/image-ref.js';
import { silentLog } from '../../src/core/log.js';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';

const KEY_ID = 'AKIAFAKEKEYID0000001';
const SECRET = 'fake/secret+Key0000000000000000000000000';
const REPO = 'registry.example.com/team/app';
let fake: FakeEcs;
const ctx = () => ({
  environment: 'production',
  log: silentLog,
  tempDir: mkdtempSync(join(tmpdir(), 'ecs-bg-')),
  dryRun: false,
});

beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
});
afterAll(() => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
});
beforeEach(async () => {
  fake = await startFakeEcs({ minuteMs: 300 });
  fake.register({
    family: 'app',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: `${REPO}:1` }],
  });
  fake.behave(`${REPO}:broken`, 'pull-error');
  await fake.createService({ serviceName: 'web', taskDefinition: 'app:1', desiredCount: 2 });
  // The service's own configuration (set up once, e.g. by Terraform): blue/green with a pause for tests.
  const ecs = new ECSClient({ region: 'eu-west-1', endpoint: fake.url });
  await ecs.send(
    new UpdateServiceCommand({
      service: 'web',
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
      },
    }),
  );
  ecs.destroy();
});
afterEach(() => fake.close());

const service = () => ({
  cluster: 'default',
  service: 'web',
  region: 'eu-west-1',
  endpointUrl: fake.url,
  forceNewDeployment: false,
  rolloutTimeoutMs: 20_000,
  pollIntervalMs: 30,
  rolloutPause: 'succeed' as const,
});
const running = () =>
  fake.store.tasks
    .filter((t) => t.lastStatus === 'RUNNING')
    .map((t) => t.taskDefinitionArn.split('/').pop())
    .sort();

describe('ecs blue/green with a PAUSE hook', () => {
  it('deploy stops paused with blue and green up; promote continues it through the bake time', async () => {
    const paused = await deployEcs({ ...service(), image: parseImage(`${REPO}:2`) }, ctx());
    expect(paused.extraOutputs).toMatchObject({ 'rollout-state': 'paused' });
    expect(running()).toEqual(['app:1', 'app:1', 'app:2', 'app:2']);
    const started = Date.now();
    const promoted = await decideEcs(service(), 'promote', ctx());
    expect(promoted.extraOutputs).toMatchObject({ 'rollout-state': 'promoted' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // the bake time: one fake minute
    expect(running()).toEqual(['app:2', 'app:2']);
    expect(promoted.revision).toMatch(/app:2$/);
    expect(fake.operations()).toContain('ContinueServiceDeployment');
    expect(fake.violations).toEqual([]);
  });

  it('reject rolls it back and exits when the previous revision serves again (rolled-back)', async () => {
    await deployEcs({ ...service(), image: parseImage(`${REPO}:2`) }, ctx());
    const rejected = await decideEcs(service(), 'reject', ctx());
    expect(rejected.extraOutputs).toMatchObject({ 'rollout-state': 'rolled-back' });
    expect(rejected.revision).toMatch(/app:1$/);
    expect(running()).toEqual(['app:1', 'app:1']);
    const continued = fake.requests.find((r) => r.operation === 'ContinueServiceDeployment');
    expect(continued?.body).toMatchObject({ action: 'ROLLBACK' });
  });

  it('a circuit-breaker rollback fails fast with its reason', async () => {
    const started = Date.now();
    await expect(deployEcs({ ...service(), image: parseImage(`${REPO}:broken`) }, ctx())).rejects.toThrow(
      /ended ROLLBACK_SUCCESSFUL at SCALE_UP: ECS deployment circuit breaker: tasks failed to start\. The previous revision serves\./,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(running()).toEqual(['app:1', 'app:1']);
  });

  it('promote without a paused deployment changes nothing and says so', async () => {
    await expect(decideEcs(service(), 'promote', ctx())).rejects.toThrow(
      'ECS service web has no deployment in progress to promote',
    );
  });
});
