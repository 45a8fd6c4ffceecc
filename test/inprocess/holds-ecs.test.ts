/**
 * Holds, ecs (in-process, the fake ECS through the real SDK), as run on GitHub and on GitLab:
 * rollback tags the service with the image it left (within ECS's tag limits, checked by the
 * fake); deploy-env refuses the held image (one error, nothing registered or updated);
 * `force: true` deploys it and removes the tag.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runStep } from '../../src/platform/host.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { rollback } from '../../src/steps/rollback.js';
import { type FakeEcs, startFakeEcs } from '../fakes/ecs-api/server.js';
import { fakeHost } from './fake-host.js';

const REPO = 'registry.example.com/team/app';
const DIGEST = `sha256:${'c'.repeat(64)}`;
// Characters ECS tags do not take, and more than fits: the reason is encoded and cut.
const REASON = `smoke test failed (GET /health → 503, "down"); ${'see the run log '.repeat(20)}`;

const platforms = [
  { provider: 'github', actor: 'octocat' },
  { provider: 'gitlab', actor: 'alice' },
] as const;

let fake: FakeEcs;
beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAHOLDS00000000001';
  process.env.AWS_SECRET_ACCESS_KEY = 'holds/secret+Key0000000000000000000000';
  fake = await startFakeEcs({ tickMs: 10 });
});
afterAll(async () => {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
  expect(fake.violations).toEqual([]);
  await fake?.close();
});

describe.each(platforms)('ecs holds on $provider', (platform) => {
  const name = `web-${platform.provider}`;
  const host = (inputs: Record<string, string>) =>
    fakeHost(
      {
        strategy: 'ecs',
        environment: 'production',
        cluster: 'prod',
        service: name,
        'aws-region': 'us-east-1',
        'endpoint-url': fake.url,
        'rollout-timeout': '20s',
        ...inputs,
      },
      { ctx: { provider: platform.provider, forge: platform.provider, actor: platform.actor } },
    );
  const deploy = async (inputs: Record<string, string>) => {
    const h = host(inputs);
    const ok = await runStep(deployEnv, h);
    return { ok, h };
  };
  const service = () => fake.service(name, 'prod');
  const holdTags = () =>
    fake.tags(service().serviceArn).filter((t) => t.key.startsWith('stagecraft.dev/held/'));

  beforeAll(async () => {
    const def = fake.register({ family: name, containerDefinitions: [{ name: 'app', image: `${REPO}:1` }] });
    await fake.createService({ cluster: 'prod', serviceName: name, taskDefinition: def.taskDefinitionArn });
  });

  it('rollback tags the service with the image it left', async () => {
    const { h: deployed } = await deploy({ image: `${REPO}:2@${DIGEST}` });
    expect(deployed.failures).toEqual([]);
    const h = host({ reason: REASON });
    expect(await runStep(rollback, h)).toBe(true);
    expect(h.failures).toEqual([]);
    expect(h.logs.filter((l) => l.startsWith('warning:') && l.includes('held'))).toEqual([]);
    expect(h.outputs).toMatchObject({ from: `${REPO}:2@${DIGEST}`, to: `${REPO}:1` });
    const tags = holdTags();
    expect(tags).toHaveLength(1);
    const value = tags[0]?.value ?? '';
    expect(value.length).toBeLessThanOrEqual(256);
    expect(value).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ${REPO}:2@${DIGEST} smoke test failed =28GET /health =E2=86=92 503=2C =22down=22=29=3B see the run log`,
      ),
    );
    expect(h.summaries.join('\n')).toContain(`is held in production (tag \`${tags[0]?.key}\``);
  });

  it('deploy-env refuses the held image (by its digest) with one error; nothing is registered or updated', async () => {
    const before = { def: service().taskDefinition, requests: fake.requests.length };
    const { ok, h } = await deploy({ image: `${REPO}@${DIGEST}` });
    expect(ok).toBe(false);
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]).toMatch(
      new RegExp(
        `${REPO}@${DIGEST} is held in production \\(tag on service ${name}\\): ${REPO}:2@${DIGEST} was rolled back at \\S+Z, reason: smoke test failed \\(GET /health → 503, "down"\\); see the run log`,
      ),
    );
    const ops = fake.requests.slice(before.requests).map((r) => r.operation);
    expect(ops).toEqual(expect.arrayContaining(['ListTagsForResource']));
    expect(ops.filter((op) => !/^(Describe|List)/.test(op))).toEqual([]);
    expect(service().taskDefinition).toBe(before.def);
  });

  it('force: true deploys the held image and removes its tag', async () => {
    const { ok, h } = await deploy({ image: `${REPO}:2@${DIGEST}`, force: 'true' });
    expect(h.failures).toEqual([]);
    expect(ok).toBe(true);
    expect(fake.store.findTaskDef(service().taskDefinition).containerDefinitions[0]?.image).toBe(
      `${REPO}:2@${DIGEST}`,
    );
    expect(holdTags()).toEqual([]);
    expect(h.summaries.join('\n')).toContain('Lifted the hold');
    const again = await deploy({ image: `${REPO}:2@${DIGEST}` });
    expect(again.h.failures).toEqual([]);
  });
});
