/** In-memory ECS objects the fake keeps, shaped as the ECS API returns them. */
export const ACCOUNT = '123456789012';

export type TaskDef = Record<string, unknown> & {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  containerDefinitions: Array<Record<string, unknown> & { name: string; image: string }>;
  tags?: Array<{ key: string; value: string }>;
};

export interface Deployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType: string;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  /** Internal: the service-deployment history record this deployment belongs to. */
  record: string;
  /** Internal: true for the deployment the circuit breaker started to roll back. */
  rollback?: boolean;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface Service {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType: string;
  taskDefinition: string;
  deploymentConfiguration: {
    deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
    maximumPercent: number;
    minimumHealthyPercent: number;
    /** ROLLING (default), BLUE_GREEN, LINEAR or CANARY (bluegreen.ts). */
    strategy?: string;
    bakeTimeInMinutes?: number;
    lifecycleHooks?: LifecycleHook[];
  };
  deployments: Deployment[];
  events: ServiceEvent[];
  createdAt: number;
  /** Internal: service revision counter. */
  revisions: number;
}

export interface Container {
  containerArn: string;
  taskArn: string;
  name: string;
  image: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
}

export interface Task {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  group: string;
  startedBy: string;
  lastStatus: 'RUNNING' | 'STOPPED';
  desiredStatus: 'RUNNING' | 'STOPPED';
  launchType: string;
  createdAt: number;
  startedAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  containers: Container[];
  /** Internal: the service it belongs to. */
  service: string;
}

export interface ServiceRevision {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  launchType: string;
  containerImages: Array<{ containerName: string; image: string }>;
  createdAt: number;
}

export interface ServiceDeploymentRecord {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  createdAt: number;
  startedAt: number;
  finishedAt?: number;
  updatedAt: number;
  status: string;
  statusReason?: string;
  targetServiceRevisionArn: string;
  sourceServiceRevisionArns: string[];
  /** Blue/green, linear and canary deployments: the stage they are in (bluegreen.ts). */
  lifecycleStage?: string;
  lifecycleHookDetails?: LifecycleHookDetail[];
  deploymentConfiguration?: Record<string, unknown>;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
}

export interface LifecycleHook {
  hookTargetArn?: string;
  roleArn?: string;
  targetType?: 'AWS_LAMBDA' | 'PAUSE';
  lifecycleStages: string[];
  hookDetails?: unknown;
  timeoutConfiguration?: { timeoutInMinutes?: number; timeoutAction?: string };
}

export interface LifecycleHookDetail {
  hookId: string;
  targetType: string;
  targetArn?: string;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  expiresAt?: number;
  timeoutAction?: string;
}

/** How tasks of an image behave when the scheduler starts them. */
export type Behaviour = 'healthy' | 'pull-error' | 'essential-exit' | 'hang';

/** An error answered the way ECS does: HTTP 400 (500 for ServerException) and `__type`. */
export class EcsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const now = () => Date.now() / 1000;
let counter = 0;
export const randomId = (length = 32) => {
  counter++;
  let out = '';
  while (out.length < length) out += Math.random().toString(16).slice(2);
  return (counter.toString(16) + out).slice(0, length);
};
export const deploymentId = () =>
  `ecs-svc/${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}${String(++counter).padStart(7, '0')}`;
