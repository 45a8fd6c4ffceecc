/**
 * The ecs strategy's typed options. They arrive checked (deploy-env and rollback parse and check
 * their inputs at the edge, src/steps/strategies/): core does not check them again.
 */

/** The service and how to reach and wait for it. */
import type { ParsedImage } from '../../image-ref.js';

export interface EcsService {
  cluster: string;
  service: string;
  containers?: string[];
  region: string;
  endpointUrl?: string;
  forceNewDeployment: boolean;
  desiredCount?: number;
  rolloutTimeoutMs: number;
  /** Between DescribeServices polls while waiting (default 6 s; tests use a few ms). */
  pollIntervalMs?: number;
  /** SDK attempts per request in standard retry mode (default 5). */
  maxAttempts?: number;
  /** A blue/green deployment paused at a PAUSE hook: `succeed` (default) passes as `paused`, `wait` keeps waiting. */
  rolloutPause?: 'succeed' | 'wait';
}

/**
 * A deploy registers a revision with `image` (from the `taskDefinition` file, else the service's
 * current revision), or deploys an existing revision as it is (`image`, when given, must be
 * what that revision runs).
 */
export type EcsOptions = EcsService & {
  /** Deploy an image a rollback held on the service, and lift the hold (`force` input). */
  force?: boolean;
} & (
    | {
        image: ParsedImage;
        /** Path of a JSON/YAML task definition file (`{environment}` already replaced). */
        taskDefinition?: string;
        taskDefinitionArn?: undefined;
      }
    | {
        /** Deploy this existing revision (ARN or `family:revision`) without registering. */
        taskDefinitionArn: string;
        image?: ParsedImage;
        taskDefinition?: undefined;
      }
  );

export interface EcsRollbackOptions extends EcsService {
  /** Return to this revision (ARN or `family:revision`). */
  taskDefinitionArn?: string;
  /** An explicit image to return to (the `to` input), an image reference. */
  to?: string;
  /** The deployed image's repository, to pick containers (`image` input). */
  image?: ParsedImage;
  reason?: string;
}

export const DEFAULT_POLL_INTERVAL_MS = 6000;
