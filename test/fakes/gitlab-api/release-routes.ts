/**
 * The fake GitLab's release-governance routes, as GitLab's REST docs answer them:
 * deploy freeze periods (`/freeze_periods`: list, get, create, update, delete — the cron fields
 * checked by cron-parser, as GitLab checks them with fugit), the deployments of a project
 * (`/deployments`: list with `environment`, `status`, `updated_after`/`updated_before`,
 * `order_by`, `sort`; what a job with `environment:` creates is seeded through `addDeployment`),
 * and `/repository/compare?from=&to=` over the git store. Job tokens reach deployments but not
 * freeze periods (they are not among the endpoints a CI_JOB_TOKEN may call): 401, as GitLab answers.
 */
import { CronExpressionParser } from 'cron-parser';
import type { GitStore } from '../git-store.js';
import type { Answer } from './git-routes.js';

export interface FakeFreezePeriod {
  id: number;
  freeze_start: string;
  freeze_end: string;
  cron_timezone: string;
  created_at: string;
  updated_at: string;
}

export interface FakeGitLabDeployment {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  environment: string;
  status: 'created' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped' | 'blocked';
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** The job that deployed (name, id, status). */
  job: { id: number; name: string; stage: string };
}

export interface ReleaseState {
  freezePeriods: FakeFreezePeriod[];
  deployments: FakeGitLabDeployment[];
  clock: () => Date;
}

const DEPLOYMENT_STATUSES = ['created', 'running', 'success', 'failed', 'canceled', 'skipped', 'blocked'];

function cronOk(text: unknown, zone: string): boolean {
  if (typeof text !== 'string' || text.trim().split(/\s+/).length !== 5) return false;
  try {
    CronExpressionParser.parse(text, { tz: zone }).next();
    return true;
  } catch {
    return false;
  }
}

function zoneOk(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function deploymentJson(d: FakeGitLabDeployment, webUrl: string) {
  return {
    id: d.id,
    iid: d.iid,
    ref: d.ref,
    sha: d.sha,
    status: d.status,
    created_at: d.created_at,
    updated_at: d.updated_at,
    finished_at: d.finished_at,
    user: { id: 1, username: 'alice', name: 'Alice', state: 'active' },
    environment: { id: 1, name: d.environment, external_url: null },
    deployable: {
      id: d.job.id,
      name: d.job.name,
      stage: d.job.stage,
      status: d.status,
      ref: d.ref,
      tag: false,
      created_at: d.created_at,
      finished_at: d.finished_at,
      web_url: `${webUrl}/-/jobs/${d.job.id}`,
      commit: { id: d.sha, short_id: d.sha.slice(0, 8) },
    },
  };
}

export async function gitlabReleaseRoute(
  state: ReleaseState,
  info: { webUrl: string; nextId: () => number; git?: GitStore },
  auth: 'private' | 'job',
  method: string,
  rest: string,
  url: URL,
  body: Record<string, unknown>,
  violations: string[],
): Promise<Answer | undefined> {
  const now = () => state.clock().toISOString();
  const freeze = /^\/freeze_periods(?:\/(\d+))?$/.exec(rest);
  if (freeze) {
    if (auth === 'job') return [401, { message: '401 Unauthorized' }];
    const id = freeze[1] ? Number(freeze[1]) : undefined;
    const found = state.freezePeriods.find((p) => p.id === id);
    if (id === undefined && method === 'GET') return [200, state.freezePeriods];
    if (id === undefined && method === 'POST') {
      const zone = typeof body.cron_timezone === 'string' ? body.cron_timezone : 'UTC';
      const errors: Record<string, string[]> = {};
      if (!zoneOk(zone)) errors.cron_timezone = [' is invalid syntax'];
      else {
        if (!cronOk(body.freeze_start, zone)) errors.freeze_start = [' is invalid syntax'];
        if (!cronOk(body.freeze_end, zone)) errors.freeze_end = [' is invalid syntax'];
      }
      if (Object.keys(errors).length) return [400, { message: errors }];
      const p: FakeFreezePeriod = {
        id: info.nextId(),
        freeze_start: body.freeze_start as string,
        freeze_end: body.freeze_end as string,
        cron_timezone: zone,
        created_at: now(),
        updated_at: now(),
      };
      state.freezePeriods.push(p);
      return [201, p];
    }
    if (!found) return [404, { message: '404 Not found' }];
    if (method === 'GET') return [200, found];
    if (method === 'DELETE') {
      state.freezePeriods.splice(state.freezePeriods.indexOf(found), 1);
      return [204, undefined];
    }
    violations.push(`${method} /freeze_periods/${id}: not supported by the fake`);
    return [405, { message: '405 Method Not Allowed' }];
  }
  if (rest === '/deployments' && method === 'GET') {
    for (const k of url.searchParams.keys()) {
      if (
        ![
          'page',
          'per_page',
          'order_by',
          'sort',
          'updated_after',
          'updated_before',
          'finished_after',
          'finished_before',
          'environment',
          'status',
        ].includes(k)
      ) {
        violations.push(`GET /deployments: unknown parameter ${k}`);
        return [400, { error: `unknown parameter ${k}` }];
      }
    }
    const orderBy = url.searchParams.get('order_by') ?? 'id';
    const sort = url.searchParams.get('sort') ?? 'asc';
    const environment = url.searchParams.get('environment');
    const status = url.searchParams.get('status');
    if (status && !DEPLOYMENT_STATUSES.includes(status))
      return [400, { error: 'status does not have a valid value' }];
    const after = url.searchParams.get('updated_after');
    const before = url.searchParams.get('updated_before');
    // GitLab: updated_after/updated_before only with order_by=updated_at.
    if ((after || before) && orderBy !== 'updated_at') {
      violations.push('GET /deployments: updated_after/updated_before need order_by=updated_at');
      return [400, { message: '`updated_at` filter requires `updated_at` sort' }];
    }
    const key = (d: FakeGitLabDeployment) =>
      orderBy === 'created_at'
        ? d.created_at
        : orderBy === 'updated_at'
          ? d.updated_at
          : String(d.id).padStart(12);
    const list = state.deployments
      .filter((d) => !environment || d.environment === environment)
      .filter((d) => !status || d.status === status)
      .filter((d) => !after || d.updated_at > new Date(after).toISOString())
      .filter((d) => !before || d.updated_at < new Date(before).toISOString())
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (sort === 'desc') list.reverse();
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20), 100);
    const page = Number(url.searchParams.get('page') ?? 1);
    const items = list.slice((page - 1) * perPage, page * perPage).map((d) => deploymentJson(d, info.webUrl));
    return [
      200,
      items,
      { 'x-next-page': page * perPage < list.length ? String(page + 1) : '', 'x-total': String(list.length) },
    ];
  }
  const one = /^\/repository\/commits\/([0-9a-f]{40})$/.exec(rest);
  if (one && method === 'GET' && info.git) {
    const c = await info.git.commitInfo(one[1] as string).catch(() => undefined);
    if (!c) return [404, { message: '404 Commit Not Found' }];
    return [
      200,
      {
        id: one[1],
        short_id: (one[1] as string).slice(0, 8),
        title: c.message.split('\n')[0],
        message: c.message,
        parent_ids: c.parents,
        author_name: c.author,
        authored_date: c.date,
        committed_date: c.date,
        created_at: c.date,
        web_url: `${info.webUrl}/-/commit/${one[1]}`,
      },
    ];
  }
  if (rest === '/repository/compare' && method === 'GET' && info.git) {
    const git = info.git;
    const from = url.searchParams.get('from');
    const to = url.searchParams.get('to');
    if (!from || !to) return [400, { error: 'from, to are missing' }];
    const range = (await git.git(['rev-list', '--reverse', `${from}..${to}`]).catch(() => undefined))
      ?.split('\n')
      .filter(Boolean);
    if (!range) return [404, { message: '404 Ref Not Found' }];
    const commits = [];
    for (const sha of range) {
      const c = await git.commitInfo(sha);
      commits.push({
        id: sha,
        short_id: sha.slice(0, 8),
        title: c.message.split('\n')[0],
        message: c.message,
        parent_ids: c.parents,
        author_name: c.author,
        authored_date: c.date,
        committed_date: c.date,
        created_at: c.date,
        web_url: `${info.webUrl}/-/commit/${sha}`,
      });
    }
    return [
      200,
      {
        commit: commits.at(-1) ?? null,
        commits,
        diffs: [],
        compare_timeout: false,
        compare_same_ref: from === to,
      },
    ];
  }
  return undefined;
}
