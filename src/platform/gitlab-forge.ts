/** The Forge on GitLab: commit statuses, MRs of a commit, MR notes (same marker rule as GitHub). */

import { StepError } from '../core/errors.js';
import type { StatusEntry } from '../core/gate/contexts.js';
import type { CommitState, Forge, ForgeOptions } from './forge.js';
import {
  createGitLabClient,
  createNote,
  deleteNote,
  GitLabApiError,
  type GitLabStatusState,
  listCommitStatuses,
  listNotes,
  mergeRequestsForCommit,
  setCommitStatus,
  updateNote,
} from './gitlab-api.js';
import type { Runtime } from './runtime.js';

const TO_GITLAB: Record<CommitState, GitLabStatusState> = {
  success: 'success',
  failure: 'failed',
  error: 'failed',
  pending: 'pending',
};

/** GitLab's words in GitHub's vocabulary, so one evaluator decides for both. */
export function fromGitLab(status: string): string {
  if (status === 'success') return 'success';
  if (
    ['pending', 'running', 'created', 'waiting_for_resource', 'preparing', 'scheduled', 'manual'].includes(
      status,
    )
  )
    return 'pending';
  if (status === 'failed') return 'failure';
  return 'error'; // canceled, skipped: not a pass
}

export function gitlabForge(rt: Runtime, token: string, job: boolean, options: ForgeOptions): Forge {
  const apiUrl = rt.ctx.apiUrl;
  const project = options.repository ?? rt.ctx.projectId ?? rt.ctx.repository;
  if (!apiUrl) throw new StepError('no GitLab API URL: CI_API_V4_URL is not set');
  if (!project) throw new StepError('no GitLab project: set the "repository" input or CI_PROJECT_ID');
  const client = createGitLabClient({
    apiUrl,
    token,
    tokenKind: job ? 'job' : 'private',
    warn: (m) => rt.warning(m),
    ...(rt.tuning.retryBaseMs !== undefined ? { retryBaseMs: rt.tuning.retryBaseMs } : {}),
  });
  const server = (rt.ctx.serverUrl ?? new URL(apiUrl).origin).replace(/\/+$/, '');
  const projectWebPath = rt.ctx.repository ?? project;

  return {
    kind: 'gitlab',
    project,
    async setStatus(sha, s) {
      const state = TO_GITLAB[s.state];
      try {
        await setCommitStatus(client, project, sha, {
          state,
          name: s.context,
          ...(s.description ? { description: s.description.slice(0, 255) } : {}),
          ...(s.targetUrl ? { targetUrl: s.targetUrl } : {}),
        });
      } catch (err) {
        // GitLab refuses to move a status to the state it is already in ("Cannot transition status
        // via :run from :running"); a re-run setting the same state is then already done.
        if (!(err instanceof GitLabApiError && err.status === 400 && /cannot transition/i.test(err.message)))
          throw err;
        const current = (await listCommitStatuses(client, project, sha))
          .filter((x) => x.name === s.context)
          .sort((a, b) => b.id - a.id)[0];
        if (current?.status !== state) throw err;
      }
    },
    async readChecks(sha) {
      const statuses: StatusEntry[] = (await listCommitStatuses(client, project, sha)).map((s) => ({
        context: s.name,
        state: fromGitLab(s.status),
        id: s.id,
        ...(s.target_url ? { url: s.target_url } : {}),
      }));
      return { statuses, checkRuns: [] };
    },
    async pullsForCommit(sha) {
      return (await mergeRequestsForCommit(client, project, sha)).map((mr) => mr.iid);
    },
    comments(iid) {
      return {
        list: async () => (await listNotes(client, project, iid)).map((n) => ({ id: n.id, body: n.body })),
        create: async (body) => {
          const note = await createNote(client, project, iid, body);
          return { id: note.id, body: note.body };
        },
        update: (id, body) => updateNote(client, project, iid, id, body),
        remove: (id) => deleteNote(client, project, iid, id),
      };
    },
    pullUrl: (iid) => `${server}/${projectWebPath}/-/merge_requests/${iid}`,
    commitUrl: (sha) => `${server}/${projectWebPath}/-/commit/${sha}`,
  };
}
