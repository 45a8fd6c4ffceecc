import { describe, expect, it } from '@jest/globals';
import { CheckSyntaxError, parseCheck, parseChecks, readPath } from '../../src/core/smoke/checks.js';
import { checkUrl, judge } from '../../src/core/smoke/run.js';

describe('check grammar', () => {
  it('parses method, path, status, json expectations and contains to end of line', () => {
    const check = parseCheck('GET /api/mirror?word=ab 200 json:a.b=1 json:c=x contains:BA  and more');
    expect(check).toMatchObject({
      method: 'GET',
      path: '/api/mirror?word=ab',
      status: { code: 200, class: false },
      json: [
        { path: ['a', 'b'], value: '1' },
        { path: ['c'], value: 'x' },
      ],
      contains: 'BA  and more',
    });
  });

  it('defaults the status to 200 and accepts a status class', () => {
    expect(parseCheck('HEAD /').status).toEqual({ code: 200, class: false });
    expect(parseCheck('post /items 2xx').status).toEqual({ code: 2, class: true });
    expect(parseCheck('post /items 2xx').method).toBe('POST');
  });

  it.each([
    ['FETCH /x', /not a method/],
    ['GET health', /must start with "\/"/],
    ['GET /x 200 bogus', /unexpected "bogus"/],
    ['GET /x 999', /not an HTTP status/],
    ['GET /x json:novalue', /DOT.PATH=VALUE/],
    ['GET /x contains:', /needs text/],
    ['', /not a method/],
  ])('rejects %j', (line, message) => {
    expect(() => parseCheck(line)).toThrow(CheckSyntaxError);
    expect(() => parseCheck(line)).toThrow(message);
  });

  it('skips blank and comment lines; an empty list is an error', () => {
    expect(parseChecks('\n# comment\nGET /a\n\nGET /b 204\n').map((c) => c.line)).toEqual([
      'GET /a',
      'GET /b 204',
    ]);
    expect(() => parseChecks('\n# nothing\n')).toThrow(/no checks/);
  });

  it('reads dot paths through objects and arrays', () => {
    expect(readPath({ a: [{ b: 3 }] }, ['a', '0', 'b'])).toEqual({ found: true, value: 3 });
    expect(readPath({ a: 1 }, ['a', 'b'])).toEqual({ found: false });
  });
});

describe('judging a response', () => {
  const check = parseCheck('GET /version 200 json:version=1a2b json:ok=true contains:ver');
  const body = JSON.stringify({ version: '1a2b', ok: true });

  it('passes a matching response and names what is wrong otherwise', () => {
    expect(judge(check, 200, body, 10)).toBeUndefined();
    expect(judge(check, 503, body, 10)).toBe('status 503, expected 200');
    expect(judge(check, 200, 'not json', 10)).toBe('body is not JSON');
    expect(judge(check, 200, JSON.stringify({ version: 'zz', ok: true }), 10)).toBe(
      'json version is "zz", expected "1a2b"',
    );
    expect(judge(check, 200, JSON.stringify({ ok: true }), 10)).toMatch(/json version is missing/);
    expect(judge(check, 200, body, 900, 500)).toBe('took 900ms, over max-latency 500ms');
    expect(judge(parseCheck('GET / contains:BA'), 200, 'ab', 1)).toBe('body does not contain "BA"');
  });

  it('keeps the base URL path prefix and the check query', () => {
    expect(checkUrl('https://x.test/app/', '/health?full=1')).toBe('https://x.test/app/health?full=1');
    expect(checkUrl('http://127.0.0.1:8080', '/')).toBe('http://127.0.0.1:8080/');
  });
});
