import { formatDuration } from '../core/duration.js';
import { InputError } from '../core/errors.js';
import { type ContextReport, waitForContexts } from '../core/gate/contexts.js';
import { table } from '../core/markdown.js';
import { connectForge } from '../platform/forge.js';
import { choice, duration, list, parsed, text } from '../platform/inputs.js';
import { defineStep } from './step.js';

/** Statuses need the full commit id (40 hex, or 64 in SHA-256 repositories). */
export function parseSha(raw: string): string {
  const sha = raw.trim().toLowerCase();
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) throw new Error('not a full commit sha');
  return sha;
}

export function parseHttpUrl(raw: string): string {
  const url = new URL(raw.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('only http and https URLs');
  return url.href;
}

export const SHA_ACCEPTED = 'a full commit sha (40 hexadecimal characters, 64 in SHA-256 repositories)';

export const tokenInput = text({
  description:
    'API token. GitHub: defaults to the workflow token (needs `statuses: write`, `pull-requests: write`). CLI: GITHUB_TOKEN, else GITLAB_TOKEN, else CI_JOB_TOKEN',
  githubDefault: '${{ github.token }}',
  secret: true,
});

export const repositoryInput = text({
  description: 'owner/name on GitHub, project id or path on GitLab (default: this repository / project)',
  pattern: /^[\w.-]+(?:\/[\w.-]+)*$/,
  accepted: 'owner/name, a project path or a numeric project id',
});

const inputs = {
  mode: choice({
    description:
      '`set`: write a commit status; `require`: pass only when every listed context is green on the commit',
    default: 'set',
    options: ['set', 'require'] as const,
  }),
  state: choice({
    description: '`set` mode: the state to write',
    default: 'success',
    options: ['success', 'failure', 'pending', 'error'] as const,
  }),
  context: text({
    description: '`set` mode: the status name; make it a required check in branch protection or a ruleset',
    default: 'stagecraft/staging',
    pattern: /^\S.{0,254}$/,
    accepted: 'a status name (1–255 characters)',
  }),
  contexts: list({
    description:
      '`require` mode: the contexts (commit statuses or check runs) that must be green, one a line',
  }),
  sha: parsed(
    {
      description:
        'Commit to mark or check. Default: the PR head on pull_request, the merge-group head on merge_group, else the pushed commit',
      accepted: SHA_ACCEPTED,
    },
    parseSha,
  ),
  description: text({
    description: '`set` mode: short text shown next to the status (cut to 140 characters)',
  }),
  'target-url': parsed(
    { description: '`set` mode: the link of the status. Default: this run', accepted: 'an http(s) URL' },
    parseHttpUrl,
  ),
  timeout: duration({
    description: '`require` mode: how long to wait for pending or missing contexts (0: decide at once)',
    default: '0s',
  }),
  'poll-interval': duration({
    description: '`require` mode: time between two reads while waiting',
    default: '10s',
    min: 10,
  }),
  repository: repositoryInput,
  token: tokenInput,
};

const ICON: Record<ContextReport['verdict'], string> = {
  green: '✅',
  pending: '⏳',
  missing: '❔',
  red: '❌',
};

export const gateMerge = defineStep({
  name: 'gate-merge',
  example: `
- uses: <owner>/stagecraft/actions/gate-merge@v1
  with:
    state: \${{ job.status == 'success' && 'success' || 'failure' }}
    context: stagecraft/staging
`,
  title: 'Gate merge',
  description:
    'Writes the commit status that blocks merging until staging is verified, or requires a set of statuses to be green.',
  stage: 'gate',
  inputs,
  outputs: {
    state: '`set`: the state written; `require`: `success`, `failure` or `pending` (timed out)',
    sha: 'The commit that was marked or checked',
    report: '`require` mode: JSON array of {context, verdict, detail}',
  },
  async run(input, rt) {
    // Cross-input checks first: nothing is called before every input is known to be usable.
    if (input.mode === 'require' && !input.contexts?.length) {
      throw new InputError('contexts', '', 'require mode needs at least one context, one a line');
    }
    const sha = input.sha ?? rt.ctx.headSha;
    if (!sha) throw new InputError('sha', '', `no commit in this context; ${SHA_ACCEPTED}`);
    const forge = await connectForge(rt, {
      ...(input.token ? { token: input.token } : {}),
      ...(input.repository ? { repository: input.repository } : {}),
    });

    if (input.mode === 'set') {
      const targetUrl = input.targetUrl ?? rt.ctx.runUrl;
      await forge.setStatus(sha, {
        state: input.state,
        context: input.context,
        ...(input.description ? { description: input.description } : {}),
        ...(targetUrl ? { targetUrl } : {}),
      });
      rt.info(`Set ${input.context} = ${input.state} on ${sha} (${forge.project})`);
      return {
        outputs: { state: input.state, sha, report: '' },
        summary: `### Gate: \`${input.context}\` is ${input.state} on \`${sha.slice(0, 12)}\`\n`,
      };
    }

    const required = input.contexts as string[];
    const result = await rt.group(`Require ${required.join(', ')} on ${sha.slice(0, 12)}`, () =>
      waitForContexts({
        required,
        read: () => forge.readChecks(sha),
        timeoutMs: input.timeout,
        pollMs: input.pollInterval,
        log: rt,
      }),
    );
    const state = result.passed
      ? 'success'
      : result.reports.some((r) => r.verdict === 'red')
        ? 'failure'
        : 'pending';
    const report = result.reports.map(({ context, verdict, detail }) => ({ context, verdict, detail }));
    const rows = result.reports.map((r) => [`\`${r.context}\``, `${ICON[r.verdict]} ${r.verdict}`, r.detail]);
    const waited = input.timeout
      ? ` · waited ${formatDuration(result.waitedMs)} (${result.polls} reads)`
      : '';
    const summary = [
      `### Gate: ${result.passed ? 'all required contexts are green' : 'not green'} on \`${sha.slice(0, 12)}\``,
      '',
      `${forge.project}${waited}`,
      '',
      table(['Context', 'Verdict', 'Seen'], rows),
      '',
    ].join('\n');
    const bad = result.reports.filter((r) => r.verdict !== 'green');
    return {
      outputs: { state, sha, report: JSON.stringify(report) },
      summary,
      ...(result.passed
        ? {}
        : {
            failure: [
              `${bad.length} of ${required.length} required context(s) not green on ${sha}${input.timeout ? ` after ${formatDuration(result.waitedMs)}` : ''}:`,
              ...bad.map((r) => `- ${r.context}: ${r.verdict} (${r.detail})`),
            ].join('\n'),
          }),
    };
  },
});
