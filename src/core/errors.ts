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

/** A step failed for a reason the user can act on; the message says what and where. */
export class StepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
