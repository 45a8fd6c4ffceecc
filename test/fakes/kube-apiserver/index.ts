/**
 * A Kubernetes API server for tests, on 127.0.0.1 over TLS with its own CA, talked to by the real
 * @kubernetes/client-node and the real `kubectl`: client-certificate and bearer-token
 * authentication, discovery (short names, categories, subresources), get/list/watch (label and
 * field selectors), create/replace/delete (cascading to dependents), PATCH with server-side
 * apply (field manager, 409 conflicts, force), strategic merge, merge and JSON patch, status and
 * scale subresources, CRDs served once created, validation (422), injected 429/5xx failures, and
 * the controllers in controller.ts that roll workloads forward.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Controller, type PodBehaviour } from './controller.js';
import { type KubeconfigOptions, writeKubeconfig } from './kubeconfig.js';
import { clone, type Obj } from './merge.js';
import { openApiV2, openApiV3, openApiV3Group } from './openapi.js';
import { encodeObject, PROTOBUF, wantsProtobuf } from './protobuf.js';
import {
  apiGroupList,
  findResource,
  type ResourceDef,
  resourceForKind,
  resourceList,
  setCustomResources,
} from './resources.js';
import { ApiError, meta, type Propagation, Store } from './store.js';
import { asTable } from './table.js';
import { pki } from './tls.js';
import { isDryRun, listOf, parseRequest, patch, scaleOf } from './verbs.js';
import { serveWatch } from './watch.js';

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
  /** What the client asked the answer to be in. */
  accept: string;
  body: string;
  /** The body's bytes (a protobuf body is not text). */
  raw: Buffer;
  /** The Content-Type of the answer (JSON or protobuf), once it is sent. */
  answer?: string;
}

/** The recorded request of each response, for the Content-Type of its answer. */
const recorded = new WeakMap<ServerResponse, RecordedRequest>();

export interface FakeKube {
  url: string;
  token: string;
  /** A kubeconfig file for this server (context `fake`, namespace `default`, CA data + client certificate). */
  kubeconfigPath: string;
  /** The CA certificate file the server's certificate is signed with. */
  caFile: string;
  /** Writes another kubeconfig for this server (see kubeconfig.ts); returns its path. */
  writeKubeconfig(path: string, options?: KubeconfigOptions): string;
  /** Another bearer token the server accepts from now on. */
  addToken(token: string): void;
  requests: RecordedRequest[];
  get(kind: string, namespace: string | undefined, name: string): Obj | undefined;
  list(kind: string, namespace?: string): Obj[];
  /** Creates or replaces an object directly (seeding state), as `kubectl apply` by someone else would. */
  put(obj: Obj): Obj;
  /** Writes only the status of an existing object, as a controller writes through /status. */
  putStatus(obj: Obj): Obj;
  /** Deletes an object (and its dependents) directly. */
  delete(kind: string, namespace: string | undefined, name: string): void;
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
  const tls = pki();
  const tokens = new Set<string>();
  const controller = new Controller(store, options.podStartMs ?? 150);
  const token = options.token ?? `fake-${Math.random().toString(36).slice(2)}`;
  tokens.add(token);
  const requests: RecordedRequest[] = [];
  store.resolve = (kind, apiVersion) => resourceForKind(kind, apiVersion);
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

  const server = createServer(
    { key: tls.server.key, cert: tls.server.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        try {
          handle(req, res, raw);
        } catch (err) {
          const apiErr = err instanceof ApiError ? err : new ApiError(500, 'InternalError', String(err));
          if (!res.headersSent) send(res, apiErr.code, apiErr.status());
          else res.end();
        }
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** The user a request authenticates as: a client certificate of our CA, or a known bearer token. */
  function user(req: IncomingMessage): string | undefined {
    const socket = req.socket as TLSSocket;
    if (socket.authorized) {
      const cn = socket.getPeerCertificate()?.subject?.CN;
      if (cn) return String(cn);
    }
    const auth = String(req.headers.authorization ?? '');
    if (auth.startsWith('Bearer ') && tokens.has(auth.slice(7))) return 'token-user';
    return undefined;
  }

  const crdDef = resourceForKind('CustomResourceDefinition') as ResourceDef;
  /** Serves what the CRDs define, and marks each Established as the real apiextensions server does. */
  function syncCrds() {
    const crds = store.list(crdDef);
    setCustomResources(crds);
    for (const crd of crds) {
      if (crd.status && (crd.status as Obj).acceptedNames) continue;
      crd.status = {
        acceptedNames: clone((crd.spec as Obj).names),
        storedVersions: (((crd.spec as Obj).versions ?? []) as Obj[])
          .filter((v) => v.storage)
          .map((v) => v.name),
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ],
      };
      store.write(crdDef, crd, { status: true });
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    const body = raw.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const contentType =
      String(req.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    if (!user(req)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const accept = String(req.headers.accept ?? '');
    // Discovery and OpenAPI.
    if (method === 'GET') {
      if (url.pathname === '/version')
        return send(res, 200, {
          major: '1',
          minor: '33',
          gitVersion: 'v1.33.0-fake',
          gitCommit: '0000000000000000000000000000000000000000',
          gitTreeState: 'clean',
          buildDate: '2025-04-23T00:00:00Z',
          goVersion: 'go1.24.2',
          compiler: 'gc',
          platform: 'linux/amd64',
        });
      if (url.pathname === '/api')
        return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
      if (url.pathname === '/apis') return send(res, 200, apiGroupList());
      if (parts[0] === 'api' && parts.length === 2)
        return sendOr404(res, resourceList('', parts[1] as string));
      if (parts[0] === 'apis' && parts.length === 3)
        return sendOr404(res, resourceList(parts[1] as string, parts[2] as string));
      if (url.pathname === '/openapi/v2') return send(res, 200, openApiV2());
      if (url.pathname === '/openapi/v3') return send(res, 200, openApiV3());
      if (parts[0] === 'openapi' && parts[1] === 'v3')
        return sendOr404(res, openApiV3Group(parts.slice(2).join('/')));
    }
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      contentType,
      accept,
      body,
      raw,
    };
    requests.push(record);
    recorded.set(res, record);
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
    if (sub && !((sub === 'status' && resource.status) || (sub === 'scale' && resource.scale)))
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      record.answer = serveWatch(
        store,
        resource,
        namespace,
        name,
        url.searchParams,
        res,
        wantsProtobuf(accept),
      );
      return;
    }
    if (!name) {
      if (method === 'GET') {
        const list = listOf(store, resource, namespace, url.searchParams);
        return send(
          res,
          200,
          accept.includes('as=Table') ? asTable(resource, list.items as Obj[], list) : list,
        );
      }
      if (method === 'POST') {
        const obj = parseRequest(raw, contentType, resource);
        const m = meta(obj);
        m.namespace ??= namespace;
        if (store.get(resource, m.namespace as string, m.name as string)) {
          throw new ApiError(
            409,
            'AlreadyExists',
            `${resource.name}.${resource.group || ''} "${m.name}" already exists`.replace('. "', ' "'),
          );
        }
        const created = store.write(resource, obj, {
          dryRun: isDryRun(url),
          create: true,
          query: url.searchParams,
        });
        return send(res, 201, created);
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
      if (sub === 'scale') return send(res, 200, scaleOf(resource, live));
      return send(res, 200, accept.includes('as=Table') && !sub ? asTable(resource, [live]) : live);
    }
    if (method === 'DELETE') {
      const options = body.trim() ? parseRequest(raw, contentType || 'application/json', resource) : {};
      const propagation = (url.searchParams.get('propagationPolicy') ??
        options.propagationPolicy ??
        (options.orphanDependents === true ? 'Orphan' : 'Background')) as Propagation;
      if (!live) throw notFound();
      if (isDryRun(url)) return send(res, 200, live);
      const gone = store.delete(resource, namespace, name, propagation) as Obj;
      return send(
        res,
        200,
        resource.kind === 'Namespace' ? { ...gone, status: { phase: 'Terminating' } } : gone,
      );
    }
    if (method === 'PUT') {
      if (!live) throw notFound();
      const obj = parseRequest(raw, contentType, resource);
      const rv = meta(obj).resourceVersion;
      if (rv && rv !== meta(live).resourceVersion) {
        throw new ApiError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resource.name}${resource.group ? `.${resource.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      if (sub === 'scale') {
        const next = clone(live);
        (next.spec as Obj).replicas = Number(((obj.spec ?? {}) as Obj).replicas ?? 0);
        store.write(resource, next, { manager: url.searchParams.get('fieldManager') ?? 'kubectl' });
        return send(res, 200, scaleOf(resource, store.get(resource, namespace, name) as Obj));
      }
      return send(
        res,
        200,
        store.write(
          resource,
          { ...obj, metadata: { ...meta(obj), namespace } },
          {
            dryRun: isDryRun(url),
            status: sub === 'status',
            query: url.searchParams,
            manager: url.searchParams.get('fieldManager') ?? managerOf(req),
          },
        ),
      );
    }
    if (method === 'PATCH') {
      const result = patch(
        store,
        resource,
        namespace,
        name,
        live,
        body,
        contentType,
        url,
        sub,
        managerOf(req),
      );
      return send(res, live ? 200 : 201, sub === 'scale' ? scaleOf(resource, result) : result);
    }
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed`);
  }

  const kubeconfigDir = mkdtempSync(join(tmpdir(), 'fake-kube-'));
  const kubeconfigPath = writeKubeconfig(join(kubeconfigDir, 'config'), url, tls, token);
  store.onCrdChange = syncCrds;

  const def = (kind: string) => {
    const r = resourceForKind(kind);
    if (!r) throw new Error(`the fake does not serve kind ${kind}`);
    return r;
  };
  return {
    url,
    token,
    kubeconfigPath,
    caFile: tls.caFile,
    writeKubeconfig: (path, opts) => writeKubeconfig(path, url, tls, token, opts),
    addToken: (t) => void tokens.add(t),
    requests,
    get: (kind, namespace, name) => store.get(def(kind), namespace, name),
    list: (kind, namespace) => store.list(def(kind), namespace),
    put: (obj) => store.write(def(String(obj.kind)), clone(obj)),
    putStatus: (obj) => store.write(def(String(obj.kind)), clone(obj), { status: true }),
    delete: (kind, namespace, name) => void store.delete(def(kind), namespace, name),
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
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      rmSync(kubeconfigDir, { recursive: true, force: true });
    },
  };
}

/** The field manager of an update without `fieldManager`: the client's program name, as the real server derives it. */
function managerOf(req: IncomingMessage): string {
  return (
    String(req.headers['user-agent'] ?? 'unknown')
      .split('/')[0]
      ?.trim() || 'unknown'
  );
}

/** Answers in JSON, or in protobuf when the client asks for it first and the object's kind has a message. */
function send(res: ServerResponse, status: number, body: unknown) {
  const proto = wantsProtobuf(res.req?.headers.accept) ? encodeObject(body as Obj) : undefined;
  const record = recorded.get(res);
  if (record) record.answer = proto ? PROTOBUF : 'application/json';
  if (proto) {
    res.writeHead(status, { 'content-type': PROTOBUF });
    res.end(proto);
    return;
  }
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
