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
import {
  clone,
  isObj,
  type JsonPatchOp,
  jsonPatch,
  matchesFieldSelector,
  matchesLabelSelector,
  mergePatch,
  type Obj,
  pruneApplied,
  strategicMerge,
} from './merge.js';
import {
  apiGroupList,
  apiVersionOf,
  findResource,
  type ResourceDef,
  resourceForKind,
  resourceList,
} from './resources.js';
import { ApiError, meta, Store, stable } from './store.js';

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

const FIELD_MANAGER = /^[\x20-\x7e]{1,128}$/;

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
      if (method === 'GET') return send(res, 200, listOf(resource, namespace, url.searchParams));
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
      return send(res, live ? 200 : 201, patch(resource, namespace, name, live, body, contentType, url));
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed`);
  }

  function patch(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    live: Obj | undefined,
    body: string,
    contentType: string,
    url: URL,
  ): Obj {
    const dryRun = isDryRun(url);
    if (contentType === 'application/apply-patch+yaml') {
      const manager = url.searchParams.get('fieldManager') ?? '';
      if (!FIELD_MANAGER.test(manager)) {
        throw new ApiError(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      }
      const applied = parseBody(body, 'application/yaml');
      const am = meta(applied);
      if (applied.apiVersion !== apiVersionOf(r) || applied.kind !== r.kind) {
        throw new ApiError(
          400,
          'BadRequest',
          `the apiVersion/kind of the applied object (${applied.apiVersion}/${applied.kind}) does not match the URL (${apiVersionOf(r)}/${r.kind})`,
        );
      }
      if (am.name !== name)
        throw new ApiError(
          400,
          'BadRequest',
          `the name of the object (${am.name}) does not match the name on the URL (${name})`,
        );
      if (r.namespaced && am.namespace && am.namespace !== namespace) {
        throw new ApiError(
          400,
          'BadRequest',
          `the namespace of the provided object does not match the namespace sent on the request`,
        );
      }
      const key = store.key(r, namespace, name);
      const previous = store.applied.get(key)?.get(manager);
      let merged = strategicMerge(live ?? null, applied) as Obj;
      if (previous) merged = pruneApplied(merged, previous, applied) as Obj;
      meta(merged).namespace = namespace;
      const fields =
        (meta(merged).managedFields as Obj[] | undefined)?.filter((f) => f.manager !== manager) ?? [];
      // A no-op apply changes nothing, not even managedFields' timestamp (so resourceVersion stays).
      const unchanged = live && sameButManaged(live, merged);
      if (unchanged) return live;
      meta(merged).managedFields = [
        ...fields,
        {
          manager,
          operation: 'Apply',
          apiVersion: apiVersionOf(r),
          time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          fieldsType: 'FieldsV1',
          fieldsV1: {},
        },
      ];
      const result = store.write(r, merged, { dryRun });
      if (!dryRun) {
        if (!store.applied.has(key)) store.applied.set(key, new Map());
        store.applied.get(key)?.set(manager, clone(applied));
      }
      return result;
    }
    if (!live)
      throw new ApiError(404, 'NotFound', `${r.name}${r.group ? `.${r.group}` : ''} "${name}" not found`);
    let next: Obj;
    if (contentType === 'application/strategic-merge-patch+json')
      next = strategicMerge(live, parseBody(body, 'application/json')) as Obj;
    else if (contentType === 'application/merge-patch+json')
      next = mergePatch(live, parseBody(body, 'application/json')) as Obj;
    else if (contentType === 'application/json-patch+json') {
      const ops = JSON.parse(body) as JsonPatchOp[];
      if (!Array.isArray(ops))
        throw new ApiError(400, 'BadRequest', 'a JSON patch must be an array of operations');
      try {
        next = jsonPatch(live, ops) as Obj;
      } catch (err) {
        throw new ApiError(422, 'Invalid', `the JSON patch could not be applied: ${(err as Error).message}`);
      }
    } else
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
      );
    if (!isObj(next)) throw new ApiError(422, 'Invalid', 'the patched object is not an object');
    meta(next).name = name;
    meta(next).namespace = namespace;
    return store.write(r, next, { dryRun });
  }

  function listOf(r: ResourceDef, namespace: string | undefined, query: URLSearchParams): Obj {
    const labelSelector = query.get('labelSelector') ?? '';
    const fieldSelector = query.get('fieldSelector') ?? '';
    const items = store.list(r, namespace).filter((o) => {
      if (
        labelSelector &&
        !matchesLabelSelector((meta(o).labels ?? {}) as Record<string, string>, labelSelector)
      )
        return false;
      try {
        return !fieldSelector || matchesFieldSelector(o, fieldSelector);
      } catch (err) {
        throw new ApiError(400, 'BadRequest', (err as Error).message);
      }
    });
    return {
      kind: `${r.kind}List`,
      apiVersion: apiVersionOf(r),
      metadata: { resourceVersion: store.resourceVersion() },
      items,
    };
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

function sameButManaged(a: Obj, b: Obj): boolean {
  const strip = (o: Obj) => ({ ...o, metadata: { ...meta(o), managedFields: undefined } });
  return stable(strip(a)) === stable(strip(b));
}

function isDryRun(url: URL): boolean {
  return url.searchParams.getAll('dryRun').includes('All');
}

function parseBody(body: string, contentType: string): Obj {
  let parsed: unknown;
  try {
    parsed = contentType.includes('yaml') ? YAML.parse(body) : JSON.parse(body);
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the request body could not be decoded: ${(err as Error).message}`);
  }
  if (!isObj(parsed)) throw new ApiError(400, 'BadRequest', 'the request body is not an object');
  return parsed;
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
