/**
 * stop-env: ends a preview environment — removes what deploy-env created for it (through the
 * strategy's `stop`), marks its records ended, and with `sweep` finds the forgotten ones. Any
 * environment outside `preview-environments` is a bad input before anything is touched.
 */
import type { StopResult } from '../core/deploy/types.js';
import { globToRegex, isEnvironmentTemplate } from '../core/environments.js';
import { InputError } from '../core/errors.js';
import { table } from '../core/markdown.js';
import { bool, duration, type Inputs, list, parsed } from '../platform/inputs.js';
import type { Runtime } from '../platform/runtime.js';
import { defineStep, type SettingsSource } from '../platform/step.js';
import { deployContext } from './deploy-context.js';
import { notifyInputs } from './notify-inputs.js';
import { previewName } from './preview.js';
import { markBoardStopped } from './stop-board.js';
import { endRecords } from './stop-records.js';
import { sweepCandidates } from './stop-sweep.js';
import { planStop, type StopPlan, strategyEnv, strategyInput, targetInputs } from './strategies/index.js';

const inputs = {
  environment: parsed(
    {
      description:
        'The environment to stop, e.g. `pr-{pr}` (`{pr}`: the pull request number, GitLab: the merge request iid); required unless `sweep`',
      accepted: 'an environment name (letters, digits, . _ -; `{pr}` allowed)',
    },
    (raw) => {
      const name = raw.trim();
      if (!isEnvironmentTemplate(name)) throw new Error('must be letters, digits, . _ - (max 64)');
      return name;
    },
  ),
  strategy: strategyInput,
  ...targetInputs,
  'preview-environments': list({
    description:
      'Globs of the environments stop-env may stop; any other is a bad input and nothing is touched (`production` cannot be stopped by a typo)',
    default: 'pr-*',
  }),
  sweep: bool({
    description:
      '`true`: stop every environment matching `preview-environments` whose PR/MR is closed or merged, or whose last deploy is older than `max-age`',
    default: 'false',
  }),
  'max-age': duration({
    description:
      'With `sweep`: also stop preview environments whose last deploy is older than this (e.g. `7d`)',
    min: 1,
  }),
  board: bool({
    description:
      "The environment's row on the PR/MR board (notify-pr `board: true`) says `stopped` (an existing row only)",
    default: 'true',
  }),
  'slack-token': {
    ...notifyInputs['slack-token'],
    description:
      'Slack bot token (`chat:write`): the Slack message notify-pr posted for the environment (its board row names it) is updated to `stopped`, with a reply in its thread',
  },
  'slack-api-url': notifyInputs['slack-api-url'],
  'delete-environment': bool({
    description: 'GitHub: also delete the GitHub environment (a 403 — the token may not — is a warning)',
    default: 'false',
  }),
};

export interface StopSettings {
  /** Absent with `sweep`. `{pr}` still in it: replaced when the step runs. */
  environment?: string;
  previews: RegExp[];
  previewGlobs: string[];
  sweep: boolean;
  maxAgeMs?: number;
  target: StopPlan;
  dryRun: boolean;
  deleteEnvironment: boolean;
  board: boolean;
  slack?: { token: string; apiUrl: string };
  token?: string;
}

export function stopSettings(input: Inputs<typeof inputs>, source: SettingsSource): StopSettings {
  const globs = input.previewEnvironments ?? [];
  if (globs.length === 0) {
    throw new InputError('preview-environments', '', 'at least one glob such as `pr-*`');
  }
  if (!input.sweep && !input.environment) {
    throw new InputError('environment', '', 'an environment name such as `pr-{pr}` (or `sweep: true`)');
  }
  if (input.sweep && input.environment) {
    throw new InputError(
      'environment',
      input.environment,
      'empty with `sweep: true` (the sweep finds the environments)',
    );
  }
  const previews = globs.map(globToRegex);
  // A fixed name outside the previews fails here, before any client is made.
  if (input.environment && !input.environment.includes('{pr}')) {
    checkPreview(input.environment, previews, globs);
  }
  return {
    ...(input.environment ? { environment: input.environment } : {}),
    previews,
    previewGlobs: globs,
    sweep: input.sweep,
    ...(input.maxAge !== undefined ? { maxAgeMs: input.maxAge } : {}),
    target: planStop(input, source),
    dryRun: input.dryRun,
    deleteEnvironment: input.deleteEnvironment,
    board: input.board,
    ...(input.slackToken ? { slack: { token: input.slackToken, apiUrl: input.slackApiUrl } } : {}),
    ...(input.token ? { token: input.token } : {}),
  };
}

export function checkPreview(environment: string, previews: RegExp[], globs: string[]): void {
  if (!previews.some((re) => re.test(environment))) {
    throw new InputError(
      'environment',
      environment,
      `an environment matching \`preview-environments\` (${globs.join(', ')}); nothing was touched`,
    );
  }
}

export const stopEnv = defineStep({
  name: 'stop-env',
  example: `
on:
  pull_request:
    types: [closed]
jobs:
  stop:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: <owner>/stagecraft/actions/stop-env@v1
        with:
          environment: pr-{pr}
          strategy: kubernetes
          manifests: k8s/overlays/preview
          namespace: shop-{environment}
# nightly: sweep: true + max-age: 7d stops every pr-* environment of a closed PR or older than a week
`,
  title: 'Stop a preview environment',
  description:
    'Ends a preview environment: deletes the namespace stagecraft created (else only the objects deploy-env applied), uninstalls the Helm release, removes the environment directory from the config repository in one commit, or destroys the Terraform workspace; marks its GitHub deployments inactive or stops the GitLab environment. `sweep: true` stops every preview environment whose PR/MR is closed or merged, or older than `max-age`.',
  stage: 'deploy',
  inputs,
  settings: stopSettings,
  outputs: {
    stopped: 'The environments stopped, one a line (empty when there was nothing left to stop)',
  },
  async run(input, rt) {
    let names: string[];
    const reasons = new Map<string, string>();
    const pulls = new Map<string, number>();
    if (input.sweep) {
      const picked = await rt.group('Sweep: preview environments', () => sweepCandidates(rt, input));
      for (const p of picked) {
        reasons.set(p.name, p.reason);
        if (p.pull !== undefined) pulls.set(p.name, p.pull);
      }
      names = picked.map((p) => p.name);
      if (names.length === 0) rt.notice('Sweep: no preview environment to stop');
    } else {
      const name = previewName(input.environment as string, rt.ctx.pullNumber, false);
      checkPreview(name, input.previews, input.previewGlobs);
      names = [name];
      if (rt.ctx.pullNumber !== undefined) pulls.set(name, rt.ctx.pullNumber);
    }
    const stopped: string[] = [];
    const sections: string[] = [];
    for (const environment of names) {
      const result = await stopOne(rt, input, environment, pulls.get(environment));
      if (result.stopped) stopped.push(environment);
      sections.push(...section(environment, input.dryRun, result, reasons.get(environment)));
    }
    const verb = input.dryRun ? 'Would stop' : 'Stopped';
    return {
      outputs: { stopped: stopped.join('\n') },
      summary: [
        `### ${verb} ${stopped.length ? stopped.join(', ') : 'nothing'}${input.sweep ? ' (sweep)' : ''}`,
        '',
        ...sections,
      ].join('\n'),
    };
  },
});

async function stopOne(
  rt: Runtime,
  input: StopSettings,
  environment: string,
  pull: number | undefined,
): Promise<StopResult> {
  const ctx = deployContext(rt, environment, input.dryRun);
  return rt.group(
    `Stop ${environment} (${input.target.strategy}${input.dryRun ? ', dry run' : ''})`,
    async () => {
      const result = await input.target.run(strategyEnv(rt), ctx);
      if (!result.stopped) rt.notice(`${environment} is already gone: nothing left to stop`);
      const records = input.dryRun ? [] : await endRecords(rt, input, environment);
      const board =
        input.dryRun || !input.board
          ? []
          : await markBoardStopped(rt, input.token, environment, pull, input.slack);
      return { stopped: result.stopped, summary: [...result.summary, ...records, ...board] };
    },
  );
}

function section(environment: string, dryRun: boolean, result: StopResult, reason?: string): string[] {
  const state = result.stopped ? (dryRun ? 'would stop' : 'stopped') : 'already gone';
  const head = ['environment', 'result', ...(reason !== undefined ? ['why'] : [])];
  const row = [environment, state, ...(reason !== undefined ? [reason] : [])];
  return [table(head, [row]), '', ...result.summary.map((l) => `- ${l}`), ''];
}
