import type { InputDefs, Inputs } from '../platform/inputs.js';
import type { Runtime } from '../platform/runtime.js';

export interface StepResult {
  outputs: Record<string, string>;
  /** Markdown for the job summary. */
  summary?: string;
  /** Set when the step ran but its verdict is failure; outputs are still written. */
  failure?: string;
}

export interface Step<Defs extends InputDefs = InputDefs> {
  name: string;
  title: string;
  description: string;
  inputs: Defs;
  outputs: Record<string, string>;
  /** A usage example (workflow YAML) for the generated action README. */
  example?: string;
  /** GitLab pipeline stage the component uses by default. */
  stage: string;
  run(inputs: Inputs<Defs>, rt: Runtime): Promise<StepResult>;
}

/** Keeps each step's input types while letting registries hold steps of any shape. */
export function defineStep<Defs extends InputDefs>(step: Step<Defs>): Step<Defs> {
  return step;
}
