import { formatDuration } from '../core/duration.js';
import { InputError } from '../core/errors.js';
import { type ContextReport, waitForContexts } from '../core/gate/contexts.js';
import { table } from '../core/markdown.js';
import { type CommitState, connectForge } from '../platform/forge.js';
import { choice, duration, type Inputs, list, parsed, text } from '../platform/inputs.js';
import { defineStep, type SettingsSource } from '../platform/step.js';
import { checkFreeze, type FreezeSettings, freezeInputs, freezeSettings } from './freeze.js';
import { parseHttpUrl, parseSha, repositoryInput, SHA_ACCEPTED, tokenInput } from './shared-inputs.js';

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
  ...freezeInputs,
};

interface Common {
  /** The commit to mark or check: the `sha` input, else the context's head commit. */
  sha: string;
  token?: string;
  repository?: string;
}

/** gate-merge's settings, one shape per mode. */
export type GateSettings =
  | (Common & {
      mode: 'set';
      state: CommitState;
      context: string;
      description?: string;
      /** The `target-url` input, else this run. */
      targetUrl?: string;
      /** Checked against the context's environment (`stagecraft/production` → production). */
      freeze: FreezeSettings;
    })
  | (Common & {
      mode: 'require';
      /** At least one. */
      contexts: string[];
      timeoutMs: number;
      pollIntervalMs: number;
    });

export async function gateSettings(
  input: Inputs<typeof inputs>,
  { ctx }: SettingsSource,
): Promise<GateSettings> {
  const contexts = input.contexts ?? [];
  if (input.mode === 'require' && !contexts.length) {
    throw new InputError('contexts', '', 'require mode needs at least one context, one a line');
  }
  const sha = input.sha ?? ctx.headSha;
  if (!sha) throw new InputError('sha', '', `no commit in this context; ${SHA_ACCEPTED}`);
  const common: Common = {
    sha,
    ...(input.token ? { token: input.token } : {}),
    ...(input.repository ? { repository: input.repository } : {}),
  };
  if (input.mode === 'require') {
    return {
      ...common,
      mode: 'require',
      contexts,
      timeoutMs: input.timeout,
      pollIntervalMs: input.pollInterval,
    };
  }
  const targetUrl = input.targetUrl ?? ctx.runUrl;
  return {
    ...common,
    mode: 'set',
    state: input.state,
    context: input.context,
    ...(input.description ? { description: input.description } : {}),
    ...(targetUrl ? { targetUrl } : {}),
    freeze: await freezeSettings(input),
  };
}

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
  settings: gateSettings,
  outputs: {
    state: '`set`: the state written; `require`: `success`, `failure` or `pending` (timed out)',
    sha: 'The commit that was marked or checked',
    report: '`require` mode: JSON array of {context, verdict, detail}',
  },
  async run(input, rt) {
    const sha = input.sha;
    const forge = await connectForge(rt, {
      ...(input.token ? { token: input.token } : {}),
      ...(input.repository ? { repository: input.repository } : {}),
    });

    if (input.mode === 'set') {
      // A gate for a frozen environment is not set (the merge that would deploy waits).
      const freeze = await checkFreeze(rt, input.freeze, input.context.split('/').pop() ?? input.context, {
        outputs: { state: '', sha, report: '' },
        action: `Gate ${input.context}`,
        ...(input.token ? { token: input.token } : {}),
      });
      await forge.setStatus(sha, {
        state: input.state,
        context: input.context,
        ...(input.description ? { description: input.description } : {}),
        ...(input.targetUrl ? { targetUrl: input.targetUrl } : {}),
      });
      rt.info(`Set ${input.context} = ${input.state} on ${sha} (${forge.project})`);
      return {
        outputs: { state: input.state, sha, report: '' },
        summary: `### Gate: \`${input.context}\` is ${input.state} on \`${sha.slice(0, 12)}\`\n${freeze.summary.length ? `\n${freeze.summary.join('\n')}` : ''}`,
      };
    }

    const required = input.contexts;
    const result = await rt.group(`Require ${required.join(', ')} on ${sha.slice(0, 12)}`, () =>
      waitForContexts({
        required,
        read: () => forge.readChecks(sha),
        timeoutMs: input.timeoutMs,
        pollMs: input.pollIntervalMs,
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
    const waited = input.timeoutMs
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
              `${bad.length} of ${required.length} required context(s) not green on ${sha}${input.timeoutMs ? ` after ${formatDuration(result.waitedMs)}` : ''}:`,
              ...bad.map((r) => `- ${r.context}: ${r.verdict} (${r.detail})`),
            ].join('\n'),
          }),
    };
  },
});
