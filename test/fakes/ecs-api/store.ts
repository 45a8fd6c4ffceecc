/**
 * The fake's ECS state and the operations that read or change it. Request bodies reach these
 * methods already validated against the ECS model (./validate.ts); here ECS's own semantic rules
 * apply (names, ARNs, ACTIVE revisions) and answer with ECS's error types.
 */
import { checkConfiguration } from './bluegreen.js';
import {
  ACCOUNT,
  type Behaviour,
  type Deployment,
  deploymentId,
  EcsError,
  now,
  randomId,
  type Service,
  type ServiceDeploymentRecord,
  type ServiceRevision,
  type Task,
  type TaskDef,
} from './model.js';

type Body = Record<string, unknown>;

/** Defaults ECS adds to what was registered, so a described revision differs from the file. */
const CONTAINER_DEFAULTS = {
  portMappings: [],
  essential: true,
  environment: [],
  mountPoints: [],
  volumesFrom: [],
  systemControls: [],
};

export class Store {
  readonly clusters = new Set<string>(['default']);
  readonly taskDefs = new Map<string, TaskDef[]>();
  readonly services: Service[] = [];
  readonly tasks: Task[] = [];
  readonly revisions: ServiceRevision[] = [];
  readonly history: ServiceDeploymentRecord[] = [];
  readonly behaviours = new Map<string, Behaviour>();

  constructor(readonly region: string) {}

  arn(kind: string, rest: string) {
    return `arn:aws:ecs:${this.region}:${ACCOUNT}:${kind}/${rest}`;
  }

  clusterArn(name = 'default') {
    const short = name.startsWith('arn:') ? (name.split('/').pop() as string) : name;
    if (!this.clusters.has(short)) throw new EcsError('ClusterNotFoundException', 'Cluster not found.');
    return this.arn('cluster', short);
  }

  // ── task definitions ──

  registerTaskDefinition(body: Body): TaskDef {
    const family = body.family as string;
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
      throw new EcsError('ClientException', 'Family contains invalid characters.');
    }
    const containers = body.containerDefinitions as TaskDef['containerDefinitions'];
    if (!containers.length) throw new EcsError('ClientException', 'Container list cannot be empty.');
    for (const c of containers) {
      if (!c.name) throw new EcsError('ClientException', 'Container.name should not be null or empty.');
      if (!c.image) throw new EcsError('ClientException', 'Container.image should not be null or empty.');
    }
    const { tags, ...def } = body;
    const revisions = this.taskDefs.get(family) ?? [];
    const revision = (revisions.at(-1)?.revision ?? 0) + 1;
    const registered: TaskDef = {
      volumes: [],
      placementConstraints: [],
      ...def,
      containerDefinitions: containers.map((c) => ({ ...CONTAINER_DEFAULTS, ...c })),
      family,
      revision,
      taskDefinitionArn: this.arn('task-definition', `${family}:${revision}`),
      status: 'ACTIVE',
      requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
      compatibilities: ['EC2', 'FARGATE'],
      registeredAt: now(),
      registeredBy: `arn:aws:iam::${ACCOUNT}:user/deployer`,
      ...(tags ? { tags: tags as TaskDef['tags'] } : {}),
    };
    revisions.push(registered);
    this.taskDefs.set(family, revisions);
    return registered;
  }

  /** `family`, `family:revision` or a full ARN, as ECS accepts them. */
  findTaskDef(ref: string): TaskDef {
    const short = ref.startsWith('arn:') ? (ref.split('task-definition/')[1] ?? '') : ref;
    const [family, rev] = short.split(':');
    const revisions = this.taskDefs.get(family as string) ?? [];
    const found = rev
      ? revisions.find((t) => t.revision === Number(rev))
      : revisions.filter((t) => t.status === 'ACTIVE').at(-1);
    if (!found) throw new EcsError('ClientException', 'Unable to describe task definition.');
    return found;
  }

  deregisterTaskDefinition(ref: string): TaskDef {
    const def = this.findTaskDef(ref);
    def.status = 'INACTIVE';
    def.deregisteredAt = now();
    return def;
  }

  // ── services ──

  findService(cluster: string | undefined, name: string): Service | undefined {
    const clusterArn = this.clusterArn(cluster);
    return this.services.find(
      (s) =>
        s.clusterArn === clusterArn &&
        (s.serviceName === name || s.serviceArn === name) &&
        s.status !== 'INACTIVE',
    );
  }

  createService(options: {
    cluster?: string;
    serviceName: string;
    taskDefinition: string;
    desiredCount?: number;
    circuitBreaker?: { enable: boolean; rollback: boolean };
  }): Service {
    const cluster = options.cluster ?? 'default';
    this.clusters.add(cluster);
    const def = this.findTaskDef(options.taskDefinition);
    const service: Service = {
      serviceArn: this.arn('service', `${cluster}/${options.serviceName}`),
      serviceName: options.serviceName,
      clusterArn: this.clusterArn(cluster),
      status: 'ACTIVE',
      desiredCount: options.desiredCount ?? 1,
      runningCount: 0,
      pendingCount: 0,
      launchType: 'FARGATE',
      taskDefinition: def.taskDefinitionArn,
      deploymentConfiguration: {
        deploymentCircuitBreaker: options.circuitBreaker ?? { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
      },
      deployments: [],
      events: [],
      createdAt: now(),
      revisions: 0,
    };
    this.services.push(service);
    this.startDeployment(service, def.taskDefinitionArn);
    return service;
  }

  /** A new PRIMARY deployment, with its service revision and deployment-history record. */
  startDeployment(service: Service, taskDefinition: string, rollback = false): Deployment {
    const t = now();
    let record = this.history.find((h) => h.serviceArn === service.serviceArn && h.status === 'IN_PROGRESS');
    if (!rollback) {
      if (record) {
        // A newer update supersedes an unfinished one, as in ECS.
        record.status = 'STOPPED';
        record.statusReason = 'Superseded by a newer service deployment';
        record.finishedAt = t;
      }
      const revision = this.addRevision(service, taskDefinition);
      record = {
        serviceDeploymentArn: this.arn(
          'service-deployment',
          `${service.clusterArn.split('/').pop()}/${service.serviceName}/${randomId(20)}`,
        ),
        serviceArn: service.serviceArn,
        clusterArn: service.clusterArn,
        createdAt: t,
        startedAt: t,
        updatedAt: t,
        status: 'IN_PROGRESS',
        targetServiceRevisionArn: revision.serviceRevisionArn,
        sourceServiceRevisionArns: service.deployments
          .map((d) =>
            this.revisions.find(
              (r) => r.taskDefinition === d.taskDefinition && r.serviceArn === service.serviceArn,
            ),
          )
          .filter((r) => r !== undefined)
          .map((r) => r.serviceRevisionArn),
      };
      this.history.push(record);
    }
    for (const d of service.deployments) d.status = 'ACTIVE';
    const id = deploymentId();
    const deployment: Deployment = {
      id,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount: service.desiredCount,
      pendingCount: 0,
      runningCount: 0,
      failedTasks: 0,
      createdAt: t,
      updatedAt: t,
      launchType: service.launchType,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${id} in progress.`,
      record: record?.serviceDeploymentArn ?? '',
      ...(rollback ? { rollback } : {}),
    };
    service.deployments.unshift(deployment);
    service.taskDefinition = taskDefinition;
    return deployment;
  }

  private addRevision(service: Service, taskDefinition: string): ServiceRevision {
    const def = this.findTaskDef(taskDefinition);
    const revision: ServiceRevision = {
      serviceRevisionArn: this.arn(
        'service-revision',
        `${service.clusterArn.split('/').pop()}/${service.serviceName}/${String(++service.revisions).padStart(19, '0')}`,
      ),
      serviceArn: service.serviceArn,
      clusterArn: service.clusterArn,
      taskDefinition,
      launchType: service.launchType,
      containerImages: def.containerDefinitions.map((c) => ({ containerName: c.name, image: c.image })),
      createdAt: now(),
    };
    this.revisions.push(revision);
    return revision;
  }

  updateService(body: Body): Service {
    const service = this.findService(body.cluster as string | undefined, body.service as string);
    if (!service) throw new EcsError('ServiceNotFoundException', 'Service not found.');
    if (service.status !== 'ACTIVE')
      throw new EcsError('ServiceNotActiveException', 'Service was not ACTIVE.');
    const config = body.deploymentConfiguration as Record<string, unknown> | undefined;
    if (config) {
      checkConfiguration(config);
      Object.assign(service.deploymentConfiguration, config);
    }
    if (typeof body.desiredCount === 'number') {
      if (body.desiredCount < 0)
        throw new EcsError('InvalidParameterException', 'desiredCount must be >= 0.');
      service.desiredCount = body.desiredCount;
      for (const d of service.deployments) if (d.status === 'PRIMARY') d.desiredCount = body.desiredCount;
    }
    const current = service.deployments.find((d) => d.status === 'PRIMARY');
    let target = current?.taskDefinition ?? service.taskDefinition;
    if (typeof body.taskDefinition === 'string') {
      const def = this.findTaskDef(body.taskDefinition);
      if (def.status !== 'ACTIVE') throw new EcsError('ClientException', 'TaskDefinition is inactive');
      target = def.taskDefinitionArn;
    }
    if (target !== current?.taskDefinition || body.forceNewDeployment === true) {
      this.startDeployment(service, target);
    }
    return service;
  }

  addEvent(service: Service, message: string) {
    service.events.unshift({ id: randomId(36), createdAt: now(), message });
    service.events.length = Math.min(service.events.length, 100);
  }

  // ── tasks ──

  startTask(
    service: Service,
    deployment: Deployment,
    outcome: { stoppedReason?: string; stopCode?: string; containerReason?: string; exitCode?: number },
  ): Task {
    const def = this.findTaskDef(deployment.taskDefinition);
    const clusterName = service.clusterArn.split('/').pop();
    const id = randomId(32);
    const taskArn = this.arn('task', `${clusterName}/${id}`);
    const stopped = outcome.stoppedReason !== undefined;
    const t = now();
    const task: Task = {
      taskArn,
      clusterArn: service.clusterArn,
      taskDefinitionArn: def.taskDefinitionArn,
      group: `service:${service.serviceName}`,
      startedBy: deployment.id,
      lastStatus: stopped ? 'STOPPED' : 'RUNNING',
      desiredStatus: stopped ? 'STOPPED' : 'RUNNING',
      launchType: service.launchType,
      createdAt: t,
      ...(stopped ? { stoppedAt: t, stoppedReason: outcome.stoppedReason as string } : { startedAt: t }),
      ...(outcome.stopCode ? { stopCode: outcome.stopCode } : {}),
      containers: def.containerDefinitions.map((c, i) => ({
        containerArn: this.arn('container', `${clusterName}/${id}/${randomId(36)}`),
        taskArn,
        name: c.name,
        image: c.image,
        lastStatus: stopped ? 'STOPPED' : 'RUNNING',
        ...(i === 0 && outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
        ...(i === 0 && outcome.containerReason ? { reason: outcome.containerReason } : {}),
      })),
      service: service.serviceArn,
    };
    this.tasks.push(task);
    return task;
  }

  stopTask(task: Task, reason: string) {
    Object.assign(task, {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: now(),
      stoppedReason: reason,
      stopCode: 'ServiceSchedulerInitiated',
    });
    for (const c of task.containers) Object.assign(c, { lastStatus: 'STOPPED', exitCode: 0 });
  }

  behaviourOf(taskDefinition: string): Behaviour {
    const def = this.findTaskDef(taskDefinition);
    for (const c of def.containerDefinitions) {
      const b = this.behaviours.get(c.image);
      if (b && b !== 'healthy') return b;
    }
    return 'healthy';
  }
}
