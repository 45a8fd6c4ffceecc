/**
 * The registry of deploy strategies: deploy-env and rollback take their inputs from here and
 * dispatch through it, knowing no strategy themselves. Registering a strategy is its entry in
 * `strategies` and the spread of its inputs into `targetInputs` (the order there is the order of
 * the inputs in action.yml, the GitLab spec and the CLI help).
 */
import { InputError } from '../../core/errors.js';
import type { ParsedImage } from '../../core/image-ref.js';
import { bool, choice } from '../../platform/inputs.js';
import type { SettingsSource } from '../../platform/step.js';
import { ecs, ecsInputs } from './ecs/index.js';
import { gitops, verifyInputs } from './gitops/index.js';
import { gitopsInputs } from './gitops/inputs.js';
import { helm, helmInputs } from './helm/index.js';
import { kubernetes, kubernetesInputs } from './kubernetes/index.js';
import { progressiveInputs } from './progressive-inputs.js';
import type { DeployPlan, RollbackPlan, StopPlan, Strategy } from './strategy.js';
import { terraform, terraformInputs } from './terraform/index.js';

const strategies = { gitops, kubernetes, helm, terraform, ecs } satisfies Record<string, Strategy>;

export type StrategyName = keyof typeof strategies;
export const STRATEGIES: readonly StrategyName[] = Object.keys(strategies) as StrategyName[];

const named = STRATEGIES.map((s) => `\`${s}\``);
export const strategyInput = choice({
  description: `How to deploy: ${named.slice(0, -1).join(', ')} or ${named.at(-1)}`,
  required: true,
  options: STRATEGIES,
});

/** The target inputs deploy-env and rollback share: every strategy's own, and `dry-run`. */
export const targetInputs = {
  ...gitopsInputs,
  ...kubernetesInputs,
  ...helmInputs,
  ...terraformInputs,
  ...ecsInputs,
  'dry-run': bool({ description: 'Print what would change and change nothing', default: 'false' }),
};

/** Inputs only deploy-env takes (gitops `verify`, progressive delivery). */
export const deployOnlyInputs = { ...verifyInputs, ...progressiveInputs };

function strategyOf(name: string): Strategy {
  const strategy = (strategies as Record<string, Strategy>)[name];
  if (!strategy) throw new InputError('strategy', name, `one of ${STRATEGIES.join(', ')}`);
  return strategy;
}

/** deploy-env's target: the named strategy's plan, every input checked. */
export function planDeploy(
  input: { strategy: string; image?: ParsedImage; action?: string; canary?: number },
  source: SettingsSource,
): DeployPlan {
  if (input.action && input.action !== 'deploy' && !['kubernetes', 'helm', 'ecs'].includes(input.strategy))
    throw new InputError('action', input.action, `\`deploy\` for strategy ${input.strategy}`);
  if (input.canary !== undefined && input.strategy !== 'kubernetes')
    throw new InputError(
      'canary',
      `${input.canary}%`,
      `empty for strategy ${input.strategy} (a pod-ratio canary is kubernetes only)`,
    );
  return strategyOf(input.strategy).planDeploy(input, input.image, source);
}

/** rollback's target and its checked `to`. */
export function planRollback(
  input: { strategy: string },
  to: string | undefined,
  source: SettingsSource,
): RollbackPlan {
  return strategyOf(input.strategy).planRollback(input, to, source);
}

/** The strategies stop-env can end environments of. */
export const STOPPABLE: readonly StrategyName[] = STRATEGIES.filter((s) => strategies[s].stops);

/** stop-env's target: what the named strategy removes. */
export function planStop(input: { strategy: string }, source: SettingsSource): StopPlan {
  const strategy = strategyOf(input.strategy);
  if (!strategy.stops) {
    throw new InputError('strategy', input.strategy, `one stop-env can stop: ${STOPPABLE.join(', ')}`);
  }
  return strategy.planStop(input, source);
}

export type { DeployPlan, RollbackPlan, RollbackRequest, StopPlan, StrategyEnv } from './strategy.js';
export { strategyEnv } from './strategy.js';
