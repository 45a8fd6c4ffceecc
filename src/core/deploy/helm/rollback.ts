/**
 * helm strategy of rollback: `helm rollback` to the previous deployed revision (or to `to`: a
 * revision number, or the newest earlier revision that ran that image), then the kubernetes
 * strategy's wait on the release's workloads, and the image rolled away from held on them.
 */
import { InputError, StepError } from '../../errors.js';
import { parseImageRef, sameRepository } from '../../image-ref.js';
import { HELD_IMAGES_ANNOTATION } from '../holds-format.js';
import type { KubeClient } from '../kubernetes/client.js';
import { heldAfterRollback } from '../kubernetes/holds.js';
import { waitForRollouts } from '../kubernetes/rollout.js';
import { describe, podSpecOf, type WorkloadRef } from '../kubernetes/workloads.js';
import type { DeployContext, RollbackResult } from '../types.js';
import {
  connectHelm,
  goodRevisions,
  type Helm,
  history,
  isPending,
  manifestOf,
  type Revision,
  valuesOf,
} from './cli.js';
import type { HelmRollbackOptions } from './options.js';
import { recoverPending } from './recover.js';
import { imageFromValues, releaseWorkloads } from './release.js';

export async function rollbackHelm(
  options: HelmRollbackOptions,
  ctx: DeployContext,
): Promise<RollbackResult> {
  const { createClient } = await import('../kubernetes/client.js');
  const client = createClient({ kubeconfig: options.kubeconfig, context: options.context });
  const namespace = options.namespace || client.namespace;
  const helm = await connectHelm({
    ...(options.helm ? { helm: options.helm } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    namespace,
    cwd: options.workingDirectory,
    ...(ctx.env ? { env: ctx.env } : {}),
  });
  const release = options.release;
  let revisions = await history(helm, release);
  if (revisions.length === 0) {
    throw new StepError(`Release ${release} does not exist in namespace ${namespace}: nothing to roll back`);
  }
  if (!ctx.dryRun && isPending(revisions.at(-1)?.status ?? ''))
    revisions = await recoverPending(helm, release, revisions, ctx.log);
  const current = revisions.at(-1) as Revision;
  const from = await imageOf(helm, release, current.revision, options.imageKey);
  const target = await pickRevision(helm, options, revisions, current);
  const to = await imageOf(helm, release, target.revision, options.imageKey);
  if (ctx.dryRun) {
    return {
      from,
      to,
      revision: String(current.revision),
      summary: [
        `Dry run: would roll release \`${release}\` back from revision ${current.revision} to revision ${target.revision}.`,
      ],
    };
  }
  await helm.run(
    ['rollback', release, String(target.revision)],
    `helm rollback ${release} ${target.revision}`,
  );
  const now = (await history(helm, release)).at(-1) as Revision;
  const refs = releaseWorkloads(await manifestOf(helm, release, now.revision), namespace);
  const held = from && from !== to ? await holdOn(client, refs, from, to, options, ctx) : [];
  const results = await ctx.log.group(
    `Waiting for the rollout of ${refs.map(describe).join(', ') || 'nothing'}`,
    () =>
      waitForRollouts(client, refs, {
        timeoutMs: options.rolloutTimeoutMs,
        pollIntervalMs: options.pollIntervalMs ?? 1000,
        log: ctx.log,
      }),
  );
  return {
    from,
    to,
    revision: String(now.revision),
    summary: [
      `Release \`${release}\` in namespace \`${namespace}\` rolled back from revision ${current.revision} to revision ${target.revision}'s chart and values (now revision ${now.revision}).`,
      ...(held.length ? ['', ...held.map((h) => `- ${h}`)] : []),
      '',
      ...results.map((r) => `- ${describe(r.ref)}: ${r.message}`),
    ],
  };
}

async function imageOf(helm: Helm, release: string, revision: number, key: string): Promise<string> {
  return imageFromValues(await valuesOf(helm, release, revision), key) ?? '';
}

/** The revision to return to: `to` (a revision number or an image), else the previous deployed one. */
async function pickRevision(
  helm: Helm,
  options: HelmRollbackOptions,
  revisions: Revision[],
  current: Revision,
): Promise<Revision> {
  const earlier = revisions.filter((r) => r.revision < current.revision);
  if (options.to && /^\d+$/.test(options.to)) {
    const wanted = earlier.find((r) => r.revision === Number(options.to));
    if (!wanted) {
      throw new InputError(
        'to',
        options.to,
        `a revision of release ${options.release} before ${current.revision} (it has ${earlier.map((r) => r.revision).join(', ') || 'none'})`,
      );
    }
    return wanted;
  }
  if (options.to) {
    const to = options.to;
    for (const r of [...earlier].reverse()) {
      const image = await imageOf(helm, options.release, r.revision, options.imageKey);
      const tagOnly = !/[/:@]/.test(to) && image.endsWith(`:${to}`);
      if (image && (image === to || tagOnly || matchesRef(image, to))) return r;
    }
    throw new InputError(
      'to',
      to,
      `a revision number, or an image (or tag) one of release ${options.release}'s earlier revisions ran`,
    );
  }
  const from = await imageOf(helm, options.release, current.revision, options.imageKey);
  for (const r of goodRevisions(revisions, current.revision).reverse()) {
    if ((await imageOf(helm, options.release, r.revision, options.imageKey)) !== from) return r;
  }
  throw new StepError(
    `Release ${options.release} has no earlier revision that ran another image than ${from || 'the current one'} and was not rolled back: nothing to roll back to (name one with \`to\`)`,
  );
}

function matchesRef(image: string, to: string): boolean {
  try {
    const a = parseImageRef(image);
    const b = parseImageRef(to);
    return sameRepository(a, b) && (a.tag ?? '') === (b.tag ?? '') && (a.digest ?? '') === (b.digest ?? '');
  } catch {
    return false;
  }
}

/** Holds `from` on each workload of the release that runs `to` now (annotation, JSON merge patch). */
async function holdOn(
  client: KubeClient,
  refs: WorkloadRef[],
  from: string,
  to: string,
  options: HelmRollbackOptions,
  ctx: DeployContext,
): Promise<string[]> {
  const lines: string[] = [];
  for (const ref of refs) {
    const live = await client.read(ref.apiVersion, ref.kind, ref.namespace, ref.name);
    if (!live || !podSpecOf(live)) continue;
    const value = heldAfterRollback(live, ref, from, to, options.reason, ctx.origin);
    await client.mergePatch(ref, { metadata: { annotations: { [HELD_IMAGES_ANNOTATION]: value } } });
    lines.push(
      `${describe(ref)}: ${from} held in ${ctx.environment}${options.reason ? ` (${options.reason})` : ''}`,
    );
  }
  return lines;
}
