/** stop-env `sweep: true`: the preview environments whose PR/MR is closed or merged, or older than `max-age`. */
import { StepError } from '../core/errors.js';
import { connectPreviewRecords } from '../platform/preview-records.js';
import type { Runtime } from '../platform/runtime.js';

export interface SweepSettings {
  previews: RegExp[];
  maxAgeMs?: number;
  token?: string;
}

export interface SweepCandidate {
  name: string;
  reason: string;
  /** Its PR/MR, when known (for the board row). */
  pull?: number;
}

export async function sweepCandidates(rt: Runtime, input: SweepSettings): Promise<SweepCandidate[]> {
  const records = await connectPreviewRecords(rt, input.token);
  if (!records) {
    throw new StepError(
      'sweep reads the environments from the code host: it needs its API and a token (`token`, GITHUB_TOKEN, GITLAB_TOKEN or CI_JOB_TOKEN)',
    );
  }
  const now = Date.now();
  const found = await records.previews(input.previews);
  const picked: SweepCandidate[] = [];
  for (const env of found.sort((a, b) => a.name.localeCompare(b.name))) {
    const age = now - env.lastDeployAt.getTime();
    const reason = env.pullClosed
      ? `${records.kind === 'gitlab' ? 'MR !' : 'PR #'}${env.pull} is closed or merged`
      : input.maxAgeMs !== undefined && age > input.maxAgeMs
        ? `last deployed ${env.lastDeployAt.toISOString()}, older than max-age`
        : undefined;
    rt.info(`${env.name}: ${reason ?? 'kept (open and recent)'}`);
    if (reason)
      picked.push({ name: env.name, reason, ...(env.pull !== undefined ? { pull: env.pull } : {}) });
  }
  return picked;
}
