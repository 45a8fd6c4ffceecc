/** notify-pr's platform-free parts: template, marker, size limit, sticky convergence, Slack payload. */
import { describe, expect, it } from '@jest/globals';
import { silentLog } from '../../src/core/log.js';
import {
  commentBody,
  defaultMessage,
  GITHUB_COMMENT_LIMIT,
  markerFor,
  renderTemplate,
  sanitizeKey,
} from '../../src/core/notify/message.js';
import { slackEscape, slackPayload } from '../../src/core/notify/slack.js';
import { type Comment, type CommentApi, upsertComment } from '../../src/core/notify/sticky.js';
import { parsePullNumbers } from '../../src/steps/notify-pr.js';

const values = {
  environment: 'staging',
  image: 'reg/app:1',
  url: 'https://s.example.com',
  status: 'success',
  sha: 'abc',
  runUrl: 'https://ci/1',
};

describe('template', () => {
  it('fills every placeholder once, leaves other braces and markdown alone', () => {
    const out = renderTemplate(
      '{environment}|{image}|{url}|{status}|{sha}|{run-url}|{other}|<b>&amp;</b>|`{`',
      values,
    );
    expect(out).toBe(
      'staging|reg/app:1|https://s.example.com|success|abc|https://ci/1|{other}|<b>&amp;</b>|`{`',
    );
  });

  it('never expands a placeholder that came in through a value', () => {
    expect(renderTemplate('{image}', { ...values, image: '{sha}' })).toBe('{sha}');
  });

  it('empty values become empty text; the default message drops their rows', () => {
    expect(renderTemplate('[{url}]', { status: 'success' })).toBe('[]');
    const msg = defaultMessage({ status: 'failure', environment: 'prod' });
    expect(msg).toContain('### ❌ Deployment to `prod`: failure');
    expect(msg).not.toContain('| Image |');
  });
});

describe('marker and size', () => {
  it('keys cannot break out of the HTML comment', () => {
    expect(markerFor('prod --> <script>')).toBe('<!-- stagecraft:notify:prod-script -->');
    expect(sanitizeKey('')).toBe('default');
    expect(markerFor('eu/prod-1')).toBe('<!-- stagecraft:notify:eu/prod-1 -->');
  });

  it('keeps a huge message under the GitHub limit with the marker intact', () => {
    const body = commentBody('x'.repeat(200_000), markerFor('k'));
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.startsWith('<!-- stagecraft:notify:k -->\n')).toBe(true);
    expect(body).toContain('message truncated');
    expect(commentBody('short', markerFor('k'))).toBe('<!-- stagecraft:notify:k -->\nshort');
  });

  it('does not split an emoji at the cut', () => {
    const marker = markerFor('k');
    const body = commentBody('😀'.repeat(40_000), marker, 1000);
    expect(body.length).toBeLessThanOrEqual(1000);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(body)).toBe(false);
  });
});

/** An in-memory comment thread whose calls yield, so concurrent upserts interleave. */
function thread(): CommentApi & { comments: Comment[] } {
  let next = 1;
  const comments: Comment[] = [];
  const tick = () => new Promise((r) => setTimeout(r, Math.random() * 5));
  return {
    comments,
    async list() {
      await tick();
      return comments.map((c) => ({ ...c }));
    },
    async create(body) {
      await tick();
      const c = { id: next++, body };
      comments.push(c);
      return { ...c };
    },
    async update(id, body) {
      await tick();
      const c = comments.find((x) => x.id === id);
      if (!c) throw new Error(`404 ${id}`);
      c.body = body;
    },
    async remove(id) {
      await tick();
      const i = comments.findIndex((x) => x.id === id);
      if (i < 0) return false;
      comments.splice(i, 1);
      return true;
    },
  };
}

describe('sticky comments', () => {
  const marker = markerFor('prod');
  it('creates, then updates, then leaves an identical body alone; other comments untouched', async () => {
    const api = thread();
    await api.create('a human comment');
    const a = await upsertComment(api, `${marker}\nv1`, { marker, sticky: true, log: silentLog });
    const b = await upsertComment(api, `${marker}\nv2`, { marker, sticky: true, log: silentLog });
    const c = await upsertComment(api, `${marker}\nv2`, { marker, sticky: true, log: silentLog });
    expect([a.action, b.action, c.action]).toEqual(['created', 'updated', 'unchanged']);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(api.comments.map((x) => x.body)).toEqual(['a human comment', `${marker}\nv2`]);
  });

  it('sticky false always adds a comment', async () => {
    const api = thread();
    await upsertComment(api, `${marker}\nx`, { marker, sticky: false, log: silentLog });
    await upsertComment(api, `${marker}\nx`, { marker, sticky: false, log: silentLog });
    expect(api.comments).toHaveLength(2);
  });

  it('twenty concurrent runs converge on one comment, the oldest, with a body one of them wrote', async () => {
    for (let round = 0; round < 5; round++) {
      const api = thread();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          upsertComment(api, `${marker}\nrun ${i}`, { marker, sticky: true, log: silentLog }),
        ),
      );
      expect(api.comments).toHaveLength(1);
      expect(new Set(results.map((r) => r.id))).toEqual(new Set([api.comments[0]?.id]));
      expect(api.comments[0]?.body).toMatch(/^<!-- stagecraft:notify:prod -->\nrun \d+$/);
    }
  });

  it('cleans up duplicates left by an earlier crash', async () => {
    const api = thread();
    await api.create(`${marker}\nold 1`);
    await api.create(`${marker}\nold 2`);
    const r = await upsertComment(api, `${marker}\nnew`, { marker, sticky: true, log: silentLog });
    expect(r).toEqual({ id: 1, action: 'updated', removed: [2] });
    expect(api.comments).toEqual([{ id: 1, body: `${marker}\nnew` }]);
  });
});

describe('Slack payload', () => {
  it('escapes only &, < and > and links the environment, run and PRs', () => {
    expect(slackEscape('a & <b> "c" *d*')).toBe('a &amp; &lt;b&gt; "c" *d*');
    const p = slackPayload(
      { ...values, image: 'reg/app:<1>' },
      { pulls: [{ number: 3, url: 'https://gh/pull/3' }] },
    );
    const json = JSON.stringify(p);
    expect(p.text).toBe('✅ Deployment to staging: success (reg/app:<1>)');
    expect(json).toContain('reg/app:&lt;1&gt;');
    expect(json).toContain('<https://s.example.com|Open environment>');
    expect(json).toContain('<https://ci/1|Pipeline run>');
    expect(json).toContain('<https://gh/pull/3|PR #3>');
    expect((p.blocks as unknown[])[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '✅ Deployment to staging: success', emoji: true },
    });
  });
});

describe('pr input', () => {
  it('accepts numbers, #numbers, commas and lines; rejects the rest', () => {
    expect(parsePullNumbers('12, #13\n12')).toEqual([12, 13]);
    expect(() => parsePullNumbers('abc')).toThrow('"abc" is not a PR number');
    expect(() => parsePullNumbers('0')).toThrow('not a PR number');
  });
});
