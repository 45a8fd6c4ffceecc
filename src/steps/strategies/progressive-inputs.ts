/**
 * deploy-env's progressive-delivery inputs (kubernetes, helm, ecs): whether this run deploys or
 * decides a paused rollout, and what a paused Argo Rollout does to the step.
 */
import { choice, type Inputs } from '../../platform/inputs.js';

export const progressiveInputs = {
  action: choice({
    description:
      'kubernetes: `deploy`; `promote`: finish a paused rollout (an Argo Rollout: as `kubectl argo rollouts promote`); `reject`: abandon it, the stable version keeps serving (as `kubectl argo rollouts abort`). Takes the same target inputs as the deploy it finishes',
    default: 'deploy',
    options: ['deploy', 'promote', 'reject'],
  }),
  'rollout-pause': choice({
    description:
      'kubernetes: a paused Argo Rollout: `succeed` (the step passes with `rollout-state: paused`, so a smoke test can check the canary and a later `action: promote` or `reject` decides) or `wait` (keep waiting through timed pauses)',
    default: 'succeed',
    options: ['succeed', 'wait'],
  }),
};

export type ProgressiveInput = Inputs<typeof progressiveInputs>;
