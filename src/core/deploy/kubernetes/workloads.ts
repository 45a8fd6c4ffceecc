/**
 * Workloads and their containers: which kinds have a pod template, `kind/name` references as
 * kubectl spells them, and setting the deployed image on the matching containers.
 */
import { InputError } from '../../errors.js';
import { type ImageRef, type ParsedImage, parseImageRef, sameRepository, TAG } from '../../image-ref.js';
import type { KObject } from './client.js';

/** Kinds whose rollout the strategy waits for. */
export const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);

/** Argo Rollouts' workload (argoproj.io/v1alpha1). */
export const ARGO_ROLLOUT_API = 'argoproj.io/v1alpha1';

const ALIASES: Record<string, string> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  ds: 'DaemonSet',
  rollout: 'Rollout',
  rollouts: 'Rollout',
  ro: 'Rollout',
};

/** A workload as `workloads` names it (`deployment/web`), its namespace not yet known. */
export interface WorkloadName {
  apiVersion: string;
  kind: string;
  name: string;
}

export interface WorkloadRef extends WorkloadName {
  namespace: string;
}

export const describe = (ref: { kind: string; name: string }) => `${ref.kind.toLowerCase()}/${ref.name}`;

/** `deployment/web`, `deploy/web`, `statefulset.apps/db`, `ds/agent`, `rollout/shop` (parsed once, at the edge). */
export function parseWorkload(text: string): WorkloadName {
  const match = /^([A-Za-z]+)(?:\.apps|\.argoproj\.io)?\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(text.trim());
  const kind = match ? ALIASES[(match[1] as string).toLowerCase()] : undefined;
  if (!match || !kind) {
    throw new InputError(
      'workloads',
      text,
      'one workload a line as KIND/NAME, KIND one of deployment, statefulset, daemonset, rollout (e.g. deployment/web)',
    );
  }
  return { apiVersion: kind === 'Rollout' ? ARGO_ROLLOUT_API : 'apps/v1', kind, name: match[2] as string };
}

// biome-ignore lint/suspicious/noExplicitAny: pod specs are read from arbitrary manifests
type PodSpec = { containers?: any[]; initContainers?: any[] };

export function podSpecOf(obj: KObject): PodSpec | undefined {
  switch (obj.kind) {
    case 'Pod':
      return obj.spec;
    case 'CronJob':
      return obj.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Rollout':
    case 'Job':
      return obj.spec?.template?.spec;
    default:
      return undefined;
  }
}

export interface ContainerImage {
  object: string;
  container: string;
  image: string;
}

function containersOf(spec: PodSpec | undefined): Array<{ name: string; image: string }> {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

export const matchesRepository = (a: string, b: string | ImageRef) => safeSameRepository(a, b);

function safeSameRepository(a: string, b: string | ImageRef): boolean {
  try {
    return sameRepository(a, b);
  } catch {
    return false; // an unparsable image in a manifest is simply not ours
  }
}

/** The containers the image goes to: named ones, else those already running the same repository. */
export function matchingContainers(
  obj: KObject,
  image: string | ImageRef,
  names?: string[],
): Array<{ name: string; image: string }> {
  return containersOf(podSpecOf(obj)).filter((c) =>
    names && names.length > 0
      ? names.includes(c.name)
      : typeof c.image === 'string' && safeSameRepository(c.image, image),
  );
}

/** All container images of an object, for messages that say what was found instead. */
export function imagesOf(obj: KObject): ContainerImage[] {
  return containersOf(podSpecOf(obj)).map((c) => ({
    object: `${String(obj.kind).toLowerCase()}/${obj.metadata?.name}`,
    container: c.name,
    image: c.image,
  }));
}

/** Sets `image` on the matching containers (in place); returns what changed. */
export function setImage(objects: KObject[], image: ParsedImage, names?: string[]): ContainerImage[] {
  const changes: ContainerImage[] = [];
  for (const obj of objects) {
    for (const c of matchingContainers(obj, image.ref, names)) {
      changes.push({
        object: `${String(obj.kind).toLowerCase()}/${obj.metadata?.name}`,
        container: c.name,
        image: c.image,
      });
      c.image = image.text;
    }
  }
  return changes;
}

/** `to` is a full reference (has `/`, `:` or `@`), a digest, or else a tag of `current`'s repository. */
export function resolveImage(to: string, current: string): string {
  const text = to.trim();
  const repository = (current.split('@')[0] as string).replace(/:[^:/]+$/, '');
  if (/^sha256:[a-f0-9]{64}$/.test(text)) return `${repository}@${text}`;
  if (!/[/:@]/.test(text)) {
    if (!TAG.test(text))
      throw new InputError(
        'to',
        to,
        'an image reference, a digest (sha256:…) or a tag of the deployed repository',
      );
    return `${repository}:${text}`;
  }
  parseImageRef(text);
  return text;
}
