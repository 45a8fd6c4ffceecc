/** A bad input: names the input, the value (masked when secret) and what is accepted. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly accepted: string,
    readonly secret = false,
  ) {
    const shown = secret ? '***' : JSON.stringify(value);
    super(`Input "${input}" has an invalid value ${shown}: ${accepted}`);
    this.name = 'InputError';
  }
}

/**
 * A step failed for a reason the user can act on; the message says what and where. It may carry
 * the outputs and summary known at the time (a failed rollout's deployment id, its events), which
 * the host still writes, so a failure is as well reported as a success.
 */
export class StepError extends Error {
  constructor(
    message: string,
    readonly partial: { outputs?: Record<string, string>; summary?: string } = {},
  ) {
    super(message);
    this.name = 'StepError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
