/**
 * gitops holds: `.stagecraft/holds.yaml` in the config repository (format in ../holds-format.ts).
 * A rollback writes it in the same change set as the values it returns to; deploy-env reads it at
 * the head it is about to commit on, refuses a held image (before committing anything) and, with
 * `force: true`, writes it without the hold in the same deploy commit. Both read through the
 * plan's `Head`, so either writer (git or forge API) commits the change.
 */
import { afterRollback, checkHold, type Hold, type HoldCandidate, withoutHolds } from '../holds.js';
import { formatHoldsFile, HOLDS_FILE, parseHoldsFile } from '../holds-format.js';
import type { FileChange, Head } from './changes.js';

async function readHolds(head: Head) {
  return parseHoldsFile((await head.readIfExists(HOLDS_FILE)) ?? '');
}

/**
 * deploy-env's check at `head`: the holds it lifts (with `force`) and the holds file without
 * them, or a StepError when a candidate is held in `environment`.
 */
export async function checkGitopsHold(
  head: Head,
  environment: string,
  candidates: HoldCandidate[],
  force: boolean,
): Promise<{ lifted: Hold[]; change?: FileChange }> {
  const file = await readHolds(head);
  const holds = file[environment] ?? [];
  const lifted = [...new Set(candidates.flatMap((c) => checkHold(holds, c, environment, force, HOLDS_FILE)))];
  if (!lifted.length) return { lifted };
  const content = formatHoldsFile({ ...file, [environment]: withoutHolds(holds, lifted) });
  return { lifted, change: { path: HOLDS_FILE, content } };
}

/** rollback's holds file: each `[hold, to]` recorded in `environment` (the value returned to is no longer held). */
export async function recordGitopsHolds(
  head: Head,
  environment: string,
  moves: { hold: Hold; to: HoldCandidate }[],
): Promise<FileChange> {
  const file = await readHolds(head);
  let holds = file[environment] ?? [];
  for (const { hold, to } of moves) holds = afterRollback(holds, hold, to);
  return { path: HOLDS_FILE, content: formatHoldsFile({ ...file, [environment]: holds }) };
}
