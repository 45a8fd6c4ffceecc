/** The board's rendering, hidden data, size limit and repair loop; Block Kit limits. */
import { describe, expect, it } from '@jest/globals';
import { silentLog } from '../../src/core/log.js';
import {
  BOARD_MARKER,
  type BoardRow,
  parseBoard,
  parseSlackLine,
  renderBoard,
  shortImage,
  slackLine,
} from '../../src/core/notify/board.js';
import { upsertBoardRow } from '../../src/core/notify/board-sync.js';
import { GITHUB_COMMENT_LIMIT, GITLAB_NOTE_LIMIT } from '../../src/core/notify/message.js';
import { clampBlocks, SLACK_LIMITS, slackPayload, statusChange } from '../../src/core/notify/slack.js';
import type { Comment, CommentApi } from '../../src/core/notify/sticky.js';

const row = (environment: string, time: string, extra: Partial<BoardRow> = {}): BoardRow => ({
  environment,
  status: 'success',
  time,
  ...extra,
});

/** Comments in memory; `afterWrite` lets a test play a concurrent writer. */
function memoryApi(
  afterWrite?: (comments: Comment[], writes: number) => void,
): CommentApi & { comments: Comment[] } {
  const comments: Comment[] = [];
  let next = 1;
  let writes = 0;
  return {
    comments,
    list: async () => comments.map((c) => ({ ...c })),
    async create(body) {
      const c = { id: next++, body };
      comments.push(c);
      afterWrite?.(comments, ++writes);
      return { ...c };
    },
    async update(id, body) {
      const c = comments.find((x) => x.id === id);
      if (!c) throw new Error('404');
      c.body = body;
      afterWrite?.(comments, ++writes);
    },
    async remove(id) {
      const i = comments.findIndex((x) => x.id === id);
      if (i < 0) return false;
      comments.splice(i, 1);
      return true;
    },
  };
}

describe('board', () => {
  it('renders a row per environment and keeps the rows as hidden data', () => {
    const rows = {
      staging: row('staging', '2026-11-29T10:00:00.000Z', {
        image: `reg.example.com/team/app:1@sha256:${'c'.repeat(64)}`,
        url: 'https://stg.example.com',
        sha: 'abcdef1234567890abcdef1234567890abcdef12',
        runUrl: 'https://ci.example.com/runs/1',
      }),
      production: row('production', '2026-11-29T11:00:00.000Z', { status: 'rolled-back' }),
    };
    const body = renderBoard(rows, GITHUB_COMMENT_LIMIT);
    expect(body.startsWith(`${BOARD_MARKER}\n`)).toBe(true);
    expect(body).toContain(
      '| `staging` | ✅ success | `reg.example.com/team/app:1@sha256:cccccccccccc` | [stg.example.com](https://stg.example.com) | `abcdef1` | 2026-11-29 10:00 | [logs](https://ci.example.com/runs/1) |',
    );
    expect(body.indexOf('`production`')).toBeLessThan(body.indexOf('`staging`'));
    expect(parseBoard(body)).toEqual(rows);
    expect(parseBoard('no data here')).toEqual({});
    expect(shortImage('reg/app:2')).toBe('reg/app:2');
  });

  it('is cut to the platform limit with a note, the newest rows kept', () => {
    const rows: Record<string, BoardRow> = {};
    for (let i = 0; i < 400; i++) {
      const env = `env-${String(i).padStart(3, '0')}`;
      rows[env] = row(
        env,
        `2026-11-29T10:${String(i % 60).padStart(2, '0')}:${String(Math.floor(i / 60)).padStart(2, '0')}.000Z`,
        {
          url: `https://${env}.example.com/${'x'.repeat(100)}`,
        },
      );
    }
    const body = renderBoard(rows, GITHUB_COMMENT_LIMIT);
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body).toContain('board cut to fit the comment size limit');
    const kept = parseBoard(body);
    expect(Object.keys(kept).length).toBeGreaterThan(50);
    expect(Object.keys(kept).length).toBeLessThan(400);
    const newest = Object.values(rows).sort((a, b) => (a.time < b.time ? 1 : -1))[0] as BoardRow;
    expect(kept[newest.environment]).toEqual(newest);
    expect(renderBoard(rows, GITLAB_NOTE_LIMIT)).not.toContain('board cut');
  });

  it('keeps a Slack reference in a sticky comment', () => {
    const ref = {
      channel: '#deploys',
      channelId: 'C1',
      ts: '1.000001',
      sha: 'a'.repeat(40),
      status: 'success',
    };
    expect(parseSlackLine(`x\n${slackLine(ref)}\ny`)).toEqual(ref);
    expect(parseSlackLine('nothing')).toBeUndefined();
  });
});

describe('upsertBoardRow', () => {
  const options = { limit: GITHUB_COMMENT_LIMIT, log: silentLog, settleMs: 0 };

  it('repairs a row a concurrent writer’s older view overwrote', async () => {
    const other = renderBoard(
      { production: row('production', '2026-11-29T09:00:00.000Z') },
      GITHUB_COMMENT_LIMIT,
    );
    // Right after our first write, a concurrent run writes the board as it saw it before.
    const api = memoryApi((comments, writes) => {
      if (writes === 1 && comments[0]) comments[0].body = other;
    });
    const result = await upsertBoardRow(api, row('staging', '2026-11-29T10:00:00.000Z'), options);
    expect(result).toMatchObject({ action: 'created', writes: 2, confirmed: true });
    expect(Object.keys(parseBoard(api.comments[0]?.body ?? '')).sort()).toEqual(['production', 'staging']);
  });

  it('gives up, unconfirmed, after the bounded number of writes', async () => {
    const api = memoryApi((comments) => {
      if (comments[0]) comments[0].body = `${BOARD_MARKER}\n(someone else's)`;
    });
    const result = await upsertBoardRow(api, row('staging', '2026-11-29T10:00:00.000Z'), {
      ...options,
      attempts: 3,
    });
    expect(result.confirmed).toBe(false);
    expect(result.writes).toBe(3);
  });

  it('merges the rows of duplicate boards into the oldest and deletes the rest', async () => {
    const api = memoryApi();
    await api.create(renderBoard({ qa: row('qa', '2026-11-29T08:00:00.000Z') }, GITHUB_COMMENT_LIMIT));
    await api.create(renderBoard({ dev: row('dev', '2026-11-29T08:30:00.000Z') }, GITHUB_COMMENT_LIMIT));
    const result = await upsertBoardRow(api, row('staging', '2026-11-29T10:00:00.000Z'), options);
    expect(result).toMatchObject({ id: 1, action: 'updated', confirmed: true });
    expect(api.comments).toHaveLength(1);
    expect(Object.keys(parseBoard(api.comments[0]?.body ?? '')).sort()).toEqual(['dev', 'qa', 'staging']);
  });
});

describe('Slack Block Kit limits', () => {
  it('cuts texts and lists to Slack’s limits', () => {
    const blocks = clampBlocks([
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(400) } },
      { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(5000) } },
      {
        type: 'section',
        fields: Array.from({ length: 12 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(2500) })),
      },
      ...Array.from({ length: 60 }, () => ({ type: 'divider' })),
    ]);
    expect(blocks).toHaveLength(SLACK_LIMITS.blocks);
    expect((blocks[0]?.text as { text: string } | undefined)?.text).toHaveLength(150);
    expect((blocks[1]?.text as { text: string } | undefined)?.text).toHaveLength(3000);
    const fields = blocks[2]?.fields as Array<{ text: string }>;
    expect(fields).toHaveLength(10);
    expect(fields.every((f) => f.text.length === 2000)).toBe(true);
  });

  it('a huge image name still makes a valid message; status changes read as words', () => {
    const p = slackPayload({
      status: 'success',
      environment: 'e'.repeat(300),
      image: `reg/${'i'.repeat(5000)}`,
    }) as {
      text: string;
      blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }>;
    };
    expect(p.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    expect(p.blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    for (const f of p.blocks[1]?.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect(statusChange('smoke-failed', 'success')).toBe('❌ smoke test failed (was: deployed)');
  });
});
