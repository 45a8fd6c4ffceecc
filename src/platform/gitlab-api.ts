/**
 * The GitLab REST (v4) calls the steps need, over fetch: commit statuses, merge requests of a
 * commit, merge-request notes. CI_API_V4_URL for the base; `PRIVATE-TOKEN` for a personal /
 * project access token, `JOB-TOKEN` for CI_JOB_TOKEN. Retries 429/5xx/resets honouring Retry-After.
 */
import { httpFetch, networkReason } from '../core/http.js';
import type { HttpHeaders, HttpResponse } from '../core/transport.js';

export interface GitLabClientOptions {
  apiUrl: string;
  token: string;
  /** `job` sends JOB-TOKEN (CI_JOB_TOKEN); `private` sends PRIVATE-TOKEN. */
  tokenKind: 'job' | 'private';
  retries?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  warn?: (message: string) => void;
}

export class GitLabApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    detail: string,
  ) {
    super(`GitLab ${method} ${path} answered ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'GitLabApiError';
  }
}

export interface GitLabResponse<T> {
  status: number;
  data: T;
  headers: HttpHeaders;
}

export interface GitLabClient {
  request<T>(
    method: string,
    path: string,
    init?: { query?: Record<string, string>; body?: unknown },
  ): Promise<GitLabResponse<T>>;
  /** Every page of a list endpoint (follows x-next-page). */
  paginate<T>(path: string, query?: Record<string, string>): Promise<T[]>;
}

function detailOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const m = body.message ?? body.error;
    return typeof m === 'string' ? m : JSON.stringify(m);
  } catch {
    return text.slice(0, 200);
  }
}

export function createGitLabClient(options: GitLabClientOptions): GitLabClient {
  const base = options.apiUrl.replace(/\/+$/, '');
  const retries = options.retries ?? 3;
  const baseMs = options.retryBaseMs ?? 1000;
  const auth: Record<string, string> =
    options.tokenKind === 'job' ? { 'JOB-TOKEN': options.token } : { 'PRIVATE-TOKEN': options.token };

  async function request<T>(
    method: string,
    path: string,
    init: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<GitLabResponse<T>> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    let res: HttpResponse;
    try {
      res = await httpFetch(
        url,
        {
          method,
          headers: {
            ...auth,
            accept: 'application/json',
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        },
        {
          timeoutMs: options.timeoutMs ?? 30_000,
          retry: {
            attempts: retries + 1,
            baseMs,
            capMs: 60_000,
            onRetry: ({ attempt, delayMs, reason }) =>
              options.warn?.(
                `GitLab ${method} ${path}: ${reason}; retry ${attempt}/${retries} in ${delayMs}ms`,
              ),
          },
        },
      );
    } catch (err) {
      throw new Error(`GitLab ${method} ${path} failed: ${networkReason(err)}`);
    }
    const text = await res.text();
    if (!res.ok) throw new GitLabApiError(res.status, method, path, detailOf(text));
    return { status: res.status, data: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  async function paginate<T>(path: string, query: Record<string, string> = {}): Promise<T[]> {
    const all: T[] = [];
    for (let page = '1'; page; ) {
      const res = await request<T[]>('GET', path, { query: { per_page: '100', ...query, page } });
      all.push(...res.data);
      page = res.headers.get('x-next-page') ?? '';
    }
    return all;
  }

  return { request, paginate };
}

/** `:id` of the project routes: a numeric id, or the URL-encoded `group/project` path. */
export function projectPath(project: string): string {
  return `/projects/${encodeURIComponent(project)}`;
}

export type GitLabStatusState = 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped';

export interface GitLabCommitStatus {
  id: number;
  name: string;
  status: string;
  target_url: string | null;
  description: string | null;
  sha?: string;
}

export async function setCommitStatus(
  client: GitLabClient,
  project: string,
  sha: string,
  status: { state: GitLabStatusState; name: string; targetUrl?: string; description?: string; ref?: string },
): Promise<GitLabCommitStatus> {
  const body = {
    state: status.state,
    name: status.name,
    ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
    ...(status.description !== undefined ? { description: status.description } : {}),
    ...(status.ref ? { ref: status.ref } : {}),
  };
  const res = await client.request<GitLabCommitStatus>('POST', `${projectPath(project)}/statuses/${sha}`, {
    body,
  });
  return res.data;
}

/** The latest status of each name on a commit (GitLab's default `all=false`). */
export async function listCommitStatuses(
  client: GitLabClient,
  project: string,
  sha: string,
): Promise<GitLabCommitStatus[]> {
  return client.paginate<GitLabCommitStatus>(`${projectPath(project)}/repository/commits/${sha}/statuses`);
}

export interface GitLabMergeRequest {
  iid: number;
  state: string;
  web_url?: string;
  sha?: string;
  merge_commit_sha?: string | null;
}

export async function mergeRequestsForCommit(
  client: GitLabClient,
  project: string,
  sha: string,
): Promise<GitLabMergeRequest[]> {
  return client.paginate<GitLabMergeRequest>(
    `${projectPath(project)}/repository/commits/${sha}/merge_requests`,
  );
}

export interface GitLabNote {
  id: number;
  body: string;
  system?: boolean;
}

function notesPath(project: string, iid: number): string {
  return `${projectPath(project)}/merge_requests/${iid}/notes`;
}

export async function listNotes(client: GitLabClient, project: string, iid: number): Promise<GitLabNote[]> {
  const notes = await client.paginate<GitLabNote>(notesPath(project, iid), {
    sort: 'asc',
    order_by: 'created_at',
  });
  return notes.filter((n) => !n.system);
}

export async function createNote(
  client: GitLabClient,
  project: string,
  iid: number,
  body: string,
): Promise<GitLabNote> {
  return (await client.request<GitLabNote>('POST', notesPath(project, iid), { body: { body } })).data;
}

export async function updateNote(
  client: GitLabClient,
  project: string,
  iid: number,
  id: number,
  body: string,
): Promise<void> {
  await client.request('PUT', `${notesPath(project, iid)}/${id}`, { body: { body } });
}

/** Resolves false when the note was already gone (another run removed it). */
export async function deleteNote(
  client: GitLabClient,
  project: string,
  iid: number,
  id: number,
): Promise<boolean> {
  try {
    await client.request('DELETE', `${notesPath(project, iid)}/${id}`);
    return true;
  } catch (err) {
    if (err instanceof GitLabApiError && err.status === 404) return false;
    throw err;
  }
}
