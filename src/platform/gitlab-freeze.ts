/** GitLab deploy freeze periods (`GET /projects/:id/freeze_periods`), read when the job runs. */
import type { FreezeWindow } from '../core/freeze/windows.js';
import { parseWindow } from '../core/freeze/windows.js';
import { type GitLabClient, projectPath } from './gitlab-api.js';

/** One freeze period as GitLab's API answers it. */
export interface GitLabFreezePeriod {
  id: number;
  freeze_start: string;
  freeze_end: string;
  cron_timezone: string | null;
  created_at?: string;
  updated_at?: string;
}

/** The project's freeze periods as windows; one GitLab cannot parse is skipped with a warning. */
export async function gitlabFreezeWindows(
  client: GitLabClient,
  project: string,
  warn: (message: string) => void,
): Promise<FreezeWindow[]> {
  const periods = await client.paginate<GitLabFreezePeriod>(`${projectPath(project)}/freeze_periods`);
  const windows: FreezeWindow[] = [];
  for (const p of periods) {
    const line = `${p.freeze_start} ${p.freeze_end} ${p.cron_timezone || 'UTC'}`;
    try {
      windows.push(parseWindow(line, `GitLab freeze period ${p.id}`));
    } catch (err) {
      warn(
        `GitLab freeze period ${p.id} ("${line}") is not understood and is ignored: ${(err as Error).message}`,
      );
    }
  }
  return windows;
}
