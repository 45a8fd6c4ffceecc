/**
 * The pipeline context every step may need, read once from the platform's environment
 * (GitHub Actions or GitLab CI variables) into one platform-free shape.
 */
import { readFileSync } from 'node:fs';

export interface CiContext {
  provider: 'github' | 'gitlab' | 'local';
  /**
   * The code host whose API gate-merge and notify-pr call: the provider's own; on a local run
   * GitLab when only GitLab's variables (CI_API_V4_URL) name an API, else GitHub.
   */
  forge: 'github' | 'gitlab';
  /** The commit the pipeline runs for (the pushed commit). */
  sha: string;
  /** The commit to report on: the PR/MR head on pull/merge requests, else `sha`. */
  headSha: string;
  /** Full ref: refs/heads/x, refs/tags/v1, refs/pull/12/merge, refs/merge-requests/3/head. */
  ref: string;
  refName: string;
  refType: 'branch' | 'tag' | 'pull' | 'other';
  defaultBranch?: string;
  eventName: string;
  /** Pull request / merge request number of the event, if any. */
  pullNumber?: number;
  /** owner/name on GitHub, group/project path on GitLab. */
  repository?: string;
  serverUrl?: string;
  apiUrl?: string;
  runUrl?: string;
  /**
   * The workflow or pipeline definition that runs: GitHub `GITHUB_WORKFLOW_REF`
   * (`owner/repo/.github/workflows/ci.yml@refs/heads/main`), GitLab `<project>/<CI_CONFIG_PATH>@<ref>`.
   */
  workflow?: string;
  /** Who ran the build, as SLSA's `builder.id`: the hosted or self-hosted runner (GitLab: the runner's URL). */
  builderId?: string;
  /** GitLab project id (numeric), for API calls. */
  projectId?: string;
  actor?: string;
  /** Raw event payload on GitHub. */
  event?: Record<string, unknown>;
}

type Env = Record<string, string | undefined>;

function refParts(ref: string): Pick<CiContext, 'refName' | 'refType'> {
  if (ref.startsWith('refs/heads/')) return { refName: ref.slice(11), refType: 'branch' };
  if (ref.startsWith('refs/tags/')) return { refName: ref.slice(10), refType: 'tag' };
  if (ref.startsWith('refs/pull/') || ref.startsWith('refs/merge-requests/')) {
    return { refName: ref.split('/')[2] ?? ref, refType: 'pull' };
  }
  return { refName: ref, refType: 'other' };
}

function readEvent(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function get(obj: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>(
    (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
    obj,
  );
}

export function githubContext(env: Env): CiContext {
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const sha = env.GITHUB_SHA ?? '';
  const ref = env.GITHUB_REF ?? '';
  const pr = get(event, 'pull_request') ?? get(event, 'pull_request_target');
  // On pull requests GITHUB_SHA is a temporary merge commit; the head commit is what people pushed.
  const headSha = String(get(pr, 'head', 'sha') ?? get(event, 'merge_group', 'head_sha') ?? sha);
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repository = env.GITHUB_REPOSITORY;
  const number = get(pr, 'number') ?? get(event, 'number');
  return {
    provider: 'github',
    forge: 'github',
    sha,
    headSha,
    ref,
    ...refParts(ref),
    defaultBranch: (get(event, 'repository', 'default_branch') as string | undefined) ?? undefined,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ...(typeof number === 'number' && pr ? { pullNumber: number } : {}),
    ...(repository ? { repository } : {}),
    serverUrl,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    ...(repository && env.GITHUB_RUN_ID
      ? { runUrl: `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` }
      : {}),
    ...(env.GITHUB_ACTOR ? { actor: env.GITHUB_ACTOR } : {}),
    ...(env.GITHUB_WORKFLOW_REF || env.GITHUB_WORKFLOW
      ? { workflow: env.GITHUB_WORKFLOW_REF || (env.GITHUB_WORKFLOW as string) }
      : {}),
    builderId: `${serverUrl}/actions/runner/${env.RUNNER_ENVIRONMENT === 'self-hosted' ? 'self-hosted' : 'github-hosted'}`,
    event,
  };
}

export function gitlabContext(env: Env): CiContext {
  const sha = env.CI_COMMIT_SHA ?? '';
  const mr = env.CI_MERGE_REQUEST_IID;
  const ref = mr
    ? `refs/merge-requests/${mr}/head`
    : env.CI_COMMIT_TAG
      ? `refs/tags/${env.CI_COMMIT_TAG}`
      : env.CI_COMMIT_BRANCH || env.CI_COMMIT_REF_NAME
        ? `refs/heads/${env.CI_COMMIT_BRANCH || env.CI_COMMIT_REF_NAME}`
        : '';
  return {
    provider: 'gitlab',
    forge: 'gitlab',
    sha,
    headSha: env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || sha,
    ref,
    ...refParts(ref),
    ...(env.CI_DEFAULT_BRANCH ? { defaultBranch: env.CI_DEFAULT_BRANCH } : {}),
    eventName: env.CI_PIPELINE_SOURCE ?? '',
    ...(mr ? { pullNumber: Number(mr) } : {}),
    ...(env.CI_PROJECT_PATH ? { repository: env.CI_PROJECT_PATH } : {}),
    ...(env.CI_SERVER_URL ? { serverUrl: env.CI_SERVER_URL } : {}),
    ...(env.CI_API_V4_URL ? { apiUrl: env.CI_API_V4_URL } : {}),
    ...(env.CI_JOB_URL || env.CI_PIPELINE_URL ? { runUrl: env.CI_JOB_URL || env.CI_PIPELINE_URL } : {}),
    ...(env.CI_PROJECT_ID ? { projectId: env.CI_PROJECT_ID } : {}),
    ...(env.GITLAB_USER_LOGIN ? { actor: env.GITLAB_USER_LOGIN } : {}),
    ...(env.CI_PROJECT_PATH
      ? {
          workflow: `${env.CI_PROJECT_PATH}/${env.CI_CONFIG_PATH || '.gitlab-ci.yml'}${ref ? `@${ref}` : ''}`,
        }
      : {}),
    ...(env.CI_SERVER_URL && env.CI_PROJECT_PATH && env.CI_RUNNER_ID
      ? { builderId: `${env.CI_SERVER_URL}/${env.CI_PROJECT_PATH}/-/runners/${env.CI_RUNNER_ID}` }
      : env.CI_SERVER_URL
        ? { builderId: `${env.CI_SERVER_URL}/gitlab-runner` }
        : {}),
  };
}

/**
 * Outside CI: the git work tree's own commit and branch, if the caller passes them, and the code
 * host's API as its own variables name it (GITHUB_API_URL, GITHUB_SERVER_URL, GITHUB_REPOSITORY;
 * or CI_API_V4_URL, CI_SERVER_URL, CI_PROJECT_ID).
 */
export function localContext(env: Env): CiContext {
  const ref = env.STAGECRAFT_REF ?? '';
  const sha = env.STAGECRAFT_SHA ?? '';
  const local: Omit<CiContext, 'forge'> = {
    provider: 'local',
    sha,
    headSha: sha,
    ref,
    ...refParts(ref),
    eventName: 'local',
  };
  if (env.CI_API_V4_URL && !env.GITHUB_API_URL) {
    return {
      ...local,
      forge: 'gitlab',
      apiUrl: env.CI_API_V4_URL,
      ...(env.CI_SERVER_URL ? { serverUrl: env.CI_SERVER_URL } : {}),
      ...(env.CI_PROJECT_ID ? { projectId: env.CI_PROJECT_ID } : {}),
    };
  }
  return {
    ...local,
    forge: 'github',
    ...(env.GITHUB_API_URL ? { apiUrl: env.GITHUB_API_URL } : {}),
    ...(env.GITHUB_SERVER_URL ? { serverUrl: env.GITHUB_SERVER_URL } : {}),
    ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
  };
}

/**
 * A GitLab job. gitlab-ci-local runs real pipelines locally but sets GITLAB_CI=false (so scripts
 * can tell), while still providing the predefined CI_* variables: treat that as GitLab too.
 */
export function isGitlab(env: Env): boolean {
  return (
    env.GITLAB_CI === 'true' ||
    (env.GITLAB_CI !== undefined && Boolean(env.CI_COMMIT_SHA && env.CI_PROJECT_ID))
  );
}

export function detectContext(env: Env): CiContext {
  if (env.GITHUB_ACTIONS === 'true') return githubContext(env);
  if (isGitlab(env)) return gitlabContext(env);
  return localContext(env);
}
