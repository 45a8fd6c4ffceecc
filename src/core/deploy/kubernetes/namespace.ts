/**
 * Preview namespaces: deploy-env creates a missing namespace with stagecraft's labels, and stop-env
 * deletes a namespace only when those labels say stagecraft created it for that environment.
 */
import type { Log } from '../../log.js';
import type { KubeClient } from './client.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const ENVIRONMENT_LABEL = 'stagecraft.dev/environment';
export const PR_LABEL = 'stagecraft.dev/pr';

/** The labels of a namespace stagecraft creates for an environment (and its PR/MR, for previews). */
export function namespaceLabels(environment: string, pr?: number): Record<string, string> {
  return {
    [MANAGED_BY]: 'stagecraft',
    [ENVIRONMENT_LABEL]: environment,
    ...(pr !== undefined ? { [PR_LABEL]: String(pr) } : {}),
  };
}

/** Creates `name` with `labels` when it does not exist; true when it was created (or would be, on a dry run). */
export async function ensureNamespace(
  client: KubeClient,
  name: string,
  labels: Record<string, string>,
  dryRun: boolean,
  log: Log,
): Promise<boolean> {
  if (await client.read('v1', 'Namespace', '', name)) return false;
  if (dryRun) {
    log.info(`Namespace ${name} does not exist: it would be created`);
    return true;
  }
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }, false);
  log.info(
    `Namespace ${name} created (${Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')})`,
  );
  return true;
}

/** Whether stagecraft created this namespace for this environment (its labels say so). */
export function createdByStagecraft(
  labels: Record<string, string> | undefined,
  environment: string,
): boolean {
  return labels?.[MANAGED_BY] === 'stagecraft' && labels?.[ENVIRONMENT_LABEL] === environment;
}

/** Polls until every `read` answers undefined, or fails after `timeoutMs`. */
export async function waitGone(
  reads: Array<{ what: string; read: () => Promise<unknown> }>,
  timeoutMs: number,
  pollMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = reads;
  for (;;) {
    const present = await Promise.all(left.map(async (r) => ((await r.read()) ? r : undefined)));
    left = present.filter((r): r is (typeof reads)[number] => r !== undefined);
    if (left.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `still present after ${Math.round(timeoutMs / 1000)}s: ${left.map((r) => r.what).join(', ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
