/** Runs the built CLI bundle (dist/cli/index.js) as a user or a GitLab job would. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type NodeVersion, nodeBinary, ROOT } from './runner.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = process.cwd(),
  /** The Node major that runs the CLI; defaults to node24. */
  node?: NodeVersion,
): Promise<CliRun> {
  const child = spawn(nodeBinary(node), [join(ROOT, 'dist/cli/index.js'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code: number = await new Promise((res) => child.on('close', (c) => res(c ?? -1)));
  return { code, stdout, stderr };
}

/** `name=value` lines of the CLI's stdout. */
export function parseOutputs(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .split('\n')
      .filter((l) => /^[a-z][a-z0-9-]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}
