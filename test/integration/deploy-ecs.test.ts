/**
 * deploy-env's ecs strategy against the fake ECS (test/fakes/ecs-api), through the real
 * @aws-sdk/client-ecs: registration only when something changed, waiting for our deployment,
 * fail-fast diagnosis, circuit-breaker rollback as failure, bad inputs before any API call.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { deployEcs, type EcsOptions } from '../../src/core/deploy/ecs/index.js';
import type { DeployContext } from '../../src/core/deploy/types.js';
import { parseImage } from '../../src/core/image-ref.js';
import type { Log } from '../../src/core/log.js';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';

const KEY_ID = 'AKIAFAKEKEYID0000001';
const SECRET = 'fake/secret+Key0000000000000000000000000';
const REPO = 'registry.example.com/team/app';

let fake: FakeEcs;
let dir: string;
let lines: string[];

function context(): DeployContext {
  const log: Log = {
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
    group: (_t, fn) => fn(),
  };
  return { environment: 'staging', log, tempDir: dir, dryRun: false };
}

function options(extra: Partial<EcsOptions> = {}): EcsOptions {
  return {
    image: parseImage(`${REPO}:2`),
    cluster: 'default',
    service: 'web',
    region: 'eu-west-1',
    endpointUrl: fake.url,
    forceNewDeployment: false,
    rolloutTimeoutMs: 60_000,
    pollIntervalMs: 40,
    ...extra,
  };
}

const appDef = (image = `${REPO}:1`) => ({
  family: 'app',
  cpu: '256',
  memory: '512',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [
    {
      name: 'app',
      image,
      portMappings: [{ containerPort: 8080 }],
      environment: [{ name: 'MODE', value: 'x' }],
    },
    { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2', essential: false },
  ],
});

beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = SECRET;
  dir = mkdtempSync(join(tmpdir(), 'deploy-ecs-'));
});

beforeEach(async () => {
  lines = [];
  fake = await startFakeEcs({ region: 'eu-west-1', tickMs: 10 });
  fake.register(appDef());
  await fake.createService({ serviceName: 'web', taskDefinition: 'app:1', desiredCount: 2 });
  fake.requests.length = 0;
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  const logged = lines.join('\n');
  expect(logged).not.toContain(SECRET);
  expect(logged).not.toContain(KEY_ID);
  await fake.close();
});

afterAll(() => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
});

describe('deploy', () => {
  test('registers one revision with only the image changed and waits for COMPLETED', async () => {
    const result = await deployEcs(options(), context());
    const revisions = fake.store.taskDefs.get('app') ?? [];
    expect(revisions).toHaveLength(2);
    const [old, now] = revisions as unknown as [Record<string, unknown>, Record<string, unknown>];
    const strip = (d: Record<string, unknown>) => {
      const { taskDefinitionArn: _a, revision: _r, registeredAt: _t, containerDefinitions, ...rest } = d;
      return {
        ...rest,
        containerDefinitions: (containerDefinitions as Array<Record<string, unknown>>).map(
          ({ image: _i, ...c }) => c,
        ),
      };
    };
    expect(strip(now)).toEqual(strip(old)); // nothing but the image changed
    expect((now.containerDefinitions as Array<{ image: string }>).map((c) => c.image)).toEqual([
      `${REPO}:2`,
      'public.ecr.aws/aws-observability/aws-for-fluent-bit:2', // other repository: untouched
    ]);
    const service = fake.service('web');
    expect(service.deployments).toHaveLength(1);
    expect(service.deployments[0]?.rolloutState).toBe('COMPLETED');
    expect(result.revision).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/app:2');
    expect(result.image).toBe(`${REPO}:2`);
    expect(result.previousImage).toBe(`${REPO}:1`);
    expect(result.changed).toBe(true);
    expect(result.extraOutputs).toEqual({
      'task-definition-arn': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:2',
      'previous-task-definition-arn': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1',
      'deployment-id': service.deployments[0]?.id,
      'rollout-state': 'COMPLETED',
    });
    expect(result.summary.join('\n')).toMatch(/`app:1` → `app:2`/);
    expect(fake.operations().filter((op) => op === 'RegisterTaskDefinition')).toHaveLength(1);
    expect(
      fake.requests.every((r) => r.authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${KEY_ID}/`)),
    ).toBe(true);
  });

  test('a re-run with the same image registers nothing and starts no deployment', async () => {
    await deployEcs(options(), context());
    const deploymentId = fake.service('web').deployments[0]?.id;
    fake.requests.length = 0;
    const again = await deployEcs(options(), context());
    expect(again.changed).toBe(false);
    expect(fake.operations()).not.toContain('RegisterTaskDefinition');
    expect(fake.operations()).not.toContain('UpdateService');
    expect(fake.store.taskDefs.get('app')).toHaveLength(2);
    expect(fake.service('web').deployments.map((d) => d.id)).toEqual([deploymentId]);
    expect(again.extraOutputs?.['deployment-id']).toBe(deploymentId);
  });

  test('a task definition file (YAML, {environment} replaced) registers once, then is recognised as unchanged', async () => {
    const file = join(dir, 'task-def.staging.yaml');
    writeFileSync(
      file,
      [
        'family: app-{environment}',
        'cpu: 256', // a number here, a string in what ECS describes
        'memory: "512"',
        'containerDefinitions:',
        '  - name: app',
        `    image: ${REPO}:placeholder`,
        '    essential: true',
        '    environment: [{ name: ENV, value: "{environment}" }]',
      ].join('\n'),
    );
    const first = await deployEcs(options({ taskDefinition: file }), context());
    expect(first.revision).toMatch(/task-definition\/app-staging:1$/);
    const registered = fake.store.findTaskDef('app-staging:1');
    expect(registered.containerDefinitions[0]?.environment).toEqual([{ name: 'ENV', value: 'staging' }]);
    fake.requests.length = 0;
    const second = await deployEcs(options({ taskDefinition: file }), context());
    expect(second.changed).toBe(false);
    expect(fake.operations()).not.toContain('RegisterTaskDefinition');
  });

  test('task-definition-arn deploys an existing revision without registering; image may be omitted', async () => {
    const v3 = fake.register(appDef(`${REPO}:3`));
    const result = await deployEcs(
      options({ image: undefined, taskDefinitionArn: v3.taskDefinitionArn }),
      context(),
    );
    expect(fake.operations()).not.toContain('RegisterTaskDefinition');
    expect(fake.service('web').taskDefinition).toBe(v3.taskDefinitionArn);
    expect(result.image).toBe(`${REPO}:3`);
    expect(result.extraOutputs?.['rollout-state']).toBe('COMPLETED');
  });

  test('a pull error fails within a few poll intervals, naming the task and the reason', async () => {
    fake.service('web').deploymentConfiguration.deploymentCircuitBreaker = { enable: false, rollback: false };
    fake.behave(`${REPO}:404`, 'pull-error');
    const started = Date.now();
    const error = await deployEcs(
      options({ image: parseImage(`${REPO}:404`), rolloutTimeoutMs: 10 * 60_000 }),
      context(),
    ).catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    const stopped = fake.store.tasks.find(
      (t) => t.lastStatus === 'STOPPED' && t.stopCode === 'TaskFailedToStart',
    );
    expect(message).toContain(
      `Task ${stopped?.taskArn.split('/').pop()} (app:2) stopped [TaskFailedToStart]: CannotPullContainerError`,
    );
    expect(message).toContain(`container app (${REPO}:404)`);
    expect(message).toMatch(/Last service events:\n.*has started 1 tasks/);
  });

  test('an essential container exit fails fast with its exit code', async () => {
    fake.service('web').deploymentConfiguration.deploymentCircuitBreaker = { enable: false, rollback: false };
    fake.behave(`${REPO}:crash`, 'essential-exit');
    const error = await deployEcs(options({ image: parseImage(`${REPO}:crash`) }), context()).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(
      /stopped \[EssentialContainerExited\]: Essential container in task exited\n {2}container app \(.*:crash\): exit code 1/,
    );
  });

  test('a circuit-breaker rollback is reported as a failure, not success', async () => {
    fake.behave(`${REPO}:bad`, 'essential-exit');
    // Polling slower than the breaker trips: the step first sees the rollback, as in real ECS.
    const error = await deployEcs(
      options({ image: parseImage(`${REPO}:bad`), pollIntervalMs: 1000 }),
      context(),
    ).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /failed: the deployment circuit breaker failed it and rolled the service back to .*app:1/,
    );
    expect((error as Error).message).toContain('Essential container in task exited');
    await fake.settle('web');
    expect(fake.service('web').taskDefinition).toMatch(/app:1$/);
  });

  test('a rollout that does not finish in time fails with the diagnosis', async () => {
    fake.behave(`${REPO}:slow`, 'hang');
    const error = await deployEcs(
      options({ image: parseImage(`${REPO}:slow`), rolloutTimeoutMs: 300 }),
      context(),
    ).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/did not complete within 300ms \(0\/2 running, 2 pending\)/);
  });

  test('throttling is retried and the deploy still succeeds', async () => {
    fake.fail('DescribeServices', 'ThrottlingException', 2);
    const result = await deployEcs(options(), context());
    expect(result.extraOutputs?.['rollout-state']).toBe('COMPLETED');
    expect(fake.requests.filter((r) => r.status === 400)).toHaveLength(2);
  });

  test('a missing service fails clearly', async () => {
    const error = await deployEcs(options({ service: 'nope' }), context()).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/service "nope" was not found in cluster "default" \(MISSING\)/);
    expect(fake.operations()).toEqual(['DescribeServices']);
  });
});

describe('bad inputs fail before any API call', () => {
  // Checks across inputs (service, region, revision) are made at the edge: test/inprocess/bad-inputs.test.ts.
  const cases: Array<[string, () => Partial<EcsOptions>, RegExp]> = [
    [
      'unknown container',
      () => ({ taskDefinition: writeDef('ok.json', JSON.stringify(appDef())), containers: ['api'] }),
      /Input "containers".*has no container "api" \(it has app, log-router\)/,
    ],
    [
      'no container runs the image',
      () => ({
        taskDefinition: writeDef('ok2.json', JSON.stringify(appDef())),
        image: parseImage('other/thing:1'),
      }),
      /no container of task definition file .* runs the repository of other\/thing:1/,
    ],
    [
      'malformed task definition file',
      () => ({ taskDefinition: writeDef('bad.json', '{"family": "app",') }),
      /Input "task-definition".*not valid JSON or YAML/,
    ],
    [
      'task definition without containers',
      () => ({ taskDefinition: writeDef('empty.yaml', 'family: app\n') }),
      /has no `containerDefinitions`/,
    ],
    [
      'missing task definition file',
      () => ({ taskDefinition: join(dir, 'nope.json') }),
      /cannot be read \(ENOENT\)/,
    ],
  ];
  test.each(cases)('%s', async (_name, extra, expected) => {
    await expect(deployEcs(options(extra()), context())).rejects.toThrow(expected);
    expect(fake.requests).toEqual([]);
  });
});

function writeDef(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
