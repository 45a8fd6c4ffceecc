/**
 * gitops holds: `.stagecraft/holds.yaml` in the config repository (format in ../holds-format.ts).
 * A rollback writes it in the same commit as the value it returns to; deploy-env reads it from the
 * checkout it is about to change, refuses a held image (before committing anything) and, with
 * `force: true`, writes it without the hold in the same deploy commit. Each function takes the
 * checkout directory and returns the file change, so any writer (git or API) can commit it.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { StepError } from '../../errors.js';
import { afterRollback, checkHold, type Hold, type HoldCandidate, withoutHolds } from '../holds.js';
import { formatHoldsFile, HOLDS_FILE, parseHoldsFile } from '../holds-format.js';

/** A file to write in the same commit. */
export interface FileChange {
  path: string;
  text: string;
}

/** The holds file's text in the checkout ('' when absent); refuses a symlink out of the repository. */
export function readHoldsText(dir: string): string {
  const path = join(dir, HOLDS_FILE);
  if (!existsSync(path)) return '';
  const rel = relative(realpathSync(dir), realpathSync(path));
  if (rel.startsWith(`..${sep}`) || rel.startsWith(`.git${sep}`)) {
    throw new StepError(`${HOLDS_FILE} in the config repository resolves outside it (a symlink); remove it`);
  }
  return readFileSync(path, 'utf8');
}

/**
 * deploy-env's check on the checkout: the holds it lifts (with `force`) and the holds file
 * without them, or a StepError when `candidate` is held in `environment`.
 */
export function checkGitopsHold(
  dir: string,
  environment: string,
  candidate: HoldCandidate,
  force: boolean,
): { lifted: Hold[]; change?: FileChange } {
  const file = parseHoldsFile(readHoldsText(dir));
  const holds = file[environment] ?? [];
  const lifted = checkHold(holds, candidate, environment, force, HOLDS_FILE);
  if (!lifted.length) return { lifted };
  const text = formatHoldsFile({ ...file, [environment]: withoutHolds(holds, lifted) });
  return { lifted, change: { path: HOLDS_FILE, text } };
}

/** rollback's holds file: `hold` added in `environment`, the value returned to (`to`) no longer held. */
export function recordGitopsHold(
  dir: string,
  environment: string,
  hold: Hold,
  to: HoldCandidate,
): FileChange {
  const file = parseHoldsFile(readHoldsText(dir));
  const holds = afterRollback(file[environment] ?? [], hold, to);
  return { path: HOLDS_FILE, text: formatHoldsFile({ ...file, [environment]: holds }) };
}
