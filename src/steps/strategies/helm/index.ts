/**
 * The helm strategy's inputs, target and adapter (core: src/core/deploy/helm/). Everything is
 * checked here, before helm runs: the chart is a path or `oci://…`, the release a Helm release
 * name (once `{environment}` is replaced), `set` lines `key=value`.
 */

import type { HelmTarget as CoreHelmTarget } from '../../../core/deploy/helm/options.js';
import { InputError } from '../../../core/errors.js';
import type { ParsedImage } from '../../../core/image-ref.js';
import { bool, type Inputs, list, parsed, text } from '../../../platform/inputs.js';
import { parseKeyPath } from '../gitops/inputs.js';
import type { ProgressiveInput } from '../progressive-inputs.js';
import { contextInput, kubeconfigInput, namespaceInput, rolloutTimeoutInput } from '../shared-inputs.js';
import { defineStrategy, missingImage, type StrategyEnv, withEnv } from '../strategy.js';

export const DEFAULT_ROLLOUT_TIMEOUT_MS = 5 * 60_000;

/** A chart: `oci://host/repo/chart`, or a directory / `.tgz` path (never an option look-alike). */
function parseChart(raw: string): string {
  const chart = raw.trim();
  if (chart.startsWith('oci://')) {
    if (!/^oci:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/.test(chart)) {
      throw new Error('not an oci://registry/repository/chart reference');
    }
    return chart;
  }
  if (chart.startsWith('-') || /^[a-z]+:\/\//.test(chart))
    throw new Error('a chart directory, a .tgz or oci://…');
  return chart;
}

/** `key=value` lines (the value may hold anything, `=` included; it reaches helm literally). */
function parseSet(raw: string): Array<{ key: string; value: string }> {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((line, i) => {
      const eq = line.indexOf('=');
      const key = eq > 0 ? line.slice(0, eq).trim() : '';
      if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+|\[\d+\])*$/.test(key)) {
        throw new Error(`line ${i + 1} ("${line}") is not key=value with a dot-path key`);
      }
      return { key, value: line.slice(eq + 1) };
    });
}

const RELEASE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function parseRelease(raw: string): string {
  const name = raw.trim();
  const sample = name.replaceAll('{environment}', 'env');
  if (!RELEASE.test(sample) || sample.length > 53) throw new Error('not a Helm release name');
  return name;
}

export const helmInputs = {
  chart: parsed(
    {
      description:
        'helm: the chart: a directory, a packaged `.tgz`, or `oci://registry/repository/chart` (with `chart-version`)',
      accepted: 'a chart directory, a .tgz path, or oci://registry/repository/chart',
    },
    parseChart,
  ),
  'chart-version': text({
    description: 'helm: the chart version (`--version`), for `oci://` charts',
    pattern: /^[A-Za-z0-9][A-Za-z0-9.+~^<>=*, |-]*$/,
    accepted: 'a chart version or range, e.g. 1.2.3',
  }),
  release: parsed(
    {
      description:
        "helm: the release name; default the image repository's last path part; `{environment}` is replaced",
      accepted: 'a Helm release name (lowercase letters, digits, -; at most 53)',
    },
    parseRelease,
  ),
  namespace: namespaceInput,
  values: list({
    description:
      'helm: values files, one a line; `{environment}` is replaced, e.g. `deploy/values-{environment}.yaml`',
  }),
  set: parsed(
    {
      description:
        'helm: `key=value` lines passed as `--set-string` (the value arrives literally: no shell, commas kept)',
      accepted: 'key=value lines, e.g. `ingress.host=shop.example.com`',
      kind: 'lines',
    },
    parseSet,
  ),
  'image-key': parsed(
    {
      description:
        'helm: values key of the image: sets `<key>.repository` and `<key>.tag` (a digest-pinned image: `<tag>@sha256:…`)',
      default: 'image',
      accepted: 'a dot path like image or app.image',
    },
    (raw) => parseKeyPath(raw).join('.'),
  ),
  atomic: bool({
    description:
      'helm: on a failed upgrade or rollout, roll the release back to its previous deployed revision (uninstall a first install)',
    default: 'true',
  }),
  kubeconfig: kubeconfigInput,
  context: contextInput,
  'rollout-timeout': rolloutTimeoutInput,
  'tls-verify': bool({
    description:
      '`false`: plain HTTP to local registries — helm pulls an `oci://` chart with `--plain-http`; `verify-signature` reads the image and its signatures',
    default: 'true',
  }),
};

type HelmInput = Inputs<typeof helmInputs> & Partial<ProgressiveInput>;

/**
 * The strategy's target as parsed at the edge: core's HelmTarget before the run fills in what
 * only the run knows (the working directory, the helm binary, a preview's namespace labels). The
 * chart is absent for rollback; `release` still holds `{environment}` (the image repository's
 * last path part when not given).
 */
export type HelmTarget = Omit<
  CoreHelmTarget,
  'chart' | 'namespaceLabels' | 'pollIntervalMs' | 'workingDirectory' | 'helm'
> & { chart?: string };

function helmTarget(input: HelmInput, image: ParsedImage | undefined): HelmTarget {
  return {
    ...(input.chart ? { chart: input.chart } : {}),
    ...(input.chartVersion ? { chartVersion: input.chartVersion.trim() } : {}),
    release: input.release ?? releaseFrom(image),
    ...(input.namespace ? { namespace: input.namespace } : {}),
    values: input.values ?? [],
    set: input.set ?? [],
    imageKey: input.imageKey,
    atomic: input.atomic,
    ...(input.kubeconfig ? { kubeconfig: input.kubeconfig } : {}),
    ...(input.context ? { context: input.context } : {}),
    rolloutTimeoutMs: input.rolloutTimeout ?? DEFAULT_ROLLOUT_TIMEOUT_MS,
    tlsVerify: input.tlsVerify,
  };
}

/** The default release: the image repository's last path part. */
function releaseFrom(image: ParsedImage | undefined): string {
  const name = image?.ref.repository.split('/').at(-1);
  if (!name) throw new InputError('release', '', 'required for strategy helm when `image` is not given');
  return parseRelease(name.replaceAll(/[._]/g, '-'));
}

function coreOptions(target: HelmTarget, release: string, env: StrategyEnv, environment: string) {
  return {
    release: withEnv(release, environment),
    ...(target.namespace ? { namespace: withEnv(target.namespace, environment) } : {}),
    imageKey: target.imageKey,
    atomic: target.atomic,
    ...(target.kubeconfig ? { kubeconfig: target.kubeconfig } : {}),
    ...(target.context ? { context: target.context } : {}),
    rolloutTimeoutMs: target.rolloutTimeoutMs,
    tlsVerify: target.tlsVerify,
    workingDirectory: env.cwd,
  };
}

export const helm = defineStrategy({
  name: 'helm',
  inputs: helmInputs,
  target: (input, _source, image) => helmTarget(input, image),
  deployTarget(input: HelmInput, image: ParsedImage | undefined) {
    if (input.action && input.action !== 'deploy')
      throw new InputError(
        'action',
        input.action,
        '`deploy` for strategy helm; promote or reject an Argo Rollout of the release with strategy kubernetes and `workloads: rollout/<name>`',
      );
    if (!image) throw missingImage('helm');
    const target = helmTarget(input, image);
    if (!target.chart) throw new InputError('chart', '', 'it is required for strategy helm');
    if (target.chartVersion && !target.chart.startsWith('oci://')) {
      throw new InputError('chart-version', target.chartVersion, 'used only with an `oci://` chart');
    }
    return { ...target, chart: target.chart, image, rolloutPause: input.rolloutPause ?? 'succeed' };
  },
  requested: (target) => ({ image: target.image, text: target.image.text }),
  async deploy(target, env, ctx, force) {
    const { deployHelm, namespaceLabels } = await import('../../../core/deploy/helm/index.js');
    return deployHelm(
      {
        ...coreOptions(target, target.release, env, ctx.environment),
        namespaceLabels: namespaceLabels(ctx.environment, env.ci.pullNumber),
        chart: target.chart,
        ...(target.chartVersion ? { chartVersion: target.chartVersion } : {}),
        values: target.values.map((v) => withEnv(v, ctx.environment)),
        set: target.set,
        image: target.image,
        force,
        rolloutPause: target.rolloutPause,
      },
      ctx,
    );
  },
  async rollback(target, req, env, ctx) {
    const { rollbackHelm } = await import('../../../core/deploy/helm/index.js');
    return rollbackHelm(
      {
        ...coreOptions(target, target.release, env, ctx.environment),
        ...(req.to ? { to: req.to } : {}),
        ...(req.reason ? { reason: req.reason } : {}),
      },
      ctx,
    );
  },
  async stop(target, env, ctx) {
    const { stopHelm } = await import('../../../core/deploy/helm/index.js');
    return stopHelm(coreOptions(target, target.release, env, ctx.environment), ctx);
  },
});
