import { errorMessage, StepError } from '../core/errors.js';
import { table } from '../core/markdown.js';
import { type BoardRow, parseSlackLine, type SlackRef, slackLine } from '../core/notify/board.js';
import { boardRows, upsertBoardRow } from '../core/notify/board-sync.js';
import { commentBody, commentLimit } from '../core/notify/message.js';
import { postSlack, type SlackExtras, slackPayload, statusChange } from '../core/notify/slack.js';
import { deliverSlack, type SlackMessage } from '../core/notify/slack-api.js';
import { type Comment, upsertComment } from '../core/notify/sticky.js';
import { connectForge, type Forge } from '../platform/forge.js';
import type { Runtime } from '../platform/runtime.js';
import { defineStep } from '../platform/step.js';
import { type NotifySettings, notifyInputs, notifySettings } from './notify-inputs.js';

export { parsePullNumbers } from './notify-inputs.js';

/** Slack and comment failures: a warning and a summary line, or the step's failure when told so. */
class Problems {
  lines: string[] = [];
  failure: string | undefined;
  constructor(
    private rt: Runtime,
    private strict: boolean,
  ) {}
  add(what: string, err: unknown): string {
    // The platform's error as it answered: its HTTP status and message.
    // (Octokit's and GitLab's errors carry `status`; github-api stays out of the entry bundle.)
    const status = (err as { status?: unknown })?.status;
    const message = errorMessage(err);
    const reason =
      typeof status === 'number' && !message.includes(String(status)) ? `${status} ${message}` : message;
    this.lines.push(`⚠️ ${what} failed: ${reason}`);
    if (this.strict) this.failure ??= `${what} failed: ${reason}`;
    else this.rt.warning(`${what} failed (the deploy is not affected): ${reason}`);
    return `failed: ${reason}`;
  }
}

/** The Slack message of this commit and environment that an earlier run left in a comment. */
function previousSlack(input: NotifySettings, listed: Comment[] | undefined): SlackRef | undefined {
  if (!listed) return undefined;
  if (input.board) return boardRows(listed)[input.values.environment ?? 'default']?.slack;
  const mine = listed.filter((c) => c.body.includes(input.marker)).sort((a, b) => a.id - b.id)[0];
  return mine && parseSlackLine(mine.body);
}

async function notifySlackBot(
  input: NotifySettings,
  rt: Runtime,
  payload: SlackMessage,
  previous: SlackRef | undefined,
): Promise<{ ref: SlackRef; action: string }> {
  const bot = input.slackBot as NonNullable<NotifySettings['slackBot']>;
  const status = input.values.status;
  const delivery = await deliverSlack(
    payload,
    {
      channel: bot.channel,
      sha: input.sha ?? '',
      status,
      reply: statusChange(status, previous?.status ?? status),
    },
    previous,
    {
      token: bot.token,
      apiUrl: bot.apiUrl,
      warn: (m) => rt.warning(m),
      retryBaseMs: rt.tuning.retryBaseMs ?? 1000,
    },
  );
  const action = `${delivery.action} ${delivery.ref.ts}${delivery.replied ? ', replied in its thread' : ''}`;
  rt.info(`Slack: ${action}`);
  return { ref: delivery.ref, action };
}

/** One PR's comment: the board row, or the sticky per-environment comment. */
async function writeComment(
  input: NotifySettings,
  rt: Runtime,
  forge: Forge,
  pull: number,
  listed: Comment[] | undefined,
  slack: SlackRef | undefined,
): Promise<{ id: number; action: string }> {
  const limit = commentLimit(forge.kind);
  const api = forge.comments(pull);
  if (!input.board) {
    const head = slack ? `${input.marker}\n${slackLine(slack)}` : input.marker;
    const result = await upsertComment(api, commentBody(input.message, head, limit), {
      marker: input.marker,
      sticky: input.sticky,
      log: rt,
    });
    const dups = result.removed.length ? `, removed duplicates ${result.removed.join(', ')}` : '';
    return { id: result.id, action: `${result.action}${dups}` };
  }
  const v = input.values;
  const row: BoardRow = {
    environment: (v.environment ?? 'default').slice(0, 200),
    status: v.status.slice(0, 100),
    time: new Date().toISOString(),
    ...(v.image ? { image: v.image.slice(0, 1000) } : {}),
    ...(v.url ? { url: v.url.slice(0, 2000) } : {}),
    ...(v.sha ? { sha: v.sha } : {}),
    ...(v.runUrl ? { runUrl: v.runUrl.slice(0, 2000) } : {}),
    ...(v.breakGlass ? { breakGlass: v.breakGlass } : {}),
    ...(slack ? { slack } : {}),
  };
  const result = await upsertBoardRow(api, row, {
    limit,
    log: rt,
    settleMs: (rt.tuning.retryBaseMs ?? 1000) / 2,
    ...(listed ? { listed } : {}),
  });
  if (!result.confirmed)
    rt.warning(
      `#${pull}: the board kept changing under concurrent runs; row ${row.environment} may need a re-run`,
    );
  return { id: result.id, action: `board ${result.action} (${result.writes} write(s))` };
}

export const notifyPr = defineStep({
  name: 'notify-pr',
  example: `
- uses: <owner>/stagecraft/actions/notify-pr@v1
  with:
    environment: production
    image: \${{ steps.build.outputs.image-ref }}
    url: https://shop.example.com
    slack-webhook-url: \${{ secrets.SLACK_WEBHOOK_URL }}
`,
  title: 'Notify PR',
  description:
    'Comments on the pull/merge request(s) of a deploy (one sticky comment per environment, or one board with a row per environment) and optionally posts to Slack.',
  stage: 'notify',
  inputs: notifyInputs,
  settings: notifySettings,
  outputs: {
    'comment-ids': 'Ids of the comments (notes) written or updated, one a line',
    'pr-numbers': 'PR (MR) numbers that were notified, one a line',
    'slack-ts':
      'The `ts` of the Slack message (slack-token): the same for every run of one commit and environment',
  },
  async run(input, rt) {
    const { values, sha } = input;
    const problems = new Problems(rt, input.failOnSlackError);
    if (input.messageIgnored)
      rt.warning(
        '"message" is not used with board: true (the board renders its own table); set board: false for a comment of your own',
      );
    // Token known and masked before any call; GitHub and GitLab share the rest.
    const forge = await connectForge(rt, {
      ...(input.token ? { token: input.token } : {}),
      ...(input.repository ? { repository: input.repository } : {}),
    });

    let pulls = input.pulls;
    if (!pulls) {
      if (!sha) throw new StepError('no PR to notify: give "pr", or "sha" to look up the PRs of a commit');
      try {
        pulls = await forge.pullsForCommit(sha);
        rt.info(
          `PRs associated with ${sha}: ${pulls.length ? pulls.map((n) => `#${n}`).join(', ') : 'none'}`,
        );
      } catch (err) {
        problems.add(`Looking up the PRs of ${sha}`, err);
        pulls = [];
      }
    }
    const rows: string[][] = [];
    // The board and the Slack message's ts live in the comments: list them once per PR.
    const listed = new Map<number, Comment[]>();
    if (input.board || input.slackBot)
      for (const pull of pulls) {
        try {
          listed.set(pull, await forge.comments(pull).list());
        } catch (err) {
          rows.push([
            `[#${pull}](${forge.pullUrl(pull)})`,
            problems.add(`Reading the comments of #${pull}`, err),
            '',
          ]);
        }
      }

    const extras: SlackExtras = {
      pulls: pulls.map((number) => ({ number, url: forge.pullUrl(number) })),
      repository: forge.project,
      ...(sha ? { commitUrl: forge.commitUrl(sha) } : {}),
    };
    const payload = slackPayload(values, extras) as unknown as SlackMessage;
    // A run whose Slack message fails (or that has none) keeps the earlier run's reference.
    const previous = pulls.map((p) => previousSlack(input, listed.get(p))).find(Boolean);
    let slackRef: SlackRef | undefined;
    let slackBot = 'not configured';
    if (input.slackBot) {
      try {
        const done = await notifySlackBot(input, rt, payload, previous);
        slackRef = done.ref;
        slackBot = done.action;
      } catch (err) {
        slackBot = problems.add('Slack message', err);
      }
    }
    let slack = 'not configured';
    if (input.slackWebhookUrl) {
      try {
        await postSlack(input.slackWebhookUrl, payload, {
          warn: (m) => rt.warning(m),
          retryBaseMs: rt.tuning.retryBaseMs ?? 1000,
        });
        slack = 'posted';
      } catch (err) {
        slack = problems.add('Slack notification', err);
      }
    }

    const ids: number[] = [];
    for (const pull of pulls) {
      if ((input.board || input.slackBot) && !listed.has(pull)) continue;
      const pr = `[#${pull}](${forge.pullUrl(pull)})`;
      try {
        const result = await writeComment(input, rt, forge, pull, listed.get(pull), slackRef ?? previous);
        ids.push(result.id);
        rows.push([pr, result.action, String(result.id)]);
        rt.info(`#${pull}: comment ${result.id} ${result.action}`);
      } catch (err) {
        rows.push([pr, problems.add(`Comment on #${pull}`, err), '']);
      }
    }

    const summary = [
      `### Notified ${pulls.length} PR(s) · ${values.environment ?? ''} ${values.status}`.trimEnd(),
      '',
      rows.length ? table(['PR', 'Comment', 'Id'], rows) : 'No PR is associated with this commit.',
      '',
      ...(input.slackWebhookUrl || !input.slackBot ? [`Slack: ${slack}`, ''] : []),
      ...(input.slackBot ? [`Slack message: ${slackBot}`, ''] : []),
      ...problems.lines.flatMap((l) => [l, '']),
    ].join('\n');
    return {
      outputs: {
        'comment-ids': ids.join('\n'),
        'pr-numbers': pulls.join('\n'),
        'slack-ts': slackRef?.ts ?? '',
      },
      summary,
      ...(problems.failure ? { failure: problems.failure } : {}),
    };
  },
});
