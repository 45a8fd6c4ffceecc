/** The GitHub Actions host: inputs from INPUT_*, outputs to GITHUB_OUTPUT, summary, masks, groups. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { githubContext } from './context.js';
import { type Host, runStep } from './host.js';
import { clockFromEnv, type Runtime, tuningFromEnv } from './runtime.js';
import type { Step } from './step.js';

export function githubRuntime(env: Record<string, string | undefined> = process.env): Runtime {
  return {
    ctx: githubContext(env),
    env,
    info: (m) => core.info(m),
    notice: (m) => core.notice(m),
    warning: (m) => core.warning(m),
    debug: (m) => core.debug(m),
    group: (title, fn) => core.group(title, fn),
    setSecret: (s) => core.setSecret(s),
    tempDir: env.RUNNER_TEMP || mkdtempSync(join(tmpdir(), 'stagecraft-')),
    cwd: process.cwd(),
    tuning: tuningFromEnv(env),
    now: clockFromEnv(env),
  };
}

export function githubHost(env: Record<string, string | undefined> = process.env): Host {
  return {
    runtime: githubRuntime(env),
    read: (name) => core.getInput(name) || undefined,
    async writeOutputs(outputs) {
      for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
    },
    keepsSummary: Boolean(env.GITHUB_STEP_SUMMARY),
    async writeSummary(markdown) {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
      else core.info(markdown);
    },
    fail: (message) => core.setFailed(message),
  };
}

/** Entry point of every action bundle. */
export async function runAction(step: Step): Promise<void> {
  await runStep(step, githubHost());
}
