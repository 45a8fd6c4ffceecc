/**
 * An in-process Host for tests: inputs from a plain object, everything the step reports is
 * recorded (outputs, summary, failures, masks, logs), and the timing knobs are short. Tests call
 * runStep(step, host) directly, with no bundle and no child process.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CiContext } from '../../src/platform/context.js';
import type { Host } from '../../src/platform/host.js';
import type { Runtime, Tuning } from '../../src/platform/runtime.js';

export interface FakeHostOptions {
  /** Overrides of the pipeline context (default: a local run with no commit). */
  ctx?: Partial<CiContext>;
  env?: Record<string, string | undefined>;
  tuning?: Tuning;
  cwd?: string;
  /** A fixed clock (default: the system clock). */
  now?: Date;
}

export interface FakeHost extends Host {
  outputs: Record<string, string>;
  summaries: string[];
  failures: string[];
  masks: string[];
  /** Every log line, prefixed with its level (`info:`, `notice:`, `warning:`, `debug:`, `group:`). */
  logs: string[];
  /** Inputs that the step read (every declared input is read once while parsing). */
  reads: string[];
}

export function fakeHost(inputs: Record<string, string>, options: FakeHostOptions = {}): FakeHost {
  const logs: string[] = [];
  const masks: string[] = [];
  const log = (level: string) => (message: string) => void logs.push(`${level}: ${message}`);
  const runtime: Runtime = {
    ctx: {
      provider: 'local',
      forge: 'github',
      sha: '',
      headSha: '',
      ref: '',
      refName: '',
      refType: 'other',
      eventName: 'local',
      ...options.ctx,
    },
    env: options.env ?? {},
    info: log('info'),
    notice: log('notice'),
    warning: log('warning'),
    debug: log('debug'),
    async group(title, fn) {
      logs.push(`group: ${title}`);
      return fn();
    },
    setSecret: (s) => void masks.push(s),
    tempDir: mkdtempSync(join(tmpdir(), 'stagecraft-inprocess-')),
    cwd: options.cwd ?? process.cwd(),
    tuning: { retryBaseMs: 5, ecsPollIntervalMs: 20, ...options.tuning },
    now: () => (options.now ? new Date(options.now) : new Date()),
  };
  const host: FakeHost = {
    outputs: {},
    summaries: [],
    failures: [],
    masks,
    logs,
    reads: [],
    runtime,
    read(name) {
      host.reads.push(name);
      return inputs[name] || undefined;
    },
    async writeOutputs(outputs) {
      Object.assign(host.outputs, outputs);
    },
    keepsSummary: true,
    async writeSummary(markdown) {
      host.summaries.push(markdown);
    },
    fail(message) {
      host.failures.push(message);
    },
  };
  return host;
}
