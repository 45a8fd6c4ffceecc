/**
 * deploy-env's progressive-delivery inputs (kubernetes, helm, ecs): whether this run deploys or
 * decides a paused rollout, and what a paused Argo Rollout does to the step.
 */
import { choice, type Inputs, parsed } from '../../platform/inputs.js';
import { parseHttpUrl } from '../shared-inputs.js';

/** `20%` (or `20`): a percentage above 0, at most 100. */
export function parsePercent(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(raw.trim());
  const value = match ? Number(match[1]) : Number.NaN;
  if (!(value > 0 && value <= 100)) throw new Error('must be a percentage above 0 and at most 100, e.g. 20%');
  return value;
}

export const progressiveInputs = {
  action: choice({
    description:
      'kubernetes, helm, ecs: `deploy`; `promote`: finish a paused or canary rollout (an Argo Rollout: as `kubectl argo rollouts promote`; ecs: ContinueServiceDeployment CONTINUE); `reject`: abandon it, the stable version keeps serving (`kubectl argo rollouts abort`; ecs: ROLLBACK). Takes the same target inputs as the deploy it finishes',
    default: 'deploy',
    options: ['deploy', 'promote', 'reject'],
  }),
  canary: parsed(
    {
      description:
        "kubernetes: a percentage (`20%`): the new image runs as `<name>-canary` copies of the Deployments with ⌈replicas × percentage⌉ replicas whose pods carry the stable pods' labels plus `stagecraft.dev/track: canary`; the stable Deployments are not touched (`rollout-state: canary`). With `action: promote` the stable ones get the image and the canaries are deleted; `reject` deletes the canaries",
      accepted: 'a percentage above 0 and at most 100, e.g. 20%',
    },
    parsePercent,
  ),
  'rollout-pause': choice({
    description:
      'kubernetes, helm, ecs: a paused Argo Rollout or ECS blue/green deployment (PAUSE lifecycle hook): `succeed` (the step passes with `rollout-state: paused`, so a smoke test can check the canary and a later `action: promote` or `reject` decides) or `wait` (keep waiting through timed pauses)',
    default: 'succeed',
    options: ['succeed', 'wait'],
  }),
  'test-url': parsed(
    {
      description:
        'ecs: the URL of the test listener a paused blue/green deployment serves the new revision on; passed on as the output `test-url` for the smoke test',
      accepted: 'an http(s) URL',
    },
    parseHttpUrl,
  ),
};

export type ProgressiveInput = Inputs<typeof progressiveInputs>;
