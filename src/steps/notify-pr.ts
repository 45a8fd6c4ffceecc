import { errorMessage, StepError } from '../core/errors.js';
import { table } from '../core/markdown.js';
import {
  commentBody,
  defaultMessage,
  GITHUB_COMMENT_LIMIT,
  markerFor,
  type NotifyValues,
  PLACEHOLDER_HELP,
  renderTemplate,
} from '../core/notify/message.js';
import { postSlack, slackPayload } from '../core/notify/slack.js';
import { upsertComment } from '../core/notify/sticky.js';
import { connectForge, forgeKind } from '../platform/forge.js';
import { bool, type Inputs, parsed, splitList, text } from '../platform/inputs.js';
import { defineStep, type SettingsSource } from '../platform/step.js';
import { parseHttpUrl, parseSha, repositoryInput, SHA_ACCEPTED, tokenInput } from './shared-inputs.js';

export function parsePullNumbers(raw: string): number[] {
  const items = splitList(raw.replace(/#/g, ''));
  for (const item of items) if (!/^[1-9]\d{0,9}$/.test(item)) throw new Error(`"${item}" is not a PR number`);
  return [...new Set(items.map(Number))];
}

const inputs = {
  message: text({
    description: `Markdown of the comment; placeholders ${PLACEHOLDER_HELP}. Default: a deployment summary`,
  }),
  environment: text({ description: 'Environment that was deployed (fills {environment})' }),
  image: text({ description: 'Image that was deployed (fills {image})' }),
  url: text({ description: 'Environment URL (fills {url})' }),
  status: text({ description: 'Outcome shown in the message: success, failure, …', default: 'success' }),
  pr: parsed(
    {
      description: 'PR (MR) number(s). Default: the event’s PR, else the PRs associated with `sha`',
      accepted: 'PR numbers, one a line or comma-separated',
      kind: 'list',
    },
    parsePullNumbers,
  ),
  sha: parsed(
    { description: 'Commit whose PRs are notified (default: this commit)', accepted: SHA_ACCEPTED },
    parseSha,
  ),
  sticky: bool({
    description: 'Update this step’s earlier comment (same key) instead of adding one',
    default: 'true',
  }),
  key: text({
    description:
      'What makes a comment sticky: the marker `<!-- stagecraft:notify:<key> -->`; placeholders allowed',
    default: '{environment}',
  }),
  'slack-webhook-url': parsed(
    {
      description: 'Slack incoming-webhook URL: also post a Block Kit message',
      secret: true,
      accepted: 'an http(s) URL',
    },
    parseHttpUrl,
  ),
  'fail-on-slack-error': bool({
    description: 'Fail the step when Slack cannot be reached (default: a warning)',
    default: 'false',
  }),
  repository: repositoryInput,
  token: tokenInput,
};

/** notify-pr's settings: the message values, rendered text and marker, and where to post. */
export interface NotifySettings {
  values: NotifyValues;
  /** The commit whose PRs are notified when `pr` is not given (and none is in the event). */
  sha?: string;
  /** The `pr` input, else the event's PR; absent: the PRs of `sha`. */
  pulls?: number[];
  /** The comment's markdown (template rendered, or the default message). */
  message: string;
  /** The sticky marker made from `key`. */
  marker: string;
  sticky: boolean;
  slackWebhookUrl?: string;
  failOnSlackError: boolean;
  token?: string;
  repository?: string;
}

export function notifySettings(input: Inputs<typeof inputs>, { ctx }: SettingsSource): NotifySettings {
  const sha = input.sha ?? ctx.headSha ?? ctx.sha;
  const values: NotifyValues = {
    status: input.status,
    ...(input.environment ? { environment: input.environment } : {}),
    ...(input.image ? { image: input.image } : {}),
    ...(input.url ? { url: input.url } : {}),
    ...(sha ? { sha } : {}),
    ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}),
  };
  const pulls = input.pr ?? (ctx.pullNumber ? [ctx.pullNumber] : undefined);
  return {
    values,
    ...(sha ? { sha } : {}),
    ...(pulls ? { pulls } : {}),
    message: input.message ? renderTemplate(input.message, values) : defaultMessage(values),
    marker: markerFor(renderTemplate(input.key, values)),
    sticky: input.sticky,
    ...(input.slackWebhookUrl ? { slackWebhookUrl: input.slackWebhookUrl } : {}),
    failOnSlackError: input.failOnSlackError,
    ...(input.token ? { token: input.token } : {}),
    ...(input.repository ? { repository: input.repository } : {}),
  };
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
    'Comments on the pull/merge request(s) of a deploy (one sticky comment per environment) and optionally posts to Slack.',
  stage: 'notify',
  inputs,
  settings: notifySettings,
  outputs: {
    'comment-ids': 'Ids of the comments (notes) written or updated, one a line',
    'pr-numbers': 'PR (MR) numbers that were notified, one a line',
  },
  async run(input, rt) {
    const { values, sha, message, marker } = input;
    // Token known and masked before any call; GitHub and GitLab share the rest.
    const forge = await connectForge(rt, {
      ...(input.token ? { token: input.token } : {}),
      ...(input.repository ? { repository: input.repository } : {}),
    });

    let pulls = input.pulls;
    if (!pulls) {
      if (!sha) throw new StepError('no PR to notify: give "pr", or "sha" to look up the PRs of a commit');
      pulls = await forge.pullsForCommit(sha);
      rt.info(`PRs associated with ${sha}: ${pulls.length ? pulls.map((n) => `#${n}`).join(', ') : 'none'}`);
    }
    const limit = forgeKind(rt) === 'github' ? GITHUB_COMMENT_LIMIT : 1_000_000;
    const body = commentBody(message, marker, limit);
    const rows: string[][] = [];
    const ids: number[] = [];
    for (const pull of pulls) {
      const result = await upsertComment(forge.comments(pull), body, {
        marker,
        sticky: input.sticky,
        log: rt,
      });
      ids.push(result.id);
      rows.push([`[#${pull}](${forge.pullUrl(pull)})`, result.action, String(result.id)]);
      rt.info(
        `#${pull}: comment ${result.id} ${result.action}${result.removed.length ? `, removed duplicates ${result.removed.join(', ')}` : ''}`,
      );
    }

    let slack = 'not configured';
    let failure: string | undefined;
    if (input.slackWebhookUrl) {
      try {
        const payload = slackPayload(values, {
          pulls: pulls.map((number) => ({ number, url: forge.pullUrl(number) })),
          repository: forge.project,
        });
        await postSlack(input.slackWebhookUrl, payload, {
          warn: (m) => rt.warning(m),
          retryBaseMs: rt.tuning.retryBaseMs ?? 1000,
        });
        slack = 'posted';
      } catch (err) {
        slack = `failed: ${errorMessage(err)}`;
        if (input.failOnSlackError) failure = `Slack notification failed: ${errorMessage(err)}`;
        else rt.warning(`Slack notification failed (the deploy is not affected): ${errorMessage(err)}`);
      }
    }

    const summary = [
      `### Notified ${pulls.length} PR(s) · ${values.environment ?? ''} ${values.status}`.trimEnd(),
      '',
      pulls.length ? table(['PR', 'Comment', 'Id'], rows) : 'No PR is associated with this commit.',
      '',
      `Slack: ${slack}`,
      '',
    ].join('\n');
    return {
      outputs: { 'comment-ids': ids.join('\n'), 'pr-numbers': pulls.join('\n') },
      summary,
      ...(failure ? { failure } : {}),
    };
  },
});
