/**
 * Holds, gitops (in-process, a bare repository over file://), as run on GitHub and on GitLab: a
 * rollback writes `.stagecraft/holds.yaml` in the same commit as the value it returns to;
 * deploy-env then refuses the held image with one error and no commit; `force: true` deploys it
 * and lifts the hold in the same deploy commit.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { runStep } from '../../src/platform/host.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { rollback } from '../../src/steps/rollback.js';
import { type BareRepo, createBareRepo, git } from '../helpers/git.js';
import { fakeHost } from './fake-host.js';

const REPO = 'registry.example.com/team/app';
const VALUES = 'image:\n  tag: "v1" # CI writes this\n';
const env = { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1' };

const platforms = [
  {
    provider: 'github',
    forge: 'github',
    actor: 'octocat',
    runUrl: 'https://github.com/acme/shop/actions/runs/7',
  },
  {
    provider: 'gitlab',
    forge: 'gitlab',
    actor: 'alice',
    runUrl: 'https://gitlab.example.com/acme/shop/-/jobs/7',
  },
] as const;

describe.each(platforms)('gitops holds on $provider', (platform) => {
  let repo: BareRepo;
  beforeAll(() => {
    repo = createBareRepo({ 'deploy/staging/values.yaml': VALUES, 'deploy/production/values.yaml': VALUES });
  });
  afterAll(() => repo.cleanup());

  const host = (inputs: Record<string, string>) =>
    fakeHost(
      { strategy: 'gitops', repository: repo.url, environment: 'staging', ...inputs },
      {
        env,
        ctx: {
          provider: platform.provider,
          forge: platform.forge,
          actor: platform.actor,
          runUrl: platform.runUrl,
        },
      },
    );
  const deploy = async (inputs: Record<string, string>) => {
    const h = host(inputs);
    const ok = await runStep(deployEnv, h);
    return { ok, h };
  };
  /** Files the commit at the branch head changed. */
  const changedFiles = () =>
    git(repo.path, 'show', '--name-only', '--format=', repo.branch).split('\n').filter(Boolean).sort();
  const holds = () =>
    YAML.parse(repo.read('.stagecraft/holds.yaml')) as Record<string, Array<Record<string, string>>>;

  it('a rollback holds the image it left, in the same commit as the value it returns to', async () => {
    expect((await deploy({ image: `${REPO}:v2` })).ok).toBe(true);
    const h = host({ image: `${REPO}:any`, reason: 'smoke test failed: GET /health 503' });
    expect(await runStep(rollback, h)).toBe(true);
    expect(h.failures).toEqual([]);
    expect(h.outputs).toMatchObject({ from: `${REPO}:v2`, to: `${REPO}:v1`, revision: repo.head() });
    expect(changedFiles()).toEqual(['.stagecraft/holds.yaml', 'deploy/staging/values.yaml']);
    expect(repo.read('deploy/staging/values.yaml')).toBe(VALUES);
    const staging = holds().staging ?? [];
    expect(staging).toHaveLength(1);
    expect(staging[0]).toMatchObject({
      image: `${REPO}:v2`,
      value: 'v2',
      file: 'deploy/staging/values.yaml',
      key: 'image.tag',
      reason: 'smoke test failed: GET /health 503',
      by: `${platform.actor} in ${platform.runUrl}`,
    });
    expect(Date.now() - Date.parse(staging[0]?.at ?? '')).toBeLessThan(60_000);
    expect(holds().production).toBeUndefined();
  });

  it('deploy-env refuses the held image with one error naming when and why; nothing is committed', async () => {
    const head = repo.head();
    const at = holds().staging?.[0]?.at as string;
    // By tag and by tag@digest: both name the held tag (no digest was recorded).
    for (const image of [`${REPO}:v2`, `${REPO}:v2@sha256:${'b'.repeat(64)}`]) {
      const { ok, h } = await deploy({ image });
      expect(ok).toBe(false);
      expect(h.failures).toHaveLength(1);
      expect(h.failures[0]).toContain(`${image} is held in staging`);
      expect(h.failures[0]).toContain(`rolled back at ${at} by ${platform.actor}`);
      expect(h.failures[0]).toContain('reason: smoke test failed: GET /health 503');
      expect(h.failures[0]).toContain('`force: true`');
      expect(repo.head()).toBe(head);
    }
    // The hold is per environment: production takes v2.
    const prod = await deploy({ image: `${REPO}:v2`, environment: 'production' });
    expect(prod.ok).toBe(true);
    expect(repo.read('deploy/production/values.yaml')).toContain('tag: "v2"');
    // Another image deploys to staging as usual.
    const other = await deploy({ image: `${REPO}:v3` });
    expect(other.h.failures).toEqual([]);
    expect(changedFiles()).toEqual(['deploy/staging/values.yaml']);
  });

  it('force: true deploys the held image and lifts the hold in the same commit', async () => {
    const { ok, h } = await deploy({ image: `${REPO}:v2`, force: 'true' });
    expect(h.failures).toEqual([]);
    expect(ok).toBe(true);
    expect(changedFiles()).toEqual(['.stagecraft/holds.yaml', 'deploy/staging/values.yaml']);
    expect(repo.read('deploy/staging/values.yaml')).toContain('tag: "v2"');
    expect(holds()?.staging).toBeUndefined();
    expect(git(repo.path, 'log', '-1', '--format=%B', repo.branch)).toContain(
      'Lifted the hold on registry.example.com/team/app:v2 in staging',
    );
    expect(h.summaries.join('\n')).toContain('Lifted the hold');
    // Lifted: a plain re-run is accepted (and changes nothing).
    const head = repo.head();
    const again = await deploy({ image: `${REPO}:v2` });
    expect(again.h.failures).toEqual([]);
    expect(repo.head()).toBe(head);
  });

  it('a rollback without `image` (the promote component) holds the image its deploy commit names, at that file and key', async () => {
    // production runs v2 (deployed above); the rollback is given no image: the deploy commit's
    // Stagecraft-Image trailer names it.
    const h = host({ environment: 'production' });
    expect(await runStep(rollback, h)).toBe(true);
    expect(holds().production).toEqual([
      expect.objectContaining({
        image: `${REPO}:v2`,
        value: 'v2',
        file: 'deploy/production/values.yaml',
        key: 'image.tag',
      }),
    ]);
    const head = repo.head();
    const { ok, h: refused } = await deploy({ image: `${REPO}:v2`, environment: 'production' });
    expect(ok).toBe(false);
    expect(refused.failures[0]).toContain(
      `${REPO}:v2 is held in production (.stagecraft/holds.yaml): ${REPO}:v2 was rolled back`,
    );
    expect(repo.head()).toBe(head);
  });
});
