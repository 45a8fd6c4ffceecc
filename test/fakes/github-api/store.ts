/** What the fake GitHub remembers, shaped like the REST API's objects (the fields clients read). */

export interface FakeStatus {
  id: number;
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  sha: string;
  created_at: string;
  updated_at: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  started_at: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; id: number; type: string };
  created_at: string;
  updated_at: string;
}

export interface FakePull {
  number: number;
  state: 'open' | 'closed';
  title: string;
  body?: string | null;
  /** Set by the GraphQL mutation enablePullRequestAutoMerge. */
  auto_merge?: { merge_method: string; enabled_by: unknown } | null;
  head: { sha: string; ref: string };
  base: { ref: string };
  merged_at: string | null;
  merge_commit_sha: string | null;
}

export interface FakeDeployment {
  id: number;
  ref: string;
  sha: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  production_environment: boolean;
  transient_environment: boolean;
  auto_merge: boolean;
  required_contexts: string[] | undefined;
  created_at: string;
}

export interface FakeDeploymentStatus {
  id: number;
  deployment_id: number;
  state: string;
  environment_url: string;
  log_url: string;
  description: string;
  created_at: string;
}

export interface FakeRelease {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  make_latest: string;
  created_at: string;
  published_at: string | null;
}

export class Store {
  private next = 1000;
  statuses: FakeStatus[] = [];
  checkRuns: FakeCheckRun[] = [];
  comments: FakeComment[] = [];
  pulls: FakePull[] = [];
  /** Commit sha → PR numbers GitHub associates with it (merged PRs for a commit on the default branch). */
  commitPulls = new Map<string, number[]>();
  deployments: FakeDeployment[] = [];
  deploymentStatuses: FakeDeploymentStatus[] = [];
  releases: FakeRelease[] = [];
  /** Sigstore bundles stored through the attestations API (`gh attestation verify` reads these). */
  attestations: { id: number; bundle: Record<string, unknown> }[] = [];

  id(): number {
    return ++this.next;
  }

  /** The fake's clock: tests seed a history at known times by setting it. */
  clock: () => Date = () => new Date();

  now(): string {
    return this.clock().toISOString();
  }

  addStatus(sha: string, context: string, state: string, extra: Partial<FakeStatus> = {}): FakeStatus {
    const now = this.now();
    const status: FakeStatus = {
      id: this.id(),
      sha,
      context,
      state,
      description: null,
      target_url: null,
      created_at: now,
      updated_at: now,
      ...extra,
    };
    this.statuses.push(status);
    return status;
  }

  addCheckRun(sha: string, name: string, status: FakeCheckRun['status'], conclusion: string | null = null) {
    const run: FakeCheckRun = {
      id: this.id(),
      name,
      head_sha: sha,
      status,
      conclusion,
      started_at: this.now(),
    };
    this.checkRuns.push(run);
    return run;
  }

  addPull(pull: {
    number: number;
    headSha: string;
    headRef?: string;
    merged?: boolean;
    mergeCommitSha?: string;
    title?: string;
  }): FakePull {
    const p: FakePull = {
      number: pull.number,
      state: pull.merged ? 'closed' : 'open',
      title: pull.title ?? `PR ${pull.number}`,
      head: { sha: pull.headSha, ref: pull.headRef ?? `feature-${pull.number}` },
      base: { ref: 'main' },
      merged_at: pull.merged ? this.now() : null,
      merge_commit_sha: pull.mergeCommitSha ?? null,
    };
    this.pulls.push(p);
    this.associate(pull.headSha, pull.number);
    if (pull.mergeCommitSha) this.associate(pull.mergeCommitSha, pull.number);
    return p;
  }

  associate(sha: string, number: number) {
    const list = this.commitPulls.get(sha) ?? [];
    if (!list.includes(number)) list.push(number);
    this.commitPulls.set(sha, list);
  }

  /** The combined status: the latest status of each context, and the overall state GitHub derives. */
  combined(sha: string): { state: string; statuses: FakeStatus[] } {
    const latest = new Map<string, FakeStatus>();
    for (const s of this.statuses.filter((x) => x.sha === sha)) latest.set(s.context.toLowerCase(), s);
    const statuses = [...latest.values()];
    const state = statuses.some((s) => s.state === 'error' || s.state === 'failure')
      ? 'failure'
      : statuses.length && statuses.every((s) => s.state === 'success')
        ? 'success'
        : 'pending';
    return { state, statuses };
  }

  commentsOf(issue: number): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue).sort((a, b) => a.id - b.id);
  }
}
