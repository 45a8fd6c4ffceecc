import { formatDuration } from '../core/duration.js';
import { excerpt, table } from '../core/markdown.js';
import { CHECK_HELP, parseChecks } from '../core/smoke/checks.js';
import { type CheckResult, runSmokeTest, type SmokeOptions } from '../core/smoke/run.js';
import { duration, type Inputs, int, parsed, splitLines } from '../platform/inputs.js';
import { defineStep } from '../platform/step.js';
import { parseHttpUrl } from './shared-inputs.js';

const HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/;

/** `Name: value` lines into a header object; the values are secrets (tokens, cookies). */
export function parseHeaders(raw: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [index, line] of splitLines(raw).entries()) {
    const match = HEADER.exec(line);
    // The line may hold a token, so the message names its position, not its text.
    if (!match) throw new Error(`header line ${index + 1} is not a "Name: value" line`);
    headers[match[1] as string] = match[2] as string;
  }
  return headers;
}

const inputs = {
  url: parsed(
    {
      description: 'Base URL of the deployed service, e.g. https://staging.example.com',
      required: true,
      accepted: 'an http(s) URL',
    },
    parseHttpUrl,
  ),
  checks: parsed(
    {
      description: 'One check a line: `METHOD PATH [STATUS] [json:DOT.PATH=VALUE]... [contains:TEXT]`',
      default: 'GET /health 200',
      accepted: CHECK_HELP,
      kind: 'lines',
    },
    parseChecks,
  ),
  retries: int({ description: 'Attempts per check before it fails', default: '10', min: 1, max: 1000 }),
  'retry-delay': duration({
    description: 'Delay between attempts (jittered down by up to 25%)',
    default: '3s',
  }),
  timeout: duration({ description: 'Timeout of each request', default: '10s', min: 1 }),
  deadline: duration({ description: 'Time limit for the whole step', default: '5m', min: 1 }),
  'max-latency': duration({ description: 'A passing response slower than this fails the check' }),
  headers: parsed(
    {
      description: 'Request headers, `Name: value` one a line; values are masked in logs',
      secret: true,
      secretParts: (raw) => splitLines(raw).map((line) => line.slice(line.indexOf(':') + 1)),
      accepted: '"Name: value" lines',
      kind: 'lines',
    },
    parseHeaders,
  ),
};

/** smoke-test's settings: what core runs (the time limits in milliseconds), and the URL it checks. */
export interface SmokeSettings extends Omit<SmokeOptions, 'baseUrl' | 'onAttempt' | 'random'> {
  url: string;
}

export function smokeSettings(input: Inputs<typeof inputs>): SmokeSettings {
  return {
    url: input.url,
    checks: input.checks,
    retries: input.retries,
    retryDelayMs: input.retryDelay,
    timeoutMs: input.timeout,
    deadlineMs: input.deadline,
    ...(input.maxLatency !== undefined ? { maxLatencyMs: input.maxLatency } : {}),
    headers: input.headers ?? {},
  };
}

export const smokeTest = defineStep({
  name: 'smoke-test',
  example: `
- uses: <owner>/stagecraft/actions/smoke-test@v1
  with:
    url: https://staging.example.com
    checks: |
      GET /health 200 json:Status=Success
      GET /version 200 json:version=\${{ github.sha }}
      POST /api/upload-random 2xx
    retries: 20
    retry-delay: 5s
    max-latency: 800ms
    headers: |
      Authorization: Bearer \${{ secrets.STAGING_TOKEN }}
`,
  title: 'Smoke test',
  description:
    'Checks a deployed service over HTTP with retries, expected statuses, JSON fields, text and latency.',
  stage: 'verify',
  inputs,
  settings: smokeSettings,
  outputs: {
    passed: '`true` when every check passed, else `false`',
    report: 'JSON array with one entry per check: check, ok, status, attempts, latency-ms, error',
    'duration-ms': 'How long the smoke test took, in milliseconds',
  },
  async run(input, rt) {
    const { headers } = input;
    const started = performance.now();
    const results = await rt.group(`Smoke test ${input.url} (${input.checks.length} checks)`, () =>
      runSmokeTest({
        baseUrl: input.url,
        checks: input.checks,
        retries: input.retries,
        retryDelayMs: input.retryDelayMs,
        timeoutMs: input.timeoutMs,
        deadlineMs: input.deadlineMs,
        ...(input.maxLatencyMs !== undefined ? { maxLatencyMs: input.maxLatencyMs } : {}),
        headers,
        onAttempt: (check, a) =>
          rt.info(
            `${a.ok ? 'ok  ' : 'fail'} ${check.line} — attempt ${a.number}/${input.retries}` +
              (a.status !== undefined ? `, status ${a.status}` : '') +
              (a.latencyMs !== undefined ? `, ${a.latencyMs}ms` : '') +
              (a.problem ? `: ${a.problem}` : ''),
          ),
      }),
    );
    const durationMs = Math.round(performance.now() - started);
    const failed = results.filter((r) => !r.ok);
    const report = results.map(({ bodyExcerpt: _, ...r }) => r);
    return {
      outputs: {
        passed: String(failed.length === 0),
        report: JSON.stringify(report),
        'duration-ms': String(durationMs),
      },
      summary: summarize(input.url, results, durationMs, Object.keys(headers)),
      ...(failed.length ? { failure: failureMessage(failed, results.length) } : {}),
    };
  },
});

function summarize(url: string, results: CheckResult[], durationMs: number, headerNames: string[]): string {
  const passed = results.filter((r) => r.ok).length;
  const rows = results.map((r) => [
    `\`${r.check}\``,
    r.ok ? '✅ pass' : '❌ fail',
    r.status === null ? '—' : String(r.status),
    String(r.attempts),
    r['latency-ms'] === null ? '—' : `${r['latency-ms']} ms`,
    r.error ?? '',
  ]);
  return [
    `### Smoke test: ${passed}/${results.length} checks passed`,
    '',
    `Target \`${url}\` · ${formatDuration(durationMs)}` +
      (headerNames.length ? ` · headers: ${headerNames.join(', ')} (values hidden)` : ''),
    '',
    table(['Check', 'Result', 'Status', 'Attempts', 'Latency', 'Detail'], rows),
    '',
  ].join('\n');
}

function failureMessage(failed: CheckResult[], total: number): string {
  const lines = failed.map(
    (r) =>
      `- ${r.check}: ${r.error ?? 'failed'} after ${r.attempts} attempt(s)` +
      (r.status !== null ? `, last status ${r.status}` : '') +
      (r.bodyExcerpt ? `, body: ${excerpt(r.bodyExcerpt, 160)}` : ''),
  );
  return [`${failed.length} of ${total} smoke check(s) failed:`, ...lines].join('\n');
}
