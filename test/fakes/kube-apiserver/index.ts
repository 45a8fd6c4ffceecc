/**
 * A small Kubernetes API server for tests, talked to by the real @kubernetes/client-node through
 * a kubeconfig pointing at http://127.0.0.1:<port>: discovery, get/list (label and field
 * selectors), create/replace/delete, PATCH with server-side apply (application/apply-patch+yaml,
 * fieldManager required, dryRun=All), strategic merge, merge and JSON patch, bearer-token auth,
 * injected 429/5xx failures, and the controllers in controller.ts that roll Deployments forward.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { startServer } from '../../helpers/http.js';
import { Controller, type PodBehaviour } from './controller.js';
import { clone, type Obj } from './merge.js';
import { apiGroupList, findResource, type ResourceDef, resourceForKind, resourceList } from './resources.js';
import { ApiError, meta, Store } from './store.js';
import { isDryRun, listOf, parseBody, patch } from './verbs.js';

export type { PodBehaviour };

export interface FakeKubeOptions {
  /** Namespaces that exist from the start (default: `default`). */
  namespaces?: string[];
  /** Bearer token the server requires (default: a random one, written to the kubeconfig). */
  token?: string;
  /** How long a pod takes to start (and each later state change). Default 150 ms. */
  podStartMs?: number;
  tickMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: string;
}

export interface FakeKube {
  url: string;
  token: string;
  /** A kubeconfig file for this server (context `fake`, namespace `default`). */
  kubeconfigPath: string;
  requests: RecordedRequest[];
  get(kind: string, namespace: string | undefined, name: string): Obj | undefined;
  list(kind: string, namespace?: string): Obj[];
  /** Creates or replaces an object directly (seeding state), as `kubectl apply` by someone else would. */
  put(obj: Obj): Obj;
  createNamespace(name: string): void;
  setPodQuota(namespace: string, pods: number | undefined): void;
  setBehaviour(fn: (image: string) => PodBehaviour): void;
  /** The next `count` API requests (not discovery) answer `status` with these headers. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Resolves when `check` holds (polled), or rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const store = new Store();
  const controller = new Controller(store, options.podStartMs ?? 150);
  const token = options.token ?? `fake-${Math.random().toString(36).slice(2)}`;
  const requests: RecordedRequest[] = [];
  let failures: { count: number; status: number; headers: Record<string, string> } | undefined;
  for (const ns of options.namespaces ?? ['default'])
    store.write(resourceForKind('Namespace') as ResourceDef, { metadata: { name: ns } });

  let scheduled = false;
  const tick = () => {
    scheduled = false;
    try {
      controller.tick();
    } catch (err) {
      process.stderr.write(`fake kube controller: ${String(err)}\n`);
    }
  };
  let closed = false;
  store.onChange = () => {
    if (!scheduled && !closed) {
      scheduled = true;
      setImmediate(tick);
    }
  };
  const timer = setInterval(tick, options.tickMs ?? 25);
  timer.unref();

  const server = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        handle(req, res, body);
      } catch (err) {
        const apiErr = err instanceof ApiError ? err : new ApiError(500, 'InternalError', String(err));
        send(res, apiErr.code, apiErr.status());
      }
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const contentType =
      String(req.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    if (req.headers.authorization !== `Bearer ${token}`) {
      throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    // Discovery.
    if (method === 'GET') {
      if (url.pathname === '/version')
        return send(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-fake' });
      if (url.pathname === '/api')
        return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
      if (url.pathname === '/apis') return send(res, 200, apiGroupList());
      if (parts[0] === 'api' && parts.length === 2)
        return sendOr404(res, resourceList('', parts[1] as string));
      if (parts[0] === 'apis' && parts.length === 3)
        return sendOr404(res, resourceList(parts[1] as string, parts[2] as string));
    }
    requests.push({ method, path: url.pathname, query: url.searchParams, contentType, body });
    if (failures && failures.count > 0) {
      failures.count--;
      res.writeHead(failures.status, { 'content-type': 'application/json', ...failures.headers });
      res.end(
        JSON.stringify(
          new ApiError(
            failures.status,
            failures.status === 429 ? 'TooManyRequests' : 'InternalError',
            'injected failure',
          ).status(),
        ),
      );
      return;
    }
    // /api/v1/... or /apis/<group>/<version>/...
    const [group, version, rest] =
      parts[0] === 'api' ? ['', parts[1], parts.slice(2)] : [parts[1], parts[2], parts.slice(3)];
    let namespace: string | undefined;
    let path = rest as string[];
    if (path[0] === 'namespaces' && path.length >= 3) {
      namespace = path[1];
      path = path.slice(2);
    }
    const resource = findResource(group ?? '', version ?? '', path[0] ?? '');
    if (!resource)
      throw new ApiError(
        404,
        'NotFound',
        `the server could not find the requested resource (${url.pathname})`,
      );
    if (!resource.namespaced && namespace)
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const name = path[1];
    const sub = path[2];
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      throw new ApiError(405, 'MethodNotAllowed', 'watch is not implemented by this fake; poll with list');
    }
    if (!name) {
      if (method === 'GET') return send(res, 200, listOf(store, resource, namespace, url.searchParams));
      if (method === 'POST') {
        const obj = parseBody(body, contentType);
        const m = meta(obj);
        m.namespace ??= namespace;
        if (store.get(resource, m.namespace as string, m.name as string)) {
          throw new ApiError(
            409,
            'AlreadyExists',
            `${resource.name}.${resource.group || ''} "${m.name}" already exists`.replace('. "', ' "'),
          );
        }
        return send(res, 201, store.write(resource, obj, { dryRun: isDryRun(url) }));
      }
      throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed on a collection`);
    }
    const live = store.get(resource, namespace, name);
    const notFound = () =>
      new ApiError(
        404,
        'NotFound',
        `${resource.name}${resource.group ? `.${resource.group}` : ''} "${name}" not found`,
        { name, kind: resource.name },
      );
    if (method === 'GET') {
      if (!live) throw notFound();
      return send(res, 200, live);
    }
    if (method === 'DELETE') {
      const gone = store.delete(resource, namespace, name);
      if (!gone) throw notFound();
      return send(res, 200, gone);
    }
    if (method === 'PUT') {
      if (!live) throw notFound();
      const obj = parseBody(body, contentType);
      const rv = meta(obj).resourceVersion;
      if (rv && rv !== meta(live).resourceVersion) {
        throw new ApiError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resource.name} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      return send(
        res,
        200,
        store.write(
          resource,
          { ...obj, metadata: { ...meta(obj), namespace } },
          { dryRun: isDryRun(url), status: sub === 'status' },
        ),
      );
    }
    if (method === 'PATCH')
      return send(
        res,
        live ? 200 : 201,
        patch(store, resource, namespace, name, live, body, contentType, url),
      );
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed`);
  }

  const kubeconfigDir = mkdtempSync(join(tmpdir(), 'fake-kube-'));
  const kubeconfigPath = join(kubeconfigDir, 'config');
  writeFileSync(
    kubeconfigPath,
    YAML.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'deployer', user: { token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'deployer', namespace: 'default' } }],
      'current-context': 'fake',
    }),
  );

  const def = (kind: string) => {
    const r = resourceForKind(kind);
    if (!r) throw new Error(`the fake does not serve kind ${kind}`);
    return r;
  };
  return {
    url: server.url,
    token,
    kubeconfigPath,
    requests,
    get: (kind, namespace, name) => store.get(def(kind), namespace, name),
    list: (kind, namespace) => store.list(def(kind), namespace),
    put: (obj) => store.write(def(String(obj.kind)), clone(obj)),
    createNamespace: (name) => void store.write(def('Namespace'), { metadata: { name } }),
    setPodQuota: (namespace, pods) => {
      if (pods === undefined) controller.podQuota.delete(namespace);
      else controller.podQuota.set(namespace, pods);
    },
    setBehaviour: (fn) => {
      controller.kubelet.behaviour = fn;
    },
    failNext: (count, status, headers = {}) => {
      failures = { count, status, headers };
    },
    async waitFor(check, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > end) throw new Error('fake kube: condition not reached in time');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: async () => {
      closed = true;
      clearInterval(timer);
      await server.close();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendOr404(res: ServerResponse, body: unknown) {
  if (!body)
    return send(
      res,
      404,
      new ApiError(404, 'NotFound', 'the server could not find the requested resource').status(),
    );
  send(res, 200, body);
}
