/**
 * gitops on GitLab without a clone (`via: api`) and its merge requests (`pull-request: true`):
 * files through the repository files API (which also gives each file's last commit), history
 * through the commits API, and one commit through the Commits API with `actions`, each carrying
 * the `last_commit_id` of the file as read: GitLab refuses the commit when a file changed since
 * ("The file has changed since you started editing it"), and core re-reads and re-applies.
 */
import type { ForgeFile, GitApi } from '../core/deploy/gitops/api-writer.js';
import { HeadMoved } from '../core/deploy/gitops/changes.js';
import type { PullRequestApi } from '../core/deploy/gitops/target.js';
import { GitLabApiError, type GitLabClient, type GitLabMergeRequest, projectPath } from './gitlab-api.js';

const enc = encodeURIComponent;

/** What GitLab answers when the commit lost a race: a file or the branch moved since we read it. */
const MOVED = /has changed since you started editing|already exists|could not update branch/i;

export function gitlabGitApi(client: GitLabClient, project: string): GitApi {
  const base = projectPath(project);
  return {
    where: project,
    async defaultBranch() {
      return (await client.request<{ default_branch: string }>('GET', base)).data.default_branch;
    },
    async branchHead(branch) {
      try {
        const res = await client.request<{ commit: { id: string } }>(
          'GET',
          `${base}/repository/branches/${enc(branch)}`,
        );
        return res.data.commit.id;
      } catch (err) {
        if (err instanceof GitLabApiError && err.status === 404) return undefined;
        throw err;
      }
    },
    async readFile(commit, path): Promise<ForgeFile | undefined> {
      try {
        const { data } = await client.request<{ content: string; encoding: string; last_commit_id: string }>(
          'GET',
          `${base}/repository/files/${enc(path)}`,
          { query: { ref: commit } },
        );
        const text =
          data.encoding === 'base64' ? Buffer.from(data.content, 'base64').toString('utf8') : data.content;
        return { text, symlink: false, lastCommit: data.last_commit_id };
      } catch (err) {
        if (err instanceof GitLabApiError && err.status === 404) return undefined;
        throw err;
      }
    },
    async fileCommits(commit, path, limit) {
      const out: Array<{ commit: string; message: string }> = [];
      for (let page = 1; out.length < limit; page++) {
        const { data } = await client.request<Array<{ id: string; message: string }>>(
          'GET',
          `${base}/repository/commits`,
          { query: { ref_name: commit, path, per_page: String(Math.min(100, limit)), page: String(page) } },
        );
        out.push(...data.map((c) => ({ commit: c.id, message: c.message })));
        if (data.length < Math.min(100, limit)) break;
      }
      return out.slice(0, limit);
    },
    async commit(request) {
      const actions = request.changes.map((c) => {
        const read = request.read.get(c.path);
        return read
          ? {
              action: 'update',
              file_path: c.path,
              content: c.content,
              ...(read.lastCommit ? { last_commit_id: read.lastCommit } : {}),
            }
          : { action: 'create', file_path: c.path, content: c.content };
      });
      try {
        const { data } = await client.request<{ id: string }>('POST', `${base}/repository/commits`, {
          body: {
            branch: request.branch,
            commit_message: request.message,
            actions,
            // A new branch (merge-request mode) starts at the commit the change set was planned on.
            ...(request.create ? { start_sha: request.parent } : {}),
          },
        });
        return data.id;
      } catch (err) {
        if (err instanceof GitLabApiError && err.status === 400 && MOVED.test(err.message)) {
          throw new HeadMoved('race', err.message);
        }
        throw err;
      }
    },
  };
}

export function gitlabMergeRequests(client: GitLabClient, project: string): PullRequestApi {
  const base = projectPath(project);
  return {
    async ensure({ head, base: target, title, body, autoMerge }) {
      const { data: open } = await client.request<GitLabMergeRequest[]>('GET', `${base}/merge_requests`, {
        query: { state: 'opened', source_branch: head, target_branch: target },
      });
      const found = open[0];
      const mr = found
        ? (
            await client.request<GitLabMergeRequest>('PUT', `${base}/merge_requests/${found.iid}`, {
              body: { title, description: body },
            })
          ).data
        : (
            await client.request<GitLabMergeRequest>('POST', `${base}/merge_requests`, {
              body: {
                source_branch: head,
                target_branch: target,
                title,
                description: body,
                remove_source_branch: true,
              },
            })
          ).data;
      if (autoMerge) {
        // Merge once the MR's pipeline succeeds (`merge_when_pipeline_succeeds` works on every GitLab version).
        await client.request('PUT', `${base}/merge_requests/${mr.iid}/merge`, {
          body: { merge_when_pipeline_succeeds: true },
        });
      }
      return { number: mr.iid, url: mr.web_url ?? '', created: !found };
    },
  };
}
