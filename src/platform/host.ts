/**
 * The one flow every platform runs a step through: parse the inputs and build the step's settings
 * (one clear error, before anything happens) → run → write outputs and summary → fail if the
 * verdict is failure.
 */
import { errorMessage, InputError, StepError } from '../core/errors.js';
import { parseInputs } from './inputs.js';
import type { Runtime } from './runtime.js';
import type { Step } from './step.js';

export interface Host {
  runtime: Runtime;
  /** The raw text of an input, or undefined when not given. */
  read(name: string): string | undefined;
  writeOutputs(outputs: Record<string, string>): Promise<void>;
  writeSummary(markdown: string): Promise<void>;
  /**
   * True when the summary lands in a report (GitHub's step summary, GitLab's summary artifact),
   * false when it would only be printed to the log: then a failure is not printed twice.
   */
  readonly keepsSummary: boolean;
  /** Reports the failure as one error line and sets a failing exit code. */
  fail(message: string): void;
}

declare const __STAGECRAFT_VERSION__: string | undefined;
export const VERSION = typeof __STAGECRAFT_VERSION__ === 'string' ? __STAGECRAFT_VERSION__ : '0.0.0-dev';

/** Runs a step on a host; resolves to true when the step passed. Never throws. */
export async function runStep(step: Step, host: Host): Promise<boolean> {
  let settings: unknown;
  try {
    const inputs = parseInputs(
      step.inputs,
      (name) => host.read(name),
      (s) => host.runtime.setSecret(s),
    );
    settings = step.settings ? await step.settings(inputs, host.runtime) : inputs;
  } catch (err) {
    await reportFailure(step, host, errorMessage(err), {});
    return false;
  }
  try {
    const result = await step.run(settings, host.runtime);
    await host.writeOutputs(result.outputs);
    if (result.summary) await host.writeSummary(result.summary);
    if (result.failure) {
      host.fail(result.failure);
      return false;
    }
    return true;
  } catch (err) {
    // Known failures carry a message meant for the user; anything else also gets its stack in debug.
    if (!(err instanceof StepError || err instanceof InputError) && err instanceof Error && err.stack) {
      host.runtime.debug(err.stack);
    }
    await reportFailure(
      step,
      host,
      `${step.name} failed: ${errorMessage(err)}`,
      err instanceof StepError ? err.partial : {},
    );
    return false;
  }
}

/**
 * A failed step still leaves its report: the outputs it has (GitLab's dotenv report exists, so the
 * job page shows no "could not be found"), a summary (the step's own, else the error), the error.
 */
async function reportFailure(
  step: Step,
  host: Host,
  message: string,
  partial: { outputs?: Record<string, string>; summary?: string },
): Promise<void> {
  try {
    await host.writeOutputs(partial.outputs ?? {});
    const summary =
      partial.summary ??
      (host.keepsSummary ? `### ${step.title}: failed\n\n\`\`\`\n${message}\n\`\`\`\n` : undefined);
    if (summary) await host.writeSummary(summary);
  } catch (err) {
    host.runtime.warning(`could not write the failure report: ${errorMessage(err)}`);
  }
  host.fail(message);
}
