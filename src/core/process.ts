/**
 * The one process runner: every external program (buildah, docker, git, terraform, kubectl,
 * credential helpers) runs through `runProcess` with an argv array, never a shell. The caller
 * passes the whole environment (the edge hands down the runner's; core reads none of its own),
 * secrets are masked in everything returned or logged, and with `log` each output line is
 * streamed to the job log as it comes.
 */
import { spawn } from 'node:child_process';
import { StepError } from './errors.js';
import type { Log } from './log.js';

export type Env = Record<string, string | undefined>;

export interface ProcessOptions {
  /** The child's whole environment; absent only where nothing is inherited on purpose. */
  env?: Env;
  cwd?: string;
  /** Streams every output line (stdout and stderr) to the log. */
  log?: Log;
  /** Replaced by *** in the output, the log and error messages. */
  secrets?: string[];
  /** Written to the child's standard input (then closed). */
  stdin?: string;
  /** Kills the child after this long; the result then has `timedOut`. */
  timeoutMs?: number;
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr as they interleaved, the last 64 kB (for error excerpts). */
  output: string;
  timedOut: boolean;
}

/** The program could not be started at all (not installed, not executable). */
export class CommandNotFound extends StepError {
  constructor(
    readonly command: string,
    detail: string,
  ) {
    super(`${command} could not start: ${detail}`);
    this.name = 'CommandNotFound';
  }
}

/** A program exited non-zero; `excerpt` holds the end of its output (what the user needs to see). */
export class CommandFailed extends StepError {
  constructor(
    message: string,
    readonly result: ProcessResult,
    readonly excerpt: string,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}

const TAIL = 64 * 1024;
const MAX_CAPTURE = 64 * 1024 * 1024;

/** The last `lines` lines of a tool's output, trimmed (for error messages and summaries). */
export function tailLines(output: string, lines = 25): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}

export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  return secrets.reduce((t, s) => (s ? t.split(s).join('***') : t), text);
}

/** Runs a program and resolves with its result whatever the exit code; rejects only when it cannot start. */
export function runProcess(argv: readonly string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  const [command, ...args] = argv as [string, ...string[]];
  const mask = (t: string) => maskSecrets(t, options.secrets);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      ...(options.env ? { env: definedOnly(options.env) } : {}),
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let output = '';
    let partial = '';
    let captured = 0;
    const onData = (into: Buffer[]) => (chunk: Buffer) => {
      if (captured < MAX_CAPTURE) into.push(chunk);
      captured += chunk.length;
      const text = chunk.toString('utf8');
      output = (output + text).slice(-TAIL);
      if (!options.log) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.log.info(mask(line));
    };
    child.stdout?.on('data', onData(out));
    child.stderr?.on('data', onData(err));
    if (options.stdin !== undefined) {
      child.stdin?.on('error', () => {}); // a child that exits without reading its input
      child.stdin?.end(options.stdin);
    }
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' || e.code === 'EACCES') reject(new CommandNotFound(command, e.message));
      else reject(e);
    });
    child.on('close', (code, signal) => {
      if (partial && options.log) options.log.info(mask(partial));
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: mask(Buffer.concat(out).toString('utf8')),
        stderr: mask(Buffer.concat(err).toString('utf8')),
        output: mask(output),
        timedOut: signal === 'SIGTERM' && Boolean(options.timeoutMs),
      });
    });
  });
}

/** Runs a program and throws CommandFailed (with the output's tail) when it exits non-zero; returns stdout. */
export async function mustRun(
  what: string,
  argv: readonly string[],
  options: ProcessOptions = {},
): Promise<string> {
  const result = await runProcess(argv, options);
  if (result.code !== 0) {
    throw new CommandFailed(
      `${what} failed (${argv[0]} exited with ${result.code})`,
      result,
      tailLines(result.output),
    );
  }
  return result.stdout;
}

function definedOnly(env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
