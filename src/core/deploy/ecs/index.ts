/**
 * The ecs strategy of deploy-env and rollback. Deploy: render the task definition (a file, or
 * the service's current revision) with the new image, register it only when it differs,
 * update the service and wait for our own deployment. Rollback: return the service to the
 * revision it ran before its current deployment (from its deployment history), or to an
 * explicit image or revision. Loaded only when `strategy: ecs` runs (the SDK is large).
 */
import {
  DescribeTaskDefinitionCommand,
  type DescribeTaskDefinitionCommandOutput,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandOutput,
  type Service,
  type TaskDefinition,
  UpdateServiceCommand,
  type UpdateServiceCommandOutput,
} from '@aws-sdk/client-ecs';
import { formatDuration } from '../../duration.js';
import { StepError } from '../../errors.js';
import { parseImage } from '../../image-ref.js';
import { table } from '../../markdown.js';
import type { DeployContext, DeployResult, RollbackResult } from '../types.js';
import { followOptions, followServiceDeployment, inProgress, PROGRESSIVE } from './bluegreen.js';
import { createEcs, type Ecs } from './client.js';
import { deploymentHistory, previousRevision } from './history.js';
import { checkServiceHolds, liftServiceHolds, recordServiceHold } from './holds.js';
import {
  DEFAULT_POLL_INTERVAL_MS,
  type EcsOptions,
  type EcsRollbackOptions,
  type EcsService,
} from './options.js';
import {
  imageOf,
  isPinned,
  readTaskDefinitionFile,
  sameDefinition,
  selectContainers,
  type TaskDefinitionInput,
  toRegistration,
  withImage,
} from './task-definition.js';
import { describeService, waitForDeployment } from './wait.js';

export type { EcsOptions, EcsRollbackOptions, EcsService } from './options.js';
export { RolloutFailed } from './wait.js';

/** What a rollout did, for outputs and the summary. */
interface Rollout {
  deploymentId: string;
  rolloutState: string;
  durationMs?: number;
}

export async function deployEcs(o: EcsOptions, ctx: DeployContext): Promise<DeployResult> {
  const file = o.taskDefinition ? await readTaskDefinitionFile(o.taskDefinition, ctx.environment) : undefined;
  const ecs = clientFor(o);
  try {
    return await deploy(ecs, o, file, ctx);
  } finally {
    ecs.client.destroy(); // close keep-alive sockets so the process can exit
  }
}

async function deploy(
  ecs: Ecs,
  o: EcsOptions,
  file: TaskDefinitionInput | undefined,
  ctx: DeployContext,
): Promise<DeployResult> {
  // Everything that can be checked without AWS is checked first: a bad file changes nothing.
  if (file) selectContainers(file, o.image, o.containers, `task definition file ${o.taskDefinition}`);
  const service = await describeService(ecs, o.cluster, o.service);
  const currentArn = service.taskDefinition ?? '';
  const current = await describeTaskDefinition(ecs, currentArn);
  const held = await checkServiceHolds(ecs, service, ctx.environment, o.force === true, ctx.log);
  let target: TaskDefinition;
  let registered = false;
  let containers: string[];
  let lifted: ReturnType<typeof held>;
  if (o.taskDefinitionArn !== undefined) {
    target = await describeTaskDefinition(ecs, o.taskDefinitionArn);
    requireActive(target, 'task-definition-arn');
    containers = selectContainers(toRegistration(target), o.image, o.containers, `revision ${short(target)}`);
    if (o.image && imageOf(target, containers) !== o.image.text) {
      throw new StepError(
        `revision ${short(target)} runs ${imageOf(target, containers)}, not ${o.image.text}; omit \`image\` to deploy the revision as it is`,
      );
    }
    lifted = held(imageOf(target, containers));
  } else {
    lifted = held(o.image.text);
    const base: TaskDefinitionInput = file ?? toRegistration(current);
    const source = file
      ? `task definition file ${o.taskDefinition}`
      : `the service's current revision ${short(current)}`;
    containers = selectContainers(base, o.image, o.containers, source);
    const rendered = withImage(base, containers, o.image.text);
    if (sameDefinition(rendered, current)) {
      ctx.log.info(
        `Task definition unchanged: the service already runs ${short(current)} with ${o.image.text}`,
      );
      target = current;
    } else if (ctx.dryRun) {
      ctx.log.info(`Dry run: would register a new revision of ${rendered.family} with ${o.image.text}`);
      target = { ...rendered, taskDefinitionArn: `${rendered.family}:(new revision)` } as TaskDefinition;
    } else {
      target = await register(ecs, rendered);
      registered = true;
      ctx.log.info(`Registered ${target.taskDefinitionArn}`);
    }
  }
  const targetArn = target.taskDefinitionArn ?? '';
  const previousImage = imageOf(current, containers);
  const image = imageOf(target, containers);
  const countChanges = o.desiredCount !== undefined && o.desiredCount !== service.desiredCount;
  const update = targetArn !== currentArn || o.forceNewDeployment || countChanges;

  let rollout: Rollout | undefined;
  if (ctx.dryRun) {
    ctx.log.info(
      update ? `Dry run: would update service ${o.service} to ${targetArn}` : 'Dry run: nothing to change',
    );
  } else if (update) {
    rollout = await updateAndWait(ecs, o, service, targetArn, ctx);
  } else {
    // Idempotent re-run: no new revision, no new deployment; still wait for an unfinished one.
    const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
    if (primary?.id && primary.rolloutState === 'IN_PROGRESS') {
      ctx.log.info(
        `Service already on ${short(current)}; waiting for its deployment ${primary.id} in progress`,
      );
      const since = primary.createdAt?.getTime() ?? Date.now();
      const done = await waitForDeployment(ecs, waitOptions(o, primary.id, since), ctx.log);
      rollout = { deploymentId: primary.id, ...done };
    } else {
      ctx.log.info(`Service ${o.service} already runs ${short(current)}; nothing to deploy`);
      rollout = { deploymentId: primary?.id ?? '', rolloutState: primary?.rolloutState ?? '' };
    }
  }
  // force: the service runs the held image now; its hold goes.
  const liftLine = ctx.dryRun
    ? undefined
    : await liftServiceHolds(ecs, service, lifted, ctx.environment, ctx.log);
  ctx.log.debug(`ECS API calls: ${[...ecs.calls].map(([op, n]) => `${op}×${n}`).join(', ')}`);
  return {
    image,
    ...(previousImage ? { previousImage } : {}),
    revision: targetArn,
    changed: update || registered,
    extraOutputs: {
      'task-definition-arn': targetArn,
      'previous-task-definition-arn': currentArn,
      'deployment-id': rollout?.deploymentId ?? '',
      'rollout-state': rollout?.rolloutState ?? '',
    },
    summary: [
      ...summary(o, {
        from: currentArn,
        to: targetArn,
        previousImage,
        image,
        registered,
        rollout,
        dryRun: ctx.dryRun,
      }),
      ...(liftLine ? ['', `${liftLine}.`] : []),
    ],
  };
}

export async function rollbackEcs(o: EcsRollbackOptions, ctx: DeployContext): Promise<RollbackResult> {
  const ecs = clientFor(o);
  try {
    return await rollback(ecs, o, ctx);
  } finally {
    ecs.client.destroy();
  }
}

async function rollback(ecs: Ecs, o: EcsRollbackOptions, ctx: DeployContext): Promise<RollbackResult> {
  const service = await describeService(ecs, o.cluster, o.service);
  const currentArn = service.taskDefinition ?? '';
  const current = await describeTaskDefinition(ecs, currentArn);
  let target: TaskDefinition;
  let containers: string[];
  if (o.taskDefinitionArn || !o.to) {
    const arn =
      o.taskDefinitionArn ?? previousRevision(await deploymentHistory(ecs, o.cluster, o.service), currentArn);
    if (!arn) {
      throw new StepError(
        `ECS service ${o.service} has no earlier revision to roll back to: its deployment history holds nothing before ${short(current)} (it was never deployed before, or the earlier deployments were already rolled back). Give \`to\` (an image) or \`task-definition-arn\`. Nothing was changed.`,
      );
    }
    target = await describeTaskDefinition(ecs, arn);
    requireActive(target, o.taskDefinitionArn ? 'task-definition-arn' : undefined);
    containers = selectContainers(toRegistration(target), o.image, o.containers, `revision ${short(target)}`);
  } else {
    // An explicit image: the current revision with that image (an existing identical revision is reused).
    containers = selectContainers(
      toRegistration(current),
      o.image ?? (o.to ? parseImage(o.to) : undefined),
      o.containers,
      `the service's current revision ${short(current)}`,
    );
    const rendered = withImage(toRegistration(current), containers, o.to);
    target = sameDefinition(rendered, current)
      ? current
      : ctx.dryRun
        ? ({ ...rendered, taskDefinitionArn: `${rendered.family}:(new revision)` } as TaskDefinition)
        : await register(ecs, rendered);
  }
  const targetArn = target.taskDefinitionArn ?? '';
  if (targetArn === currentArn) {
    throw new StepError(
      `ECS service ${o.service} already runs ${short(current)}; nothing to roll back. Nothing was changed.`,
    );
  }
  for (const c of target.containerDefinitions ?? []) {
    if (c.image && !isPinned(c.image)) {
      ctx.log.warning(
        `Rolling back to ${short(target)}, whose container ${c.name} uses the mutable tag ${c.image}: the tag may now point to a different image than the one that ran. Deploy digests (repo@sha256:…) to make rollbacks exact.`,
      );
    }
  }
  const from = imageOf(current, containers);
  const to = imageOf(target, containers);
  ctx.log.info(
    `Rolling back ${o.service} from ${short(current)} (${from}) to ${short(target)} (${to})${o.reason ? `: ${o.reason}` : ''}`,
  );
  const rollout = ctx.dryRun
    ? undefined
    : await updateAndWait(ecs, { ...o, forceNewDeployment: false }, service, targetArn, ctx);
  const held =
    ctx.dryRun || !from
      ? undefined
      : await recordServiceHold(ecs, service, from, to, ctx.environment, o.reason, ctx.origin, ctx.log);
  return {
    from,
    to,
    revision: targetArn,
    summary: [
      ...summary(o, {
        from: currentArn,
        to: targetArn,
        previousImage: from,
        image: to,
        registered: false,
        rollout,
        dryRun: ctx.dryRun,
      }),
      ...(held ? ['', held] : []),
    ],
  };
}

function clientFor(o: EcsService): Ecs {
  return createEcs({
    region: o.region,
    ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}),
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
  });
}

function waitOptions(o: EcsService, deploymentId: string, startedAt: number, previous?: string) {
  return {
    ...(previous ? { previousTaskDefinition: previous } : {}),
    cluster: o.cluster,
    service: o.service,
    deploymentId,
    timeoutMs: o.rolloutTimeoutMs,
    pollIntervalMs: o.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    startedAt,
  };
}

async function updateAndWait(
  ecs: Ecs,
  o: EcsService,
  service: Service,
  targetArn: string,
  ctx: DeployContext,
): Promise<Rollout> {
  const startedAt = Date.now();
  const out = await ecs.call<UpdateServiceCommandOutput>(
    'UpdateService',
    new UpdateServiceCommand({
      cluster: o.cluster,
      service: o.service,
      taskDefinition: targetArn,
      ...(o.forceNewDeployment ? { forceNewDeployment: true } : {}),
      ...(o.desiredCount !== undefined ? { desiredCount: o.desiredCount } : {}),
    }),
    `service ${o.service} in cluster ${o.cluster}`,
  );
  const primary = out.service?.deployments?.find(
    (d) => d.status === 'PRIMARY' && d.taskDefinition === targetArn,
  );
  if (!primary?.id) {
    throw new StepError(`ECS UpdateService of ${o.service} returned no PRIMARY deployment of ${targetArn}`);
  }
  const strategy = out.service?.deploymentConfiguration?.strategy;
  if (strategy && PROGRESSIVE.has(strategy)) {
    // Blue/green, linear, canary: followed through its lifecycle stages (bluegreen.ts).
    const arn = await inProgress(ecs, o.cluster, o.service);
    if (arn) {
      ctx.log.info(`Started ${strategy} deployment ${primary.id} of ${targetArn}`);
      const followed = await followServiceDeployment(
        ecs,
        arn,
        { ...followOptions(o), goal: 'forward' },
        ctx.log,
      );
      return {
        deploymentId: primary.id,
        rolloutState: followed.rolloutState,
        durationMs: followed.durationMs,
      };
    }
  }
  const known = service.deployments?.some((d) => d.id === primary.id);
  ctx.log.info(
    `${known ? 'Service updated; waiting for its deployment' : 'Started deployment'} ${primary.id} of ${targetArn}`,
  );
  const since = known ? (primary.createdAt?.getTime() ?? startedAt) : startedAt;
  const done = await waitForDeployment(
    ecs,
    waitOptions(o, primary.id, since, service.taskDefinition),
    ctx.log,
  );
  ctx.log.info(`Deployment ${primary.id} ${done.rolloutState} in ${formatDuration(done.durationMs)}`);
  return { deploymentId: primary.id, ...done };
}

async function describeTaskDefinition(ecs: Ecs, arn: string): Promise<TaskDefinition> {
  const out = await ecs.call<DescribeTaskDefinitionCommandOutput>(
    'DescribeTaskDefinition',
    new DescribeTaskDefinitionCommand({ taskDefinition: arn }),
    `task definition ${arn}`,
  );
  if (!out.taskDefinition) throw new StepError(`ECS returned no task definition for ${arn}`);
  return out.taskDefinition;
}

async function register(ecs: Ecs, def: TaskDefinitionInput): Promise<TaskDefinition> {
  const out = await ecs.call<RegisterTaskDefinitionCommandOutput>(
    'RegisterTaskDefinition',
    new RegisterTaskDefinitionCommand(def),
    `task definition family ${def.family}`,
  );
  if (!out.taskDefinition?.taskDefinitionArn)
    throw new StepError(`ECS registered no revision of ${def.family}`);
  return out.taskDefinition;
}

function requireActive(def: TaskDefinition, input?: string) {
  if (def.status !== 'ACTIVE') {
    throw new StepError(
      `${input ? `\`${input}\` ` : ''}revision ${def.taskDefinitionArn} is ${def.status} (deregistered); ECS cannot deploy it. Register it again or choose another revision. Nothing was changed.`,
    );
  }
}

/** `family:revision` from an ARN or a definition. */
function short(def: TaskDefinition | string): string {
  const arn = typeof def === 'string' ? def : (def.taskDefinitionArn ?? `${def.family}:${def.revision}`);
  return arn.split('/').pop() ?? arn;
}

function summary(
  o: EcsService,
  s: {
    from: string;
    to: string;
    previousImage: string;
    image: string;
    registered: boolean;
    rollout: Rollout | undefined;
    dryRun: boolean;
  },
): string[] {
  const change = (a: string, b: string) => (a === b ? `\`${b}\` (unchanged)` : `\`${a}\` → \`${b}\``);
  const rows = [
    ['Cluster', o.cluster],
    ['Service', o.service],
    ['Task definition', `${change(short(s.from), short(s.to))}${s.registered ? ' (registered)' : ''}`],
    ['Image', change(s.previousImage || '—', s.image)],
  ];
  if (s.rollout?.deploymentId) {
    const took = s.rollout.durationMs !== undefined ? ` in ${formatDuration(s.rollout.durationMs)}` : '';
    rows.push(['Deployment', `\`${s.rollout.deploymentId}\` ${s.rollout.rolloutState || ''}${took}`.trim()]);
  }
  if (s.dryRun) rows.push(['Dry run', 'nothing was registered or updated']);
  return ['#### Amazon ECS', '', table(['', ''], rows)];
}

export { decideEcs } from './decide.js';
