/** notify-pr's inputs and its one typed settings object, checked at the edge. */
import { InputError } from '../core/errors.js';
import {
  defaultMessage,
  markerFor,
  type NotifyValues,
  PLACEHOLDER_HELP,
  renderTemplate,
} from '../core/notify/message.js';
import { bool, type Inputs, parsed, splitList, text } from '../platform/inputs.js';
import type { SettingsSource } from '../platform/step.js';
import { parseHttpUrl, parseSha, repositoryInput, SHA_ACCEPTED, tokenInput } from './shared-inputs.js';

export function parsePullNumbers(raw: string): number[] {
  const items = splitList(raw.replace(/#/g, ''));
  for (const item of items) if (!/^[1-9]\d{0,9}$/.test(item)) throw new Error(`"${item}" is not a PR number`);
  return [...new Set(items.map(Number))];
}

export const notifyInputs = {
  message: text({
    description: `Markdown of the comment; placeholders ${PLACEHOLDER_HELP}. Default: a deployment summary`,
  }),
  environment: text({ description: 'Environment that was deployed (fills {environment})' }),
  image: text({ description: 'Image that was deployed (fills {image})' }),
  url: text({ description: 'Environment URL (fills {url})' }),
  status: text({ description: 'Outcome shown in the message: success, failure, …', default: 'success' }),
  'break-glass': text({
    description:
      "The reason a deploy went through a freeze window (deploy-env's `break-glass` output): shown with the actor in the board row",
  }),
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
  board: bool({
    description:
      'One comment per PR/MR (`<!-- stagecraft:board -->`) with a row per environment, instead of a comment per environment',
    default: 'false',
  }),
  'slack-token': text({
    description:
      'Slack bot token (`chat:write`): post one message per commit and environment, then update it',
    secret: true,
  }),
  'slack-channel': text({ description: 'Slack channel (id or name) for `slack-token`' }),
  'slack-api-url': parsed(
    {
      description: 'Slack Web API base (Enterprise Grid proxies, tests)',
      accepted: 'an http(s) URL',
      default: 'https://slack.com/api',
    },
    parseHttpUrl,
  ),
  'fail-on-slack-error': bool({
    description:
      'Fail the step when a Slack message or a PR comment cannot be written (default: a warning and a summary line)',
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
  /** Slack bot delivery: token, channel and Web API base. */
  slackBot?: { token: string; channel: string; apiUrl: string };
  board: boolean;
  /** A `message` was given with `board: true`, which does not use it. */
  messageIgnored: boolean;
  failOnSlackError: boolean;
  token?: string;
  repository?: string;
}

export function notifySettings(input: Inputs<typeof notifyInputs>, { ctx }: SettingsSource): NotifySettings {
  if (input.slackToken && !input.slackChannel)
    throw new InputError('slack-channel', '', 'it is required with slack-token');
  if (input.slackChannel && !input.slackToken)
    throw new InputError('slack-token', '', 'it is required with slack-channel', true);
  const sha = input.sha ?? ctx.headSha ?? ctx.sha;
  const values: NotifyValues = {
    status: input.status,
    ...(input.environment ? { environment: input.environment } : {}),
    ...(input.image ? { image: input.image } : {}),
    ...(input.url ? { url: input.url } : {}),
    ...(sha ? { sha } : {}),
    ...(ctx.runUrl ? { runUrl: ctx.runUrl } : {}),
    ...(input.breakGlass?.trim()
      ? { breakGlass: { reason: input.breakGlass.trim().slice(0, 300), actor: ctx.actor ?? 'unknown' } }
      : {}),
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
    ...(input.slackToken && input.slackChannel
      ? {
          slackBot: {
            token: input.slackToken,
            channel: input.slackChannel.trim(),
            apiUrl: input.slackApiUrl,
          },
        }
      : {}),
    board: input.board,
    messageIgnored: Boolean(input.board && input.message),
    failOnSlackError: input.failOnSlackError,
    ...(input.token ? { token: input.token } : {}),
    ...(input.repository ? { repository: input.repository } : {}),
  };
}
