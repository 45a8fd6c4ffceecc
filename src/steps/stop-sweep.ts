/** stop-env `sweep: true`: the preview environments whose PR/MR is closed or merged, or older than `max-age`. */
import { StepError } from '../core/errors.js';
import type { Runtime } from '../platform/runtime.js';

export interface SweepSettings {
  previews: RegExp[];
  maxAgeMs?: number;
  token?: string;
}

export async function sweepCandidates(rt: Runtime, input: SweepSettings): Promise<string[]> {
  void rt;
  void input;
  throw new StepError('sweep is not available yet');
}
