/**
 * The fake GitHub's Git Data, contents, commits and pulls routes over a real bare repository
 * (../git-store.ts): blobs, trees and commits are git objects, and a ref moves only by a
 * fast-forward unless `force` — a non-fast-forward update is a 422 "Update is not a fast
 * forward", as on GitHub. Pull requests are kept in the Store.
 */
import type { GitStore } from '../git-store.js';
import { type Handler, page } from './routes.js';
import type { Store } from './store.js';

const unprocessable = (message: string): [number, unknown] => [
  422,
  { message, documentation_url: 'https://docs.github.com/rest/git' },
];
const notFound: [number, unknown] = [404, { message: 'Not Found' }];

export function gitHandlers(
  git: GitStore,
  store: Store,
  repository: string,
  user: { login: string; id: number; type: string },
  baseUrl: () => string,
): Record<string, Handler> {
  const api = () => `${baseUrl()}/repos/${repository}`;
  const [owner] = repository.split('/') as [string];
  const refObject = (ref: string, sha: string) => ({
    ref,
    node_id: Buffer.from(`ref:${ref}`).toString('base64'),
    url: `${api()}/git/${ref}`,
    object: { type: 'commit', sha, url: `${api()}/git/commits/${sha}` },
  });
  const commitObject = async (sha: string) => {
    const c = await git.commitInfo(sha);
    const [name, email] = /^(.*) <(.*)>$/.exec(c.author)?.slice(1) ?? [c.author, ''];
    const person = { name, email, date: c.date };
    return {
      sha,
      node_id: Buffer.from(`commit:${sha}`).toString('base64'),
      url: `${api()}/git/commits/${sha}`,
      html_url: `${baseUrl()}/${repository}/commit/${sha}`,
      author: person,
      committer: person,
      message: c.message,
      tree: { sha: c.tree, url: `${api()}/git/trees/${c.tree}` },
      parents: c.parents.map((p) => ({ sha: p, url: `${api()}/git/commits/${p}`, html_url: '' })),
      // Made with the workflow's token: GitHub signs it.
      verification: { verified: true, reason: 'valid', signature: null, payload: null, verified_at: null },
    };
  };
  const branchOf = (ref: string) => (ref.startsWith('heads/') ? ref.slice('heads/'.length) : undefined);
  const pullObject = async (p: (typeof store.pulls)[number]) => ({
    ...p,
    // A PR's head follows its branch.
    head: { ...p.head, sha: (await git.head(p.head.ref)) ?? p.head.sha },
    id: p.number + 100_000,
    node_id: Buffer.from(`pr:${p.number}`).toString('base64'),
    url: `${api()}/pulls/${p.number}`,
    html_url: `${baseUrl()}/${repository}/pull/${p.number}`,
    user,
  });

  return {
    'repos/get': async () => [
      200,
      {
        id: 1,
        name: repository.split('/')[1],
        full_name: repository,
        default_branch: await git.defaultBranch(),
        owner: { login: owner },
      },
    ],
    'git/get-ref': async (m) => {
      const branch = branchOf(m.params.ref as string);
      const sha = branch && (await git.head(branch));
      return sha ? [200, refObject(`refs/${m.params.ref}`, sha)] : notFound;
    },
    'git/create-blob': async (_m, b) => {
      const content =
        b.encoding === 'base64'
          ? Buffer.from(b.content as string, 'base64').toString('utf8')
          : (b.content as string);
      const sha = await git.writeBlob(content);
      return [201, { sha, url: `${api()}/git/blobs/${sha}` }];
    },
    'git/get-commit': async (m) => {
      const sha = m.params.commit_sha as string;
      return (await git.has(sha, 'commit')) ? [200, await commitObject(sha)] : notFound;
    },
    'git/create-tree': async (_m, b) => {
      const base = b.base_tree as string | undefined;
      if (base && !(await git.has(base, 'tree')) && !(await git.has(base, 'commit')))
        return unprocessable('Invalid tree info');
      const entries = b.tree as Array<{
        path: string;
        mode: string;
        type: string;
        sha?: string | null;
        content?: string;
      }>;
      const changes = [];
      for (const e of entries) {
        if (e.type !== 'blob') return unprocessable(`tree.type ${e.type} is not supported by the fake`);
        const sha = e.content !== undefined ? await git.writeBlob(e.content) : (e.sha ?? null);
        if (sha !== null && !(await git.has(sha, 'blob'))) return unprocessable('Invalid tree info');
        changes.push({ path: e.path, mode: e.mode, sha });
      }
      const sha = await git.writeTree(base, changes);
      return [201, { sha, url: `${api()}/git/trees/${sha}`, tree: [], truncated: false }];
    },
    'git/create-commit': async (_m, b) => {
      const tree = b.tree as string;
      const parents = (b.parents as string[] | undefined) ?? [];
      if (!(await git.has(tree, 'tree'))) return unprocessable('Tree SHA does not exist');
      for (const p of parents)
        if (!(await git.has(p, 'commit')))
          return unprocessable('Parent SHA does not exist or is not a commit object');
      const sha = await git.commitTree(tree, parents, b.message as string);
      return [201, await commitObject(sha)];
    },
    'git/create-ref': async (_m, b) => {
      const ref = b.ref as string;
      const sha = b.sha as string;
      if (!/^refs\/[^/]+\/.+/.test(ref))
        return unprocessable('Reference name must start with refs/ and have at least two slashes');
      const branch = branchOf(ref.slice('refs/'.length));
      if (!branch) return unprocessable('the fake only keeps branches');
      if (!(await git.has(sha, 'commit'))) return unprocessable('Object does not exist');
      if (!(await git.updateRef(branch, sha, undefined))) return unprocessable('Reference already exists');
      return [201, refObject(ref, sha)];
    },
    // One ref update at a time: the fast-forward check and the move are one step.
    'git/update-ref': (m, b) =>
      git.exclusive(async () => {
        const branch = branchOf(m.params.ref as string);
        const current = branch && (await git.head(branch));
        if (!branch || !current) return unprocessable('Reference does not exist');
        const sha = b.sha as string;
        if (!(await git.has(sha, 'commit'))) return unprocessable('Object does not exist');
        if (!b.force && !(await git.isAncestor(current, sha)))
          return unprocessable('Update is not a fast forward');
        if (!(await git.updateRef(branch, sha, current)))
          return unprocessable('Update is not a fast forward');
        return [200, refObject(`refs/heads/${branch}`, sha)];
      }),
    'repos/get-content': async (m, _b, url) => {
      const ref = url.searchParams.get('ref') ?? (await git.defaultBranch());
      const commit = await git.resolve(ref);
      const path = m.params.path as string;
      const file = commit && (await git.file(commit, path));
      if (!file) return notFound;
      const name = path.split('/').at(-1);
      const links = {
        self: `${api()}/contents/${path}?ref=${ref}`,
        git: `${api()}/git/blobs/${file.blob}`,
        html: '',
      };
      const common = {
        name,
        path,
        sha: file.blob,
        size: Buffer.byteLength(file.text),
        url: links.self,
        git_url: links.git,
        html_url: null,
        download_url: null,
        _links: links,
      };
      if (file.mode === '120000') return [200, { ...common, type: 'symlink', target: file.text }];
      const content = Buffer.from(file.text).toString('base64').replace(/.{60}/g, '$&\n');
      return [200, { ...common, type: 'file', encoding: 'base64', content }];
    },
    'repos/list-commits': async (_m, _b, url) => {
      const commit = await git.resolve(url.searchParams.get('sha') ?? (await git.defaultBranch()));
      if (!commit) return unprocessable('No commit found for SHA');
      const shas = await git.fileCommits(commit, url.searchParams.get('path') ?? undefined, 1000);
      const [items, headers] = page(shas, url, baseUrl());
      const list = [];
      for (const sha of items) {
        const c = await commitObject(sha);
        list.push({
          sha,
          node_id: c.node_id,
          url: `${api()}/commits/${sha}`,
          html_url: c.html_url,
          commit: {
            message: c.message,
            author: c.author,
            committer: c.committer,
            tree: c.tree,
            url: c.url,
            comment_count: 0,
          },
          parents: c.parents,
        });
      }
      return [200, list, headers];
    },
    'pulls/list': async (_m, _b, url) => {
      const state = url.searchParams.get('state') ?? 'open';
      const head = url.searchParams.get('head');
      const base = url.searchParams.get('base');
      const list = store.pulls.filter(
        (p) =>
          (state === 'all' || p.state === state) &&
          (!head || head === `${owner}:${p.head.ref}`) &&
          (!base || p.base.ref === base),
      );
      const [items, headers] = page(await Promise.all(list.map(pullObject)), url, baseUrl());
      return [200, items, headers];
    },
    'pulls/create': async (_m, b) => {
      const head = String(b.head).replace(`${owner}:`, '');
      const base = b.base as string;
      const headSha = await git.head(head);
      if (!headSha || !(await git.head(base)))
        return unprocessable('Validation Failed: head or base does not exist');
      if (store.pulls.some((p) => p.state === 'open' && p.head.ref === head && p.base.ref === base)) {
        return unprocessable(`A pull request already exists for ${owner}:${head}.`);
      }
      const number = Math.max(0, ...store.pulls.map((p) => p.number)) + 1;
      const p = store.addPull({ number, headSha, headRef: head, title: (b.title as string) ?? head });
      p.base.ref = base;
      p.body = (b.body as string) ?? null;
      return [201, await pullObject(p)];
    },
    'pulls/update': async (m, b) => {
      const p = store.pulls.find((x) => x.number === Number(m.params.pull_number));
      if (!p) return notFound;
      if (typeof b.title === 'string') p.title = b.title;
      if (typeof b.body === 'string') p.body = b.body;
      if (b.state === 'open' || b.state === 'closed') p.state = b.state;
      return [200, await pullObject(p)];
    },
  };
}
