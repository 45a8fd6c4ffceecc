/** Pull-request mode: after the commit to `stagecraft/<environment>`, its one PR/MR is opened or updated. */
import type { DeployContext } from '../types.js';
import type { ConfigWriter } from './changes.js';
import type { GitopsTarget } from './target.js';

export interface OpenedPull {
  number: number;
  url: string;
  created: boolean;
}

/** Pull-request mode: the one PR/MR of `stagecraft/<environment>` into the base branch, opened or updated. */
export async function pullRequest(
  target: GitopsTarget,
  writer: ConfigWriter,
  ctx: DeployContext,
  message: string,
): Promise<OpenedPull | undefined> {
  if (!target.pullRequest || ctx.dryRun) return undefined;
  const [title = '', ...body] = message.split('\n');
  const pr = await target.pullRequest.api.ensure({
    head: writer.branch,
    base: writer.base,
    title,
    body: body.join('\n').trim(),
    autoMerge: target.pullRequest.autoMerge,
  });
  ctx.log.info(`${pr.created ? 'Opened' : 'Updated'} ${pr.url} (${writer.branch} → ${writer.base})`);
  return pr;
}

export function pullRequestOutputs(pr: OpenedPull | undefined): Record<string, string> {
  return pr ? { 'pull-request-number': String(pr.number), 'pull-request-url': pr.url } : {};
}
