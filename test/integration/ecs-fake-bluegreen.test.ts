/**
 * The fake ECS's blue/green deployments, driven by the real @aws-sdk/client-ecs (every request
 * validated against the SDK's model): lifecycle stages, a PAUSE hook at POST_TEST_TRAFFIC_SHIFT,
 * ContinueServiceDeployment CONTINUE (through the bake time) and ROLLBACK, the circuit breaker.
 */

import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';

const REPO = 'registry.example.com/team/app';
let fake: FakeEcs;
let ecs: ECSClient;
beforeEach(async () => {
  fake = await startFakeEcs({ minuteMs: 300 });
  ecs = new ECSClient({
    region: 'eu-west-1',
    endpoint: fake.url,
    credentials: {
      accessKeyId: 'AKIAFAKEKEYID0000001',
      secretAccessKey: 'fake/secret+Key0000000000000000000000000',
    },
  });
  for (const tag of ['1', '2', 'broken']) {
    fake.register({
      family: 'app',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: `${REPO}:${tag}` }],
    });
  }
  fake.behave(`${REPO}:broken`, 'pull-error');
  await fake.createService({ serviceName: 'web', taskDefinition: 'app:1', desiredCount: 2 });
});
afterEach(async () => {
  ecs.destroy();
  await fake.close();
});

const blueGreen = (taskDefinition: string) =>
  ecs.send(
    new UpdateServiceCommand({
      service: 'web',
      taskDefinition,
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1,
        lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }],
      },
    }),
  );

async function deploymentOf(): Promise<ServiceDeployment> {
  const list = await ecs.send(new ListServiceDeploymentsCommand({ service: 'web' }));
  const arn = list.serviceDeployments?.[0]?.serviceDeploymentArn as string;
  const described = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  return described.serviceDeployments?.[0] as ServiceDeployment;
}

async function until(
  check: (d: ServiceDeployment) => boolean,
  timeoutMs = 10_000,
): Promise<ServiceDeployment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await deploymentOf();
    if (check(d)) return d;
    if (Date.now() > deadline) throw new Error(`deployment stayed ${d.status} at ${d.lifecycleStage}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

const running = () =>
  fake.store.tasks
    .filter((t) => t.lastStatus === 'RUNNING')
    .map((t) => t.taskDefinitionArn.split('/').pop())
    .sort();

describe('fake ECS blue/green', () => {
  it('pauses at POST_TEST_TRAFFIC_SHIFT with blue and green running; CONTINUE finishes after the bake time', async () => {
    await blueGreen('app:2');
    const paused = await until((d) => d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION');
    expect(paused).toMatchObject({
      status: 'IN_PROGRESS',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      lifecycleHookDetails: [expect.objectContaining({ targetType: 'PAUSE', timeoutAction: 'ROLLBACK' })],
      deploymentConfiguration: expect.objectContaining({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 }),
    });
    expect(running()).toEqual(['app:1', 'app:1', 'app:2', 'app:2']);
    const hookId = paused.lifecycleHookDetails?.[0]?.hookId as string;
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: paused.serviceDeploymentArn,
        hookId,
        action: 'CONTINUE',
      }),
    );
    const baking = await until((d) => d.lifecycleStage === 'BAKE_TIME');
    expect(baking.status).toBe('IN_PROGRESS');
    expect(running()).toEqual(['app:1', 'app:1', 'app:2', 'app:2']); // blue kept for the bake time
    const started = Date.now();
    const done = await until((d) => d.status !== 'IN_PROGRESS');
    expect(done.status).toBe('SUCCESSFUL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(running()).toEqual(['app:2', 'app:2']);
    expect(fake.service('web').taskDefinition).toMatch(/app:2$/);
    // A hook acted on cannot be acted on twice.
    await expect(
      ecs.send(
        new ContinueServiceDeploymentCommand({ serviceDeploymentArn: paused.serviceDeploymentArn, hookId }),
      ),
    ).rejects.toThrow(/not awaiting action/);
    expect(fake.violations).toEqual([]);
  });

  it('ROLLBACK stops green and blue keeps serving (ROLLBACK_SUCCESSFUL)', async () => {
    await blueGreen('app:2');
    const paused = await until((d) => d.lifecycleHookDetails?.[0]?.status === 'AWAITING_ACTION');
    await ecs.send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: paused.serviceDeploymentArn,
        hookId: paused.lifecycleHookDetails?.[0]?.hookId as string,
        action: 'ROLLBACK',
      }),
    );
    const done = await until((d) => d.status !== 'IN_PROGRESS');
    expect(done).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      rollback: expect.objectContaining({ reason: 'Rollback requested by ContinueServiceDeployment.' }),
    });
    expect(running()).toEqual(['app:1', 'app:1']);
    expect(fake.service('web').taskDefinition).toMatch(/app:1$/);
  });

  it('green tasks that fail trip the circuit breaker into a rollback before any pause', async () => {
    await blueGreen('app:3');
    const done = await until((d) => d.status !== 'IN_PROGRESS');
    expect(done).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', lifecycleStage: 'SCALE_UP' });
    expect(done.statusReason).toContain('circuit breaker');
    expect(running()).toEqual(['app:1', 'app:1']);
  });

  it('refuses a PAUSE hook at TEST_TRAFFIC_SHIFT and an unknown deployment, as ECS does', async () => {
    await expect(
      ecs.send(
        new UpdateServiceCommand({
          service: 'web',
          deploymentConfiguration: {
            strategy: 'BLUE_GREEN',
            lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }],
          },
        }),
      ),
    ).rejects.toThrow('PAUSE hooks cannot be configured at the TEST_TRAFFIC_SHIFT stage.');
    await expect(
      ecs.send(
        new ContinueServiceDeploymentCommand({
          serviceDeploymentArn: 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/default/web/nope',
          hookId: 'x',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ServiceDeploymentNotFoundException' });
  });
});
