/** The Forge on GitHub: commit statuses, check runs, PRs of a commit, issue comments. */
import type { CheckRunEntry, StatusEntry } from '../core/gate/contexts.js';
import type { Forge, ForgeOptions } from './forge.js';
import { createGitHubClient, httpStatus, permissionHint, splitRepository } from './github-api.js';
import type { Runtime } from './runtime.js';

/** GitHub refuses status descriptions over 140 characters. */
function clip(text: string | undefined): string | undefined {
  return text && text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

export function githubForge(rt: Runtime, token: string, options: ForgeOptions): Forge {
  const repository = options.repository ?? rt.ctx.repository;
  const { owner, repo } = splitRepository(repository);
  const retryBaseMs = rt.tuning.retryBaseMs;
  const client = createGitHubClient({
    token,
    apiUrl: rt.ctx.apiUrl,
    warn: (m) => rt.warning(m),
    ...(retryBaseMs !== undefined ? { retryBaseMs } : {}),
  });
  const serverUrl = (rt.ctx.serverUrl ?? 'https://github.com').replace(/\/+$/, '');

  return {
    kind: 'github',
    project: `${owner}/${repo}`,
    async setStatus(sha, s) {
      const description = clip(s.description);
      await client
        .request('POST /repos/{owner}/{repo}/statuses/{sha}', {
          owner,
          repo,
          sha,
          state: s.state,
          context: s.context,
          ...(description ? { description } : {}),
          ...(s.targetUrl ? { target_url: s.targetUrl } : {}),
        })
        .catch((err) => permissionHint(err, 'statuses: write'));
    },
    async readChecks(sha) {
      const statuses: StatusEntry[] = [];
      for (let page = 1; ; page++) {
        const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}/status', {
          owner,
          repo,
          ref: sha,
          per_page: 100,
          page,
        });
        for (const s of data.statuses)
          statuses.push({
            context: s.context,
            state: s.state,
            id: s.id,
            ...(s.target_url ? { url: s.target_url } : {}),
          });
        if (page * 100 >= data.total_count || !data.statuses.length) break;
      }
      const checkRuns: CheckRunEntry[] = [];
      try {
        for (let page = 1; ; page++) {
          const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
            owner,
            repo,
            ref: sha,
            per_page: 100,
            page,
          });
          for (const r of data.check_runs)
            checkRuns.push({
              name: r.name,
              status: r.status,
              conclusion: r.conclusion,
              id: Number(r.id),
              ...(r.html_url ? { url: r.html_url } : {}),
            });
          if (page * 100 >= data.total_count || !data.check_runs.length) break;
        }
      } catch (err) {
        // A token without `checks: read` still lets statuses decide; say why check runs are missing.
        if (httpStatus(err) !== 403 && httpStatus(err) !== 404) throw err;
        rt.warning(`cannot read check runs of ${sha} (${httpStatus(err)}); deciding on commit statuses only`);
      }
      return { statuses, checkRuns };
    },
    async pullsForCommit(sha) {
      const { data } = await client.request('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', {
        owner,
        repo,
        commit_sha: sha,
        per_page: 100,
      });
      return data.map((p) => p.number);
    },
    comments(pull) {
      return {
        async list() {
          const all = await client.paginate('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
            owner,
            repo,
            issue_number: pull,
            per_page: 100,
          });
          return all.map((c) => ({ id: Number(c.id), body: c.body ?? '' }));
        },
        async create(body) {
          const { data } = await client
            .request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
              owner,
              repo,
              issue_number: pull,
              body,
            })
            .catch((err) => permissionHint(err, 'pull-requests: write'));
          return { id: Number(data.id), body: data.body ?? body };
        },
        async update(id, body) {
          await client
            .request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
              owner,
              repo,
              comment_id: id,
              body,
            })
            .catch((err) => permissionHint(err, 'pull-requests: write'));
        },
        async remove(id) {
          try {
            await client.request('DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}', {
              owner,
              repo,
              comment_id: id,
            });
            return true;
          } catch (err) {
            if (httpStatus(err) === 404) return false;
            throw err;
          }
        },
      };
    },
    pullUrl: (pull) => `${serverUrl}/${owner}/${repo}/pull/${pull}`,
    commitUrl: (sha) => `${serverUrl}/${owner}/${repo}/commit/${sha}`,
  };
}
