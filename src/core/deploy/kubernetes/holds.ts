/**
 * kubernetes holds: the annotation `stagecraft.dev/held-images` (a JSON array, ../holds-format.ts)
 * on each workload. rollback writes it in its own JSON patch (with the image it rolled away
 * from); deploy-env reads it from the live workloads before anything is applied, refuses a held
 * image, and with `force: true` removes the hold once the new image is written.
 */
import type { Log } from '../../log.js';
import { afterRollback, checkHold, type Hold, liftedLine, newHold, withoutHolds } from '../holds.js';
import { formatHoldsAnnotation, HELD_IMAGES_ANNOTATION, parseHoldsAnnotation } from '../holds-format.js';
import type { DeployOrigin } from '../types.js';
import type { KObject, KubeClient } from './client.js';
import type { LiveWorkload } from './prepare.js';
import { describe, type WorkloadRef } from './workloads.js';

export interface HoldLift {
  ref: WorkloadRef;
  remaining: Hold[];
  lifted: Hold[];
}

const holdsOf = (live: KObject | undefined, ref: WorkloadRef) =>
  parseHoldsAnnotation(
    live?.metadata?.annotations?.[HELD_IMAGES_ANNOTATION],
    `${describe(ref)} in namespace ${ref.namespace}`,
  );

/** Refuses `image` when a workload holds it (unless `force`); returns the holds to lift. */
export function checkWorkloadHolds(
  workloads: LiveWorkload[],
  image: string,
  environment: string,
  force: boolean,
): HoldLift[] {
  const lifts: HoldLift[] = [];
  for (const { ref, live } of workloads) {
    const holds = holdsOf(live, ref);
    const where = `annotation ${HELD_IMAGES_ANNOTATION} on ${describe(ref)} in namespace ${ref.namespace}`;
    const lifted = checkHold(holds, { image }, environment, force, where);
    if (lifted.length) lifts.push({ ref, lifted, remaining: withoutHolds(holds, lifted) });
  }
  return lifts;
}

/** After a forced deploy wrote the image: the holds it lifted are removed from each workload. */
export async function liftWorkloadHolds(
  client: KubeClient,
  lifts: HoldLift[],
  environment: string,
  log: Log,
): Promise<string[]> {
  const lines: string[] = [];
  for (const { ref, remaining, lifted } of lifts) {
    const value = remaining.length ? formatHoldsAnnotation(remaining) : null;
    await client.mergePatch(ref, { metadata: { annotations: { [HELD_IMAGES_ANNOTATION]: value } } });
    const line = `${describe(ref)}: ${liftedLine(lifted, environment)}`;
    log.info(line);
    lines.push(line);
  }
  return lines;
}

/** rollback: the annotation value holding `from` (and no longer `to`) on `live`. */
export function heldAfterRollback(
  live: KObject,
  ref: WorkloadRef,
  from: string,
  to: string,
  reason: string | undefined,
  origin: DeployOrigin | undefined,
): string {
  const hold = newHold({ image: from }, reason, origin);
  let holds: Hold[] = [];
  try {
    holds = holdsOf(live, ref);
  } catch {
    // An unreadable annotation must not stop a rollback: it is replaced.
  }
  return formatHoldsAnnotation(afterRollback(holds, hold, { image: to }));
}
