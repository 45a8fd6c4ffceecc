/**
 * The deployment records deploy-env and rollback write, and what deploy-report reads back, in one
 * platform-free shape. GitHub: the deployment's payload (below) and its statuses; GitLab: the
 * deployments a job with `environment:` creates (commit, status, job name, times).
 */

/** The payload of a GitHub deployment stagecraft creates (`payload.stagecraft`). */
export interface RecordPayload {
  image: string;
  url?: string;
  stagecraft: {
    kind: 'deploy' | 'rollback';
    /** The commit deployed (the deployment's own `sha` says the same). */
    commit?: string;
    actor?: string;
    /** A rollback: the deployment that served when it started, which it rolled away from. */
    rolled_back_from?: { id: number; image?: string; sha?: string };
    break_glass?: { reason: string; actor: string; windows: string[] };
  };
}

/** One finished deployment or rollback, as the platform recorded it. */
export interface Deployment {
  id: string;
  kind: 'deploy' | 'rollback';
  sha: string;
  /** When the platform recorded the outcome (GitHub: the final status's created_at; GitLab: finished_at). */
  at: Date;
  outcome: 'success' | 'failure';
  /** A rollback: the id of the deployment it rolled away from, when the record names it. */
  rolledBackFrom?: string;
}

/** A deployment as the report counts it. */
export interface Classified extends Deployment {
  /** Failed, or rolled back by a later successful rollback. */
  failed: boolean;
  rolledBack: boolean;
}

/**
 * Marks what each successful rollback rolled away from: the deployment its record names, else the
 * latest successful deployment before it (what served when it started).
 */
export function classify(deployments: Deployment[]): Classified[] {
  const sorted = [...deployments].sort((a, b) => a.at.getTime() - b.at.getTime());
  const out: Classified[] = sorted.map((d) => ({
    ...d,
    failed: d.kind === 'deploy' && d.outcome === 'failure',
    rolledBack: false,
  }));
  for (const r of out) {
    if (r.kind !== 'rollback' || r.outcome !== 'success') continue;
    const target = r.rolledBackFrom
      ? out.find((d) => d.id === r.rolledBackFrom && d.kind === 'deploy')
      : out
          .filter((d) => d.kind === 'deploy' && d.at < r.at && d.outcome === 'success' && !d.rolledBack)
          .at(-1);
    if (target) {
      target.rolledBack = true;
      target.failed = true;
    }
  }
  return out;
}

/** Where deploy-report reads the records and the commits: GitHub or GitLab (src/platform). */
export interface DeploymentSource {
  /**
   * The finished deployments and rollbacks of `environment` from `from` on, plus at least the
   * last successful deployment before it (the base of the first lead-time range), oldest first.
   */
  deployments(environment: string, from: Date): Promise<Deployment[]>;
  /** The dates of the commits `head` brought after `base` (just `head`'s own without a base). */
  commitDates(base: string | undefined, head: string): Promise<Date[]>;
}
