/**
 * deploy-report: DORA's four keys for one environment from the deployment records deploy-env and
 * rollback wrote (GitHub deployments and statuses; GitLab's deployments of jobs with
 * `environment:`), over `since` up to the runtime's clock. The figures come from
 * src/core/dora; the platform reads from src/platform/{github,gitlab}-dora.ts.
 */
import {
  computeDora,
  type DoraReport,
  humanDuration,
  parseSince,
  shippedRanges,
} from '../core/dora/metrics.js';
import { classify, type DeploymentSource } from '../core/dora/records.js';
import { percent, reportSummary } from '../core/dora/summary.js';
import { ENVIRONMENT_NAME } from '../core/environments.js';
import { errorMessage, StepError } from '../core/errors.js';
import { resolveToken } from '../platform/forge.js';
import { type Inputs, list, parsed } from '../platform/inputs.js';
import type { Runtime } from '../platform/runtime.js';
import { defineStep } from '../platform/step.js';
import { repositoryInput, tokenInput } from './shared-inputs.js';

const inputs = {
  environment: parsed(
    {
      description: 'The environment to report on',
      default: 'production',
      accepted: 'an environment name (letters, digits, . _ -)',
    },
    (raw) => {
      const name = raw.trim();
      if (!ENVIRONMENT_NAME.test(name)) throw new Error('must be letters, digits, . _ - (max 64)');
      return name;
    },
  ),
  since: parsed(
    {
      description: 'How far back the report looks, up to now: `30d`, `4w`, `12h`',
      default: '30d',
      accepted: 'a period like 30d, 4w, 12h or 90m',
    },
    (raw) => ({ text: raw.trim(), ms: parseSince(raw) }),
  ),
  'rollback-jobs': list({
    description:
      "GitLab: globs of the job names whose deployments are rollbacks (the rollback component's `rollback`, promote's `rollback-prd`)",
    default: 'rollback*',
  }),
  repository: repositoryInput,
  token: {
    ...tokenInput,
    description:
      'API token. GitHub: defaults to the workflow token (needs `deployments: read`, `contents: read`). GitLab: GITLAB_TOKEN (read_api), else CI_JOB_TOKEN',
  },
};

type Settings = Inputs<typeof inputs>;

async function connect(rt: Runtime, input: Settings): Promise<DeploymentSource> {
  const kind = rt.ctx.forge;
  const { token, job } = resolveToken(rt, kind, input.token);
  if (kind === 'github') {
    const repository = input.repository ?? rt.ctx.repository;
    const [owner, repo] = (repository ?? '').split('/');
    if (!owner || !repo)
      throw new StepError('no GitHub repository: set the "repository" input or GITHUB_REPOSITORY');
    const { createGitHubClient } = await import('../platform/github-api.js');
    const { githubDeploymentSource } = await import('../platform/github-dora.js');
    const client = createGitHubClient({
      token,
      ...(rt.ctx.apiUrl ? { apiUrl: rt.ctx.apiUrl } : {}),
      warn: (m) => rt.warning(m),
      maxRateLimitRetries: 2,
      ...(rt.tuning.retryBaseMs !== undefined ? { retryBaseMs: rt.tuning.retryBaseMs } : {}),
    });
    return githubDeploymentSource(client, owner, repo);
  }
  const project = input.repository ?? rt.ctx.projectId ?? rt.ctx.repository;
  if (!rt.ctx.apiUrl) throw new StepError('no GitLab API URL: CI_API_V4_URL is not set');
  if (!project) throw new StepError('no GitLab project: set the "repository" input or CI_PROJECT_ID');
  const { createGitLabClient } = await import('../platform/gitlab-api.js');
  const { gitlabDeploymentSource } = await import('../platform/gitlab-dora.js');
  const client = createGitLabClient({
    apiUrl: rt.ctx.apiUrl,
    token,
    tokenKind: job ? 'job' : 'private',
    warn: (m) => rt.warning(m),
    ...(rt.tuning.retryBaseMs !== undefined ? { retryBaseMs: rt.tuning.retryBaseMs } : {}),
  });
  return gitlabDeploymentSource(client, project, input.rollbackJobs);
}

function outputs(report: DoraReport): Record<string, string> {
  const none = report.deployments === 0;
  return {
    'deployment-frequency': none ? '0' : report.deploymentFrequency.toFixed(2),
    'lead-time': report.leadTime === null ? '' : humanDuration(report.leadTime),
    'change-failure-rate': report.changeFailureRate === null ? '' : percent(report.changeFailureRate),
    'time-to-restore': report.timeToRestore === null ? '' : humanDuration(report.timeToRestore),
    report: JSON.stringify(report),
  };
}

export const deployReport = defineStep({
  name: 'deploy-report',
  example: `
# A weekly report (schedule), from the records deploy-env and rollback wrote.
- uses: <owner>/stagecraft/actions/deploy-report@v1
  id: dora
  with:
    environment: production
    since: 30d
- run: echo "lead time \${{ steps.dora.outputs.lead-time }}"
`,
  title: 'Report the four DORA keys',
  description:
    "DORA's four keys for an environment from the deployment records deploy-env and rollback wrote: deployment frequency, lead time for changes, change failure rate, time to restore.",
  stage: '.post',
  inputs,
  outputs: {
    'deployment-frequency': 'Successful deployments per day over `since` (e.g. `0.43`)',
    'lead-time':
      'Median time from a commit to the successful deployment that first shipped it (e.g. `3h 5m`); empty without one',
    'change-failure-rate':
      'Failed or rolled-back deployments over all deployments (e.g. `15%`); empty without a deployment',
    'time-to-restore':
      'Median time from a failed or rolled-back deployment to the next success (e.g. `42m 10s`); empty when none was restored',
    report: 'The whole report as JSON (durations in seconds, the rate from 0 to 1, deployments per week)',
  },
  async run(input, rt) {
    const source = await connect(rt, input);
    const to = rt.now();
    const from = new Date(to.getTime() - input.since.ms);
    const all = await rt.group(`Read the deployments of ${input.environment}`, async () => {
      const records = classify(await source.deployments(input.environment, from));
      rt.info(`${records.length} finished deployments and rollbacks on record`);
      return records;
    });
    const window = { from, to };
    const commitDates = new Map<string, Date[]>();
    await rt.group('Read the commits each deployment shipped', async () => {
      for (const range of shippedRanges(all, window)) {
        try {
          commitDates.set(range.deployment.id, await source.commitDates(range.baseSha, range.deployment.sha));
        } catch (err) {
          // A commit the repository no longer has (force-pushed away) costs its lead time, not the report.
          rt.warning(
            `Could not read the commits deployment ${range.deployment.id} shipped (${range.baseSha ? `${range.baseSha.slice(0, 12)}..` : ''}${range.deployment.sha.slice(0, 12)}): ${errorMessage(err)}; they are left out of the lead time`,
          );
        }
      }
    });
    const report = computeDora(input.environment, all, window, commitDates);
    if (report.deployments === 0)
      rt.notice(`No deployment to ${input.environment} in the last ${input.since.text}`);
    return { outputs: outputs(report), summary: reportSummary(report, input.since.text) };
  },
});
