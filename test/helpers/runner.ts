/**
 * Runs a built action bundle the way the GitHub runner does: INPUT_* variables with the
 * action.yml defaults applied, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_EVENT_PATH /
 * RUNNER_TEMP files, node24 from .tools when present (or the Node major asked for), and returns the
 * parsed results.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import YAML from 'yaml';
import { interpolate } from './expressions.js';

export const ROOT = resolve(import.meta.dirname ?? __dirname, '../..');

/** The Node majors every bundle must run on (`engines: >=20`; the runner's node24 is the default). */
export const NODE_VERSIONS = [20, 22, 24] as const;
export type NodeVersion = (typeof NODE_VERSIONS)[number];

/**
 * Without a version: Node 24 installed by scripts/setup.sh, else whatever node runs the tests.
 * With one: that major from .tools/node<version> (scripts/setup.sh installs 20, 22 and 24) —
 * never the machine's own node, so a test asking for Node 20 really runs on Node 20.
 */
export function nodeBinary(version?: NodeVersion): string {
  const local = join(ROOT, `.tools/node${version ?? 24}/bin/node`);
  if (existsSync(local)) return local;
  if (version === undefined) return process.execPath;
  throw new Error(`Node ${version} is not installed in .tools/node${version}: run scripts/setup.sh`);
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The `::error::` lines the runner would turn into annotations. */
  errors: string[];
  /** Masks the runner was asked to register (`::add-mask::`). */
  masks: string[];
}

interface ActionMeta {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; main: string };
}

export function readActionMeta(step: string): ActionMeta {
  return readActionMetaAt(join(ROOT, 'actions', step));
}

export function readActionMetaAt(dir: string): ActionMeta {
  return YAML.parse(readFileSync(join(dir, 'action.yml'), 'utf8')) as ActionMeta;
}

/** Parses the GITHUB_OUTPUT file format: `name=value` or `name<<DELIM … DELIM`. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i] as string);
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/** The slice of the `github` context that action defaults use. */
function githubContext(options: RunOptions): Record<string, unknown> {
  return {
    token: options.env?.GITHUB_TOKEN ?? '',
    event_name: options.eventName ?? 'push',
    event: options.event ?? {},
  };
}

export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  event?: Record<string, unknown>;
  eventName?: string;
  timeoutMs?: number;
  /** Working directory (GITHUB_WORKSPACE); defaults to the test's cwd. */
  cwd?: string;
  /** The Node major that runs the bundle; defaults to node24, what `runs.using` names. */
  node?: NodeVersion;
}

export async function runAction(step: string, options: RunOptions = {}): Promise<ActionRun> {
  return runActionAt(join(ROOT, 'actions', step), options);
}

/** Runs the JavaScript action whose action.yml is in `actionDir`. */
export async function runActionAt(actionDir: string, options: RunOptions = {}): Promise<ActionRun> {
  const meta = readActionMetaAt(actionDir);
  const step = basename(actionDir);
  const dir = mkdtempSync(join(tmpdir(), `runner-${step}-`));
  const temp = join(dir, 'temp');
  mkdirSync(temp);
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    event: join(dir, 'event.json'),
  };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.event, JSON.stringify(options.event ?? {}));

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: options.eventName ?? 'push',
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '4242',
    GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKSPACE: options.cwd ?? process.cwd(),
    RUNNER_TEMP: temp,
  };
  // The runner sets every declared input, with the action.yml default when the workflow gave none.
  for (const [name, def] of Object.entries(meta.inputs ?? {})) {
    // Defaults may be expressions (`${{ github.token }}`): the runner evaluates them.
    const value =
      options.inputs?.[name] ?? interpolate(def.default ?? '', { github: githubContext(options) });
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!meta.inputs?.[name]) throw new Error(`${step}/action.yml declares no input "${name}"`);
  }
  Object.assign(env, options.env);

  const main = resolve(actionDir, meta.runs.main);
  const child = spawn(nodeBinary(options.node), [main], { env, cwd: options.cwd ?? process.cwd() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code: number = await new Promise((res) => child.on('close', (c) => res(c ?? -1)));
  clearTimeout(timer);

  const lines = stdout.split('\n');
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    errors: lines.filter((l) => l.startsWith('::error')),
    masks: lines.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length)),
  };
}
