/** stop-env for helm: `helm uninstall` (waiting for its resources), then the namespace as for kubernetes. */

import { StepError } from '../../errors.js';
import { excerpt } from '../../markdown.js';
import { stopNamespace } from '../kubernetes/stop.js';
import type { DeployContext, StopResult } from '../types.js';
import { connectReading } from './cli.js';
import { access } from './deploy.js';
import type { HelmRollbackOptions } from './options.js';

export async function stopHelm(
  options: Omit<HelmRollbackOptions, 'to' | 'reason'>,
  ctx: DeployContext,
): Promise<StopResult> {
  const release = options.release;
  const [client, { helm, found }] = await Promise.all([
    import('../kubernetes/client.js').then((m) =>
      m.createClient({ kubeconfig: options.kubeconfig, context: options.context }),
    ),
    connectReading({ ...access(options, options.namespace), ...(ctx.env ? { env: ctx.env } : {}) }, release),
  ]);
  const namespace = options.namespace || client.namespace;
  ctx.log.info(
    `helm ${helm.version.text}, release ${release} in namespace ${namespace}, Kubernetes API ${client.server}`,
  );
  const summary: string[] = [];
  if (found) {
    if (ctx.dryRun) {
      ctx.log.info(`Would run helm uninstall ${release} (revision ${found.revision})`);
      summary.push(`Would uninstall release \`${release}\` (revision ${found.revision}).`);
    } else {
      const r = await helm.tryRun(['uninstall', release]);
      if (r.code !== 0 && !/not found/i.test(r.stderr)) {
        throw new StepError(
          `helm uninstall ${release} failed (helm exit ${r.code}): ${excerpt(r.stderr.trim() || r.stdout, 2000)}`,
        );
      }
      ctx.log.info(`helm uninstall ${release}: done`);
      summary.push(`Release \`${release}\` uninstalled (was revision ${found.revision}).`);
    }
  }
  const whole = await stopNamespace(client, namespace, ctx, options.rolloutTimeoutMs);
  if (whole) summary.push(...whole.summary);
  else if (found) summary.push(`Namespace \`${namespace}\` was not created by stagecraft and stays.`);
  return { stopped: Boolean(found || whole), summary };
}
