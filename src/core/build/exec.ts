/**
 * Runs a build tool with an argv array (never a shell), streaming its output to the log line by
 * line and keeping the tail for the error message when it fails.
 */
import { spawn } from 'node:child_process';
import type { Log } from '../log.js';
import { BuildError } from './types.js';

export interface ToolRun {
  code: number;
  output: string;
}

const TAIL = 64 * 1024;

/** The last `lines` lines of a tool's output, trimmed (for error messages and summaries). */
export function tailLines(output: string, lines = 25): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

export function runTool(
  argv: string[],
  options: { log: Log; env?: Record<string, string | undefined>; cwd?: string },
): Promise<ToolRun> {
  const [command, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-TAIL);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.log.info(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new BuildError(`${command} could not start: ${err.message}`, '')));
    child.on('close', (code, signal) => {
      if (partial) options.log.info(partial);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

/** Runs the tool and throws a BuildError with the output's tail when it exits non-zero. */
export async function mustRun(
  what: string,
  argv: string[],
  options: { log: Log; env?: Record<string, string | undefined>; cwd?: string },
): Promise<string> {
  const run = await runTool(argv, options);
  if (run.code !== 0) {
    throw new BuildError(`${what} failed (${argv[0]} exited with ${run.code})`, tailLines(run.output));
  }
  return run.output;
}
