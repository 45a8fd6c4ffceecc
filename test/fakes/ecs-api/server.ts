/**
 * A fake Amazon ECS endpoint on 127.0.0.1 speaking awsJson1_1 as the real service does:
 * `POST /`, `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`,
 * `Content-Type: application/x-amz-json-1.1`, a SigV4 `Authorization` header (present, not
 * verified), errors as `{"__type": "com.amazonaws.ecs#<Error>", "message": …}`.
 * Every request body is validated against ECS's model (./validate.ts); a request the real ECS
 * would reject is answered 400 AND recorded in `violations`, which tests assert empty.
 * A scheduler loop (./scheduler.ts) moves deployments along every `tickMs`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { continueDeployment } from './bluegreen.js';
import { type Behaviour, EcsError, type Service, type Task, type TaskDef } from './model.js';
import { tick } from './scheduler.js';
import { Store } from './store.js';
import { type Tag, tagHandlers } from './tags.js';
import { operationInput, validate } from './validate.js';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

export interface SeenRequest {
  operation: string;
  body: Record<string, unknown>;
  status: number;
  authorization: string;
}

export interface FakeEcsOptions {
  region?: string;
  tickMs?: number;
  breakerThreshold?: number;
  /** How long a minute of a blue/green `bakeTimeInMinutes` lasts (default 100 ms). */
  minuteMs?: number;
}

export interface FakeEcs {
  url: string;
  store: Store;
  requests: SeenRequest[];
  violations: string[];
  /** Operation names of the requests seen, in order. */
  operations(): string[];
  /** Fail the next `times` requests of `operation` with an ECS error (e.g. ThrottlingException). */
  fail(operation: string, type: string, times?: number, status?: number): void;
  behave(image: string, behaviour: Behaviour): void;
  register(def: Record<string, unknown>): TaskDef;
  /** The tags of a resource (by ARN), as ListTagsForResource answers. */
  tags(arn: string): Tag[];
  /** A service whose first deployment has already completed. */
  createService(options: Parameters<Store['createService']>[0]): Promise<Service>;
  service(name: string, cluster?: string): Service;
  /** Resolves when the service's PRIMARY deployment is no longer IN_PROGRESS. */
  settle(name: string, cluster?: string): Promise<Service>;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;

export async function startFakeEcs(options: FakeEcsOptions = {}): Promise<FakeEcs> {
  const store = new Store(options.region ?? 'us-east-1');
  const requests: SeenRequest[] = [];
  const violations: string[] = [];
  const faults: Array<{ operation: string; type: string; times: number; status: number }> = [];
  const schedulerOptions = {
    breakerThreshold: options.breakerThreshold ?? 3,
    minuteMs: options.minuteMs ?? 100,
  };
  const tags = tagHandlers(store);

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const seen: SeenRequest = {
      operation,
      body: {},
      status: 200,
      authorization: String(req.headers.authorization ?? ''),
    };
    requests.push(seen);
    const answer = (status: number, payload: unknown) => {
      seen.status = status;
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': crypto.randomUUID(),
      });
      res.end(JSON.stringify(payload));
    };
    const fault = (type: string, message: string, status = 400) =>
      answer(status, { __type: `com.amazonaws.ecs#${type}`, message });
    const problems = checkEnvelope(req, operation, target);
    let body: Body = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Body;
      seen.body = body;
    } catch {
      problems.push('body is not JSON');
    }
    const input = operation ? operationInput(operation) : undefined;
    if (operation && !input) problems.push(`unknown operation ${operation}`);
    if (input) problems.push(...validate(input, body).map((p) => `${operation} ${p}`));
    if (problems.length) {
      violations.push(...problems);
      return fault(
        operation && input ? 'InvalidParameterException' : 'UnknownOperationException',
        problems.join('; '),
      );
    }
    const injected = faults.find((f) => f.operation === operation && f.times > 0);
    if (injected) {
      injected.times--;
      return fault(injected.type, 'Rate exceeded', injected.status);
    }
    try {
      const handler = handlers[operation];
      if (!handler) return fault('UnknownOperationException', `The fake does not implement ${operation}`);
      answer(200, handler(body));
    } catch (err) {
      if (err instanceof EcsError) return fault(err.type, err.message, err.status);
      fault('ServerException', String(err), 500);
    }
  });

  const handlers: Record<string, (body: Body) => unknown> = {
    ...tags.handlers,
    RegisterTaskDefinition: (b) => {
      const def = store.registerTaskDefinition(b);
      return { taskDefinition: describeDef(def), ...(def.tags ? { tags: def.tags } : {}) };
    },
    DescribeTaskDefinition: (b) => {
      const def = store.findTaskDef(b.taskDefinition as string);
      const withTags = (b.include as string[] | undefined)?.includes('TAGS');
      return { taskDefinition: describeDef(def), ...(withTags ? { tags: def.tags ?? [] } : {}) };
    },
    DeregisterTaskDefinition: (b) => ({
      taskDefinition: describeDef(store.deregisterTaskDefinition(b.taskDefinition as string)),
    }),
    DescribeServices: (b) => {
      const names = b.services as string[];
      if (names.length > 10)
        throw new EcsError('InvalidParameterException', 'services can have at most 10 items.');
      const found = names.map((n) => store.findService(b.cluster as string | undefined, n));
      const withTags = (b.include as string[] | undefined)?.includes('TAGS');
      return {
        services: found
          .filter((s) => s !== undefined)
          .map((s) => ({ ...describeService(s), ...(withTags ? { tags: tags.list(s.serviceArn) } : {}) })),
        failures: names
          .filter((_, i) => !found[i])
          .map((n) => ({ arn: n.startsWith('arn:') ? n : store.arn('service', n), reason: 'MISSING' })),
      };
    },
    UpdateService: (b) => ({ service: describeService(store.updateService(b)) }),
    ListTasks: (b) => {
      const clusterArn = store.clusterArn(b.cluster as string | undefined);
      const status = (b.desiredStatus as string | undefined) ?? 'RUNNING';
      const service = b.serviceName
        ? store.findService(b.cluster as string | undefined, b.serviceName as string)
        : undefined;
      if (b.serviceName && !service) throw new EcsError('ServiceNotFoundException', 'Service not found.');
      const matching = store.tasks.filter(
        (t) =>
          t.clusterArn === clusterArn &&
          t.desiredStatus === status &&
          (!service || t.service === service.serviceArn) &&
          (!b.startedBy || t.startedBy === b.startedBy),
      );
      return paginate(
        matching.map((t) => t.taskArn),
        b,
        100,
        'taskArns',
      );
    },
    DescribeTasks: (b) => {
      const arns = b.tasks as string[];
      if (arns.length > 100)
        throw new EcsError('InvalidParameterException', 'tasks can have at most 100 items.');
      const found = arns.map((a) => store.tasks.find((t) => t.taskArn === a || t.taskArn.endsWith(`/${a}`)));
      return {
        tasks: found.filter((t) => t !== undefined).map(describeTask),
        failures: arns.filter((_, i) => !found[i]).map((arn) => ({ arn, reason: 'MISSING' })),
      };
    },
    ListServiceDeployments: (b) => {
      const service = store.findService(b.cluster as string | undefined, b.service as string);
      if (!service) throw new EcsError('ServiceNotFoundException', 'Service not found.');
      const statuses = b.status as string[] | undefined;
      const briefs = store.history
        .filter((h) => h.serviceArn === service.serviceArn && (!statuses || statuses.includes(h.status)))
        .reverse()
        .map(
          ({
            sourceServiceRevisionArns: _s,
            updatedAt: _u,
            lifecycleStage: _l,
            lifecycleHookDetails: _h,
            deploymentConfiguration: _c,
            rollback: _r,
            ...brief
          }) => brief,
        );
      return paginate(briefs, b, 20, 'serviceDeployments');
    },
    DescribeServiceDeployments: (b) => {
      const arns = b.serviceDeploymentArns as string[];
      if (arns.length > 20)
        throw new EcsError('InvalidParameterException', 'serviceDeploymentArns can have at most 20 items.');
      const found = arns.map((a) => store.history.find((h) => h.serviceDeploymentArn === a));
      const summary = (arn: string) => ({ arn });
      return {
        serviceDeployments: found
          .filter((h) => h !== undefined)
          .map(({ sourceServiceRevisionArns, targetServiceRevisionArn, ...h }) => ({
            ...h,
            sourceServiceRevisions: sourceServiceRevisionArns.map(summary),
            targetServiceRevision: summary(targetServiceRevisionArn),
          })),
        failures: arns.filter((_, i) => !found[i]).map((arn) => ({ arn, reason: 'MISSING' })),
      };
    },
    ContinueServiceDeployment: (b) => continueDeployment(store, b),
    DescribeServiceRevisions: (b) => {
      const arns = b.serviceRevisionArns as string[];
      if (arns.length > 20)
        throw new EcsError('InvalidParameterException', 'serviceRevisionArns can have at most 20 items.');
      const found = arns.map((a) => store.revisions.find((r) => r.serviceRevisionArn === a));
      return {
        serviceRevisions: found.filter((r) => r !== undefined),
        failures: arns.filter((_, i) => !found[i]).map((arn) => ({ arn, reason: 'MISSING' })),
      };
    },
  };

  const timer = setInterval(() => tick(store, schedulerOptions), options.tickMs ?? 20);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeEcs = {
    url: `http://127.0.0.1:${port}`,
    store,
    requests,
    violations,
    operations: () => requests.map((r) => r.operation),
    fail: (operation, type, times = 1, status = 400) => faults.push({ operation, type, times, status }),
    behave: (image, behaviour) => store.behaviours.set(image, behaviour),
    register: (def) => store.registerTaskDefinition(def),
    tags: (arn) => tags.list(arn),
    async createService(o) {
      store.createService(o);
      return fake.settle(o.serviceName, o.cluster);
    },
    service(name, cluster) {
      const s = store.findService(cluster, name);
      if (!s) throw new Error(`fake ECS has no service ${name}`);
      return s;
    },
    async settle(name, cluster) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const s = fake.service(name, cluster);
        if (s.deployments.every((d) => d.rolloutState !== 'IN_PROGRESS')) return s;
        if (Date.now() > deadline) throw new Error(`fake ECS: ${name} did not settle`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

function checkEnvelope(req: IncomingMessage, operation: string, target: string): string[] {
  const problems: string[] = [];
  if (req.method !== 'POST' || (req.url ?? '/') !== '/')
    problems.push(`${req.method} ${req.url}: ECS takes POST /`);
  if (!operation) problems.push(`X-Amz-Target "${target}" is not ${TARGET_PREFIX}<Operation>`);
  if (req.headers['content-type'] !== 'application/x-amz-json-1.1') {
    problems.push(`Content-Type "${req.headers['content-type']}" is not application/x-amz-json-1.1`);
  }
  if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 Credential=')) {
    problems.push('no SigV4 Authorization header');
  }
  return problems;
}

function paginate<T>(items: T[], b: Body, max: number, key: string) {
  const size = Math.min((b.maxResults as number | undefined) ?? max, max);
  const start = b.nextToken ? Number(Buffer.from(b.nextToken as string, 'base64').toString()) : 0;
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
  return { [key]: items.slice(start, start + size), ...(next ? { nextToken: next } : {}) };
}

function describeDef(def: TaskDef) {
  const { tags: _tags, ...rest } = def;
  return structuredClone(rest);
}

function describeService(s: Service) {
  const { revisions: _r, ...rest } = s;
  return {
    ...structuredClone(rest),
    deployments: s.deployments.map(({ record: _rec, rollback: _rb, ...d }) => ({ ...d })),
  };
}

function describeTask(t: Task) {
  const { service: _s, ...rest } = t;
  return structuredClone(rest);
}
