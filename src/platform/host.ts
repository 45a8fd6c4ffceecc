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
    host.fail(errorMessage(err));
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
    if (err instanceof StepError) {
      if (err.partial.outputs) await host.writeOutputs(err.partial.outputs);
      if (err.partial.summary) await host.writeSummary(err.partial.summary);
    }
    host.fail(`${step.name} failed: ${errorMessage(err)}`);
    return false;
  }
}
