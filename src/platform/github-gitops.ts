/**
 * gitops on GitHub without a clone (`via: api`) and its pull requests (`pull-request: true`):
 * files through the contents API, history through the commits API, commits through the Git Data
 * API (a tree with the files' content, so GitHub makes the blobs; a commit; then the ref moved
 * WITHOUT force: a 422 means the head moved, and core re-reads and re-applies; the head is also
 * checked beside the first write, so a lost race is mostly found before the commit is written).
 * Commits made with the workflow's token are signed by GitHub.
 */

import type { ForgeFile, GitApi } from '../core/deploy/gitops/api-writer.js';
import { HeadMoved } from '../core/deploy/gitops/changes.js';
import type { PullRequestApi } from '../core/deploy/gitops/target.js';
import { type GitHubClient, httpStatus, permissionHint } from './github-api.js';

export function githubGitApi(client: GitHubClient, owner: string, repo: string): GitApi {
  const where = `${owner}/${repo}`;
  async function refHead(branch: string): Promise<string | undefined> {
    try {
      const { data } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        owner,
        repo,
        ref: `heads/${branch}`,
      });
      return data.object.sha;
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw err;
    }
  }
  // The tree of each head read, asked for at once beside the plan's file reads: a commit on that
  // head then starts with its first write (one round trip less inside the race window).
  const trees = new Map<string, Promise<string>>();
  function treeOf(commit: string): Promise<string> {
    let tree = trees.get(commit);
    if (!tree) {
      tree = client
        .request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', { owner, repo, commit_sha: commit })
        .then(({ data }) => data.tree.sha);
      tree.catch(() => trees.delete(commit));
      if (trees.size >= 8) trees.delete(trees.keys().next().value as string);
      trees.set(commit, tree);
    }
    return tree;
  }
  const api: GitApi = {
    where,
    async defaultBranch() {
      const { data } = await client.request('GET /repos/{owner}/{repo}', { owner, repo });
      return data.default_branch;
    },
    async branchHead(branch) {
      const sha = await refHead(branch);
      if (sha) treeOf(sha).catch(() => {});
      return sha;
    },
    async readFile(commit, path): Promise<ForgeFile | undefined> {
      let data: unknown;
      try {
        ({ data } = await client.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner,
          repo,
          path,
          ref: commit,
        }));
      } catch (err) {
        if (httpStatus(err) === 404) return undefined;
        throw err;
      }
      const file = data as { type?: string; content?: string; target?: string };
      if (file.type === 'symlink') return { text: file.target ?? '', symlink: true };
      if (file.type !== 'file' || file.content === undefined) return undefined;
      return { text: Buffer.from(file.content, 'base64').toString('utf8'), symlink: false };
    },
    async fileCommits(commit, path, limit) {
      const out: Array<{ commit: string; message: string }> = [];
      for (let page = 1; out.length < limit; page++) {
        const { data } = await client.request('GET /repos/{owner}/{repo}/commits', {
          owner,
          repo,
          sha: commit,
          path,
          per_page: Math.min(100, limit),
          page,
        });
        out.push(...data.map((c) => ({ commit: c.sha, message: c.commit.message })));
        if (data.length < Math.min(100, limit)) break;
      }
      return out.slice(0, limit);
    },
    async commit(request) {
      const write = <T>(p: Promise<T>) => p.catch((err) => permissionHint(err, 'contents: write'));
      // A lost race should cost few writes (GitHub counts content-creating requests against a
      // secondary rate limit) and a short window: the head is checked again beside the first write
      // (the tree), and a head that moved re-plans before the commit and the ref update are
      // written. The ref update without force stays the real guard.
      const stillAt = async () => {
        if (request.create) return;
        const now = await refHead(request.branch);
        if (now !== request.parent)
          throw new HeadMoved('race', `${request.branch} moved to ${now} before the commit was written`);
      };
      // The tree carries each file's content: GitHub creates the blobs with it.
      const writeTree = async () =>
        write(
          client.request('POST /repos/{owner}/{repo}/git/trees', {
            owner,
            repo,
            base_tree: await treeOf(request.parent),
            tree: request.changes.map((c) => ({
              path: c.path,
              mode: '100644' as const,
              type: 'blob' as const,
              content: c.content,
            })),
          }),
        );
      const [tree] = await Promise.all([writeTree(), stillAt()]);
      const commit = await write(
        client.request('POST /repos/{owner}/{repo}/git/commits', {
          owner,
          repo,
          message: request.message,
          tree: tree.data.sha,
          parents: [request.parent],
        }),
      );
      const sha = commit.data.sha;
      try {
        if (request.create) {
          await client.request('POST /repos/{owner}/{repo}/git/refs', {
            owner,
            repo,
            ref: `refs/heads/${request.branch}`,
            sha,
          });
        } else {
          // Never forced: a branch that moved since we read it refuses the update (422).
          await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
            owner,
            repo,
            ref: `heads/${request.branch}`,
            sha,
            force: false,
          });
        }
      } catch (err) {
        if (httpStatus(err) === 422) throw new HeadMoved('race', (err as Error).message);
        return permissionHint(err, 'contents: write');
      }
      return sha;
    },
  };
  return api;
}

export function githubPullRequests(client: GitHubClient, owner: string, repo: string): PullRequestApi {
  return {
    async ensure({ head, base, title, body, autoMerge }) {
      const { data: open } = await client.request('GET /repos/{owner}/{repo}/pulls', {
        owner,
        repo,
        state: 'open',
        head: `${owner}:${head}`,
        base,
        per_page: 1,
      });
      const write = <T>(p: Promise<T>) => p.catch((err) => permissionHint(err, 'pull-requests: write'));
      const found = open[0];
      const pr = found
        ? (
            await write(
              client.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
                owner,
                repo,
                pull_number: found.number,
                title,
                body,
              }),
            )
          ).data
        : (
            await write(
              client.request('POST /repos/{owner}/{repo}/pulls', { owner, repo, head, base, title, body }),
            )
          ).data;
      if (autoMerge) {
        await client
          .graphql(
            'mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id }) { pullRequest { number } } }',
            { id: pr.node_id },
          )
          .catch((err: Error) => {
            throw new Error(
              `enabling auto-merge on #${pr.number} failed: ${err.message} (the repository must allow auto-merge, and the base branch needs a protection rule)`,
            );
          });
      }
      return { number: pr.number, url: pr.html_url, created: !found };
    },
  };
}
