/**
 * One deploy strategy behind one interface. A strategy lives in two places, one per layer:
 * - `src/steps/strategies/<name>/` (this level): its inputs (declarations with their zod schemas),
 *   its typed target made from them (every check across inputs, as InputError), and a thin
 *   adapter that maps the target to its core options and calls core;
 * - `src/core/deploy/<name>/`: what it does (deploy, rollback), platform-free and loaded lazily
 *   (`await import()`), so heavy clients load only when their strategy runs.
 * deploy-env and rollback know no strategy: they parse the inputs, ask the registry (index.ts)
 * for the strategy named by `strategy`, and run the plan it returns. Adding a strategy is its
 * two folders and its registration in index.ts.
 */
import type { DeployContext, DeployResult, RollbackResult } from '../../core/deploy/types.js';
import { InputError } from '../../core/errors.js';
import type { ParsedImage } from '../../core/image-ref.js';
import type { CiContext } from '../../platform/context.js';
import type { GitopsForge, GitopsForgeOptions } from '../../platform/gitops-forge.js';
import type { InputDefs, Inputs } from '../../platform/inputs.js';
import type { Runtime, Tuning } from '../../platform/runtime.js';
import type { SettingsSource } from '../../platform/step.js';

/** What the strategies need from the pipeline besides their target. */
export interface StrategyEnv {
  ci: CiContext;
  /** Base directory of relative paths (manifests, charts). */
  cwd: string;
  tuning: Tuning;
  /** gitops: the forge API writer and PR/MR opener, when `via: api` or `pull-request` asks for them. */
  gitopsForge: (options: GitopsForgeOptions) => Promise<GitopsForge>;
}

export function strategyEnv(rt: Runtime): StrategyEnv {
  return {
    ci: rt.ctx,
    cwd: rt.cwd,
    tuning: rt.tuning,
    gitopsForge: async (options) => {
      const { connectGitops } = await import('../../platform/gitops-forge.js');
      return connectGitops(rt, options);
    },
  };
}

export interface RollbackRequest {
  /** Explicit version to return to (`to` input), trimmed and checked by the strategy. */
  to?: string;
  reason?: string;
  /** The deployed image's repository, when given, to report full references. */
  image?: ParsedImage;
}

export const withEnv = (text: string, environment: string) => text.replaceAll('{environment}', environment);

/** deploy-env's settings for the strategy: what it deploys, checked, ready to run. */
export interface DeployPlan {
  strategy: string;
  /** The image deployed, when there is one (ecs with `task-definition-arn` and gitops `updates` may have none). */
  image?: ParsedImage;
  /** What the log, the summary and the deployment record name as deployed. */
  requested: string;
  run(env: StrategyEnv, ctx: DeployContext, force: boolean): Promise<DeployResult>;
}

/** rollback's settings for the strategy. */
export interface RollbackPlan {
  strategy: string;
  /** `to`, as the strategy accepts it. */
  to?: string;
  run(req: RollbackRequest, env: StrategyEnv, ctx: DeployContext): Promise<RollbackResult>;
}

/**
 * A strategy as its folder defines it. `Target` is what rollback works on; `Deploy` is what
 * deploy-env deploys (the target plus its image). `DeployInput` is what `deployTarget` reads: its
 * own inputs plus any deploy-env-only inputs (`deployInputs`).
 */
export interface StrategyDefinition<Defs extends InputDefs, Target, Deploy, DeployInput = Inputs<Defs>> {
  name: string;
  /** Inputs deploy-env and rollback both take (an input several strategies read is one shared declaration). */
  inputs: Defs;
  /** The rollback target (`image`: rollback's optional `image` input). Throws InputError naming the input. */
  target(input: Inputs<Defs>, source: SettingsSource, image?: ParsedImage): Target;
  /** rollback's `to`, checked (default: accepted as given). */
  rollbackTo?(to: string, target: Target): string;
  /** deploy-env's target; checks the image first (without it nothing else matters). */
  deployTarget(input: DeployInput, image: ParsedImage | undefined, source: SettingsSource): Deploy;
  /** What deploy-env announces as deployed. */
  requested(target: Deploy): { image?: ParsedImage; text: string };
  deploy(target: Deploy, env: StrategyEnv, ctx: DeployContext, force: boolean): Promise<DeployResult>;
  rollback(
    target: Target,
    req: RollbackRequest,
    env: StrategyEnv,
    ctx: DeployContext,
  ): Promise<RollbackResult>;
}

/** A registered strategy, its types closed over: the registry holds strategies of any shape. */
export interface Strategy<Defs extends InputDefs = InputDefs> {
  name: string;
  inputs: Defs;
  planDeploy(input: object, image: ParsedImage | undefined, source: SettingsSource): DeployPlan;
  planRollback(input: object, to: string | undefined, source: SettingsSource): RollbackPlan;
}

export function defineStrategy<Defs extends InputDefs, Target, Deploy, DeployInput = Inputs<Defs>>(
  def: StrategyDefinition<Defs, Target, Deploy, DeployInput>,
): Strategy<Defs> {
  return {
    name: def.name,
    inputs: def.inputs,
    planDeploy(input, image, source) {
      // The registry hands every strategy the whole parsed input object, a superset of its own.
      const target = def.deployTarget(input as DeployInput, image, source);
      const requested = def.requested(target);
      return {
        strategy: def.name,
        ...(requested.image ? { image: requested.image } : {}),
        requested: requested.text,
        run: (env, ctx, force) => def.deploy(target, env, ctx, force),
      };
    },
    planRollback(input, to, source) {
      const image = (input as { image?: ParsedImage }).image;
      const target = def.target(input as Inputs<Defs>, source, image);
      const checked = to && def.rollbackTo ? def.rollbackTo(to, target) : to;
      return {
        strategy: def.name,
        ...(checked ? { to: checked } : {}),
        run: (req, env, ctx) => def.rollback(target, req, env, ctx),
      };
    },
  };
}

/** The one error for a missing image (`unless` names the way around it, e.g. ecs `task-definition-arn`). */
export function missingImage(strategy: string, unless?: string): InputError {
  return new InputError(
    'image',
    '',
    unless ? `it is required unless ${unless}` : `it is required for strategy ${strategy}`,
  );
}
