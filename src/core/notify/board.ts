/**
 * The deployment board: one comment per PR/MR (marker `<!-- stagecraft:board -->`) with a table
 * row per environment. Every row's data is also kept as hidden structured data in the comment,
 * so a run can rebuild the table with only its own row changed.
 */
import { cell } from '../markdown.js';
import { statusIcon } from './message.js';

export const BOARD_MARKER = '<!-- stagecraft:board -->';
const DATA = /<!-- stagecraft:board-data ([A-Za-z0-9+/=]*) -->/;

/** Where the Slack message of one (commit, environment) is, so later runs update it. */
export interface SlackRef {
  /** The `slack-channel` input the message was posted with. */
  channel: string;
  /** The channel id Slack answered (chat.update needs the id). */
  channelId: string;
  ts: string;
  /** The commit the message is about. */
  sha: string;
  /** The status it shows (a reply in its thread marks each change). */
  status: string;
}

export interface BoardRow {
  environment: string;
  status: string;
  image?: string;
  url?: string;
  sha?: string;
  runUrl?: string;
  /** Deployed during a freeze window with break-glass: why and who. */
  breakGlass?: { reason: string; actor: string };
  /** ISO time of the run that wrote the row: the newer row of an environment wins a merge. */
  time: string;
  slack?: SlackRef;
}

export type Rows = Record<string, BoardRow>;

/** The rows kept in a board comment's hidden data; none when it has none or it is unreadable. */
export function parseBoard(body: string): Rows {
  const m = DATA.exec(body);
  if (!m?.[1]) return {};
  try {
    const data = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as { v?: number; rows?: Rows };
    return data.v === 1 && data.rows && typeof data.rows === 'object' ? data.rows : {};
  } catch {
    return {};
  }
}

/** Rows of all given boards, the newest row of each environment kept. */
export function mergeRows(...sets: Rows[]): Rows {
  const out: Rows = {};
  for (const rows of sets)
    for (const [env, row] of Object.entries(rows)) {
      const have = out[env];
      if (!have || row.time > have.time) out[env] = row;
    }
  return out;
}

/** True when `rows` holds each of `wanted`'s rows or a newer one of that environment. */
export function holds(rows: Rows, wanted: Rows): boolean {
  return Object.entries(wanted).every(([env, row]) => (rows[env]?.time ?? '') >= row.time);
}

/** The image as given with its digest cut to 12 hex: `reg.example.com/app:1.2@sha256:0123456789ab`. */
export function shortImage(image: string): string {
  return image.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, '@sha256:$1');
}

function link(url: string | undefined, label: string): string {
  return url && /^https?:\/\/[^\s)]+$/.test(url) ? `[${label}](${url})` : '';
}

function code(text: string | undefined): string {
  return text ? `\`${text.replace(/`/g, "'")}\`` : '';
}

function line(row: BoardRow): string {
  const cols = [
    code(row.environment),
    `${statusIcon(row.status)} ${row.status}${row.breakGlass ? ` (break-glass by ${row.breakGlass.actor}: ${row.breakGlass.reason})` : ''}`,
    code(row.image && shortImage(row.image)),
    link(row.url, row.url?.replace(/^https?:\/\//, '') ?? ''),
    code(row.sha?.slice(0, 7)),
    row.time.slice(0, 16).replace('T', ' '),
    link(row.runUrl, 'logs'),
  ];
  return `| ${cols.map(cell).join(' | ')} |`;
}

const TRUNCATED = '\n\n… (board cut to fit the comment size limit: rows of the oldest deploys left out)';

/**
 * The comment body: marker, table (environments in name order), hidden data. Over `limit`, the
 * oldest rows leave the table (their data stays while it fits) and a note says so; the marker and
 * the data line of the rows shown are never cut.
 */
export function renderBoard(rows: Rows, limit: number): string {
  const all = Object.values(rows).sort((a, b) => a.environment.localeCompare(b.environment));
  const byAge = [...all].sort((a, b) => (a.time < b.time ? 1 : -1));
  for (let keep = all.length; keep >= 0; keep--) {
    const shown = new Set(byAge.slice(0, keep).map((r) => r.environment));
    const visible = all.filter((r) => shown.has(r.environment));
    const kept: Rows = Object.fromEntries(visible.map((r) => [r.environment, r]));
    const data = Buffer.from(JSON.stringify({ v: 1, rows: kept })).toString('base64');
    const body = [
      BOARD_MARKER,
      '### Deployments',
      '',
      '| Environment | Status | Image | URL | Commit | Time (UTC) | Run |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...visible.map(line),
      ...(keep < all.length ? [TRUNCATED.trim()] : []),
      '',
      `<!-- stagecraft:board-data ${data} -->`,
    ].join('\n');
    if (body.length <= limit) return body;
  }
  return `${BOARD_MARKER}\n${TRUNCATED.trim()}`.slice(0, limit);
}

const SLACK_DATA = /<!-- stagecraft:slack ([A-Za-z0-9+/=]*) -->/;

/** The Slack message of a sticky (per-environment) comment, as a hidden line. */
export function slackLine(ref: SlackRef): string {
  return `<!-- stagecraft:slack ${Buffer.from(JSON.stringify(ref)).toString('base64')} -->`;
}

export function parseSlackLine(body: string): SlackRef | undefined {
  const m = SLACK_DATA.exec(body);
  if (!m?.[1]) return undefined;
  try {
    const ref = JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as SlackRef;
    return typeof ref.ts === 'string' && typeof ref.channelId === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}
