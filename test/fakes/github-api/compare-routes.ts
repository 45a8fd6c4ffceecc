/**
 * The fake GitHub's commit-history reads over the real bare repository (../git-store.ts):
 * `GET /repos/{owner}/{repo}/compare/{base}...{head}` (the commits reachable from head and not
 * from base, oldest first, as GitHub lists them) and `GET /repos/{owner}/{repo}/commits/{ref}`.
 * Commit dates are git's own (author and committer lines of the objects).
 */
import type { GitStore } from '../git-store.js';
import { type Handler, page } from './routes.js';

const notFound: [number, unknown] = [404, { message: 'Not Found' }];

export function compareHandlers(
  git: GitStore,
  repository: string,
  baseUrl: () => string,
): Record<string, Handler> {
  const api = () => `${baseUrl()}/repos/${repository}`;
  const commitJson = async (sha: string) => {
    const c = await git.commitInfo(sha);
    const [name, email] = /^(.*) <(.*)>$/.exec(c.author)?.slice(1) ?? [c.author, ''];
    const person = { name, email, date: c.date };
    return {
      sha,
      node_id: Buffer.from(`commit:${sha}`).toString('base64'),
      url: `${api()}/commits/${sha}`,
      html_url: `https://github.com/${repository}/commit/${sha}`,
      comments_url: `${api()}/commits/${sha}/comments`,
      commit: {
        author: person,
        committer: person,
        message: c.message,
        tree: { sha: c.tree, url: `${api()}/git/trees/${c.tree}` },
        url: `${api()}/git/commits/${sha}`,
        comment_count: 0,
      },
      author: null,
      committer: null,
      parents: c.parents.map((p) => ({ sha: p, url: `${api()}/commits/${p}` })),
    };
  };
  const revList = async (range: string) =>
    (await git.git(['rev-list', '--reverse', range]).catch(() => undefined))?.split('\n').filter(Boolean);

  return {
    'repos/compare-commits-with-basehead': async (m, _b, url) => {
      const [base, head, ...rest] = String(m.params.basehead).split('...');
      if (!base || !head || rest.length) return notFound;
      const ahead = await revList(`${base}..${head}`);
      const behind = await revList(`${head}..${base}`);
      if (!ahead || !behind) return notFound;
      const [shas, headers] = page(ahead, url, baseUrl());
      const commits = await Promise.all(shas.map(commitJson));
      return [
        200,
        {
          url: `${api()}/compare/${base}...${head}`,
          status: behind.length
            ? ahead.length
              ? 'diverged'
              : 'behind'
            : ahead.length
              ? 'ahead'
              : 'identical',
          ahead_by: ahead.length,
          behind_by: behind.length,
          total_commits: ahead.length,
          commits,
          files: [],
        },
        headers,
      ];
    },
    'repos/get-commit': async (m) => {
      const sha = (
        await git.git(['rev-parse', '--verify', `${m.params.ref}^{commit}`]).catch(() => '')
      )?.trim();
      return sha
        ? [200, { ...(await commitJson(sha)), files: [], stats: { additions: 0, deletions: 0, total: 0 } }]
        : notFound;
    },
  };
}
