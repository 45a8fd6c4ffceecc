/**
 * Holds: a rollback records the image it rolled away from as held in that environment, and
 * deploy-env refuses a held image there (one error naming when and why it was rolled back)
 * unless `force: true`, which deploys it and lifts the hold. This module is the record, the
 * matching rule and the check; each strategy keeps the records where its environment lives
 * (gitops: `.stagecraft/holds.yaml` in the config repository, kubernetes: the annotation
 * `stagecraft.dev/held-images` on the workload, ecs: tags on the service — see holds-format.ts).
 *
 * Matching rule (`holdMatches`): the repository (registry + path) must be the same; then the
 * digests are compared when both references carry one, else the tags when both carry one. A hold
 * on `app:1.2` catches `app:1.2` and `app:1.2@sha256:…`, but not `app@sha256:…` alone (its tag is
 * unknown); a hold on `app@sha256:X` catches any `app…@sha256:X`, and not a rebuild of the same
 * tag with another digest. gitops also holds the value it wrote: a deploy that would write the
 * held value at the same file and key is refused whatever the image reference looks like.
 */
import { StepError } from '../errors.js';
import { type ImageRef, parseImageRef } from '../image-ref.js';
import type { DeployOrigin } from './types.js';

export interface Hold {
  /** The image rolled away from (a full reference); absent when only the written value is known. */
  image?: string;
  /** gitops: the value the rollback moved away from, at `file` and `key`. */
  value?: string;
  file?: string;
  key?: string;
  /** When it was rolled back (ISO 8601, UTC). */
  at: string;
  reason?: string;
  /** Who rolled back, and in which run. */
  by?: string;
}

/** What a deploy is about to write: the image, and for gitops where and what value. */
export interface HoldCandidate {
  image: string;
  file?: string;
  key?: string;
  value?: string;
}

/** At most this many holds are kept per environment (the oldest are dropped). */
export const MAX_HOLDS = 20;

function parsed(text: string): ImageRef | undefined {
  try {
    return parseImageRef(text);
  } catch {
    return undefined;
  }
}

/** The image matching rule (see the module comment). */
export function sameImage(held: string, candidate: string): boolean {
  const a = parsed(held);
  const b = parsed(candidate);
  if (!a || !b || a.registry !== b.registry || a.repository !== b.repository) return false;
  if (a.digest && b.digest) return a.digest === b.digest;
  if (a.tag && b.tag) return a.tag === b.tag;
  return false;
}

export function holdMatches(hold: Hold, candidate: HoldCandidate): boolean {
  if (hold.image && sameImage(hold.image, candidate.image)) return true;
  return (
    hold.value !== undefined &&
    candidate.value !== undefined &&
    hold.file === candidate.file &&
    hold.key === candidate.key &&
    hold.value === candidate.value
  );
}

/** The held thing as users read it. */
export function heldName(hold: Hold): string {
  return hold.image ?? `${hold.value} (${hold.file}:${hold.key})`;
}

/**
 * The check deploy-env makes before anything changes: the holds that match `candidate` (to lift
 * when forced), or a StepError naming when and why the image was rolled back.
 */
export function checkHold(
  holds: Hold[],
  candidate: HoldCandidate,
  environment: string,
  force: boolean,
  where?: string,
): Hold[] {
  const matched = holds.filter((h) => holdMatches(h, candidate));
  const hold = matched[0];
  if (!hold || force) return matched;
  throw new StepError(
    `${candidate.image} is held in ${environment}${where ? ` (${where})` : ''}: ${heldName(hold)} was rolled back at ${hold.at}${hold.by ? ` by ${hold.by}` : ''}, reason: ${hold.reason || 'none given'}. Nothing was changed. Deploy another image, or set \`force: true\` to deploy it anyway and lift the hold.`,
  );
}

/** A new hold on what a rollback moved away from. */
export function newHold(
  what: Omit<Hold, 'at' | 'reason' | 'by'>,
  reason: string | undefined,
  origin: DeployOrigin | undefined,
  now = new Date(),
): Hold {
  const by = [origin?.actor, origin?.runUrl ? `in ${origin.runUrl}` : undefined].filter(Boolean).join(' ');
  return {
    ...what,
    at: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(reason ? { reason } : {}),
    ...(by ? { by } : {}),
  };
}

/**
 * The holds after a rollback from `hold` to `to`: the new hold replaces any on the same image,
 * and the image returned to is no longer held (the user chose it). Oldest dropped past MAX_HOLDS.
 */
export function afterRollback(holds: Hold[], hold: Hold, to: HoldCandidate): Hold[] {
  const key = (h: Hold) => heldName(h);
  const kept = holds.filter((h) => key(h) !== key(hold) && !holdMatches(h, to));
  return [...kept, hold].slice(-MAX_HOLDS);
}

/** The holds without those a forced deploy lifted. */
export function withoutHolds(holds: Hold[], lifted: Hold[]): Hold[] {
  return holds.filter((h) => !lifted.includes(h));
}

/** A line for logs and summaries. */
export function liftedLine(lifted: Hold[], environment: string): string {
  return `Lifted the hold on ${lifted.map(heldName).join(', ')} in ${environment} (force: true; rolled back at ${lifted.map((h) => h.at).join(', ')})`;
}
