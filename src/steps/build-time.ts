/**
 * The time an image is built "at" (SOURCE_DATE_EPOCH, reproducible-builds.org): the committer
 * time of the built revision, so two builds of one commit — a re-run, a new pipeline — stamp the
 * same times into the image config, its history, its layers' files and the
 * `org.opencontainers.image.created` label, and get the same digest (a hold on that digest then
 * catches the rebuild). An explicit `SOURCE_DATE_EPOCH` in the runner's environment wins, as in
 * Docker's and BuildKit's docs; with no git checkout of the revision it is the current time, and
 * the build is not reproducible (the step says so).
 */
import { StepError } from '../core/errors.js';
import { type Env, runProcess } from '../core/process.js';
import type { TagPlan } from '../core/tags.js';
import type { CiContext } from '../platform/context.js';

export interface BuildTime {
  /** Seconds since 1970-01-01T00:00:00Z. */
  epoch: number;
  /** Where it came from, as the log says it. */
  source: string;
  /** False when it is the current time: a rebuild gets another digest. */
  reproducible: boolean;
}

/** `SOURCE_DATE_EPOCH`: whole seconds (reproducible-builds.org's definition). */
export function parseSourceDateEpoch(raw: string): number {
  const text = raw.trim();
  const epoch = Number(text);
  if (!/^\d{1,11}$/.test(text) || !Number.isSafeInteger(epoch)) {
    throw new StepError(
      `SOURCE_DATE_EPOCH ${JSON.stringify(raw)} is not a Unix time (whole seconds since 1970, e.g. the output of git log -1 --format=%ct)`,
    );
  }
  return epoch;
}

/** The committer time of `revision` (else HEAD) in the git checkout holding `dir`, if there is one. */
async function commitTime(
  dir: string,
  revision: string,
  env: Env,
): Promise<{ epoch: number; commit: string } | undefined> {
  for (const rev of revision ? [revision, 'HEAD'] : ['HEAD']) {
    const res = await runProcess(['git', '-C', dir, 'log', '-1', '--format=%ct %H', rev, '--'], {
      env,
    }).catch(() => undefined);
    const match = res?.code === 0 ? /^(\d+) ([0-9a-f]+)/.exec(res.stdout.trim()) : null;
    if (match) return { epoch: Number(match[1]), commit: match[2] as string };
  }
  return undefined;
}

/**
 * The build time of `revision`, built from `context`: `SOURCE_DATE_EPOCH` from `env`, else the
 * commit's committer time (git), else `now`.
 */
export async function buildTime(
  env: Env,
  context: string,
  revision: string,
  now: () => number = Date.now,
): Promise<BuildTime> {
  const explicit = env.SOURCE_DATE_EPOCH;
  if (explicit !== undefined && explicit.trim() !== '') {
    return { epoch: parseSourceDateEpoch(explicit), source: 'SOURCE_DATE_EPOCH', reproducible: true };
  }
  const found = await commitTime(context, revision, env);
  if (found) {
    return {
      epoch: found.epoch,
      source: `the committer time of ${found.commit.slice(0, 12)}`,
      reproducible: true,
    };
  }
  return {
    epoch: Math.floor(now() / 1000),
    source: `now: no git checkout of ${revision ? revision.slice(0, 12) : 'the build'} in the context, so a rebuild gets another digest`,
    reproducible: false,
  };
}

/** The epoch as the `org.opencontainers.image.created` label writes it (RFC 3339, UTC). */
export function createdLabel(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}

/** The OCI labels every build gets: revision, source, created (the build time) and version. */
export function ociLabels(plan: TagPlan, epoch: number, ctx: CiContext): Record<string, string> {
  const { serverUrl, repository } = ctx;
  return {
    ...(plan.revision ? { 'org.opencontainers.image.revision': plan.revision } : {}),
    ...(serverUrl && repository ? { 'org.opencontainers.image.source': `${serverUrl}/${repository}` } : {}),
    'org.opencontainers.image.created': createdLabel(epoch),
    ...(plan.version ? { 'org.opencontainers.image.version': plan.version } : {}),
  };
}
