/**
 * The PR comment of notify-pr: placeholders filled in one pass, the sticky marker, and the size
 * limit. Values are inserted as they are: the message is markdown the user wrote, and escaping
 * (HTML entities, backslashes) would show up literally in the comment.
 */
export interface NotifyValues {
  environment?: string;
  image?: string;
  url?: string;
  status: string;
  sha?: string;
  runUrl?: string;
  /** The deploy went through a freeze window: why and who (deploy-env's `break-glass`). */
  breakGlass?: { reason: string; actor: string };
}

export const PLACEHOLDER_HELP = '{environment} {image} {url} {status} {sha} {run-url}';

/** GitHub refuses comment bodies over 65536 characters (422 "body is too long"). */
export const GITHUB_COMMENT_LIMIT = 65536;

/** GitLab refuses notes over 1,000,000 characters (Gitlab::Database::MAX_TEXT_SIZE_LIMIT). */
export const GITLAB_NOTE_LIMIT = 1_000_000;

export function commentLimit(forge: 'github' | 'gitlab'): number {
  return forge === 'github' ? GITHUB_COMMENT_LIMIT : GITLAB_NOTE_LIMIT;
}

const PLACEHOLDER = /\{(environment|image|url|status|sha|run-url)\}/g;

/** Replaces the known placeholders; other braces (JSON, code) stay; a value is never re-expanded. */
export function renderTemplate(template: string, values: NotifyValues): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value =
      name === 'run-url' ? values.runUrl : values[name as keyof Omit<NotifyValues, 'runUrl' | 'breakGlass'>];
    return value ?? '';
  });
}

const ICONS: Record<string, string> = {
  success: '✅',
  deployed: '✅',
  promoted: '🚀',
  failure: '❌',
  'smoke-failed': '❌',
  failed: '❌',
  error: '❌',
  cancelled: '⚪',
  canceled: '⚪',
  pending: '⏳',
  in_progress: '⏳',
  'rolled-back': '↩️',
};

export function statusIcon(status: string): string {
  return ICONS[status.toLowerCase()] ?? 'ℹ️';
}

/** The message when the user gave none: a heading and one table row per known value. */
export function defaultMessage(values: NotifyValues): string {
  const where = values.environment ? ` to \`${values.environment}\`` : '';
  const rows: Array<[string, string | undefined]> = [
    ['Status', `${statusIcon(values.status)} ${values.status}`],
    ['Environment', values.environment && `\`${values.environment}\``],
    ['Image', values.image && `\`${values.image}\``],
    ['URL', values.url],
    ['Commit', values.sha],
    ['Run', values.runUrl && `[logs](${values.runUrl})`],
  ];
  const table = rows.filter(([, v]) => v).map(([k, v]) => `| ${k} | ${v} |`);
  return [
    `### ${statusIcon(values.status)} Deployment${where}: ${values.status}`,
    '',
    '| | |',
    '| --- | --- |',
    ...table,
  ].join('\n');
}

/** Keys go inside an HTML comment: only characters that cannot close it or confuse a search. */
export function sanitizeKey(key: string): string {
  const clean = key
    .replace(/[^A-Za-z0-9._:/@+-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return clean || 'default';
}

export function markerFor(key: string): string {
  return `<!-- stagecraft:notify:${sanitizeKey(key)} -->`;
}

const TRUNCATED = '\n\n… (message truncated to fit the comment size limit)';

/**
 * The comment body: marker first (so truncation can never remove it), then the message, cut to
 * `limit` characters with a note when it is longer. Never splits a surrogate pair.
 */
export function commentBody(message: string, marker: string, limit = GITHUB_COMMENT_LIMIT): string {
  const head = `${marker}\n`;
  const full = head + message;
  if (full.length <= limit) return full;
  let cut = limit - head.length - TRUNCATED.length;
  const code = message.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return head + message.slice(0, Math.max(0, cut)) + TRUNCATED;
}
