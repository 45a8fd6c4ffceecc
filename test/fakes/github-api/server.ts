/**
 * A fake GitHub REST API on 127.0.0.1 for tests: commit statuses, check runs (read), issue
 * comments, pull requests and commit→PR associations, deployments and their statuses, releases;
 * with a `git` store also the Git Data API, contents, commits and pull-request writes (./git-routes.ts).
 * Every request is first validated against GitHub's OpenAPI description (./openapi.ts); a wrong
 * route or body is answered with a 4xx AND recorded in `violations`, which tests assert empty.
 * Faults (5xx, 429 with Retry-After, secondary rate limit 403) are injected per route.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GitStore } from '../git-store.js';
import { compareHandlers } from './compare-routes.js';
import { gitHandlers } from './git-routes.js';
import { type Matched, validateRequest } from './openapi.js';
import { createHandlers } from './routes.js';
import { Store } from './store.js';

export interface Fault {
  /** operationId (`issues/create-comment`) or method (`POST`); every request when omitted. */
  route?: string;
  kind: '500' | '502' | '503' | '429' | 'secondary';
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  operationId?: string;
  status: number;
  body?: unknown;
  authorization?: string;
  /** When it arrived (performance.now()) and how long the fake took to answer (benchmarks' profiles). */
  at?: number;
  ms?: number;
}

export interface FakeGitHubOptions {
  repository?: string;
  /** When set, requests must carry this token (`token X` or `Bearer X`). */
  token?: string;
  /** Delay before each answer, so concurrent clients interleave as they do against GitHub. */
  latencyMs?: number;
  login?: string;
  /** The repository's git data (Git Data API, contents, commits, pulls): a real bare repository. */
  git?: GitStore;
  /** Answer writes with 403 "Resource not accessible by integration", as a fork PR's token gets. */
  readOnly?: boolean;
}

export interface FakeGitHub {
  url: string;
  store: Store;
  requests: SeenRequest[];
  violations: string[];
  fail(fault: Fault): void;
  /** Requests of one operation (e.g. `repos/create-commit-status`). */
  calls(operationId: string): SeenRequest[];
  close(): Promise<void>;
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const store = new Store();
  const repository = options.repository ?? 'octo/app';
  const user = { login: options.login ?? 'github-actions[bot]', id: 41898282, type: 'Bot' };
  const requests: SeenRequest[] = [];
  const violations: string[] = [];
  const faults: Array<Fault & { left: number }> = [];
  let base = '';

  const handlers = {
    ...createHandlers(store, repository, user, () => base),
    ...(options.git ? gitHandlers(options.git, store, repository, user, () => base) : {}),
    ...(options.git ? compareHandlers(options.git, repository, () => base) : {}),
  };

  function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  /**
   * GraphQL: only the mutation REST has no route for, `enablePullRequestAutoMerge` (by the PR's
   * node id, as GitHub's schema takes it). Anything else is a recorded violation.
   */
  function graphql(body: { query?: string; variables?: Record<string, unknown> }): [number, unknown] {
    const query = body?.query ?? '';
    if (
      !/^\s*mutation\b[\s\S]*\benablePullRequestAutoMerge\s*\(\s*input\s*:\s*\{\s*pullRequestId\s*:\s*\$id\s*\}\s*\)/.test(
        query,
      )
    ) {
      violations.push(`POST /graphql: query not known to the fake: ${query.slice(0, 120)}`);
      return [200, { errors: [{ message: 'query not supported by the fake' }] }];
    }
    const id = String(body.variables?.id ?? '');
    const pull = store.pulls.find((p) => Buffer.from(`pr:${p.number}`).toString('base64') === id);
    if (!pull) {
      return [
        200,
        {
          data: { enablePullRequestAutoMerge: null },
          errors: [
            { type: 'NOT_FOUND', message: `Could not resolve to a node with the global id of '${id}'` },
          ],
        },
      ];
    }
    if (pull.state !== 'open') {
      return [
        200,
        {
          data: { enablePullRequestAutoMerge: null },
          errors: [{ message: 'Pull request is in the wrong state' }],
        },
      ];
    }
    pull.auto_merge = { merge_method: 'merge', enabled_by: user };
    return [200, { data: { enablePullRequestAutoMerge: { pullRequest: { number: pull.number } } } }];
  }

  function injected(method: string, operationId: string | undefined) {
    const fault = faults.find(
      (f) => f.left > 0 && (!f.route || f.route === operationId || f.route === method),
    );
    if (!fault) return undefined;
    fault.left--;
    const headers: Record<string, string> =
      fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
    if (fault.kind === 'secondary') {
      return [
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        },
        headers,
      ] as const;
    }
    return [
      Number(fault.kind),
      { message: fault.kind === '429' ? 'Too Many Requests' : 'Server Error' },
      headers,
    ] as const;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', base);
    const seen: SeenRequest = {
      method,
      path: url.pathname + url.search,
      status: 0,
      at: performance.now(),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    requests.push(seen);
    let body: unknown;
    if (text) {
      try {
        body = JSON.parse(text);
        seen.body = body;
      } catch {
        violations.push(`${method} ${url.pathname}: body is not JSON`);
        seen.status = 400;
        return answer(res, 400, { message: 'Problems parsing JSON' });
      }
    }
    if (method === 'POST' && url.pathname === '/graphql') {
      const [status, out] = graphql(body as { query?: string; variables?: Record<string, unknown> });
      seen.status = status;
      return answer(res, status, out);
    }
    const { match, violations: found } = validateRequest(method, url, body);
    if (match) seen.operationId = match.operationId;
    if (found.length) {
      violations.push(...found);
      seen.status = match ? 422 : 404;
      return answer(res, seen.status, { message: match ? 'Validation Failed' : 'Not Found', errors: found });
    }
    const m = match as Matched;
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (options.token && token !== options.token) {
      seen.status = 401;
      return answer(res, 401, { message: 'Bad credentials' });
    }
    if (options.readOnly && method !== 'GET') {
      seen.status = 403;
      return answer(res, 403, { message: 'Resource not accessible by integration' });
    }
    const fault = injected(method, m.operationId);
    if (fault) {
      seen.status = fault[0];
      return answer(res, fault[0], fault[1], fault[2]);
    }
    if (m.params.owner !== undefined && `${m.params.owner}/${m.params.repo}` !== repository) {
      seen.status = 404;
      return answer(res, 404, { message: 'Not Found' });
    }
    const handler = handlers[m.operationId];
    if (!handler) {
      violations.push(`${method} ${m.template}: valid for GitHub but not implemented by the fake`);
      seen.status = 404;
      return answer(res, 404, { message: 'Not implemented by the fake' });
    }
    const [status, out, headers] = await handler(m, (body ?? {}) as Record<string, unknown>, url);
    seen.status = status;
    answer(res, status, out, headers);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // handle() records the request before its first await: it is the next one in `requests`.
      const index = requests.length;
      handle(req, res, Buffer.concat(chunks).toString('utf8'))
        .then(() => {
          const seen = requests[index];
          if (seen?.at !== undefined) seen.ms = performance.now() - seen.at;
        })
        .catch((err) => answer(res, 500, { message: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Load the 13 MB description now, not inside the first request's latency.
  validateRequest('GET', new URL('/zen', base), undefined);
  return {
    url: base,
    store,
    requests,
    violations,
    fail: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    calls: (operationId) => requests.filter((r) => r.operationId === operationId),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
