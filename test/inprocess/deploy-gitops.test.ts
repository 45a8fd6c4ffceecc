/** deploy-env and rollback (gitops) run in-process against a local bare repository over file://. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runStep } from '../../src/platform/host.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { rollback } from '../../src/steps/rollback.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';
import { fakeHost } from './fake-host.js';

const VALUES = 'image:\n  repository: registry.example.com/team/app\n  tag: "0a1b2c3" # CI writes this\n';
const IMAGE = 'registry.example.com/team/app:4d5e6f7';

let repo: BareRepo;
beforeAll(() => {
  repo = createBareRepo({ 'deploy/staging/values.yaml': VALUES });
});
afterAll(() => repo.cleanup());

const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GIT_CONFIG_NOSYSTEM: '1',
};
const onMain = (inputs: Record<string, string>) =>
  fakeHost(
    { strategy: 'gitops', repository: repo.url, ...inputs },
    { env, ctx: { ref: 'refs/heads/main', refName: 'main', refType: 'branch' } },
  );

describe('deploy-env gitops', () => {
  it('a dry run changes nothing', async () => {
    const before = repo.head();
    const host = onMain({ image: IMAGE, 'dry-run': 'true' });
    expect(await runStep(deployEnv, host)).toBe(true);
    expect(host.failures).toEqual([]);
    expect(host.outputs).toMatchObject({ environment: 'staging', image: IMAGE, skipped: 'false' });
    expect(host.summaries.join('\n')).toContain('Would deploy to staging');
    expect(repo.head()).toBe(before);
  });

  it('resolves the environment from the ref, commits the tag once, and is idempotent', async () => {
    const host = onMain({ image: IMAGE });
    expect(await runStep(deployEnv, host)).toBe(true);
    expect(host.failures).toEqual([]);
    expect(host.outputs).toMatchObject({
      environment: 'staging',
      image: IMAGE,
      'previous-image': 'registry.example.com/team/app:0a1b2c3',
      revision: repo.head(),
      skipped: 'false',
    });
    expect(repo.read('deploy/staging/values.yaml')).toBe(VALUES.replace('0a1b2c3', '4d5e6f7'));

    const head = repo.head();
    const again = onMain({ image: IMAGE });
    expect(await runStep(deployEnv, again)).toBe(true);
    expect(repo.head()).toBe(head);
    expect(again.summaries.join('\n')).toContain('Already deployed to staging');
  });

  it('no matching rule: skipped with a notice, nothing deployed', async () => {
    const host = fakeHost({ strategy: 'gitops', repository: repo.url, image: IMAGE }, { env });
    expect(await runStep(deployEnv, host)).toBe(true);
    expect(host.outputs).toMatchObject({ skipped: 'true', environment: '' });
    expect(host.logs.some((l) => l.startsWith('notice: No environment rule matches'))).toBe(true);
  });

  it('rollback returns to the version before', async () => {
    const host = fakeHost(
      { strategy: 'gitops', repository: repo.url, environment: 'staging', reason: 'smoke test failed' },
      { env },
    );
    expect(await runStep(rollback, host)).toBe(true);
    expect(host.failures).toEqual([]);
    expect(repo.read('deploy/staging/values.yaml')).toContain('tag: "0a1b2c3"');
    expect(host.outputs.revision).toBe(repo.head());
  });
});
