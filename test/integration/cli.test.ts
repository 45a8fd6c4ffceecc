import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseOutputs, runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/http.js';

let app: TestServer;
beforeAll(async () => {
  app = await startServer((req, res) =>
    req.headers['x-api-key'] === 'k3y-v4lue' ? json(res, 200, { version: '42' }) : json(res, 403, {}),
  );
});
afterAll(() => app.close());

describe('stagecraft CLI', () => {
  it('runs a step from flags and prints outputs as name=value lines', async () => {
    const run = await runCli([
      'smoke-test',
      '--url',
      app.url,
      '--checks=GET /v 200 json:version=42',
      '--headers',
      'X-Api-Key: k3y-v4lue',
    ]);
    expect(run.code).toBe(0);
    const outputs = parseOutputs(run.stdout);
    expect(outputs.passed).toBe('true');
    expect(JSON.parse(outputs.report as string)[0]).toMatchObject({ ok: true, status: 200 });
    expect(run.stdout + run.stderr).not.toContain('k3y-v4lue');
  });

  it('reads STAGECRAFT_INPUT_* variables and writes the GitLab dotenv report and summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const run = await runCli(
      ['smoke-test'],
      {
        GITLAB_CI: 'true',
        CI_COMMIT_SHA: 'abc',
        STAGECRAFT_INPUT_URL: app.url,
        STAGECRAFT_INPUT_CHECKS: 'GET /v 200 json:version=41',
        STAGECRAFT_INPUT_RETRIES: '1',
        STAGECRAFT_INPUT_HEADERS: 'X-Api-Key: k3y-v4lue',
      },
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: 1 of 1 smoke check(s) failed');
    const dotenv = readFileSync(join(dir, 'stagecraft.env'), 'utf8');
    expect(dotenv).toMatch(/^STAGECRAFT_PASSED=false$/m);
    expect(dotenv).toMatch(/^STAGECRAFT_REPORT=\[\{"check":"GET \/v 200 json:version=41"/m);
    expect(readFileSync(join(dir, 'stagecraft-summary.md'), 'utf8')).toContain('0/1 checks passed');
    expect(run.stderr).toContain('section_start:');
    expect(run.stderr + dotenv).not.toContain('k3y-v4lue');
  });

  it("a job's summary file holds that job's steps only: another job's (restored artifacts) is replaced", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const smoke = (job: string | undefined, version: string) =>
      runCli(
        [
          'smoke-test',
          '--url',
          app.url,
          '--checks',
          `GET /v 200 json:version=${version}`,
          '--retries',
          '1',
          '--headers',
          'X-Api-Key: k3y-v4lue',
        ],
        { GITLAB_CI: 'true', CI_COMMIT_SHA: 'abc', ...(job ? { CI_JOB_ID: job } : {}) },
        dir,
      );
    const summary = () => readFileSync(join(dir, 'stagecraft-summary.md'), 'utf8');
    // Two runs without a job id (a local run each): the second replaces the first.
    await smoke(undefined, '41');
    expect(summary()).toContain('0/1 checks passed');
    await smoke(undefined, '42');
    expect(summary()).not.toContain('0/1 checks passed');
    // Job 101's file, then job 102 in the same directory (its artifacts restored): replaced.
    await smoke('101', '41');
    expect(summary()).toMatch(/^<!-- stagecraft:job:101 -->\n/);
    await smoke('102', '42');
    expect(summary()).toMatch(/^<!-- stagecraft:job:102 -->\n/);
    expect(summary()).not.toContain('0/1 checks passed');
    // Two steps of one job append.
    await smoke('102', '41');
    expect(summary()).toContain('1/1 checks passed');
    expect(summary()).toContain('0/1 checks passed');
    expect(summary().match(/stagecraft:job:/g)).toHaveLength(1);
  });

  it('a bad input still leaves the summary and the dotenv report (GitLab)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const run = await runCli(
      ['smoke-test', '--url', 'ftp://nowhere'],
      { GITLAB_CI: 'true', CI_JOB_ID: '7' },
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.match(/^error: /gm)).toHaveLength(1);
    expect(readFileSync(join(dir, 'stagecraft-summary.md'), 'utf8')).toContain(
      'Input "url" has an invalid value',
    );
    expect(readFileSync(join(dir, 'stagecraft.env'), 'utf8')).toBe('');
  });

  it('prints help, version, and clear errors for unknown steps and flags', async () => {
    const help = await runCli(['smoke-test', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--retry-delay  (default: "3s")');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const unknown = await runCli(['deploy-everything']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown step "deploy-everything"; steps: .*smoke-test/);
    const flag = await runCli(['smoke-test', '--urll', 'x']);
    expect(flag.stderr).toContain('smoke-test has no input "--urll"');
    const usage = await runCli([]);
    expect(usage.code).toBe(1);
    expect(usage.stdout).toContain('Usage: stagecraft <step>');
  });
});
