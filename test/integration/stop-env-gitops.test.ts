/**
 * Preview environments on gitops against a real bare repository through the built bundles: the
 * first deploy of `pr-{pr}` copies `template` into `deploy/pr-N/` in the same commit as the image
 * change, an update changes only the tag, stop-env removes the directory in one commit (nothing
 * else), a second stop-env is a notice, and a non-preview environment changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type BareRepo, createBareRepo, git } from '../helpers/git.js';
import { runAction } from '../helpers/runner.js';

const TEMPLATE = {
  'values.yaml': 'image:\n  repository: registry.example.com/team/app\n  tag: latest # set by CI\n',
  'kustomization.yaml': 'resources: [../../base]\n',
};
let repo: BareRepo;
beforeAll(() => {
  repo = createBareRepo({
    'deploy/staging/values.yaml': 'image:\n  tag: v1\n',
    ...Object.fromEntries(Object.entries(TEMPLATE).map(([f, t]) => [`deploy/preview-template/${f}`, t])),
  });
});
afterAll(() => repo?.cleanup());

const files = (ref = 'main') =>
  git(repo.path, 'ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean);
const changedIn = (ref = 'main') =>
  git(repo.path, 'show', '--name-status', '--format=', ref).split('\n').filter(Boolean);
const run = (step: string, action: string, inputs: Record<string, string>, number = 3) =>
  runAction(step, {
    eventName: 'pull_request',
    event: { action, number, pull_request: { number, head: { sha: 'd'.repeat(40) } } },
    env: { GITHUB_REF: `refs/pull/${number}/merge` },
    inputs: { strategy: 'gitops', repository: repo.url, token: '', environment: 'pr-{pr}', ...inputs },
  });

describe('preview environments (gitops)', () => {
  it('creates deploy/pr-N from the template with the image, updates it, removes it in one commit', async () => {
    const open = await run('deploy-env', 'opened', {
      image: 'registry.example.com/team/app:1.0.0',
      template: 'deploy/preview-template',
      record: 'false',
    });
    expect(open.errors).toEqual([]);
    expect(open.outputs.environment).toBe('pr-3');
    expect(changedIn().sort()).toEqual(['A\tdeploy/pr-3/kustomization.yaml', 'A\tdeploy/pr-3/values.yaml']);
    expect(repo.read('deploy/pr-3/values.yaml')).toBe(TEMPLATE['values.yaml'].replace('latest', '1.0.0'));
    expect(repo.read('deploy/pr-3/kustomization.yaml')).toBe(TEMPLATE['kustomization.yaml']);

    const update = await run('deploy-env', 'synchronize', {
      image: 'registry.example.com/team/app:1.1.0',
      template: 'deploy/preview-template',
      record: 'false',
    });
    expect(update.errors).toEqual([]);
    expect(changedIn()).toEqual(['M\tdeploy/pr-3/values.yaml']);
    expect(repo.read('deploy/pr-3/values.yaml')).toContain('tag: 1.1.0 # set by CI');

    const before = repo.head();
    const stop = await run('stop-env', 'closed', {});
    expect(stop.errors).toEqual([]);
    expect(stop.outputs.stopped).toBe('pr-3');
    expect(repo.head('main~1')).toBe(before);
    expect(changedIn().sort()).toEqual(['D\tdeploy/pr-3/kustomization.yaml', 'D\tdeploy/pr-3/values.yaml']);
    expect(repo.subjects()[0]).toBe('stop(pr-3): remove deploy/pr-3');
    expect(files()).toEqual([
      'deploy/preview-template/kustomization.yaml',
      'deploy/preview-template/values.yaml',
      'deploy/staging/values.yaml',
    ]);

    const head = repo.head();
    const again = await run('stop-env', 'closed', {});
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/::notice::pr-3 is already gone/);
    expect(again.outputs.stopped).toBe('');
    expect(repo.head()).toBe(head);
  });

  it('refuses staging (outside preview-environments) and a dry run changes nothing', async () => {
    await run(
      'deploy-env',
      'opened',
      { image: 'registry.example.com/team/app:2.0.0', template: 'deploy/preview-template', record: 'false' },
      5,
    );
    const head = repo.head();
    const refused = await run('stop-env', 'closed', { environment: 'staging' }, 5);
    expect(refused.code).toBe(1);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatch(/environment.*staging.*preview-environments/);
    const dry = await run('stop-env', 'closed', { 'dry-run': 'true' }, 5);
    expect(dry.errors).toEqual([]);
    expect(dry.outputs.stopped).toBe('pr-5');
    expect(dry.summary).toContain('Would remove `deploy/pr-5`');
    expect(repo.head()).toBe(head);
    expect(files()).toContain('deploy/pr-5/values.yaml');
  });
});
