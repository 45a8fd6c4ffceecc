/**
 * The CLI host: `stagecraft <step> --<input> value …`, used by the GitLab components and locally.
 * Inputs come from flags, then STAGECRAFT_INPUT_<NAME> variables. Outputs go to stdout as
 * `name=value` lines and, on GitLab (or with STAGECRAFT_DOTENV), to a dotenv report.
 * Logs go to stderr so stdout stays machine-readable.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { detectContext, isGitlab } from './context.js';
import { type Host, runStep, VERSION } from './host.js';
import { clockFromEnv, type Runtime, tuningFromEnv } from './runtime.js';
import type { Step } from './step.js';

type Env = Record<string, string | undefined>;
type Write = (text: string) => void;

export interface CliIo {
  env: Env;
  /** Working directory for relative paths (default: the process's). */
  cwd?: string;
  stdout: Write;
  stderr: Write;
}

/** Replaces every registered secret in text with ***; the CLI has no runner to mask for it. */
export class Masker {
  private secrets: string[] = [];
  add(secret: string) {
    if (secret && !this.secrets.includes(secret)) this.secrets.push(secret);
    this.secrets.sort((a, b) => b.length - a.length);
  }
  apply(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('***'), text);
  }
}

export function envName(input: string): string {
  return `STAGECRAFT_INPUT_${input.replace(/-/g, '_').toUpperCase()}`;
}

export function outputEnvName(output: string): string {
  return `STAGECRAFT_${output.replace(/-/g, '_').toUpperCase()}`;
}

/** `value` as one line: multi-line values (and values with quotes) are JSON-encoded. */
export function oneLine(value: string): string {
  return /[\r\n]/.test(value) ? JSON.stringify(value) : value;
}

/** Parses `--name value`, `--name=value` and bare `--flag` (booleans) against a step's inputs. */
export function parseFlags(step: Step, args: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--'))
      throw new Error(`unexpected argument "${arg}"; inputs are given as --name value`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const def = step.inputs[name];
    if (!def) throw new Error(`${step.name} has no input "--${name}"; see stagecraft ${step.name} --help`);
    if (eq >= 0) values.set(name, arg.slice(eq + 1));
    else if (def.kind === 'boolean' && (args[i + 1] === undefined || args[i + 1]?.startsWith('--'))) {
      values.set(name, 'true');
    } else {
      const next = args[++i];
      if (next === undefined) throw new Error(`--${name} needs a value`);
      values.set(name, next);
    }
  }
  return values;
}

function sections(io: CliIo, masker: Masker) {
  const gitlab = isGitlab(io.env);
  let n = 0;
  return async <T>(title: string, fn: () => Promise<T>): Promise<T> => {
    const id = `stagecraft_${++n}`;
    const now = () => Math.floor(Date.now() / 1000);
    // GitLab's collapsible log sections; plain headings elsewhere.
    io.stderr(
      gitlab
        ? `\x1b[0Ksection_start:${now()}:${id}[collapsed=false]\r\x1b[0K${masker.apply(title)}\n`
        : `== ${masker.apply(title)}\n`,
    );
    try {
      return await fn();
    } finally {
      if (gitlab) io.stderr(`\x1b[0Ksection_end:${now()}:${id}\r\x1b[0K\n`);
    }
  };
}

export function cliHost(flags: Map<string, string>, io: CliIo): Host {
  const masker = new Masker();
  const log = (prefix: string) => (m: string) => io.stderr(`${prefix}${masker.apply(m)}\n`);
  const runtime: Runtime = {
    ctx: detectContext(io.env),
    env: io.env,
    info: log(''),
    notice: log('notice: '),
    warning: log('warning: '),
    debug: io.env.STAGECRAFT_DEBUG ? log('debug: ') : () => {},
    group: sections(io, masker),
    setSecret: (s) => masker.add(s),
    tempDir: mkdtempSync(join(io.env.TMPDIR || tmpdir(), 'stagecraft-')),
    cwd: io.cwd ?? process.cwd(),
    tuning: tuningFromEnv(io.env),
    now: clockFromEnv(io.env),
  };
  const gitlab = isGitlab(io.env);
  const dotenv = io.env.STAGECRAFT_DOTENV || (gitlab ? 'stagecraft.env' : undefined);
  const summaryFile = io.env.STAGECRAFT_SUMMARY || (gitlab ? 'stagecraft-summary.md' : undefined);
  return {
    runtime,
    // On GitLab an unset `token` falls back to the job token, as `${{ github.token }}` does on GitHub.
    read: (name) =>
      flags.get(name) ??
      (io.env[envName(name)] || (gitlab && name === 'token' ? io.env.CI_JOB_TOKEN : undefined)),
    async writeOutputs(outputs) {
      for (const [name, value] of Object.entries(outputs))
        io.stdout(`${name}=${masker.apply(oneLine(value))}\n`);
      if (dotenv) writeDotenv(dotenv, outputs, masker);
    },
    keepsSummary: Boolean(summaryFile),
    async writeSummary(markdown) {
      if (summaryFile) writeJobSummary(summaryFile, masker.apply(markdown), io.env.CI_JOB_ID);
      else io.stderr(`\n${masker.apply(markdown)}\n`);
    },
    fail: (message) => io.stderr(`error: ${masker.apply(message)}\n`),
  };
}

/**
 * Adds a step's section to the job's summary file. The file starts with a marker naming the job
 * (`CI_JOB_ID`): several steps of one job append; a file restored from an earlier job's artifacts
 * (another id), or left by an earlier local run (no id), is replaced, so a job's summary artifact
 * holds that job's steps only.
 */
export function writeJobSummary(path: string, markdown: string, jobId: string | undefined): void {
  const marker = `<!-- stagecraft:job:${jobId ?? `local-${process.pid}`} -->\n`;
  let ours = false;
  try {
    ours = readFileSync(path, 'utf8').startsWith(marker);
  } catch {
    // no file yet
  }
  if (ours) appendFileSync(path, `${markdown}\n`);
  else writeFileSync(path, `${marker}${markdown}\n`);
}

/** Merges outputs into a dotenv file (GitLab's dotenv report), replacing keys already there. */
export function writeDotenv(path: string, outputs: Record<string, string>, masker = new Masker()) {
  // Nothing to add (a step that failed before any output): make sure the report exists, and never
  // rewrite one that does (jobs sharing a directory must not lose each other's outputs).
  if (Object.keys(outputs).length === 0) {
    writeFileSync(path, '', { flag: 'a' });
    return;
  }
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
  const entries = new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l] as const));
  for (const [name, value] of Object.entries(outputs)) {
    const key = outputEnvName(name);
    entries.set(key, `${key}=${masker.apply(oneLine(value))}`);
  }
  writeFileSync(path, `${[...entries.values()].join('\n')}\n`);
}

export function helpText(step: Step): string {
  const rows = Object.entries(step.inputs).map(([name, def]) => {
    const tags = [
      def.required ? 'required' : undefined,
      def.default !== undefined ? `default: ${JSON.stringify(def.default)}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return `  --${name}${tags ? `  (${tags})` : ''}\n      ${def.description}`;
  });
  const outs = Object.entries(step.outputs).map(([name, d]) => `  ${name}: ${d}`);
  return `stagecraft ${step.name} — ${step.description}\n\nInputs (flags, or ${envName('<name>')} variables):\n${rows.join('\n')}\n\nOutputs (stdout as name=value):\n${outs.join('\n')}\n`;
}

function usage(steps: Step[]): string {
  return `stagecraft ${VERSION}\n\nUsage: stagecraft <step> [--<input> <value>]...\n\nSteps:\n${steps.map((s) => `  ${s.name.padEnd(18)}${s.description}`).join('\n')}\n\nstagecraft <step> --help lists a step's inputs and outputs.\n`;
}

/** Runs the CLI; resolves to the process exit code. */
export async function runCli(steps: Step[], argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(usage(steps));
    return command ? 0 : 1;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const step = steps.find((s) => s.name === command);
  if (!step) {
    io.stderr(`error: unknown step "${command}"; steps: ${steps.map((s) => s.name).join(', ')}\n`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(helpText(step));
    return 0;
  }
  let flags: Map<string, string>;
  try {
    flags = parseFlags(step, rest);
  } catch (err) {
    io.stderr(`error: ${errorMessage(err)}\n`);
    return 1;
  }
  return (await runStep(step, cliHost(flags, io))) ? 0 : 1;
}
