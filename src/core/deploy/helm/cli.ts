/**
 * Running helm: argv arrays through the process helper (never a shell), the kubeconfig and
 * context passed as flags, and the release read back as JSON (`helm history -o json`, `helm get`).
 * Works with Helm 3.8+ and Helm 4: the flags used here mean the same in both, and where they
 * differ (`--dry-run=server`, `--plain-http`) the version decides.
 */
import { StepError } from '../../errors.js';
import { excerpt } from '../../markdown.js';
import { CommandNotFound, type Env, runProcess } from '../../process.js';

export interface Helm {
  version: { major: number; minor: number; text: string };
  /** Runs helm with the cluster flags; throws StepError with helm's own message on failure. */
  run(args: string[], what: string): Promise<string>;
  /** As run, but returns the result whatever the exit code. */
  tryRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

export interface HelmAccess {
  helm?: string;
  kubeconfig?: string;
  context?: string;
  /** Absent: helm takes the kubeconfig context's namespace, else `default` (as the Kubernetes client does). */
  namespace?: string;
  cwd: string;
  env?: Env;
}

const MISSING =
  'helm is not installed (`helm` not found on PATH): GitHub-hosted runners have it; elsewhere install Helm 3.8+ or 4 (https://helm.sh/docs/intro/install/), or run the job in the stagecraft job image, which ships it';

type Runner = Omit<Helm, 'version'> & { probe(): Promise<Helm['version']> };

function runner(access: HelmAccess): Runner {
  const binary = access.helm ?? 'helm';
  const flags = [
    ...(access.namespace ? ['--namespace', access.namespace] : []),
    ...(access.kubeconfig ? ['--kubeconfig', access.kubeconfig] : []),
    ...(access.context ? ['--kube-context', access.context] : []),
  ];
  const exec = async (args: string[]) => {
    try {
      return await runProcess([binary, ...args], {
        cwd: access.cwd,
        ...(access.env ? { env: access.env } : {}),
      });
    } catch (err) {
      if (err instanceof CommandNotFound) throw new StepError(MISSING);
      throw err;
    }
  };
  const tryRun = async (args: string[]) => {
    const r = await exec([...args, ...flags]);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    tryRun,
    async run(args, what) {
      const r = await tryRun(args);
      if (r.code !== 0) {
        throw new StepError(
          `${what} failed (helm exit ${r.code}): ${excerpt(r.stderr.trim() || r.stdout, 2000)}`,
        );
      }
      return r.stdout;
    },
    async probe() {
      const r = await exec(['version', '--short']);
      const match = /v(\d+)\.(\d+)\.\d+/.exec(r.stdout);
      if (r.code !== 0 || !match) {
        throw new StepError(`\`${binary} version\` failed: ${excerpt(r.stderr || r.stdout, 500)}`);
      }
      const version = { major: Number(match[1]), minor: Number(match[2]), text: match[0] };
      if (version.major < 3 || (version.major === 3 && version.minor < 8)) {
        throw new StepError(`helm ${version.text} is too old: Helm 3.8 or later (or Helm 4) is needed`);
      }
      return version;
    },
  };
}

export async function connectHelm(access: HelmAccess): Promise<Helm> {
  const r = runner(access);
  return { ...r, version: await r.probe() };
}

/** connectHelm and `helm status <release>` side by side (the version check and the read in one round). */
export async function connectReading(
  access: HelmAccess,
  release: string,
): Promise<{ helm: Helm; found: ReleaseState | undefined }> {
  const r = runner(access);
  const [version, found] = await Promise.all([r.probe(), status(r, release)]);
  return { helm: { ...r, version }, found };
}

export interface Revision {
  revision: number;
  status: string;
  chart: string;
  description: string;
}

/** The release's history, oldest first; empty when there is no such release. */
export async function history(helm: Helm, release: string): Promise<Revision[]> {
  const r = await helm.tryRun(['history', release, '--max', '256', '--output', 'json']);
  if (r.code !== 0) {
    if (/not found/i.test(r.stderr)) return [];
    throw new StepError(`helm history ${release} failed: ${excerpt(r.stderr.trim() || r.stdout, 1000)}`);
  }
  const rows = JSON.parse(r.stdout || '[]') as Array<Partial<Revision>>;
  return rows
    .map((row) => ({
      revision: Number(row.revision),
      status: String(row.status ?? ''),
      chart: String(row.chart ?? ''),
      description: String(row.description ?? ''),
    }))
    .sort((a, b) => a.revision - b.revision);
}

export const isPending = (status: string) => status.startsWith('pending-');

/**
 * Revisions that ran successfully and stayed: `deployed` or `superseded`, and not rolled away
 * from (a revision directly followed by a `Rollback to N` one failed its rollout or was rolled
 * back: Helm marks it `superseded` since it was not Helm that waited). Oldest first.
 */
export function goodRevisions(revisions: Revision[], below = Number.POSITIVE_INFINITY): Revision[] {
  return revisions.filter((r, i) => {
    const next = revisions[i + 1];
    const rolledAway = next !== undefined && /^Rollback to \d+/.test(next.description);
    return r.revision < below && ['deployed', 'superseded'].includes(r.status) && !rolledAway;
  });
}

/** The newest good revision before `below` (see goodRevisions). */
export function lastGood(revisions: Revision[], below = Number.POSITIVE_INFINITY): Revision | undefined {
  return goodRevisions(revisions, below).at(-1);
}

/** The release's newest revision as `helm status` reports it (one call: status and manifest). */
export interface ReleaseState {
  revision: number;
  status: string;
  manifest: string;
}

/** The release's newest revision; undefined when there is no such release. */
export async function status(helm: Pick<Helm, 'tryRun'>, release: string): Promise<ReleaseState | undefined> {
  const r = await helm.tryRun(['status', release, '--output', 'json']);
  if (r.code !== 0) {
    if (/not found/i.test(r.stderr)) return undefined;
    throw new StepError(`helm status ${release} failed: ${excerpt(r.stderr.trim() || r.stdout, 1000)}`);
  }
  return releaseState(r.stdout);
}

/** A release as `helm status|upgrade --output json` prints it (Helm 3 and 4 alike). */
export function releaseState(json: string): ReleaseState {
  const release = JSON.parse(json) as { version?: number; info?: { status?: string }; manifest?: string };
  return {
    revision: Number(release.version ?? 0),
    status: String(release.info?.status ?? ''),
    manifest: String(release.manifest ?? ''),
  };
}

export function manifestOf(helm: Helm, release: string, revision: number): Promise<string> {
  return helm.run(
    ['get', 'manifest', release, '--revision', String(revision)],
    `helm get manifest ${release}`,
  );
}

/** Every value the revision rendered with (chart defaults included). */
export async function valuesOf(
  helm: Helm,
  release: string,
  revision: number,
): Promise<Record<string, unknown>> {
  const out = await helm.run(
    ['get', 'values', release, '--all', '--revision', String(revision), '--output', 'json'],
    `helm get values ${release}`,
  );
  return (JSON.parse(out || '{}') ?? {}) as Record<string, unknown>;
}
