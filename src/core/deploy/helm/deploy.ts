/**
 * helm strategy of deploy-env: recover a release a cancelled job left pending, check holds on the
 * release's workloads, `helm upgrade --install` (no `--wait`: it would sit out its timeout), then
 * wait for the release's workloads with the kubernetes strategy's fail-fast verdict. With
 * `atomic`, a failed upgrade or rollout returns the release to its previous deployed revision
 * (or uninstalls a first install) and the failure says so.
 */
import { errorMessage, StepError } from '../../errors.js';
import { excerpt } from '../../markdown.js';
import { checkWorkloadHolds, liftWorkloadHolds } from '../kubernetes/holds.js';
import { ensureNamespace } from '../kubernetes/namespace.js';
import { readWorkloads } from '../kubernetes/prepare.js';
import { waitForRollouts } from '../kubernetes/rollout.js';
import { describe } from '../kubernetes/workloads.js';
import type { DeployContext, DeployResult } from '../types.js';
import { connectReading, type Helm, history, isPending, lastGood, releaseState, status } from './cli.js';

import type { HelmDeployOptions } from './options.js';
import { recoverPending } from './recover.js';
import { imageValues, manifestChanges, releaseWorkloads, setString } from './release.js';

/** Between rollout polls: a verdict comes within a quarter second of the pods' state (the kubernetes strategy polls each second). */
const POLL_MS = 250;

export async function deployHelm(options: HelmDeployOptions, ctx: DeployContext): Promise<DeployResult> {
  const release = options.release;
  // The Kubernetes client (a large module) loads while helm reads the release.
  const [client, { helm, found }] = await Promise.all([
    import('../kubernetes/client.js').then((m) =>
      m.createClient({ kubeconfig: options.kubeconfig, context: options.context }),
    ),
    connectReading({ ...access(options, options.namespace), ...(ctx.env ? { env: ctx.env } : {}) }, release),
  ]);
  const namespace = options.namespace || client.namespace;
  ctx.log.info(
    `helm ${helm.version.text}, release ${release} in namespace ${namespace}, Kubernetes API ${client.server}`,
  );
  let current = found;
  if (current && isPending(current.status) && !ctx.dryRun) {
    await recoverPending(helm, release, await history(helm, release), ctx.log);
    current = await status(helm, release);
  }
  const before = current ? releaseWorkloads(current.manifest, namespace) : [];
  const live = await readWorkloads(client, before, options.image.ref);
  const lifts = checkWorkloadHolds(live, options.image.text, ctx.environment, options.force === true);
  const previous = live.find((w) => w.previous)?.previous;
  const upgrade = upgradeArgs(options, helm);
  if (ctx.dryRun) return dryRun(helm, upgrade, options, namespace, previous, current?.manifest ?? '', ctx);

  if (options.namespace && options.namespaceLabels) {
    await ensureNamespace(client, options.namespace, options.namespaceLabels, false, ctx.log);
  }
  ctx.log.info(`helm upgrade --install ${release} ${options.chart}`);
  const run = await helm.tryRun([...upgrade, '--output=json']);
  if (run.code !== 0) {
    const reason = `helm upgrade --install ${release} failed (helm exit ${run.code}): ${excerpt(run.stderr.trim() || run.stdout, 2000)}`;
    throw await failed(helm, options, current?.revision, reason, ctx);
  }
  const installed = releaseState(run.stdout);
  const revision = installed.revision;
  const refs = releaseWorkloads(installed.manifest, namespace);
  const lifted = await liftWorkloadHolds(client, lifts, ctx.environment, ctx.log);
  const results = await ctx.log
    .group(
      `Waiting for the rollout of ${refs.map(describe).join(', ') || 'nothing'} (release ${release} revision ${revision})`,
      () =>
        waitForRollouts(client, refs, {
          timeoutMs: options.rolloutTimeoutMs,
          pollIntervalMs: options.pollIntervalMs ?? POLL_MS,
          log: ctx.log,
          ...(options.rolloutPause ? { rolloutPause: options.rolloutPause } : {}),
        }),
    )
    .catch(async (err: unknown) => {
      throw await failed(helm, options, current?.revision, errorMessage(err), ctx);
    });
  const paused = results.some((r) => r.paused);
  const changed = !current || installed.manifest !== current.manifest;
  return {
    image: options.image.text,
    ...(previous ? { previousImage: previous } : {}),
    revision: String(revision),
    changed: changed || lifted.length > 0,
    extraOutputs: { 'rollout-state': paused ? 'paused' : 'healthy' },
    summary: [
      `Release \`${release}\` in namespace \`${namespace}\`: revision ${revision}${current ? ` (was ${current.revision})` : ' (first install)'}, chart \`${options.chart}\`.`,
      ...(lifted.length ? ['', ...lifted.map((l) => `- ${l}`)] : []),
      '',
      ...results.map((r) => `- ${describe(r.ref)}: ${r.message}`),
    ],
  };
}

export function access(
  options: Pick<HelmDeployOptions, 'helm' | 'kubeconfig' | 'context' | 'workingDirectory'>,
  namespace: string | undefined,
) {
  return {
    ...(options.helm ? { helm: options.helm } : {}),
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(namespace ? { namespace } : {}),
    cwd: options.workingDirectory,
  };
}

function upgradeArgs(options: HelmDeployOptions, helm: Helm): string[] {
  const image = imageValues(options.image);
  const oci = options.chart.startsWith('oci://');
  if (oci && !options.tlsVerify && helm.version.major === 3 && helm.version.minor < 13) {
    throw new StepError(
      `helm ${helm.version.text} cannot pull over plain HTTP (--plain-http needs Helm 3.13+)`,
    );
  }
  return [
    'upgrade',
    '--install',
    options.release,
    options.chart,
    // A preview environment's namespace may not exist yet (as `kubectl apply` of a Namespace would).
    '--create-namespace',
    ...(options.chartVersion ? [`--version=${options.chartVersion}`] : []),
    ...(oci && !options.tlsVerify ? ['--plain-http'] : []),
    ...options.values.map((f) => `--values=${f}`),
    ...options.set.map((s) => `--set-string=${setString(s.key, s.value)}`),
    `--set-string=${setString(`${options.imageKey}.repository`, image.repository)}`,
    `--set-string=${setString(`${options.imageKey}.tag`, image.tag)}`,
  ];
}

/** A failed upgrade or rollout: with `atomic`, back to the previous deployed revision (or uninstalled). */
async function failed(
  helm: Helm,
  options: HelmDeployOptions,
  before: number | undefined,
  reason: string,
  ctx: DeployContext,
): Promise<StepError> {
  const after = await history(helm, options.release);
  const attempted = after.at(-1);
  const created = attempted && attempted.revision !== before;
  if (!created) return new StepError(reason);
  if (!options.atomic) {
    return new StepError(
      `${reason}\n\nRelease ${options.release} stays on revision ${attempted.revision} (atomic: false).`,
      {
        outputs: { revision: String(attempted.revision), 'rollout-state': 'failed' },
      },
    );
  }
  const good = lastGood(after, attempted.revision);
  try {
    if (good) {
      await helm.run(
        ['rollback', options.release, String(good.revision)],
        `helm rollback ${options.release}`,
      );
      const now = (await history(helm, options.release)).at(-1);
      ctx.log.warning(
        `atomic: release ${options.release} rolled back to revision ${good.revision} (now revision ${now?.revision})`,
      );
      return new StepError(
        `${reason}\n\nRolled back (atomic): release ${options.release} is back on revision ${good.revision}'s chart and values as revision ${now?.revision}; revision ${attempted.revision} failed.`,
        { outputs: { revision: String(now?.revision ?? ''), 'rollout-state': 'rolled-back' } },
      );
    }
    await helm.run(['uninstall', options.release], `helm uninstall ${options.release}`);
    ctx.log.warning(`atomic: first install of release ${options.release} failed; uninstalled`);
    return new StepError(
      `${reason}\n\nRolled back (atomic): the first install of release ${options.release} failed and was uninstalled.`,
      {
        outputs: { 'rollout-state': 'rolled-back' },
      },
    );
  } catch (err) {
    return new StepError(`${reason}\n\nThe atomic rollback failed too: ${errorMessage(err)}`);
  }
}

async function dryRun(
  helm: Helm,
  upgrade: string[],
  options: HelmDeployOptions,
  namespace: string,
  previous: string | undefined,
  currentManifest: string,
  ctx: DeployContext,
): Promise<DeployResult> {
  const server = helm.version.major > 3 || helm.version.minor >= 13;
  const out = await helm.run(
    [...upgrade, server ? '--dry-run=server' : '--dry-run', '--output=json'],
    `helm upgrade --dry-run ${options.release}`,
  );
  const rendered = JSON.parse(out) as { manifest?: string; version?: number };
  const refs = releaseWorkloads(rendered.manifest ?? '', namespace);
  const changes = manifestChanges(currentManifest, rendered.manifest ?? '');
  ctx.log.info(`Dry run: release ${options.release} would be revision ${rendered.version ?? '?'}`);
  for (const c of changes) ctx.log.info(`  ${c}`);
  return {
    image: options.image.text,
    ...(previous ? { previousImage: previous } : {}),
    changed: changes.length > 0,
    summary: [
      `Dry run (\`helm upgrade --install ${server ? '--dry-run=server' : '--dry-run'}\`): release \`${options.release}\` in namespace \`${namespace}\` would become revision ${rendered.version ?? '?'} with image \`${options.image.text}\`; workloads: ${refs.map((r) => `\`${describe(r)}\``).join(', ') || 'none'}.`,
      '',
      ...(changes.length ? changes.map((c) => `- ${c}`) : ['- no object of the release would change']),
      '',
      'Dry run: nothing was changed.',
    ],
  };
}
