/**
 * A stand-in for the Argo CD application controller and Flux's kustomize-controller, for tests of
 * gitops `verify`. It installs the real CRDs' names and shapes into the fake Kubernetes API
 * (argoproj.io/v1alpha1 Application — no status subresource, as Argo CD's CRD; Flux
 * kustomize.toolkit.fluxcd.io/v1 Kustomization and source.toolkit.fluxcd.io/v1 GitRepository —
 * with /status), reads the config repository (a bare git repository on disk) at the revision its
 * branch points to, renders the plain YAML manifests of the source path, and moves status one
 * step per tick the way the controllers do:
 * - Argo CD: OutOfSync (comparedTo the new revision) → operation Running → Succeeded, Synced,
 *   health Progressing → Healthy; an unparsable manifest: operation Failed with the manifest
 *   generation error and a ComparisonError condition; an image that will not pull: Degraded,
 *   the Deployment's health message in `status.resources`. Multi-source apps report `revisions`
 *   (a Helm chart source's revision is its version; a `ref` source only lends its files).
 * - Flux: Ready=Unknown Progressing with lastAttemptedRevision → Ready=True
 *   ReconciliationSucceeded with lastAppliedRevision `main@sha1:<sha>`; BuildFailed /
 *   HealthCheckFailed as Ready=False (lastAppliedRevision stays the older one).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { FakeKube } from './kube-apiserver/index.js';
import type { Obj } from './kube-apiserver/merge.js';

/** A structural-schema-free CRD (`x-kubernetes-preserve-unknown-fields`), as both projects' CRDs accept any status. */
function crd(
  group: string,
  kind: string,
  plural: string,
  version: string,
  shortNames: string[],
  status: boolean,
) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(), shortNames },
      scope: 'Namespaced',
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          ...(status ? { subresources: { status: {} } } : {}),
        },
      ],
    },
  };
}

export const GITOPS_CRDS = [
  crd('argoproj.io', 'Application', 'applications', 'v1alpha1', ['app', 'apps'], false),
  crd('kustomize.toolkit.fluxcd.io', 'Kustomization', 'kustomizations', 'v1', ['ks'], true),
  crd('source.toolkit.fluxcd.io', 'GitRepository', 'gitrepositories', 'v1', ['gitrepo'], true),
];

export interface StandInOptions {
  /** Images whose pull fails (their pods sit in ImagePullBackOff). */
  unpullable?: (image: string) => boolean;
  /** Time between status steps (default 100 ms). */
  stepMs?: number;
  /** repoURL → bare repository path, for URLs that are not file:// (default: file:// URLs only). */
  repositories?: Record<string, string>;
}

export interface StatusChange {
  kind: string;
  name: string;
  at: number;
  /** e.g. `Synced/Healthy`, `Degraded`, `Ready=False HealthCheckFailed`. */
  state: string;
  revision: string;
}

export interface GitopsStandIn {
  /** Every status the stand-in wrote, in order. */
  changes: StatusChange[];
  /** Stops reconciling (status stays as it is) until resume(). */
  pause(): void;
  resume(): void;
  stop(): void;
}

const run = promisify(execFile);
/** git in a bare repository, without blocking the event loop (the step under test shares it). */
const git = async (path: string, ...args: string[]) =>
  (await run('git', args, { cwd: path, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } })).stdout;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

interface Rendered {
  error?: string;
  resources: Obj[];
}

export function startGitopsStandIn(kube: FakeKube, options: StandInOptions = {}): GitopsStandIn {
  for (const def of GITOPS_CRDS)
    if (!kube.get('CustomResourceDefinition', undefined, def.metadata.name)) kube.put(def);
  const changes: StatusChange[] = [];
  const unpullable = options.unpullable ?? (() => false);
  let paused = false;

  const barePath = (url: string) =>
    options.repositories?.[url] ?? (url.startsWith('file:') ? fileURLToPath(url) : undefined);
  /** Branch heads, read once per tick (what the controllers' repository polling sees). */
  let heads = new Map<string, Promise<string>>();
  const resolve = async (url: string, ref: string | undefined) => {
    const path = barePath(url);
    if (!path) throw new Error(`stand-in: unknown repository ${url}`);
    const rev = !ref || ref === 'HEAD' ? 'HEAD' : ref;
    const key = `${path}\0${rev}`;
    if (!heads.has(key))
      heads.set(
        key,
        git(path, 'rev-parse', `${rev}^{commit}`).then((o) => o.trim()),
      );
    return { path, sha: await (heads.get(key) as Promise<string>) };
  };

  /** Rendered manifests by repository, commit and path: a commit never changes. */
  const rendered = new Map<string, Promise<Rendered>>();
  const render = (path: string, sha: string, dir: string) => {
    const key = `${path}\0${sha}\0${dir}`;
    if (!rendered.has(key)) rendered.set(key, renderNow(path, sha, dir));
    return rendered.get(key) as Promise<Rendered>;
  };

  /** Plain YAML manifests under `dir` at `sha` (an Argo CD directory source / a kustomize-less Flux path). */
  async function renderNow(path: string, sha: string, dir: string): Promise<Rendered> {
    const prefix = dir.replace(/^\.?\/*/, '').replace(/\/*$/, '');
    const files = (await git(path, 'ls-tree', '-r', '--name-only', sha, '--', prefix || '.'))
      .split('\n')
      .filter((f) => /\.ya?ml$/.test(f));
    const resources: Obj[] = [];
    for (const file of files) {
      const text = await git(path, 'show', `${sha}:${file}`);
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length) {
          return {
            error: `failed to unmarshal "${file.split('/').pop()}": ${doc.errors[0]?.message}`,
            resources,
          };
        }
        const obj = doc.toJS() as Obj | null;
        // Only Kubernetes objects: other YAML in the path (Helm values) is not applied.
        if (obj && typeof obj === 'object' && obj.apiVersion && obj.kind) resources.push(obj);
      }
    }
    return { resources };
  }

  /** The first image of the rendered workloads that will not pull, with its workload. */
  function badImage(resources: Obj[]): { workload: Obj; image: string } | undefined {
    for (const r of resources) {
      const containers = ((((r.spec as Obj)?.template as Obj)?.spec as Obj)?.containers ?? []) as Obj[];
      for (const c of containers)
        if (unpullable(String(c.image))) return { workload: r, image: String(c.image) };
    }
    return undefined;
  }

  const record = (kind: string, obj: Obj, state: string, revision: string) =>
    changes.push({ kind, name: String((obj.metadata as Obj).name), at: Date.now(), state, revision });

  async function argoStep(app: Obj) {
    const spec = app.spec as Obj;
    const status = (app.status ?? {}) as Obj;
    const multi = Array.isArray(spec.sources);
    const sources = (multi ? spec.sources : [spec.source]) as Obj[];
    // A Helm chart source's revision is its version; a git source's the commit its ref points to.
    const resolved = await Promise.all(
      sources.map((s) =>
        s.chart
          ? { path: '', sha: String(s.targetRevision) }
          : resolve(String(s.repoURL), s.targetRevision as string | undefined),
      ),
    );
    /** The manifests of the git sources with a path (a `ref` source only lends its files to others). */
    const renderAll = () =>
      Promise.all(
        sources.map((s, i) =>
          s.chart || s.path === undefined
            ? { resources: [] }
            : render(resolved[i]?.path ?? '', revs[i] ?? '', String(s.path)),
        ),
      );
    const revs = resolved.map((r) => r.sha);
    const sync = (status.sync ?? {}) as Obj;
    const compared = multi ? ((sync.revisions ?? []) as string[]) : [sync.revision];
    const revFields = multi ? { revisions: revs } : { revision: revs[0] };
    const shown = revs.join(',');
    const op = status.operationState as Obj | undefined;
    const opSync = ((op?.operation as Obj)?.sync ?? {}) as Obj;
    const opRevs = multi ? ((opSync.revisions ?? []) as string[]) : [opSync.revision];
    const write = (next: Obj, state: string) => {
      kube.put({ ...app, status: { ...status, ...next, reconciledAt: now() } });
      record('Application', app, state, shown);
    };
    // 1. A new revision: compared, OutOfSync.
    if (compared.join(',') !== shown) {
      write(
        {
          sync: {
            status: 'OutOfSync',
            ...revFields,
            comparedTo: { destination: spec.destination, ...(multi ? { sources } : { source: sources[0] }) },
          },
        },
        'OutOfSync',
      );
      return;
    }
    // 2. Automated sync starts an operation for it.
    if (opRevs.join(',') !== shown) {
      write(
        {
          operationState: {
            operation: {
              sync: { ...revFields, syncOptions: [] },
              initiatedBy: { automated: true },
              retry: { limit: 5 },
            },
            phase: 'Running',
            message: 'one or more tasks are running',
            startedAt: now(),
          },
        },
        'Syncing',
      );
      return;
    }
    if (op?.phase === 'Running') {
      const rendered: Rendered[] = await renderAll();
      const broken = rendered.findIndex((r) => r.error);
      if (broken >= 0) {
        const message = `rpc error: code = Unknown desc = Manifest generation error (cached): failed to generate manifest for source ${broken + 1} of ${sources.length}: ${rendered[broken]?.error}`;
        write(
          {
            sync: { ...sync, status: 'Unknown' },
            conditions: [{ type: 'ComparisonError', message, lastTransitionTime: now() }],
            operationState: {
              ...op,
              phase: 'Failed',
              message: `ComparisonError: ${message}`,
              finishedAt: now(),
            },
          },
          'SyncFailed',
        );
        return;
      }
      const resources = rendered.flatMap((r) => r.resources).map((r) => resourceStatus(r, 'Progressing'));
      write(
        {
          sync: { ...sync, status: 'Synced' },
          health: { status: 'Progressing' },
          resources,
          conditions: [],
          operationState: {
            ...op,
            phase: 'Succeeded',
            message: 'successfully synced (all tasks run)',
            finishedAt: now(),
            syncResult: {
              ...revFields,
              ...(multi ? { sources } : { source: sources[0] }),
              resources: resources.map((r) => ({
                ...r,
                health: undefined,
                status: 'Synced',
                message: `${String(r.kind).toLowerCase()}.${r.group || 'core'}/${r.name} configured`,
                hookPhase: 'Running',
                syncPhase: 'Sync',
              })),
            },
          },
        },
        'Synced/Progressing',
      );
      return;
    }
    // 3. Health settles once the sync succeeded.
    if (op?.phase === 'Succeeded' && (status.health as Obj)?.status === 'Progressing') {
      const rendered = (await renderAll()).flatMap((r) => r.resources);
      const bad = badImage(rendered);
      const resources = rendered.map((r) =>
        bad && r === bad.workload
          ? resourceStatus(
              r,
              'Degraded',
              `Deployment "${(r.metadata as Obj).name}" exceeded its progress deadline`,
            )
          : resourceStatus(r, 'Healthy'),
      );
      write(
        { health: { status: bad ? 'Degraded' : 'Healthy' }, resources },
        bad ? 'Degraded' : 'Synced/Healthy',
      );
    }
  }

  async function fluxStep(ks: Obj) {
    const spec = ks.spec as Obj;
    const status = (ks.status ?? {}) as Obj;
    const ref = spec.sourceRef as Obj;
    const ns = String(ref.namespace ?? (ks.metadata as Obj).namespace);
    const source = kube.get('GitRepository', ns, String(ref.name));
    if (!source) return;
    const branch = String(((source.spec as Obj).ref as Obj)?.branch ?? 'main');
    const { path, sha } = await resolve(String((source.spec as Obj).url), branch);
    const revision = `${branch}@sha1:${sha}`;
    const generation = Number((ks.metadata as Obj).generation ?? 1);
    const ready = ((status.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready');
    const write = (next: Obj, conditions: Obj[], state: string) => {
      kube.putStatus({ ...ks, status: { ...status, ...next, observedGeneration: generation, conditions } });
      record('Kustomization', ks, state, revision);
    };
    const cond = (type: string, value: string, reason: string, message: string) => ({
      type,
      status: value,
      reason,
      message,
      observedGeneration: generation,
      lastTransitionTime: now(),
    });
    if (status.lastAttemptedRevision !== revision) {
      write(
        { lastAttemptedRevision: revision },
        [
          cond('Reconciling', 'True', 'Progressing', `Fetching manifests for revision ${revision}`),
          cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress'),
        ],
        'Ready=Unknown Progressing',
      );
      return;
    }
    if (ready?.reason !== 'Progressing') return; // settled for this revision
    const rendered = await render(path, sha, String(spec.path ?? './'));
    if (rendered.error) {
      const message = `kustomize build failed: ${rendered.error}`;
      write({}, [cond('Ready', 'False', 'BuildFailed', message)], 'Ready=False BuildFailed');
      return;
    }
    const bad = badImage(rendered.resources);
    if (bad) {
      const w = bad.workload;
      const message = `health check failed after 30.0s: timeout waiting for: [${w.kind}/${(w.metadata as Obj).namespace ?? 'default'}/${(w.metadata as Obj).name} status: 'InProgress']`;
      write(
        {},
        [
          cond('Ready', 'False', 'HealthCheckFailed', message),
          cond('Healthy', 'False', 'HealthCheckFailed', message),
        ],
        'Ready=False HealthCheckFailed',
      );
      return;
    }
    write(
      {
        lastAppliedRevision: revision,
        inventory: {
          entries: rendered.resources.map((r) => ({
            id: `${(r.metadata as Obj).namespace ?? 'default'}_${(r.metadata as Obj).name}_${String(r.apiVersion).split('/')[0]?.replace(/^v1$/, '')}_${r.kind}`,
            v: String(r.apiVersion).split('/').pop(),
          })),
        },
      },
      [
        cond('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${revision}`),
        cond('Healthy', 'True', 'Succeeded', 'Health check passed'),
      ],
      'Ready=True ReconciliationSucceeded',
    );
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    if (!paused) {
      heads = new Map();
      const steps = [
        ...kube.list('Application').map((app) => argoStep(app)),
        ...kube.list('Kustomization').map((ks) => fluxStep(ks)),
      ];
      for (const result of await Promise.allSettled(steps)) {
        if (result.status === 'rejected' && !stopped)
          process.stderr.write(`gitops stand-in: ${String(result.reason)}\n`);
      }
    }
    if (!stopped) timer = setTimeout(tick, options.stepMs ?? 100);
  };
  void tick();
  return {
    changes,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** One entry of an Application's `status.resources` (ResourceStatus). */
function resourceStatus(r: Obj, health: string, message?: string): Obj {
  const [group, version] = String(r.apiVersion).includes('/')
    ? String(r.apiVersion).split('/')
    : ['', r.apiVersion];
  const m = r.metadata as Obj;
  return {
    group,
    version,
    kind: r.kind,
    namespace: m.namespace ?? 'default',
    name: m.name,
    status: 'Synced',
    health: { status: health, ...(message ? { message } : {}) },
  };
}
