/**
 * What every deploy strategy (gitops, kubernetes, helm, terraform, ecs) returns, so deploy-env and
 * rollback report the same outputs whatever the strategy. Each strategy module takes its own
 * typed options plus a DeployContext and is loaded only when selected (heavy clients stay lazy).
 */
import type { Log } from '../log.js';

export interface DeployContext {
  environment: string;
  log: Log;
  tempDir: string;
  dryRun: boolean;
  /** Who/what runs the deploy, for commit messages and records (optional: benches and tests omit it). */
  origin?: DeployOrigin;
  /** Environment for child processes (git, terraform, kubectl): the runner's, handed down by the edge. */
  env?: Record<string, string | undefined>;
}

export interface DeployOrigin {
  actor?: string;
  runUrl?: string;
  sha?: string;
  ref?: string;
  repository?: string;
}

export interface DeployResult {
  /** The image reference now deployed. */
  image: string;
  previousImage?: string;
  /** The strategy's own revision: commit sha, Deployment revision, task-definition ARN, … */
  revision?: string;
  /** False when nothing needed to change (idempotent re-run). */
  changed: boolean;
  /** Strategy-specific outputs (e.g. ecs `deployment-id`). */
  extraOutputs?: Record<string, string>;
  /** Markdown lines for the job summary. */
  summary: string[];
}

export interface RollbackResult {
  from: string;
  to: string;
  revision: string;
  /** Strategy-specific outputs (e.g. gitops `pull-request-url`). */
  extraOutputs?: Record<string, string>;
  summary: string[];
}
