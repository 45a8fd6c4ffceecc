/**
 * The fake GitLab's repository routes over a real bare repository (../git-store.ts): project,
 * branches, files (with `last_commit_id`), commits (list and create with `actions`) and merge
 * requests. A commit whose action carries a `last_commit_id` older than the file's last commit is
 * refused with GitLab's 400 "The file has changed since you started editing it: <path>". A commit
 * is made under the store's `exclusive`: GitLab checks and moves a branch one commit at a time.
 */
import type { GitStore } from '../git-store.js';

export interface FakeMergeRequest {
  iid: number;
  state: string;
  sha: string;
  merge_commit_sha: string | null;
  source_branch?: string;
  target_branch?: string;
  title?: string;
  description?: string | null;
  web_url?: string;
  merge_when_pipeline_succeeds?: boolean;
}

export type Answer = [number, unknown, Record<string, string>?];

interface Action {
  action?: string;
  file_path?: string;
  content?: string;
  encoding?: string;
  last_commit_id?: string;
}

const ACTIONS = ['create', 'update', 'delete', 'move', 'chmod'];

export async function gitlabGitRoute(
  git: GitStore,
  mrs: FakeMergeRequest[],
  info: { project: string; projectId: number; webUrl: string },
  method: string,
  rest: string,
  url: URL,
  body: Record<string, unknown>,
  violations: string[],
): Promise<Answer | undefined> {
  const bad = (message: string): Answer => [400, { message }];
  const commitJson = async (sha: string) => {
    const c = await git.commitInfo(sha);
    const title = c.message.split('\n')[0];
    return {
      id: sha,
      short_id: sha.slice(0, 8),
      title,
      message: c.message,
      parent_ids: c.parents,
      author_name: c.author,
      created_at: c.date,
      web_url: `${info.webUrl}/-/commit/${sha}`,
    };
  };
  const mrJson = async (mr: FakeMergeRequest) => ({
    ...mr,
    sha: (mr.source_branch && (await git.head(mr.source_branch))) ?? mr.sha,
    web_url: `${info.webUrl}/-/merge_requests/${mr.iid}`,
  });
  if (method === 'GET' && rest === '') {
    return [
      200,
      {
        id: info.projectId,
        path_with_namespace: info.project,
        default_branch: await git.defaultBranch(),
        web_url: info.webUrl,
      },
    ];
  }
  let m = /^\/repository\/branches\/([^/]+)$/.exec(rest);
  if (m && method === 'GET') {
    const name = decodeURIComponent(m[1] as string);
    const sha = await git.head(name);
    return sha
      ? [
          200,
          {
            name,
            commit: await commitJson(sha),
            protected: false,
            default: name === (await git.defaultBranch()),
          },
        ]
      : [404, { message: '404 Branch Not Found' }];
  }
  m = /^\/repository\/files\/([^/]+)$/.exec(rest);
  if (m && method === 'GET') {
    const path = decodeURIComponent(m[1] as string);
    const ref = url.searchParams.get('ref');
    if (!ref) {
      violations.push('GET files: ref is missing');
      return bad('ref is missing');
    }
    const commit = await git.resolve(ref);
    const file = commit && (await git.file(commit, path));
    if (!commit || !file) return [404, { message: '404 File Not Found' }];
    const last = (await git.fileCommits(commit, path, 1))[0];
    return [
      200,
      {
        file_name: path.split('/').at(-1),
        file_path: path,
        size: Buffer.byteLength(file.text),
        encoding: 'base64',
        content: Buffer.from(file.text).toString('base64'),
        ref,
        blob_id: file.blob,
        commit_id: commit,
        last_commit_id: last,
      },
    ];
  }
  if (rest === '/repository/commits' && method === 'GET') {
    const commit = await git.resolve(url.searchParams.get('ref_name') ?? (await git.defaultBranch()));
    if (!commit) return [404, { message: '404 Reference Not Found' }];
    const all = await git.fileCommits(commit, url.searchParams.get('path') ?? undefined, 1000);
    const perPage = Number(url.searchParams.get('per_page') ?? 20);
    const n = Number(url.searchParams.get('page') ?? 1);
    const next = n * perPage < all.length ? String(n + 1) : '';
    return [
      200,
      await Promise.all(all.slice((n - 1) * perPage, n * perPage).map(commitJson)),
      { 'x-next-page': next, 'x-total': String(all.length) },
    ];
  }
  if (rest === '/repository/commits' && method === 'POST')
    return git.exclusive(() => createCommit(git, body, violations, commitJson));
  if (rest === '/merge_requests' && method === 'GET') {
    const q = (k: string) => url.searchParams.get(k);
    const list = mrs.filter(
      (mr) =>
        (!q('state') || q('state') === 'all' || mr.state === q('state')) &&
        (!q('source_branch') || mr.source_branch === q('source_branch')) &&
        (!q('target_branch') || mr.target_branch === q('target_branch')),
    );
    return [200, await Promise.all(list.map(mrJson)), { 'x-next-page': '' }];
  }
  if (rest === '/merge_requests' && method === 'POST') {
    const source = body.source_branch as string;
    const target = body.target_branch as string;
    if (!source || !target || typeof body.title !== 'string') {
      violations.push('POST merge_requests: source_branch, target_branch and title are required');
      return bad('source_branch, target_branch, title are missing');
    }
    if (!(await git.head(source)) || !(await git.head(target))) return bad('Invalid source or target branch');
    if (
      mrs.some((mr) => mr.state === 'opened' && mr.source_branch === source && mr.target_branch === target)
    ) {
      return [
        409,
        {
          message: [
            `Another open merge request already exists for this source branch: !${mrs.find((mr) => mr.source_branch === source)?.iid}`,
          ],
        },
      ];
    }
    const mr: FakeMergeRequest = {
      iid: Math.max(0, ...mrs.map((x) => x.iid)) + 1,
      state: 'opened',
      sha: (await git.head(source)) as string,
      merge_commit_sha: null,
      source_branch: source,
      target_branch: target,
      title: body.title,
      description: (body.description as string) ?? null,
    };
    mrs.push(mr);
    return [201, await mrJson(mr)];
  }
  m = /^\/merge_requests\/(\d+)(\/merge)?$/.exec(rest);
  if (m && method === 'PUT') {
    const mr = mrs.find((x) => x.iid === Number(m?.[1]));
    if (!mr) return [404, { message: '404 Not found' }];
    if (m[2]) {
      if (mr.state !== 'opened') return [405, { message: '405 Method Not Allowed' }];
      mr.merge_when_pipeline_succeeds = body.merge_when_pipeline_succeeds === true;
      return [200, await mrJson(mr)];
    }
    if (typeof body.title === 'string') mr.title = body.title;
    if (typeof body.description === 'string') mr.description = body.description;
    return [200, await mrJson(mr)];
  }
  return undefined;
}

async function createCommit(
  git: GitStore,
  body: Record<string, unknown>,
  violations: string[],
  commitJson: (sha: string) => Promise<unknown>,
): Promise<Answer> {
  const bad = (message: string): Answer => [400, { message }];
  const branch = body.branch as string;
  const actions = body.actions as Action[] | undefined;
  if (
    typeof branch !== 'string' ||
    typeof body.commit_message !== 'string' ||
    !Array.isArray(actions) ||
    !actions.length
  ) {
    violations.push('POST commits: branch, commit_message and actions are required');
    return bad('branch, commit_message, actions are missing');
  }
  for (const a of actions) {
    if (!ACTIONS.includes(a.action ?? '') || typeof a.file_path !== 'string') {
      violations.push(`POST commits: bad action ${JSON.stringify(a)}`);
      return bad('actions[action] does not have a valid value');
    }
  }
  const current = await git.head(branch);
  const startRef = (body.start_sha as string | undefined) ?? (body.start_branch as string | undefined);
  if (current && body.start_sha) {
    return bad(`A branch called '${branch}' already exists. Switch to that branch in order to make changes`);
  }
  const start = current ?? (startRef ? await git.resolve(startRef) : undefined);
  if (!start) return bad('You can only create or edit files when you are on a branch');
  const changes = [];
  for (const a of actions) {
    const path = a.file_path as string;
    const existing = await git.file(start, path);
    if (a.action === 'create' && existing) return bad('A file with this name already exists');
    if (a.action !== 'create' && !existing) return bad("A file with this name doesn't exist");
    if (a.last_commit_id && ['update', 'delete', 'move'].includes(a.action as string)) {
      if ((await git.fileCommits(start, path, 1))[0] !== a.last_commit_id) {
        return bad(`The file has changed since you started editing it: ${path}`);
      }
    }
    if (a.action === 'delete') changes.push({ path, mode: '100644', sha: null });
    else if (a.action === 'create' || a.action === 'update') {
      const text =
        a.encoding === 'base64' ? Buffer.from(a.content ?? '', 'base64').toString('utf8') : (a.content ?? '');
      changes.push({ path, mode: existing?.mode ?? '100644', sha: await git.writeBlob(text) });
    } else return bad(`the fake does not implement action ${a.action}`);
  }
  const tree = await git.writeTree((await git.commitInfo(start)).tree, changes);
  const sha = await git.commitTree(tree, [start], body.commit_message as string);
  if (!(await git.updateRef(branch, sha, current))) return bad('Could not update branch');
  return [201, await commitJson(sha)];
}
