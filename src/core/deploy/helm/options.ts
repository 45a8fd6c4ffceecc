/**
 * What the helm strategy takes, checked at the edge (src/steps/strategies/helm/): core does not
 * check it again.
 */
import type { ParsedImage } from '../../image-ref.js';

export interface HelmTarget {
  /** A chart directory, a packaged `.tgz` (relative to `workingDirectory`), or `oci://…`. */
  chart: string;
  /** `--version` (oci:// and repository charts). */
  chartVersion?: string;
  /** Release name (`{environment}` already replaced). */
  release: string;
  /** Release namespace; absent ⇒ the kubeconfig context's, else `default`. */
  namespace?: string;
  /** Values files (`{environment}` already replaced), relative to `workingDirectory`. */
  values: string[];
  /** `--set-string` pairs, sent literally (commas and backslashes escaped for Helm's parser). */
  set: Array<{ key: string; value: string }>;
  /** Dot path under which the image goes: `<key>.repository`, `<key>.tag`. */
  imageKey: string;
  /** On a failed upgrade or rollout: roll back to the previous deployed revision (uninstall a first install). */
  atomic: boolean;
  kubeconfig?: string;
  context?: string;
  rolloutTimeoutMs: number;
  /** deploy-env: create `namespace` with these labels when it does not exist (a preview environment's). */
  namespaceLabels?: Record<string, string>;
  /** `false`: an `oci://` chart is pulled over plain HTTP (`--plain-http`, local registries). */
  tlsVerify: boolean;
  /** Between rollout polls (default 1 s). */
  pollIntervalMs?: number;
  /** Base directory of relative chart and values paths. */
  workingDirectory: string;
  /** The helm binary (default `helm` on PATH). */
  helm?: string;
}

export interface HelmDeployOptions extends HelmTarget {
  image: ParsedImage;
  /** Deploy an image a rollback held on a workload of the release, and lift the hold. */
  force?: boolean;
  /** A paused Argo Rollout of the release: `succeed` (default) passes with it paused, `wait` waits through timed pauses. */
  rolloutPause?: 'succeed' | 'wait';
}

export interface HelmRollbackOptions extends Omit<HelmTarget, 'chart' | 'values' | 'set' | 'chartVersion'> {
  /** A release revision number, or an image one of the release's revisions ran; default the previous deployed revision. */
  to?: string;
  reason?: string;
}
