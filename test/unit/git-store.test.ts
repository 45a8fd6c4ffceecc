/**
 * The forge fakes' git store writes objects in-process (test/fakes/git-objects.ts): real git must
 * read them as its own — the same ids `git mktree`/`git commit-tree` give, in git's entry order,
 * and `git fsck --strict` clean.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { GitStore } from '../fakes/git-store.js';
import { type BareRepo, createBareRepo, git } from '../helpers/git.js';

let repo: BareRepo;
let store: GitStore;

beforeAll(() => {
  repo = createBareRepo({
    'a.b': 'dotted file, sorts before the directory a/\n',
    'a/values.yaml': 'image:\n  tag: "1"\n',
    'a/deep/x.txt': 'x\n',
    'keep.txt': 'kept\n',
  });
  store = new GitStore(repo.path);
});
afterAll(() => repo?.cleanup());

test('a nested change, a new file and a removal give the tree git itself would write', async () => {
  const head = repo.head();
  const blob = await store.writeBlob('image:\n  tag: "2"\n');
  const gitWithInput = (input: string, ...args: string[]) =>
    execFileSync('git', args, { cwd: repo.path, input, encoding: 'utf8' }).trim();
  expect(blob).toBe(gitWithInput('image:\n  tag: "2"\n', 'hash-object', '--stdin'));
  const tree = await store.writeTree(head, [
    { path: 'a/values.yaml', mode: '100644', sha: blob },
    { path: 'new/dir/file.txt', mode: '100644', sha: await store.writeBlob('new\n') },
    { path: 'a/deep/x.txt', mode: '100644', sha: null },
  ]);
  // git's own listing of that tree, fed back to `git mktree` (which sorts as git does), gives the same id.
  const listing = git(repo.path, 'ls-tree', tree);
  expect(gitWithInput(listing, 'mktree')).toBe(tree);
  expect(git(repo.path, 'ls-tree', '-r', '--name-only', tree).split('\n').filter(Boolean)).toEqual([
    'a.b',
    'a/values.yaml',
    'keep.txt',
    'new/dir/file.txt',
  ]);
  expect(git(repo.path, 'cat-file', 'blob', `${tree}:a/values.yaml`)).toBe('image:\n  tag: "2"\n');

  const commit = await store.commitTree(tree, [head], 'Set the tag\n\nStagecraft-Environment: dev');
  expect(git(repo.path, 'rev-parse', `${commit}^{tree}`).trim()).toBe(tree);
  expect(git(repo.path, 'log', '-1', '--format=%P%n%B', commit)).toBe(
    `${head}\nSet the tag\n\nStagecraft-Environment: dev\n`,
  );
  expect(await store.updateRef('main', commit, head)).toBe(true);
  expect(await store.isAncestor(head, commit)).toBe(true);
  expect((await store.file(commit, 'a/values.yaml'))?.text).toBe('image:\n  tag: "2"\n');
  expect(await store.file(commit, 'a/deep/x.txt')).toBeUndefined();
  expect(await store.file(commit, 'a')).toBeUndefined();
  const info = await store.commitInfo(commit);
  expect(info).toMatchObject({
    tree,
    parents: [head],
    message: 'Set the tag\n\nStagecraft-Environment: dev',
  });
  expect(info.date).toBe(git(repo.path, 'log', '-1', '--format=%aI', commit).trim());
  git(repo.path, 'fsck', '--strict', '--no-dangling');
});

test('objects git wrote are read through git once, commits of the seed included', async () => {
  const head = repo.head('main~1');
  const info = await store.commitInfo(head);
  expect(info.message).toBe('seed config');
  expect(info.date).toBe(git(repo.path, 'log', '-1', '--format=%aI', head).trim());
  expect((await store.file(head, 'a/deep/x.txt'))?.text).toBe('x\n');
  expect(await store.has(head, 'commit')).toBe(true);
  expect(await store.has(head, 'tree')).toBe(false);
  expect(await store.resolve('main~1')).toBe(head);
});
