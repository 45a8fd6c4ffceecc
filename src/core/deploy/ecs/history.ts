/**
 * The revision a service ran before its current deployment, from ECS's service-deployment
 * history (ListServiceDeployments → DescribeServiceRevisions), never "revision − 1", which is
 * wrong after skipped revisions, other services sharing a family, or earlier rollbacks.
 *
 * The history is replayed as an undo stack of task definitions: a deployment that lands the
 * revision just below the top is a rollback (pop), any other new revision is pushed. The target
 * is the entry below the top, so a second rollback does not bounce back to the revision that
 * was just rolled away from; with nothing below, there is no previous version.
 */
import {
  DescribeServiceRevisionsCommand,
  type DescribeServiceRevisionsCommandOutput,
  ListServiceDeploymentsCommand,
  type ListServiceDeploymentsCommandOutput,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import type { Ecs } from './client.js';

/** Deployments that changed what the service runs (failed or rolled-back ones did not). */
const LANDED = new Set(['SUCCESSFUL', 'IN_PROGRESS', 'PENDING']);
const MAX_PAGES = 10;

export interface History {
  /** Task definitions in the order they were deployed, as an undo stack (top = current). */
  stack: string[];
  deployments: number;
}

export async function deploymentHistory(ecs: Ecs, cluster: string, service: string): Promise<History> {
  const briefs: ServiceDeploymentBrief[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await ecs.call<ListServiceDeploymentsCommandOutput>(
      'ListServiceDeployments',
      new ListServiceDeploymentsCommand({
        cluster,
        service,
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      }),
      `deployment history of service ${service}`,
    );
    briefs.push(...(out.serviceDeployments ?? []));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  const landed = briefs
    .filter((b) => b.status && LANDED.has(b.status) && b.targetServiceRevisionArn)
    .sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  const revisionArns = [...new Set(landed.map((b) => b.targetServiceRevisionArn as string))];
  const taskDefOf = new Map<string, string>();
  for (let i = 0; i < revisionArns.length; i += 20) {
    const out = await ecs.call<DescribeServiceRevisionsCommandOutput>(
      'DescribeServiceRevisions',
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: revisionArns.slice(i, i + 20) }),
      `service revisions of ${service}`,
    );
    for (const r of out.serviceRevisions ?? []) {
      if (r.serviceRevisionArn && r.taskDefinition) taskDefOf.set(r.serviceRevisionArn, r.taskDefinition);
    }
  }
  const stack: string[] = [];
  for (const b of landed) {
    const def = taskDefOf.get(b.targetServiceRevisionArn as string);
    if (!def || def === stack.at(-1)) continue; // force-new-deployment of the same revision
    if (def === stack.at(-2)) stack.pop();
    else stack.push(def);
  }
  return { stack, deployments: briefs.length };
}

/** The revision to roll back to, given the revision the service runs now. */
export function previousRevision(history: History, current: string): string | undefined {
  const { stack } = history;
  // The history should end with the current revision; if it does not (history expired, or a
  // deployment we cannot see), the newest other revision is still the best answer.
  if (stack.at(-1) === current) return stack.at(-2);
  return [...stack].reverse().find((d) => d !== current);
}
