/**
 * stop-env for kubernetes: the namespace goes when stagecraft created it for this environment
 * (its labels say so); otherwise only the objects deploy-env applied (the rendered manifests) are
 * deleted — a namespace stagecraft did not create is never deleted. Waits until they are gone.
 */
import { StepError } from '../../errors.js';
import type { DeployContext, StopResult } from '../types.js';
import { createClient, type KObject, type KubeClient } from './client.js';
import { createdByStagecraft, waitGone } from './namespace.js';
import type { KubernetesTarget } from './options.js';
import { loadTarget, placeObjects } from './target.js';

/** Deletes the namespace when stagecraft created it for `environment`; undefined when it did not. */
export async function stopNamespace(
  client: KubeClient,
  namespace: string,
  ctx: DeployContext,
  timeoutMs: number,
): Promise<StopResult | undefined> {
  const live = await client.read('v1', 'Namespace', '', namespace);
  if (!live || !createdByStagecraft(live.metadata?.labels, ctx.environment)) return undefined;
  if (ctx.dryRun) {
    ctx.log.info(`Would delete namespace ${namespace} (created by stagecraft for ${ctx.environment})`);
    return { stopped: true, summary: [`Would delete namespace \`${namespace}\`.`] };
  }
  await client.remove({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name: namespace });
  ctx.log.info(`Namespace ${namespace} deleted; waiting until it is gone`);
  await gone(client, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }], timeoutMs);
  return { stopped: true, summary: [`Namespace \`${namespace}\` (created by stagecraft) deleted.`] };
}

export async function stopKubernetes(options: KubernetesTarget, ctx: DeployContext): Promise<StopResult> {
  const rendered = await loadTarget(options, ctx.environment, ctx.env);
  const client = createClient({ kubeconfig: options.kubeconfig, context: options.context });
  ctx.log.info(`Kubernetes API ${client.server}`);
  const namespace = options.namespace || client.namespace;
  const whole = await stopNamespace(client, namespace, ctx, options.rolloutTimeoutMs);
  if (whole) return whole;
  if (!rendered) {
    ctx.log.info(
      `Namespace ${namespace} was not created by stagecraft for ${ctx.environment}, and \`workloads\` only patched existing workloads: nothing to delete`,
    );
    return { stopped: false, summary: [] };
  }
  // Never a Namespace object: only a namespace stagecraft labelled as its own is deleted (above).
  const objects = (await placeObjects(client, rendered, options.namespace)).filter(
    (o) => o.kind !== 'Namespace',
  );
  const present: KObject[] = [];
  for (const obj of objects) {
    const { apiVersion, kind, metadata } = obj;
    if (
      await client.read(
        apiVersion as string,
        kind as string,
        metadata?.namespace ?? '',
        metadata?.name as string,
      )
    )
      present.push(obj);
  }
  if (present.length === 0) return { stopped: false, summary: [] };
  const names = present.map(label);
  if (ctx.dryRun) {
    ctx.log.info(`Would delete ${names.join(', ')}`);
    return { stopped: true, summary: [`Would delete ${names.map((n) => `\`${n}\``).join(', ')}.`] };
  }
  for (const obj of [...present].reverse()) {
    await client.remove({
      apiVersion: obj.apiVersion as string,
      kind: obj.kind as string,
      namespace: obj.metadata?.namespace ?? '',
      name: obj.metadata?.name as string,
    });
    ctx.log.info(`${label(obj)} deleted`);
  }
  await gone(client, present, options.rolloutTimeoutMs);
  return {
    stopped: true,
    summary: [
      `Deleted the objects deploy-env applied (namespace \`${namespace}\` was not created by stagecraft and stays): ${names.map((n) => `\`${n}\``).join(', ')}.`,
    ],
  };
}

function label(obj: KObject): string {
  const ns = obj.metadata?.namespace;
  return `${String(obj.kind).toLowerCase()}/${obj.metadata?.name}${ns ? ` (${ns})` : ''}`;
}

async function gone(client: KubeClient, objects: KObject[], timeoutMs: number): Promise<void> {
  try {
    await waitGone(
      objects.map((o) => ({
        what: label(o),
        read: () =>
          client.read(
            o.apiVersion as string,
            o.kind as string,
            o.metadata?.namespace ?? '',
            o.metadata?.name as string,
          ),
      })),
      timeoutMs,
    );
  } catch (err) {
    throw new StepError(`Deleted, but ${(err as Error).message}`);
  }
}
