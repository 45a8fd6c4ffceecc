/**
 * When an environment ends, its records say so: GitHub deployments of the environment get
 * status `inactive` (and with `delete-environment` the environment is deleted); GitLab: the
 * environment is stopped. A record that cannot be written is a warning, never a failed stop.
 */
import { errorMessage } from '../core/errors.js';
import { connectPreviewRecords } from '../platform/preview-records.js';
import type { Runtime } from '../platform/runtime.js';

export interface RecordSettings {
  token?: string;
  deleteEnvironment: boolean;
}

/** Ends the platform's records of `environment`; returns summary lines. */
export async function endRecords(rt: Runtime, input: RecordSettings, environment: string): Promise<string[]> {
  try {
    const records = await connectPreviewRecords(rt, input.token);
    if (!records) {
      rt.info(`No code host API and token: the records of ${environment} are left as they are`);
      return [];
    }
    return await records.end(environment, { deleteEnvironment: input.deleteEnvironment });
  } catch (err) {
    rt.warning(
      `Could not end the records of ${environment} (the environment is stopped): ${errorMessage(err)}`,
    );
    return [`Records of \`${environment}\` not ended: ${errorMessage(err)}`];
  }
}
