/**
 * kubernetes strategy of rollback: puts a Deployment back on its previous revision — the pod
 * template of the ReplicaSet before the current one, sent as the JSON patch `kubectl rollout undo`
 * sends — and waits for it. `to` picks the revision running that image, or sets the image when no
 * revision ran it. Every Deployment is checked before any is changed.
 */
import { InputError, StepError } from '../../errors.js';
import { HELD_IMAGES_ANNOTATION } from '../holds-format.js';
import type { DeployContext, RollbackResult } from '../types.js';
import { createClient, type KObject, type KubeClient } from './client.js';
import { ownedReplicaSets } from './diagnose.js';
import { heldAfterRollback } from './holds.js';
import type { KubernetesRollbackOptions } from './options.js';
import { PREVIOUS_IMAGE } from './prepare.js';
import { revisionOf, waitForRollouts } from './rollout.js';
import { loadTarget, placeObjects, rolloutRefs } from './target.js';
import { describe, matchesRepository, resolveImage, type WorkloadRef } from './workloads.js';

interface Plan {
  ref: WorkloadRef;
  from: string;
  to: string;
  fromRevision: string;
  /** Replace the whole template (a previous revision) or only the image. */
  template?: object;
  container: string;
  toRevision?: string;
  /** Whether the live object has annotations (the JSON patch adds the map otherwise). */
  annotated: boolean;
  /** The held-images annotation after this rollback. */
  held: string;
}

export async function rollbackKubernetes(
  options: KubernetesRollbackOptions,
  ctx: DeployContext,
): Promise<RollbackResult> {
  const rendered = await loadTarget(options, ctx.environment, ctx.env);
  const client = createClient({ kubeconfig: options.kubeconfig, context: options.context });
  const namespace = options.namespace || client.namespace;
  const refs = rendered
    ? rolloutRefs(await placeObjects(client, rendered, options.namespace))
    : (options.workloads ?? []).map((w) => ({ ...w, namespace }));
  const other = refs.find((r) => r.kind !== 'Deployment');
  if (other)
    throw new InputError(
      rendered ? 'manifests' : 'workloads',
      describe(other),
      'Deployments only: rollback to a previous revision is supported for Deployments',
    );
  if (refs.length === 0)
    throw new InputError(
      'manifests',
      (options.manifests ?? []).join('\n'),
      'manifests that contain a Deployment to roll back',
    );

  const plans: Plan[] = [];
  for (const ref of refs) plans.push(await plan(client, ref, options, ctx));
  const summary: string[] = [];
  for (const p of plans) {
    const what = `${describe(p.ref)}: ${p.from} → ${p.to}${p.toRevision ? ` (revision ${p.toRevision})` : ''}`;
    if (ctx.dryRun) {
      ctx.log.info(`would roll back ${what}`);
      continue;
    }
    const ops: object[] = p.template
      ? [{ op: 'replace', path: '/spec/template', value: p.template }]
      : [{ op: 'replace', path: `/spec/template/spec/${p.container}`, value: p.to }];
    // Like a deploy, the rollback records the image it replaced; and holds it (deploy-env refuses it).
    const annotations = { [PREVIOUS_IMAGE]: p.from, [HELD_IMAGES_ANNOTATION]: p.held };
    if (p.annotated) {
      for (const [key, value] of Object.entries(annotations))
        ops.push({ op: 'add', path: `/metadata/annotations/${key.replace('/', '~1')}`, value });
    } else ops.push({ op: 'add', path: '/metadata/annotations', value: annotations });
    await client.jsonPatchDeployment(p.ref.namespace, p.ref.name, ops);
    ctx.log.info(`rolling back ${what}${options.reason ? ` — ${options.reason}` : ''}`);
  }
  if (ctx.dryRun) {
    const first = plans[0] as Plan;
    return {
      from: first.from,
      to: first.to,
      revision: first.toRevision ?? '',
      summary: [...plans.map(line), '', 'Dry run: nothing was changed.'],
    };
  }
  const results = await ctx.log.group('Waiting for the rollback rollout', () =>
    waitForRollouts(client, refs, {
      timeoutMs: options.rolloutTimeoutMs,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      log: ctx.log,
    }),
  );
  const first = plans[0] as Plan;
  const revision = revisionOf(results.find((r) => r.ref.name === first.ref.name)?.object) ?? '';
  summary.push(...plans.map(line));
  if (options.reason) summary.push('', `Reason: ${options.reason}`);
  summary.push(
    '',
    `Held in ${ctx.environment} (annotation \`${HELD_IMAGES_ANNOTATION}\`): ${[...new Set(plans.map((p) => `\`${p.from}\``))].join(', ')}; deploy-env refuses it there unless \`force: true\`.`,
  );
  return { from: first.from, to: first.to, revision, summary };
}

const line = (p: Plan) =>
  `- ${describe(p.ref)} in \`${p.ref.namespace}\`: \`${p.from}\` → \`${p.to}\`${p.toRevision ? ` (the template of revision ${p.toRevision})` : ''}`;

async function plan(
  client: KubeClient,
  ref: WorkloadRef,
  options: KubernetesRollbackOptions,
  ctx: DeployContext,
): Promise<Plan> {
  const live = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
  if (!live)
    throw new StepError(
      `${describe(ref)} was not found in namespace ${ref.namespace}; nothing was rolled back`,
    );
  const containers: Array<{ name: string; image: string }> = live.spec?.template?.spec?.containers ?? [];
  const image = options.image;
  const byImage = image ? containers.find((c) => matchesRepository(c.image, image.ref)) : undefined;
  const chosen = options.containers?.length
    ? containers.find((c) => options.containers?.includes(c.name))
    : (byImage ?? containers[0]);
  if (!chosen)
    throw new InputError(
      'containers',
      (options.containers ?? []).join(','),
      `names of containers of ${describe(ref)}: ${containers.map((c) => c.name).join(', ')}`,
    );
  const index = containers.indexOf(chosen);
  const current = revisionOf(live) ?? '';
  const history = (await ownedReplicaSets(client, live))
    .filter((rs) => revisionOf(rs) && revisionOf(rs) !== current)
    .sort((a, b) => Number(revisionOf(b)) - Number(revisionOf(a)));
  const imageIn = (rs: KObject) =>
    (rs.spec?.template?.spec?.containers ?? []).find((c: { name: string }) => c.name === chosen.name)
      ?.image as string | undefined;
  let target: KObject | undefined;
  let to: string;
  if (options.to) {
    to = resolveImage(options.to, chosen.image);
    target = history.find((rs) => imageIn(rs) === to);
    if (!target && to === chosen.image) {
      throw new StepError(
        `${describe(ref)} already runs ${to} (revision ${current}); nothing was rolled back`,
      );
    }
  } else {
    target = history.find((rs) => Number(revisionOf(rs)) < Number(current));
    // History pruned (revisionHistoryLimit): the image the last deploy recorded as replaced.
    const recorded = live.metadata?.annotations?.[PREVIOUS_IMAGE] as string | undefined;
    if (!target && (!recorded || recorded === chosen.image)) {
      throw new StepError(
        `${describe(ref)} in namespace ${ref.namespace} has no previous revision to roll back to (current revision ${current || 'unknown'}, no older ReplicaSet kept, no ${PREVIOUS_IMAGE} annotation); nothing was changed. Set \`to\` to deploy a given image.`,
      );
    }
    to = target ? (imageIn(target) ?? '') : (recorded as string);
  }
  const annotated = live.metadata?.annotations !== undefined;
  const held = heldAfterRollback(live, ref, chosen.image, to, options.reason, ctx.origin);
  if (!target)
    return {
      ref,
      from: chosen.image,
      to,
      fromRevision: current,
      container: `containers/${index}/image`,
      annotated,
      held,
    };
  // The ReplicaSet's template carries the pod-template-hash label the controller added; the Deployment's must not.
  const template = JSON.parse(JSON.stringify(target.spec?.template ?? {}));
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  return {
    ref,
    from: chosen.image,
    to,
    fromRevision: current,
    template,
    container: chosen.name,
    toRevision: revisionOf(target),
    annotated,
    held,
  };
}
