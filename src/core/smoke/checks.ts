/**
 * The check grammar: `METHOD PATH [STATUS] [json:DOT.PATH=VALUE]… [contains:TEXT-TO-END-OF-LINE]`.
 * Parsing happens before any request, so a bad line fails the step without touching the service.
 */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];

export interface JsonExpectation {
  path: string[];
  value: string;
}

export interface Check {
  /** The line as written, used to name the check in logs, outputs and errors. */
  line: string;
  method: Method;
  path: string;
  /** Exact status (e.g. 204) or a class written as `2xx`. */
  status: { code: number; class: boolean };
  json: JsonExpectation[];
  contains?: string;
}

export const CHECK_HELP =
  'one check a line: METHOD PATH [STATUS] [json:DOT.PATH=VALUE]... [contains:TEXT], ' +
  `METHOD one of ${METHODS.join(', ')}, PATH starting with "/", STATUS like 200 or 2xx`;

export class CheckSyntaxError extends Error {}

export function parseCheck(line: string): Check {
  const text = line.trim();
  const containsAt = text.search(/(^|\s)contains:/);
  const head = containsAt >= 0 ? text.slice(0, containsAt) : text;
  const contains = containsAt >= 0 ? text.slice(text.indexOf('contains:', containsAt) + 9) : undefined;
  const [method, path, ...rest] = head.split(/\s+/).filter(Boolean);

  const upper = method?.toUpperCase();
  if (!upper || !(METHODS as readonly string[]).includes(upper)) {
    throw new CheckSyntaxError(`"${method ?? ''}" is not a method in check "${text}"`);
  }
  if (!path?.startsWith('/')) {
    throw new CheckSyntaxError(`the path must start with "/" in check "${text}"`);
  }
  if (contains !== undefined && contains.length === 0) {
    throw new CheckSyntaxError(`contains: needs text after it in check "${text}"`);
  }

  const check: Check = {
    line: text,
    method: upper as Method,
    path,
    status: { code: 200, class: false },
    json: [],
    ...(contains !== undefined ? { contains } : {}),
  };
  rest.forEach((token, index) => {
    if (index === 0 && /^\d{3}$/.test(token)) check.status = { code: Number(token), class: false };
    else if (index === 0 && /^[1-5]xx$/i.test(token)) check.status = { code: Number(token[0]), class: true };
    else if (token.startsWith('json:')) check.json.push(parseJsonExpectation(token.slice(5), text));
    else throw new CheckSyntaxError(`unexpected "${token}" in check "${text}"`);
  });
  if (!check.status.class && (check.status.code < 100 || check.status.code > 599)) {
    throw new CheckSyntaxError(`status ${check.status.code} is not an HTTP status in check "${text}"`);
  }
  return check;
}

function parseJsonExpectation(spec: string, line: string): JsonExpectation {
  const eq = spec.indexOf('=');
  const path = eq > 0 ? spec.slice(0, eq) : '';
  if (!path || path.split('.').some((part) => part === '')) {
    throw new CheckSyntaxError(`json: needs DOT.PATH=VALUE in check "${line}"`);
  }
  return { path: path.split('.'), value: spec.slice(eq + 1) };
}

/** Parses every non-empty, non-comment line; the first bad line throws. */
export function parseChecks(text: string): Check[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0) throw new CheckSyntaxError('no checks given');
  return lines.map(parseCheck);
}

export function statusMatches(expected: Check['status'], actual: number): boolean {
  return expected.class ? Math.floor(actual / 100) === expected.code : actual === expected.code;
}

export function describeStatus(expected: Check['status']): string {
  return expected.class ? `${expected.code}xx` : String(expected.code);
}

/** Reads a dot path (`a.b.0.c`) from parsed JSON. */
export function readPath(data: unknown, path: string[]): { found: boolean; value?: unknown } {
  let current: unknown = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in (current as object)))
      return { found: false };
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

/** JSON values compare by their text: `json:count=3`, `json:ok=true`, `json:Status=Success`. */
export function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
