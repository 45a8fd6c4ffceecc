/** The ecs strategy's typed options and the checks that run before any AWS call. */
import { InputError } from '../../errors.js';
import { parseImageRef } from '../../image-ref.js';

export interface EcsOptions {
  /** The image to deploy; absent only with `taskDefinitionArn`. */
  image?: string;
  cluster: string;
  service: string;
  /** Path of a JSON/YAML task definition file (`{environment}` already replaced). */
  taskDefinition?: string;
  /** Deploy this existing revision (ARN or `family:revision`) without registering. */
  taskDefinitionArn?: string;
  containers?: string[];
  region?: string;
  endpointUrl?: string;
  forceNewDeployment: boolean;
  desiredCount?: number;
  rolloutTimeoutMs: number;
  /** Between DescribeServices polls while waiting (default 6 s; tests use a few ms). */
  pollIntervalMs?: number;
  /** SDK attempts per request in standard retry mode (default 5). */
  maxAttempts?: number;
}

export interface EcsRollbackOptions extends Omit<EcsOptions, 'image' | 'taskDefinition'> {
  /** An explicit image to return to (the `to` input). */
  to?: string;
  /** The deployed image's repository, to pick containers (`image` input). */
  image?: string;
  reason?: string;
}

export const DEFAULT_POLL_INTERVAL_MS = 6000;

const ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:\d+$/;
const FAMILY_REVISION = /^[A-Za-z0-9_-]{1,255}:\d+$/;

/** Input checks that need no AWS call; they throw InputError before anything is read or changed. */
export function checkOptions(o: EcsOptions | EcsRollbackOptions): void {
  if (!o.service?.trim()) throw new InputError('service', '', 'it is required for strategy ecs');
  if (!o.region) {
    throw new InputError(
      'aws-region',
      '',
      'no region: set `aws-region`, or AWS_REGION / AWS_DEFAULT_REGION in the environment',
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(o.region)) {
    throw new InputError('aws-region', o.region, 'an AWS region such as eu-west-1');
  }
  if (
    o.taskDefinitionArn !== undefined &&
    !ARN.test(o.taskDefinitionArn) &&
    !FAMILY_REVISION.test(o.taskDefinitionArn)
  ) {
    throw new InputError(
      'task-definition-arn',
      o.taskDefinitionArn,
      'a task definition ARN (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>) or <family>:<revision>',
    );
  }
  if ('taskDefinition' in o && o.taskDefinition && o.taskDefinitionArn) {
    throw new InputError(
      'task-definition-arn',
      o.taskDefinitionArn,
      'give either `task-definition` (a file to register) or `task-definition-arn`, not both',
    );
  }
  if ('to' in o && o.to) {
    try {
      parseImageRef(o.to);
    } catch (err) {
      throw new InputError(
        'to',
        o.to,
        `for ecs, an image reference to return to (${(err as Error).message})`,
      );
    }
  }
  if (o.desiredCount !== undefined && o.desiredCount < 0) {
    throw new InputError('desired-count', String(o.desiredCount), 'a count of 0 or more');
  }
}
