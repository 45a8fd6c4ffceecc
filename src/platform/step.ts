/**
 * The step contract every platform runs: declared inputs → one typed settings object → run.
 * Steps (src/steps) implement it; hosts (github.ts, cli.ts, the in-process test host) run it
 * through runStep (host.ts) without knowing any step.
 */
import type { InputDefs, Inputs } from './inputs.js';
import type { Runtime } from './runtime.js';

export interface StepResult {
  outputs: Record<string, string>;
  /** Markdown for the job summary. */
  summary?: string;
  /** Set when the step ran but its verdict is failure; outputs are still written. */
  failure?: string;
}

/** What building the settings may read: the pipeline context and the runner's environment. */
export type SettingsSource = Pick<Runtime, 'ctx' | 'env'>;

export interface Step<Defs extends InputDefs = InputDefs, Settings = unknown> {
  name: string;
  title: string;
  description: string;
  inputs: Defs;
  outputs: Record<string, string>;
  /** A usage example (workflow YAML) for the generated action README. */
  example?: string;
  /** GitLab pipeline stage the component uses by default. */
  stage: string;
  /**
   * Turns the parsed inputs into the step's one typed settings object: defaults from the
   * pipeline context and every check across inputs (throwing InputError) happen here, before
   * anything runs. It may be async (a fact read from the runner, such as a commit's time, is read
   * here once). Without it the step runs on the parsed inputs themselves.
   */
  settings?(inputs: Inputs<Defs>, source: SettingsSource): Settings | Promise<Settings>;
  run(settings: Settings, rt: Runtime): Promise<StepResult>;
}

/** Keeps each step's input and settings types while letting registries hold steps of any shape. */
export function defineStep<Defs extends InputDefs, Settings>(
  step: Step<Defs, Settings> & {
    settings(inputs: Inputs<Defs>, source: SettingsSource): Settings | Promise<Settings>;
  },
): Step<Defs, Settings>;
export function defineStep<Defs extends InputDefs>(
  step: Step<Defs, Inputs<Defs>> & { settings?: undefined },
): Step<Defs, Inputs<Defs>>;
export function defineStep<Defs extends InputDefs, Settings>(
  step: Step<Defs, Settings>,
): Step<Defs, Settings> {
  return step;
}
