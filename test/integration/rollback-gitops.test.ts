/**
 * rollback with the gitops strategy against a real bare repository: the previous value comes
 * from the file's git history, values already rolled back away are skipped, `to` forces a
 * version, and no previous version is a clear error with nothing changed.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { type BareRepo, createBareRepo, git } from '../helpers/git.js';
import { runAction } from '../helpers/runner.js';

const FILE = 'deploy/prd/values.yaml';
const values = (tag: string) =>
  `# production\nimage:\n  repository: registry.example.com/team/app\n  tag: ${tag} # current\n`;
let repo: BareRepo;

beforeAll(() => {
  repo = createBareRepo({ [FILE]: values('v1') });
  repo.commit({ [FILE]: values('v2') }, 'deploy v2');
  repo.commit({ 'README.md': 'unrelated\n' }, 'docs');
  repo.commit({ [FILE]: values('v3') }, 'deploy v3');
});
afterAll(() => repo.cleanup());

const rollback = (extra: Record<string, string> = {}) =>
  runAction('rollback', {
    inputs: {
      strategy: 'gitops',
      environment: 'prd',
      repository: repo.url,
      image: 'registry.example.com/team/app:any',
      token: '',
      ...extra,
    },
  });

it('returns to the value before the current one, as a new commit', async () => {
  const before = repo.head();
  const run = await rollback({ reason: 'smoke test failed' });
  expect(run.errors).toEqual([]);
  expect(run.outputs).toEqual({
    from: 'registry.example.com/team/app:v3',
    to: 'registry.example.com/team/app:v2',
    revision: repo.head(),
  });
  expect(repo.head('main~1')).toBe(before);
  expect(repo.read(FILE)).toBe(values('v2'));
  const message = git(repo.path, 'log', '-1', '--format=%B', 'main');
  expect(message).toContain('rollback(prd): v3 -> v2');
  expect(message).toContain('Reason: smoke test failed');
  expect(message).toContain('Stagecraft-Rolled-Back: v3');
});

it('rolling back again skips the version that was rolled back away', async () => {
  const run = await rollback();
  expect(run.outputs).toMatchObject({
    from: 'registry.example.com/team/app:v2',
    to: 'registry.example.com/team/app:v1',
  });
  expect(repo.read(FILE)).toBe(values('v1'));
});

it('no previous version: a clear error, nothing changed', async () => {
  const before = repo.head();
  const run = await rollback();
  expect(run.code).toBe(1);
  expect(run.errors[0]).toMatch(
    /No previous version to roll back to: deploy\/prd\/values.yaml:image.tag is v1 .*nothing changed/,
  );
  expect(repo.head()).toBe(before);
});

it('`to` forces a version (an image reference gives its tag)', async () => {
  const run = await rollback({ to: 'registry.example.com/team/app:v3' });
  expect(run.errors).toEqual([]);
  expect(run.outputs.to).toBe('registry.example.com/team/app:v3');
  expect(repo.read(FILE)).toBe(values('v3'));
});

it('without `image`, the deploy commits name the repository: from and to are still image references', async () => {
  const web = createBareRepo({ [FILE]: values('v1') });
  try {
    const deployed = (tag: string) =>
      `deploy(prd): registry.example.com/team/web:${tag}\n\nStagecraft-Environment: prd\nStagecraft-Image: registry.example.com/team/web:${tag}`;
    web.commit({ [FILE]: values('v2') }, deployed('v2'));
    web.commit({ [FILE]: values('v3') }, deployed('v3'));
    const run = await runAction('rollback', {
      inputs: { strategy: 'gitops', environment: 'prd', repository: web.url, token: '' },
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs).toMatchObject({
      from: 'registry.example.com/team/web:v3',
      to: 'registry.example.com/team/web:v2',
    });
    // The hold names the image too, so a deploy of that image (not only of the value) is refused.
    expect(web.read('.stagecraft/holds.yaml')).toContain('image: registry.example.com/team/web:v3');
  } finally {
    web.cleanup();
  }
});
