/** Every step of the pack, in pipeline order; the CLI and the generated docs read this list. */
import { smokeTest } from './smoke-test.js';
import type { Step } from './step.js';

export const steps: Step[] = [smokeTest];
