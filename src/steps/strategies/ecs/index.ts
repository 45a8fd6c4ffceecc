/** The ecs strategy's inputs, target and adapter (core: src/core/deploy/ecs/). */
import type { EcsOptions, EcsService as EcsServiceOptions } from '../../../core/deploy/ecs/options.js';
import { errorMessage, InputError } from '../../../core/errors.js';
import { type ParsedImage, parseImageRef } from '../../../core/image-ref.js';
import { bool, type Inputs, int, parsed, text } from '../../../platform/inputs.js';
import type { Tuning } from '../../../platform/runtime.js';
import type { SettingsSource } from '../../../platform/step.js';
import { parseHttpUrl } from '../../shared-inputs.js';
import type { ProgressiveInput } from '../progressive-inputs.js';
import { containersInput, rolloutTimeoutInput } from '../shared-inputs.js';
import { defineStrategy, missingImage, withEnv } from '../strategy.js';

/** deploy-env's progressive-delivery settings for ecs. */
interface Progressive {
  action: 'deploy' | 'promote' | 'reject';
  rolloutPause: 'succeed' | 'wait';
  testUrl?: string;
}

export const DEFAULT_ROLLOUT_TIMEOUT_MS = 30 * 60_000;

export const ecsInputs = {
  cluster: text({ description: 'ecs: cluster name or ARN', default: 'default' }),
  service: text({ description: 'ecs: service name (required for ecs)' }),
  'task-definition': text({
    description:
      "ecs: task definition file (JSON or YAML), `{environment}` replaced; default the service's current revision",
  }),
  'task-definition-arn': text({
    description: 'ecs: deploy this existing revision (no registration); `image` may then be omitted',
  }),
  'aws-region': text({ description: 'ecs: AWS region; default `AWS_REGION`' }),
  'endpoint-url': parsed(
    { description: 'ecs: custom ECS endpoint (e.g. a local emulator)', accepted: 'an http(s) URL' },
    parseHttpUrl,
  ),
  'force-new-deployment': bool({
    description: 'ecs: start a new deployment even if nothing changed',
    default: 'false',
  }),
  'desired-count': int({ description: 'ecs: set the service desired count' }),
  containers: containersInput,
  'rollout-timeout': rolloutTimeoutInput,
};

/** The service and how to wait for it, as core takes it (its polling and attempts are tuning, not inputs). */
type EcsService = Omit<EcsServiceOptions, 'pollIntervalMs' | 'maxAttempts'>;

/** ecs: an existing revision (ARN or `family:revision`), or (deploy only) a task definition file. */
export type EcsTarget = EcsService &
  (
    | { taskDefinitionArn: string; taskDefinition?: undefined }
    | { taskDefinitionArn?: undefined; taskDefinition?: string }
  );

/** An ecs deploy registers a revision with `image`, or deploys an existing revision as it is. */
export type EcsDeployTarget =
  | (EcsService & { taskDefinitionArn: string; taskDefinition?: undefined; image?: ParsedImage })
  | (EcsService & { taskDefinitionArn?: undefined; taskDefinition?: string; image: ParsedImage });

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;
const FAMILY_REVISION = /^[A-Za-z0-9_-]{1,255}:\d+$/;

function ecsTarget(
  input: Inputs<typeof ecsInputs>,
  source: SettingsSource,
  mode: 'deploy' | 'rollback',
): EcsTarget {
  const service = input.service?.trim();
  if (!service) throw new InputError('service', '', 'it is required for strategy ecs');
  const region = input.awsRegion || source.env.AWS_REGION || source.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new InputError(
      'aws-region',
      '',
      'no region: set `aws-region`, or AWS_REGION / AWS_DEFAULT_REGION in the environment',
    );
  }
  if (!REGION.test(region)) throw new InputError('aws-region', region, 'an AWS region such as eu-west-1');
  const arn = input.taskDefinitionArn?.trim();
  if (arn !== undefined && !ARN.test(arn) && !FAMILY_REVISION.test(arn)) {
    throw new InputError(
      'task-definition-arn',
      arn,
      'a task definition ARN (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>) or <family>:<revision>',
    );
  }
  // A rollback registers nothing from a file: it returns to a revision or re-uses the current one.
  const file = mode === 'deploy' ? input.taskDefinition : undefined;
  if (file && arn !== undefined) {
    throw new InputError(
      'task-definition-arn',
      arn,
      'give either `task-definition` (a file to register) or `task-definition-arn`, not both',
    );
  }
  const common: EcsService = {
    cluster: input.cluster,
    service,
    ...(input.containers?.length ? { containers: input.containers } : {}),
    region,
    ...(input.endpointUrl ? { endpointUrl: input.endpointUrl } : {}),
    forceNewDeployment: input.forceNewDeployment,
    ...(input.desiredCount !== undefined ? { desiredCount: input.desiredCount } : {}),
    rolloutTimeoutMs: input.rolloutTimeout ?? DEFAULT_ROLLOUT_TIMEOUT_MS,
  };
  return arn !== undefined
    ? { ...common, taskDefinitionArn: arn }
    : { ...common, ...(file ? { taskDefinition: file } : {}) };
}

function ecsService(target: EcsService, tuning: Tuning) {
  return {
    cluster: target.cluster,
    service: target.service,
    ...(target.containers ? { containers: target.containers } : {}),
    region: target.region,
    ...(target.endpointUrl ? { endpointUrl: target.endpointUrl } : {}),
    forceNewDeployment: target.forceNewDeployment,
    ...(target.desiredCount !== undefined ? { desiredCount: target.desiredCount } : {}),
    rolloutTimeoutMs: target.rolloutTimeoutMs,
    ...(tuning.ecsPollIntervalMs !== undefined ? { pollIntervalMs: tuning.ecsPollIntervalMs } : {}),
  };
}

function ecsDeployOptions(target: EcsDeployTarget, tuning: Tuning, environment: string): EcsOptions {
  const service = ecsService(target, tuning);
  if (target.taskDefinitionArn !== undefined) {
    return {
      ...service,
      taskDefinitionArn: target.taskDefinitionArn,
      ...(target.image ? { image: target.image } : {}),
    };
  }
  return {
    ...service,
    image: target.image,
    ...(target.taskDefinition ? { taskDefinition: withEnv(target.taskDefinition, environment) } : {}),
  };
}

export const ecs = defineStrategy({
  name: 'ecs',
  inputs: ecsInputs,
  target: (input, source) => ecsTarget(input, source, 'rollback'),
  rollbackTo(to) {
    // A tag or digest alone names nothing on ECS: `to` must be an image reference.
    try {
      parseImageRef(to);
    } catch (err) {
      throw new InputError('to', to, `for ecs, an image reference to return to (${errorMessage(err)})`);
    }
    return to;
  },
  deployTarget(
    input: Inputs<typeof ecsInputs> & Partial<ProgressiveInput>,
    image: ParsedImage | undefined,
    source: SettingsSource,
  ): EcsDeployTarget & Progressive {
    const progressive: Progressive = {
      action: input.action ?? 'deploy',
      rolloutPause: input.rolloutPause ?? 'succeed',
      ...(input.testUrl ? { testUrl: input.testUrl } : {}),
    };
    if (progressive.action !== 'deploy')
      return {
        ...ecsTarget(input, source, 'rollback'),
        ...(image ? { image } : {}),
        ...progressive,
      } as EcsDeployTarget & Progressive;
    if (!image && !input.taskDefinitionArn) missingImageError();
    const target = ecsTarget(input, source, 'deploy');
    if (target.taskDefinitionArn !== undefined)
      return { ...target, ...(image ? { image } : {}), ...progressive };
    if (image) return { ...target, image, ...progressive };
    return missingImageError(); // ruled out above
  },
  requested: (target) => ({
    ...(target.image ? { image: target.image } : {}),
    text:
      target.action !== 'deploy'
        ? `${target.action} ${target.service}`
        : (target.image?.text ?? target.taskDefinitionArn ?? ''),
  }),
  async deploy(target, env, ctx, force) {
    const core = await import('../../../core/deploy/ecs/index.js');
    const service = { ...ecsService(target, env.tuning), rolloutPause: target.rolloutPause };
    const result =
      target.action !== 'deploy'
        ? await core.decideEcs(service, target.action, ctx)
        : await core.deployEcs(
            {
              ...ecsDeployOptions(target, env.tuning, ctx.environment),
              rolloutPause: target.rolloutPause,
              force,
            },
            ctx,
          );
    return target.testUrl
      ? { ...result, extraOutputs: { ...result.extraOutputs, 'test-url': target.testUrl } }
      : result;
  },
  async rollback(target, req, env, ctx) {
    const { rollbackEcs } = await import('../../../core/deploy/ecs/index.js');
    return rollbackEcs(
      {
        ...ecsService(target, env.tuning),
        ...(target.taskDefinitionArn !== undefined ? { taskDefinitionArn: target.taskDefinitionArn } : {}),
        ...(req.image ? { image: req.image } : {}),
        ...(req.to ? { to: req.to } : {}),
        ...(req.reason ? { reason: req.reason } : {}),
      },
      ctx,
    );
  },
});

function missingImageError(): never {
  throw missingImage('ecs', '`task-definition-arn` is given');
}
