import { errorMessage } from '../errors.js';
import { excerpt } from '../markdown.js';
import { jittered, sleep } from '../retry.js';
import { send } from '../transport.js';
import { type Check, describeStatus, jsonText, readPath, statusMatches } from './checks.js';

export interface SmokeOptions {
  baseUrl: string;
  checks: Check[];
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
  deadlineMs: number;
  maxLatencyMs?: number;
  headers: Record<string, string>;
  /** Called once per attempt, for the log. */
  onAttempt?: (check: Check, attempt: Attempt) => void;
  random?: () => number;
}

export interface Attempt {
  number: number;
  ok: boolean;
  status?: number;
  latencyMs?: number;
  /** Why the attempt failed; undefined when ok. */
  problem?: string;
  body?: string;
}

export interface CheckResult {
  check: string;
  ok: boolean;
  status: number | null;
  attempts: number;
  'latency-ms': number | null;
  error: string | null;
  /** Start of the last response body, for the failure message. */
  bodyExcerpt?: string;
}

/** Joins the base URL and a check path, keeping any path prefix of the base (`/app` + `/health`). */
export function checkUrl(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  const [pathname, query] = splitOnce(path, '?');
  const url = new URL(base.href);
  url.pathname = base.pathname.replace(/\/+$/, '') + pathname;
  url.search = query === undefined ? '' : `?${query}`;
  return url.href;
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** One request and the verdict on it. Never throws: network errors become a failed attempt. */
export async function attemptCheck(
  check: Check,
  options: SmokeOptions,
  number: number,
  deadlineSignal: AbortSignal,
): Promise<Attempt> {
  const started = performance.now();
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), deadlineSignal]);
  try {
    const response = await send(checkUrl(options.baseUrl, check.path), {
      method: check.method,
      headers: options.headers,
      signal,
      // An expected 3xx is checked as is; otherwise redirects are followed like a browser would.
      redirect:
        !check.status.class && check.status.code >= 300 && check.status.code < 400 ? 'manual' : 'follow',
    });
    const body = check.method === 'HEAD' ? '' : await response.text();
    const latencyMs = Math.round(performance.now() - started);
    const problem = judge(check, response.status, body, latencyMs, options.maxLatencyMs);
    return {
      number,
      ok: !problem,
      status: response.status,
      latencyMs,
      body,
      ...(problem ? { problem } : {}),
    };
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    return { number, ok: false, latencyMs, problem: networkProblem(err, options.timeoutMs, deadlineSignal) };
  }
}

function networkProblem(err: unknown, timeoutMs: number, deadlineSignal: AbortSignal): string {
  if (deadlineSignal.aborted) return 'deadline reached';
  const name = (err as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no response within ${timeoutMs}ms`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : errorMessage(err);
}

/** What is wrong with a response, or undefined when it passes. */
export function judge(
  check: Check,
  status: number,
  body: string,
  latencyMs: number,
  maxLatencyMs?: number,
): string | undefined {
  if (!statusMatches(check.status, status))
    return `status ${status}, expected ${describeStatus(check.status)}`;
  if (check.json.length > 0) {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      return 'body is not JSON';
    }
    for (const expectation of check.json) {
      const { found, value } = readPath(data, expectation.path);
      const where = expectation.path.join('.');
      if (!found) return `json ${where} is missing, expected "${expectation.value}"`;
      if (jsonText(value) !== expectation.value) {
        return `json ${where} is "${excerpt(jsonText(value), 80)}", expected "${expectation.value}"`;
      }
    }
  }
  if (check.contains !== undefined && !body.includes(check.contains)) {
    return `body does not contain "${check.contains}"`;
  }
  if (maxLatencyMs !== undefined && latencyMs > maxLatencyMs) {
    return `took ${latencyMs}ms, over max-latency ${maxLatencyMs}ms`;
  }
  return undefined;
}

/** Runs one check until it passes, its attempts run out, or the deadline passes. */
export async function runCheck(check: Check, options: SmokeOptions, deadlineSignal: AbortSignal) {
  let last: Attempt | undefined;
  for (let number = 1; number <= options.retries; number++) {
    if (deadlineSignal.aborted) break;
    last = await attemptCheck(check, options, number, deadlineSignal);
    options.onAttempt?.(check, last);
    if (last.ok || number === options.retries) break;
    await sleep(jittered(options.retryDelayMs, options.random), deadlineSignal);
  }
  return toResult(check, last);
}

function toResult(check: Check, last: Attempt | undefined): CheckResult {
  return {
    check: check.line,
    ok: last?.ok ?? false,
    status: last?.status ?? null,
    attempts: last?.number ?? 0,
    'latency-ms': last?.latencyMs ?? null,
    error: last ? (last.problem ?? null) : 'deadline reached before the first attempt',
    ...(last?.body ? { bodyExcerpt: excerpt(last.body) } : {}),
  };
}

/** Runs every check concurrently under one overall deadline. */
export async function runSmokeTest(options: SmokeOptions): Promise<CheckResult[]> {
  const deadline = AbortSignal.timeout(options.deadlineMs);
  return Promise.all(options.checks.map((check) => runCheck(check, options, deadline)));
}
