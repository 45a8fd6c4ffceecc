/**
 * A fake GitLab API (v4) on 127.0.0.1: commit statuses, merge requests of a commit, MR notes;
 * with a `git` store also branches, files, commits and merge requests (./git-routes.ts).
 * Routes and bodies follow GitLab's REST docs; anything else is a 404/400 AND a recorded
 * violation. Auth by PRIVATE-TOKEN or JOB-TOKEN. Faults (5xx, 429 + Retry-After) on demand.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitStore } from '../git-store.js';
import { type FakeMergeRequest, gitlabGitRoute } from './git-routes.js';
import { type FakeFreezePeriod, type FakeGitLabDeployment, gitlabReleaseRoute } from './release-routes.js';

export interface GitLabStatus {
  id: number;
  sha: string;
  name: string;
  status: string;
  target_url: string | null;
  description: string | null;
}
export interface GitLabNote {
  id: number;
  iid: number;
  body: string;
  system: boolean;
  created_at: string;
}
export type GitLabMr = FakeMergeRequest;

export interface FakeGitLab {
  url: string;
  apiUrl: string;
  statuses: GitLabStatus[];
  notes: GitLabNote[];
  mrs: GitLabMr[];
  /** commit sha → MR iids */
  commitMrs: Map<string, number[]>;
  requests: Array<{ method: string; path: string; status: number; auth: string }>;
  violations: string[];
  freezePeriods: FakeFreezePeriod[];
  deployments: FakeGitLabDeployment[];
  /** The fake's clock (times it records); tests seed histories at known times by setting it. */
  clock: () => Date;
  /** A deployment as a job with `environment:` creates it, at the fake's clock. */
  addDeployment(d: {
    environment: string;
    sha: string;
    status: FakeGitLabDeployment['status'];
    jobName?: string;
    ref?: string;
  }): FakeGitLabDeployment;
  fail(fault: { method?: string; path?: RegExp; status: number; retryAfter?: number; times?: number }): void;
  close(): Promise<void>;
}

/** GitLab validates notes to at most 1,000,000 characters (Gitlab::Database::MAX_TEXT_SIZE_LIMIT). */
const NOTE_LIMIT = 1_000_000;
const NOTE_TOO_LONG = 'is too long (maximum is 1000000 characters)';

const STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];

export async function startFakeGitLab(options: {
  project: string;
  projectId: number;
  token: string;
  jobToken?: string;
  /** The project's repository (branches, files, commits, merge requests): a real bare repository. */
  git?: GitStore;
}): Promise<FakeGitLab> {
  let base = '';
  let next = 500;
  const fake = {
    statuses: [] as GitLabStatus[],
    notes: [] as GitLabNote[],
    mrs: [] as GitLabMr[],
    commitMrs: new Map<string, number[]>(),
    requests: [] as FakeGitLab['requests'],
    violations: [] as string[],
    freezePeriods: [] as FakeFreezePeriod[],
    deployments: [] as FakeGitLabDeployment[],
    clock: () => new Date(),
  };
  const faults: Array<{ method?: string; path?: RegExp; status: number; retryAfter?: number; left: number }> =
    [];

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  function page<T>(res: ServerResponse, items: T[], url: URL) {
    const perPage = Number(url.searchParams.get('per_page') ?? 20);
    const n = Number(url.searchParams.get('page') ?? 1);
    const nextPage = n * perPage < items.length ? String(n + 1) : '';
    send(res, 200, items.slice((n - 1) * perPage, n * perPage), {
      'x-next-page': nextPage,
      'x-total': String(items.length),
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = String(req.headers['private-token'] ? 'private' : req.headers['job-token'] ? 'job' : 'none');
    const seen = { method, path: url.pathname + url.search, status: 0, auth };
    fake.requests.push(seen);
    const reply = (status: number, body?: unknown) => {
      seen.status = status;
      send(res, status, body);
    };
    const token = req.headers['private-token'] ?? req.headers['job-token'];
    const okToken = req.headers['private-token'] ? options.token : options.jobToken;
    if (!token || token !== okToken) return reply(401, { message: '401 Unauthorized' });
    const fault = faults.find(
      (f) => f.left > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(url.pathname)),
    );
    if (fault) {
      fault.left--;
      seen.status = fault.status;
      return send(
        res,
        fault.status,
        { message: 'fault' },
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
      );
    }
    let body: Record<string, unknown> = {};
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        fake.violations.push(`${method} ${url.pathname}: body is not JSON`);
        return reply(400, { message: 'bad json' });
      }
    }
    // GitLab accepts the numeric id or the URL-encoded path (`group%2Fproject`); req.url keeps the encoding.
    const raw = (req.url ?? '').split('?')[0] as string;
    const m = /^\/api\/v4\/projects\/([^/]+)(\/.*)?$/.exec(raw);
    if (!m) {
      fake.violations.push(`${method} ${raw}: no such route`);
      return reply(404, { message: '404 Not Found' });
    }
    const id = decodeURIComponent(m[1] as string);
    if (id !== String(options.projectId) && id !== options.project)
      return reply(404, { message: '404 Project Not Found' });
    const rest = m[2] ?? '';
    let r = method === 'POST' ? /^\/statuses\/([0-9a-f]{40})$/.exec(rest) : null;
    if (r) {
      const state = body.state as string;
      if (!STATES.includes(state)) {
        fake.violations.push(
          `POST statuses: state ${JSON.stringify(state)} is not one of ${STATES.join(', ')}`,
        );
        return reply(400, { error: 'state does not have a valid value' });
      }
      for (const k of Object.keys(body)) {
        if (
          ![
            'state',
            'ref',
            'name',
            'context',
            'target_url',
            'description',
            'coverage',
            'pipeline_id',
          ].includes(k)
        ) {
          fake.violations.push(`POST statuses: unknown parameter ${k}`);
          return reply(400, { error: `unknown parameter ${k}` });
        }
      }
      const name = (body.name as string) ?? (body.context as string) ?? 'default';
      const latest = fake.statuses.filter((s) => s.sha === r?.[1] && s.name === name).at(-1);
      if (latest?.status === state)
        return reply(400, { message: `Cannot transition status via :${state} from :${state}` });
      const s = {
        id: ++next,
        sha: r[1] as string,
        name,
        status: state,
        target_url: (body.target_url as string) ?? null,
        description: (body.description as string) ?? null,
      };
      fake.statuses.push(s);
      return reply(201, s);
    }
    r = method === 'GET' ? /^\/repository\/commits\/([0-9a-f]{40})\/statuses$/.exec(rest) : null;
    if (r) {
      const latest = new Map<string, GitLabStatus>();
      for (const s of fake.statuses.filter((x) => x.sha === r?.[1])) latest.set(s.name, s);
      seen.status = 200;
      return page(res, [...latest.values()].reverse(), url);
    }
    r = method === 'GET' ? /^\/repository\/commits\/([0-9a-f]{40})\/merge_requests$/.exec(rest) : null;
    if (r) {
      const iids = fake.commitMrs.get(r[1] as string) ?? [];
      seen.status = 200;
      return page(
        res,
        fake.mrs.filter((mr) => iids.includes(mr.iid)),
        url,
      );
    }
    r = /^\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(rest);
    if (r) {
      const iid = Number(r[1]);
      if (!fake.mrs.some((mr) => mr.iid === iid)) return reply(404, { message: '404 Not found' });
      const noteId = r[2] ? Number(r[2]) : undefined;
      if (noteId === undefined && method === 'GET') {
        seen.status = 200;
        const sorted = fake.notes
          .filter((n) => n.iid === iid)
          .sort((a, b) => (url.searchParams.get('sort') === 'asc' ? a.id - b.id : b.id - a.id));
        return page(res, sorted, url);
      }
      if (noteId === undefined && method === 'POST') {
        if (typeof body.body !== 'string' || !body.body) {
          fake.violations.push('POST notes: body is required');
          return reply(400, { error: 'body is missing' });
        }
        if (body.body.length > NOTE_LIMIT) return reply(400, { message: { note: [NOTE_TOO_LONG] } });
        const note = {
          id: ++next,
          iid,
          body: body.body,
          system: false,
          created_at: new Date().toISOString(),
        };
        fake.notes.push(note);
        return reply(201, note);
      }
      const note = fake.notes.find((n) => n.id === noteId && n.iid === iid);
      if (noteId !== undefined && method === 'PUT') {
        if (typeof body.body !== 'string') {
          fake.violations.push('PUT notes: body is required');
          return reply(400, { error: 'body is missing' });
        }
        if (!note) return reply(404, { message: '404 Note Not Found' });
        if (body.body.length > NOTE_LIMIT) return reply(400, { message: { note: [NOTE_TOO_LONG] } });
        note.body = body.body;
        return reply(200, note);
      }
      if (noteId !== undefined && method === 'DELETE') {
        if (!note) return reply(404, { message: '404 Note Not Found' });
        fake.notes.splice(fake.notes.indexOf(note), 1);
        return reply(204);
      }
    }
    const releaseAnswer = await gitlabReleaseRoute(
      fake,
      {
        webUrl: `${base}/${options.project}`,
        nextId: () => ++next,
        ...(options.git ? { git: options.git } : {}),
      },
      auth === 'job' ? 'job' : 'private',
      method,
      rest,
      url,
      body,
      fake.violations,
    );
    if (releaseAnswer) {
      seen.status = releaseAnswer[0];
      return send(res, releaseAnswer[0], releaseAnswer[1], releaseAnswer[2]);
    }
    const gitAnswer = options.git
      ? await gitlabGitRoute(
          options.git,
          fake.mrs,
          { project: options.project, projectId: options.projectId, webUrl: `${base}/${options.project}` },
          method,
          rest,
          url,
          body,
          fake.violations,
        )
      : undefined;
    if (gitAnswer) {
      seen.status = gitAnswer[0];
      return send(res, gitAnswer[0], gitAnswer[1], gitAnswer[2]);
    }
    fake.violations.push(`${method} /projects/:id${rest}: no such route`);
    return reply(404, { message: '404 Not Found' });
  }

  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      handle(req, res, text).catch((err) => send(res, 500, { message: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = url;
  return Object.assign(fake, {
    url,
    apiUrl: `${url}/api/v4`,
    addDeployment(d: {
      environment: string;
      sha: string;
      status: FakeGitLabDeployment['status'];
      jobName?: string;
      ref?: string;
    }) {
      const at = fake.clock().toISOString();
      const done = ['success', 'failed', 'canceled', 'skipped'].includes(d.status);
      const deployment: FakeGitLabDeployment = {
        id: ++next,
        iid: fake.deployments.filter((x) => x.environment === d.environment).length + 1,
        ref: d.ref ?? 'main',
        sha: d.sha,
        environment: d.environment,
        status: d.status,
        created_at: at,
        updated_at: at,
        finished_at: done ? at : null,
        job: { id: ++next, name: d.jobName ?? 'deploy-env', stage: 'deploy' },
      };
      fake.deployments.push(deployment);
      return deployment;
    },
    fail: (f: { method?: string; path?: RegExp; status: number; retryAfter?: number; times?: number }) =>
      faults.push({ ...f, left: f.times ?? 1 }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
