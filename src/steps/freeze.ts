/**
 * Freeze windows for deploy-env and the root `promote`: the inputs (declared once), their typed
 * settings, and the check that runs when the job deploys — with the project's GitLab freeze
 * periods read at that moment, not when the pipeline was created. Frozen: one error naming each
 * window and when it ends, before anything changes. `break-glass`: deploy anyway, loudly.
 */
import { globToRegex } from '../core/environments.js';
import { errorMessage, InputError, StepError } from '../core/errors.js';
// Types only: the cron library loads when a window is given or GitLab has freeze periods.
import type { ActiveFreeze, FreezeWindow } from '../core/freeze/windows.js';
import { table } from '../core/markdown.js';
import { resolveToken } from '../platform/forge.js';
import { list, text } from '../platform/inputs.js';
import type { Runtime } from '../platform/runtime.js';

const FREEZE_HELP =
  'one window a line: `CRON_START CRON_END [TZ]` (two 5-field cron expressions and an IANA time zone, default UTC, e.g. `0 17 * * 5 0 8 * * 1 Europe/Berlin`) or an ISO interval `START/END` with a zone (e.g. `2026-12-24T00:00Z/2026-12-27T00:00Z`)';

export const freezeInputs = {
  freeze: text({
    description:
      "Freeze windows, one a line: `CRON_START CRON_END [TZ]` as GitLab deploy freezes (`0 17 * * 5 0 8 * * 1 Europe/Berlin`: Friday 17:00 to Monday 08:00 Berlin time) or an ISO interval `2026-12-24T00:00Z/2026-12-27T00:00Z`. Inside one the deploy fails before any change. On GitLab the project's deploy freeze periods apply too, read when the job runs",
    accepted: FREEZE_HELP,
    kind: 'lines',
  }),
  'freeze-environments': list({
    description: 'Globs of the environments the freeze windows (and GitLab freeze periods) apply to',
    default: 'production',
  }),
  'break-glass': text({
    description:
      'A reason to deploy during a freeze anyway (e.g. `hotfix INC-42`): the reason and the actor go to a warning, the summary, the deployment record and the board row',
  }),
};

export interface FreezeSettings {
  windows: FreezeWindow[];
  /** Globs of the environments that freeze. */
  environments: string[];
  breakGlass?: string;
}

/** Parses the windows (one InputError naming `freeze` for the first bad one) before anything runs. */
export async function freezeSettings(input: {
  freeze?: string;
  freezeEnvironments: string[];
  breakGlass?: string;
}): Promise<FreezeSettings> {
  const breakGlass = input.breakGlass?.trim();
  let windows: FreezeWindow[] = [];
  if (input.freeze?.trim()) {
    const { parseFreezeWindows } = await import('../core/freeze/windows.js');
    try {
      windows = parseFreezeWindows(input.freeze);
    } catch (err) {
      throw new InputError('freeze', input.freeze, `${errorMessage(err)}; expected ${FREEZE_HELP}`);
    }
  }
  return {
    windows,
    environments: input.freezeEnvironments,
    ...(breakGlass ? { breakGlass } : {}),
  };
}

/** Deploying through a freeze: who, why, and which windows it broke. */
export interface BreakGlass {
  reason: string;
  actor: string;
  windows: string[];
}

export interface FreezeVerdict {
  breakGlass?: BreakGlass;
  /** Markdown lines for the summary (empty when no window held). */
  summary: string[];
}

/** The project's GitLab freeze periods, on GitLab; a read that fails is a warning, not a silent pass. */
async function gitlabWindows(rt: Runtime, token: string | undefined): Promise<FreezeWindow[]> {
  const project = rt.ctx.projectId ?? rt.ctx.repository;
  if (rt.ctx.provider !== 'gitlab' || !rt.ctx.apiUrl || !project) return [];
  try {
    const { token: resolved, job } = resolveToken(rt, 'gitlab', token);
    const { createGitLabClient } = await import('../platform/gitlab-api.js');
    const { gitlabFreezeWindows } = await import('../platform/gitlab-freeze.js');
    const client = createGitLabClient({
      apiUrl: rt.ctx.apiUrl,
      token: resolved,
      tokenKind: job ? 'job' : 'private',
      warn: (m) => rt.warning(m),
      ...(rt.tuning.retryBaseMs !== undefined ? { retryBaseMs: rt.tuning.retryBaseMs } : {}),
    });
    return await gitlabFreezeWindows(client, project, (m) => rt.warning(m));
  } catch (err) {
    rt.warning(
      `Could not read the project's GitLab freeze periods (${errorMessage(err)}); only the freeze input applies. Give the job a token that can read them (GITLAB_TOKEN with read_api)`,
    );
    return [];
  }
}

function freezeTable(active: ActiveFreeze[], formatInZone: (d: Date, zone: string) => string): string {
  return table(
    ['Window', 'From', 'Since', 'Ends', 'Ends (UTC)'],
    active.map((a) => [
      `\`${a.window.text}\``,
      a.window.source,
      formatInZone(a.start, a.window.timeZone),
      formatInZone(a.end, a.window.timeZone),
      formatInZone(a.end, 'UTC'),
    ]),
  );
}

/**
 * Checks the freeze for `environment` at the runtime's clock. Frozen without break-glass: throws a
 * StepError (with `outputs` and a summary) before anything changed. With break-glass: a warning,
 * and the verdict carries who and why for the summary and the records.
 */
export async function checkFreeze(
  rt: Runtime,
  settings: FreezeSettings,
  environment: string,
  report: { outputs: Record<string, string>; token?: string; action?: string },
): Promise<FreezeVerdict> {
  if (!settings.environments.some((glob) => globToRegex(glob).test(environment))) return { summary: [] };
  const windows = [...settings.windows, ...(await gitlabWindows(rt, report.token))];
  if (windows.length === 0) return { summary: [] };
  const { activeFreezes, describeFreeze, formatInZone } = await import('../core/freeze/windows.js');
  const now = rt.now();
  const active = activeFreezes(windows, now);
  if (active.length === 0) {
    rt.info(`No freeze window holds ${environment} now (${formatInZone(now, 'UTC')})`);
    return { summary: [] };
  }
  const names = active.map(describeFreeze).join('; ');
  if (!settings.breakGlass) {
    const message = `${environment} is frozen: ${names}. Nothing was changed; deploy after the window ends, or set break-glass to a reason to deploy anyway`;
    throw new StepError(message, {
      outputs: report.outputs,
      summary: [
        `### ${report.action ?? 'Deploy'} to ${environment} refused: frozen`,
        '',
        `It is ${formatInZone(now, 'UTC')}. Nothing was changed.`,
        '',
        freezeTable(active, formatInZone),
        '',
        'Deploy after the window ends, or set `break-glass` to a reason to deploy anyway.',
        '',
      ].join('\n'),
    });
  }
  const actor = rt.ctx.actor ?? 'unknown';
  rt.warning(
    `Break-glass deploy to ${environment} during a freeze by ${actor}: ${settings.breakGlass} (${names})`,
  );
  return {
    breakGlass: { reason: settings.breakGlass, actor, windows: active.map((a) => a.window.text) },
    summary: [
      `#### Break-glass: deployed during a freeze`,
      '',
      table(
        ['', ''],
        [
          ['Reason', settings.breakGlass],
          ['Actor', actor],
        ],
      ),
      '',
      freezeTable(active, formatInZone),
      '',
    ],
  };
}
