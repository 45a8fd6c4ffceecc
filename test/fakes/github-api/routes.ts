/** The fake GitHub's answers, one per OpenAPI operationId, over the in-memory Store. */
import type { Matched } from './openapi.js';
import type { FakeRelease, Store } from './store.js';

export type Reply = [number, unknown, Record<string, string>?];
export type Handler = (m: Matched, body: Record<string, unknown>, url: URL) => Reply | Promise<Reply>;

export function page<T>(items: T[], url: URL, base: string): [T[], Record<string, string>] {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
  const n = Number(url.searchParams.get('page') ?? 1);
  const slice = items.slice((n - 1) * perPage, n * perPage);
  const headers: Record<string, string> = {};
  if (n * perPage < items.length) {
    const next = new URL(url.pathname + url.search, base);
    next.searchParams.set('page', String(n + 1));
    next.searchParams.set('per_page', String(perPage));
    headers.link = `<${next.href}>; rel="next"`;
  }
  return [slice, headers];
}

export function createHandlers(
  store: Store,
  repository: string,
  user: { login: string; id: number; type: string },
  baseUrl: () => string,
): Record<string, Handler> {
  const notFound: [number, unknown] = [404, { message: 'Not Found' }];
  const pull = (n: string | undefined) => store.pulls.find((p) => p.number === Number(n));
  const release = (r: FakeRelease) => ({
    ...r,
    url: `${baseUrl()}/repos/${repository}/releases/${r.id}`,
    html_url: `https://github.com/${repository}/releases/tag/${encodeURIComponent(r.tag_name)}`,
    upload_url: `${baseUrl()}/repos/${repository}/releases/${r.id}/assets{?name,label}`,
    author: user,
    assets: [],
  });
  // GitHub refuses comment bodies over 65536 characters with this 422.
  const tooLong = (body: unknown): [number, unknown] | undefined =>
    typeof body === 'string' && body.length > 65536
      ? [
          422,
          {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'IssueComment',
                code: 'custom',
                field: 'body',
                message: 'body is too long (maximum is 65536 characters)',
              },
            ],
            documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          },
        ]
      : undefined;

  const handlers: Record<string, Handler> = {
    'repos/create-commit-status': (m, b) => {
      const s = store.addStatus(
        m.params.sha as string,
        (b.context as string) ?? 'default',
        b.state as string,
        {
          description: (b.description as string) ?? null,
          target_url: (b.target_url as string) ?? null,
        },
      );
      return [201, { ...s, url: `${baseUrl()}/repos/${repository}/statuses/${s.sha}`, creator: user }];
    },
    'repos/get-combined-status-for-ref': (m, _b, url) => {
      const { state, statuses } = store.combined(m.params.ref as string);
      const [items, headers] = page(statuses, url, baseUrl());
      return [200, { state, sha: m.params.ref, total_count: statuses.length, statuses: items }, headers];
    },
    'repos/list-commit-statuses-for-ref': (m, _b, url) => {
      const all = store.statuses.filter((s) => s.sha === m.params.ref).reverse();
      const [items, headers] = page(all, url, baseUrl());
      return [200, items, headers];
    },
    'checks/list-for-ref': (m, _b, url) => {
      let runs = store.checkRuns.filter((r) => r.head_sha === m.params.ref);
      const name = url.searchParams.get('check_name');
      if (name) runs = runs.filter((r) => r.name === name);
      if (url.searchParams.get('filter') !== 'all') {
        const latest = new Map(runs.map((r) => [r.name, r] as const));
        runs = [...latest.values()];
      }
      const [items, headers] = page(runs, url, baseUrl());
      return [200, { total_count: runs.length, check_runs: items }, headers];
    },
    'repos/list-pull-requests-associated-with-commit': (m, _b, url) => {
      const numbers = store.commitPulls.get(m.params.commit_sha as string) ?? [];
      const [items, headers] = page(numbers.map((n) => pull(String(n))).filter(Boolean), url, baseUrl());
      return [200, items, headers];
    },
    'pulls/get': (m) => {
      const p = pull(m.params.pull_number);
      return p ? [200, p] : notFound;
    },
    'issues/list-comments': (m, _b, url) => {
      if (!pull(m.params.issue_number)) return notFound;
      const [items, headers] = page(store.commentsOf(Number(m.params.issue_number)), url, baseUrl());
      return [200, items, headers];
    },
    'issues/create-comment': (m, b) => {
      if (!pull(m.params.issue_number)) return notFound;
      if (tooLong(b.body)) return tooLong(b.body) as [number, unknown];
      const now = store.now();
      const c = {
        id: store.id(),
        issue: Number(m.params.issue_number),
        body: b.body as string,
        user,
        created_at: now,
        updated_at: now,
      };
      store.comments.push(c);
      return [201, c];
    },
    'issues/update-comment': (m, b) => {
      const c = store.comments.find((x) => x.id === Number(m.params.comment_id));
      if (!c) return notFound;
      if (tooLong(b.body)) return tooLong(b.body) as [number, unknown];
      c.body = b.body as string;
      c.updated_at = store.now();
      return [200, c];
    },
    'issues/delete-comment': (m) => {
      const i = store.comments.findIndex((x) => x.id === Number(m.params.comment_id));
      if (i < 0) return notFound;
      store.comments.splice(i, 1);
      return [204, undefined];
    },
    'repos/create-attestation': (_m, b) => {
      const id = store.id();
      store.attestations.push({ id, bundle: b.bundle as Record<string, unknown> });
      return [201, { id }];
    },
    'repos/create-deployment': (_m, b) => {
      const ref = b.ref as string;
      const d = {
        id: store.id(),
        ref,
        sha: /^[0-9a-f]{40}$/.test(ref) ? ref : 'f'.repeat(40),
        task: (b.task as string) ?? 'deploy',
        environment: (b.environment as string) ?? 'production',
        description: (b.description as string) ?? null,
        payload: b.payload ?? {},
        production_environment: (b.production_environment as boolean) ?? b.environment === 'production',
        transient_environment: (b.transient_environment as boolean) ?? false,
        auto_merge: (b.auto_merge as boolean) ?? true,
        required_contexts: b.required_contexts as string[] | undefined,
        created_at: store.now(),
      };
      store.deployments.push(d);
      return [201, { ...d, url: `${baseUrl()}/repos/${repository}/deployments/${d.id}`, creator: user }];
    },
    'repos/list-deployments': (_m, _b, url) => {
      const env = url.searchParams.get('environment');
      const list = store.deployments.filter((d) => !env || d.environment === env).reverse();
      const [items, headers] = page(list, url, baseUrl());
      return [200, items, headers];
    },
    'repos/create-deployment-status': (m, b) => {
      const id = Number(m.params.deployment_id);
      if (!store.deployments.some((d) => d.id === id)) return notFound;
      const s = {
        id: store.id(),
        deployment_id: id,
        state: b.state as string,
        environment_url: (b.environment_url as string) ?? '',
        log_url: (b.log_url as string) ?? (b.target_url as string) ?? '',
        description: (b.description as string) ?? '',
        created_at: store.now(),
      };
      store.deploymentStatuses.push(s);
      return [201, s];
    },
    'repos/list-deployment-statuses': (m, _b, url) => {
      const list = store.deploymentStatuses
        .filter((s) => s.deployment_id === Number(m.params.deployment_id))
        .reverse();
      const [items, headers] = page(list, url, baseUrl());
      return [200, items, headers];
    },
    'repos/create-release': (_m, b) => {
      const tag = b.tag_name as string;
      if (store.releases.some((r) => r.tag_name === tag)) {
        return [
          422,
          {
            message: 'Validation Failed',
            errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
          },
        ];
      }
      const draft = (b.draft as boolean) ?? false;
      const r = {
        id: store.id(),
        tag_name: tag,
        target_commitish: (b.target_commitish as string) ?? 'main',
        name: (b.name as string) ?? null,
        body: (b.body as string) ?? null,
        draft,
        prerelease: (b.prerelease as boolean) ?? false,
        make_latest: (b.make_latest as string) ?? 'true',
        created_at: store.now(),
        published_at: draft ? null : store.now(),
      };
      store.releases.push(r);
      return [201, release(r)];
    },
    'repos/get-release-by-tag': (m) => {
      const r = store.releases.find((x) => x.tag_name === m.params.tag);
      return r ? [200, release(r)] : notFound;
    },
  };
  return handlers;
}
