import { describe, expect, it } from '@jest/globals';
import { parseDuration } from '../../src/core/duration.js';
import { InputError } from '../../src/core/errors.js';
import { backoffDelay, jittered, retryAfterMs } from '../../src/core/retry.js';
import { bool, choice, duration, int, list, parseInputs, text } from '../../src/platform/inputs.js';

const defs = {
  name: text({ description: 'n', required: true }),
  flag: bool({ description: 'f', default: 'false' }),
  count: int({ description: 'c', default: '3', min: 1, max: 5 }),
  wait: duration({ description: 'w', default: '2s' }),
  mode: choice({ description: 'm', default: 'set', options: ['set', 'require'] as const }),
  items: list({ description: 'i' }),
  password: text({ description: 'p', secret: true, pattern: /^[a-z]+$/ }),
};

describe('inputs', () => {
  it('applies defaults and parses every kind', () => {
    const parsed = parseInputs(defs, (n) => ({ name: 'x', flag: 'True', items: 'a, b\nc,,' })[n]);
    expect(parsed).toEqual({
      name: 'x',
      flag: true,
      count: 3,
      wait: 2000,
      mode: 'set',
      items: ['a', 'b', 'c'],
    });
  });

  it('names the input, the value and what is accepted', () => {
    const read = (over: Record<string, string>) => (n: string) => ({ name: 'x', ...over })[n];
    expect(() => parseInputs(defs, read({ count: '9' }))).toThrow(
      'Input "count" has an invalid value "9": expected a whole number from 1 to 5',
    );
    expect(() => parseInputs(defs, read({ wait: 'soon' }))).toThrow(
      /Input "wait" has an invalid value "soon".*500ms, 3s, 2m/,
    );
    expect(() => parseInputs(defs, read({ mode: 'maybe' }))).toThrow(/one of set, require/);
    expect(() => parseInputs(defs, read({ flag: 'yes' }))).toThrow(/true or false/);
    expect(() => parseInputs(defs, () => undefined)).toThrow(/Input "name" .* it is required/);
  });

  it('masks secrets before validating and never prints them', () => {
    const masked: string[] = [];
    let error: unknown;
    try {
      parseInputs(
        defs,
        (n) => ({ name: 'x', password: 'Hunter2' })[n],
        (s) => masked.push(s),
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(String(error)).not.toContain('Hunter2');
    expect(String(error)).toContain('***');
    expect(masked).toContain('Hunter2');
  });
});

describe('durations and retry timing', () => {
  it.each([
    ['500ms', 500],
    ['3s', 3000],
    ['2m', 120000],
    ['1.5s', 1500],
    ['7', 7000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('rejects other spellings', () => {
    expect(parseDuration('3 sec')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
  });

  it('jitters down by at most a quarter and reads Retry-After', () => {
    expect(jittered(1000, () => 0)).toBe(750);
    expect(jittered(1000, () => 1)).toBe(1000);
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('backs off exponentially unless the server says when, and never past the cap', () => {
    const d = (attempt: number, retryAfter?: string) =>
      backoffDelay(attempt, { baseMs: 100, capMs: 1000, retryAfter });
    expect(d(0)).toBeGreaterThanOrEqual(75);
    expect(d(0)).toBeLessThanOrEqual(100);
    expect(d(3)).toBeGreaterThanOrEqual(600);
    expect(d(3)).toBeLessThanOrEqual(800);
    // At the cap the delay is still jittered (never above it), so capped retries spread out.
    expect(d(9)).toBeGreaterThanOrEqual(750);
    expect(d(9)).toBeLessThanOrEqual(1000);
    expect(d(0, '0.5')).toBe(500);
    expect(d(0, '30')).toBe(1000);
  });
});
