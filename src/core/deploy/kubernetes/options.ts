/**
 * What the deploy-env / rollback steps pass to the kubernetes strategy: parsed and checked at the
 * edge (src/steps/strategies/): manifests or workloads, never both; workloads and the image
 * arrive parsed.
 */
import type { ParsedImage } from '../../image-ref.js';
import type { RolloutPause } from './rollout.js';
import type { WorkloadName } from './workloads.js';

export interface KubernetesTarget {
  /** Kustomize directories, manifest files or globs; `{environment}` is replaced. */
  manifests?: string[];
  /** `deployment/web` …, parsed: without manifests, only these workloads' images are patched. */
  workloads?: WorkloadName[];
  /** Namespace for objects that name none (default: the kubeconfig context's, else `default`). */
  namespace?: string;
  /** kubeconfig file; absent ⇒ KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  kubeconfig?: string;
  /** kubeconfig context; absent ⇒ its current context. */
  context?: string;
  /** Container names to set the image on (default: those whose image repository is the deployed one). */
  containers?: string[];
  rolloutTimeoutMs: number;
  /** deploy-env: create `namespace` with these labels when it does not exist (a preview environment's). */
  namespaceLabels?: Record<string, string>;
  /** How often the rollout is polled (default 1 s). */
  pollIntervalMs?: number;
  /** Base directory for relative manifest paths (the step's working directory). */
  workingDirectory: string;
  /** kubectl binary for `kubectl kustomize` (default `kubectl` on PATH). */
  kubectl?: string;
  /** A paused Argo Rollout: `succeed` (default) passes with it paused, `wait` waits through timed pauses. */
  rolloutPause?: RolloutPause;
  /** Pod-ratio canary: the percentage of each Deployment's replicas the `<name>-canary` copy runs (canary.ts). */
  canary?: number;
}

/** `action: promote|reject`: finish or abandon a paused Argo Rollout (same target inputs as its deploy). */
export interface KubernetesDecideOptions extends KubernetesTarget {
  action: 'promote' | 'reject';
  /** With `canary`: promote sets this image on the stable Deployments. */
  image?: ParsedImage;
  force?: boolean;
}

export interface KubernetesDeployOptions extends KubernetesTarget {
  /** `repo:tag` or `repo@sha256:…`, parsed at the edge. */
  image: ParsedImage;
  /** Deploy an image a rollback held on a workload, and lift the hold (`force` input). */
  force?: boolean;
}

export interface KubernetesRollbackOptions extends KubernetesTarget {
  /** An image reference, or a tag/digest of the deployed repository; default: the previous revision. */
  to?: string;
  reason?: string;
  /** The deployed image (any tag): picks the container reported in from/to when `containers` is not set. */
  image?: ParsedImage;
}
