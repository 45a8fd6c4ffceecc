/**
 * kubernetes strategy of deploy-env: render → set image → server-side apply (field manager
 * `stagecraft`) → wait for the rollout of exactly what was applied. Without manifests, patches
 * only the image of the named workloads (what `kubectl set image` does) and waits for them.
 */
import { InputError, StepError } from '../../errors.js';
import { table } from '../../markdown.js';
import type { DeployContext, DeployResult } from '../types.js';
import { deployCanary } from './canary.js';
import { createClient, type KObject, type KubeClient } from './client.js';
import { checkWorkloadHolds, type HoldLift, liftWorkloadHolds } from './holds.js';
import { ensureNamespace } from './namespace.js';
import type { KubernetesDeployOptions } from './options.js';
import {
  type LiveWorkload,
  PREVIOUS_IMAGE,
  prepareManifests,
  previousImageAnnotation,
  readWorkloads,
  refusePaused,
} from './prepare.js';
import { revisionOf, waitForRollouts } from './rollout.js';
import { loadTarget, placeObjects, rolloutRefs } from './target.js';
import { describe, imagesOf, matchingContainers, setImage, type WorkloadRef } from './workloads.js';

interface Applied {
  object: string;
  namespace: string;
  action: 'created' | 'configured' | 'unchanged';
}

export async function deployKubernetes(
  options: KubernetesDeployOptions,
  ctx: DeployContext,
): Promise<DeployResult> {
  const rendered = await loadTarget(options, ctx.environment, ctx.env);
  const client = createClient({ kubeconfig: options.kubeconfig, context: options.context });
  ctx.log.info(`Kubernetes API ${client.server}`);
  if (rendered && options.namespace && options.namespaceLabels) {
    await ensureNamespace(client, options.namespace, options.namespaceLabels, ctx.dryRun, ctx.log);
  }
  const objects = rendered ? await placeObjects(client, rendered, options.namespace) : undefined;
  if (options.canary !== undefined)
    return deployCanary(client, { ...options, canary: options.canary }, ctx, objects);
  return objects ? applyManifests(client, options, ctx, objects) : patchWorkloads(client, options, ctx);
}

async function applyManifests(
  client: KubeClient,
  options: KubernetesDeployOptions,
  ctx: DeployContext,
  objects: KObject[],
): Promise<DeployResult> {
  const refs = rolloutRefs(objects);
  // Read before the image is set: matching containers are those running the deployed repository.
  const workloads = await readWorkloads(client, refs, options.image.ref, options.containers);
  const changes = setImage(objects, options.image, options.containers);
  if (changes.length === 0) throw noContainer(options, objects);
  refusePaused(workloads, objects);
  const lifts = checkWorkloadHolds(workloads, options.image.text, ctx.environment, options.force === true);
  const previous = workloads.find((w) => w.previous)?.previous;
  await prepareManifests(client, objects, workloads, options.image.text, ctx.log);
  const applied: Applied[] = [];
  await ctx.log.group(
    `Server-side apply of ${objects.length} objects${ctx.dryRun ? ' (dry run)' : ''}`,
    async () => {
      for (const obj of objects) {
        const ns = obj.metadata?.namespace ?? '';
        const before = await client.read(
          obj.apiVersion as string,
          obj.kind as string,
          ns,
          obj.metadata?.name as string,
        );
        const after = await client.apply(obj, ctx.dryRun);
        const action = !before ? 'created' : changedBy(before, after) ? 'configured' : 'unchanged';
        applied.push({
          object: `${String(obj.kind).toLowerCase()}/${obj.metadata?.name}`,
          namespace: ns,
          action,
        });
        ctx.log.info(
          `${String(obj.kind).toLowerCase()}/${obj.metadata?.name}${ns ? ` (${ns})` : ''} ${action}${ctx.dryRun ? ' (server dry run)' : ''}`,
        );
      }
    },
  );
  const changed = applied.some((a) => a.action !== 'unchanged');
  return finish(client, options, ctx, refs, previous, changed || lifts.length > 0, lifts, [
    table(
      ['object', 'namespace', 'result'],
      applied.map((a) => [a.object, a.namespace || '—', a.action]),
    ),
    '',
    `Image \`${options.image.text}\` set on ${changes.map((c) => `${c.object} container \`${c.container}\``).join(', ')}.`,
  ]);
}

async function patchWorkloads(
  client: KubeClient,
  options: KubernetesDeployOptions,
  ctx: DeployContext,
): Promise<DeployResult> {
  const namespace = options.namespace || client.namespace;
  const refs = (options.workloads ?? []).map((w) => ({ ...w, namespace }));
  // Check every workload before patching any, so a typo changes nothing.
  const plans: Array<{ ref: WorkloadRef; live: KObject; names: Array<{ name: string; image: string }> }> = [];
  for (const ref of refs) {
    const live = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    if (!live)
      throw new StepError(
        `${describe(ref)} was not found in namespace ${ref.namespace}; \`workloads\` patches existing workloads only (use \`manifests\` to create them)`,
      );
    const names = matchingContainers(live, options.image.ref, options.containers);
    if (names.length === 0) throw noContainer(options, [live]);
    plans.push({ ref, live, names });
  }
  const workloads = await readWorkloads(client, refs, options.image.ref, options.containers);
  refusePaused(workloads);
  const lifts = checkWorkloadHolds(workloads, options.image.text, ctx.environment, options.force === true);
  const previous = workloads.find((w) => w.previous)?.previous;
  let changed = false;
  for (const [index, { ref, live, names }] of plans.entries()) {
    const before = Object.fromEntries(names.map((c) => [c.name, c.image]));
    const needed = names.filter((c) => c.image !== options.image.text);
    if (needed.length === 0) {
      ctx.log.info(`${describe(ref)}: already runs ${options.image.text}`);
      continue;
    }
    changed = true;
    const init = new Set(
      (live.spec?.template?.spec?.initContainers ?? []).map((c: { name: string }) => c.name),
    );
    const entry = (c: { name: string }) => ({ name: c.name, image: options.image.text });
    const recorded = previousImageAnnotation(workloads[index] as LiveWorkload, options.image.text);
    const patch = {
      ...(recorded ? { metadata: { annotations: { [PREVIOUS_IMAGE]: recorded } } } : {}),
      spec: {
        template: {
          spec: {
            ...(needed.some((c) => !init.has(c.name))
              ? { containers: needed.filter((c) => !init.has(c.name)).map(entry) }
              : {}),
            ...(needed.some((c) => init.has(c.name))
              ? { initContainers: needed.filter((c) => init.has(c.name)).map(entry) }
              : {}),
          },
        },
      },
    };
    if (ctx.dryRun)
      ctx.log.info(
        `${describe(ref)}: would set ${needed.map((c) => `${c.name}=${options.image.text} (was ${before[c.name]})`).join(', ')}`,
      );
    else {
      if (ref.kind === 'Rollout')
        await client.mergePatchCustom(ref, rolloutImagePatch(live, needed, options.image.text, recorded));
      else await client.mergePatch(ref, patch);
      ctx.log.info(
        `${describe(ref)}: set ${needed.map((c) => `${c.name}=${options.image.text} (was ${before[c.name]})`).join(', ')}`,
      );
    }
  }
  return finish(client, options, ctx, refs, previous, changed || lifts.length > 0, lifts, [
    `Image \`${options.image.text}\` set on ${plans.map((p) => `${describe(p.ref)} (${p.names.map((c) => `\`${c.name}\``).join(', ')})`).join(', ')} in namespace \`${namespace}\`.`,
  ]);
}

async function finish(
  client: KubeClient,
  options: KubernetesDeployOptions,
  ctx: DeployContext,
  refs: WorkloadRef[],
  previous: string | undefined,
  changed: boolean,
  lifts: HoldLift[],
  summary: string[],
): Promise<DeployResult> {
  if (ctx.dryRun) {
    for (const l of lifts) ctx.log.info(`${describe(l.ref)}: would lift the hold on ${options.image.text}`);
    return {
      image: options.image.text,
      previousImage: previous,
      changed,
      summary: [...summary, '', 'Dry run: nothing was changed.'],
    };
  }
  // force: the image is written; its holds go (before the wait: a slow rollout keeps nothing held).
  const lifted = await liftWorkloadHolds(client, lifts, ctx.environment, ctx.log);
  const results = await ctx.log.group(
    `Waiting for the rollout of ${refs.map(describe).join(', ') || 'nothing'}`,
    () =>
      waitForRollouts(client, refs, {
        timeoutMs: options.rolloutTimeoutMs,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
        log: ctx.log,
        ...(options.rolloutPause ? { rolloutPause: options.rolloutPause } : {}),
      }),
  );
  const paused = results.filter((r) => r.paused);
  const deployment = results.find((r) => r.ref.kind === 'Deployment');
  const revision =
    revisionOf(deployment?.object) ??
    (results[0] ? String(results[0].object.metadata?.generation ?? '') : undefined);
  return {
    image: options.image.text,
    previousImage: previous,
    revision: revision || undefined,
    changed,
    extraOutputs: { 'rollout-state': paused.length ? 'paused' : 'healthy' },
    summary: [
      ...summary,
      ...(paused.length
        ? [
            '',
            `Paused: ${paused.map((r) => describe(r.ref)).join(', ')}. Run deploy-env with \`action: promote\` to finish the rollout, or \`action: reject\` to abort it.`,
          ]
        : []),
      ...(lifted.length ? ['', ...lifted.map((l) => `- ${l}`)] : []),
      '',
      ...results.map(
        (r) =>
          `- ${describe(r.ref)}: ${r.message}${revisionOf(r.object) ? `, revision ${revisionOf(r.object)}` : ''}`,
      ),
    ],
  };
}

/**
 * Whether an apply changed the object. A real write bumps resourceVersion; a server-side dry run
 * does not, so the content is compared too (everything but metadata bookkeeping and status).
 */
function changedBy(before: KObject, after: KObject): boolean {
  if (before.metadata?.resourceVersion !== after.metadata?.resourceVersion) return true;
  const content = (o: KObject) => {
    const { metadata, status: _status, ...rest } = JSON.parse(JSON.stringify(o));
    return JSON.stringify({
      ...rest,
      labels: metadata?.labels,
      annotations: metadata?.annotations,
      generation: metadata?.generation,
    });
  };
  return content(before) !== content(after);
}

function noContainer(options: KubernetesDeployOptions, objects: KObject[]): Error {
  const found = objects.flatMap(imagesOf).map((c) => `${c.object} ${c.container}=${c.image}`);
  if (options.containers?.length) {
    return new InputError(
      'containers',
      options.containers.join(','),
      `names of containers in the workloads; found ${found.join(', ') || 'no containers'}`,
    );
  }
  return new StepError(
    `No container runs an image of the repository of ${options.image.text}; found ${found.join(', ') || 'no containers'}. Name the containers to update in \`containers\`.`,
  );
}

/** A Rollout (a CRD) takes a JSON merge patch, which replaces lists: the whole container lists, images set. */
function rolloutImagePatch(
  live: KObject,
  needed: Array<{ name: string }>,
  image: string,
  recorded: string | undefined,
): object {
  const names = new Set(needed.map((c) => c.name));
  const podSpec = live.spec?.template?.spec ?? {};
  const set = (list: Array<{ name: string; image: string }> | undefined) =>
    list?.map((c) => (names.has(c.name) ? { ...c, image } : c));
  return {
    ...(recorded ? { metadata: { annotations: { [PREVIOUS_IMAGE]: recorded } } } : {}),
    spec: {
      template: {
        spec: {
          containers: set(podSpec.containers),
          ...(podSpec.initContainers ? { initContainers: set(podSpec.initContainers) } : {}),
        },
      },
    },
  };
}
