/**
 * The step-level inputs of deploy-env and rollback that are no strategy's own: what to deploy,
 * the environment URL, and `force`. The strategies' inputs live in src/steps/strategies/.
 */
import { parseImage } from '../core/image-ref.js';
import { bool, parsed } from '../platform/inputs.js';
import { parseHttpUrl } from './shared-inputs.js';

/** deploy-env only: deploy an image a rollback held, and lift the hold. */
export const forceInput = bool({
  description:
    'Deploy the image even though a rollback held it in this environment (the error names when and why), and lift the hold',
  default: 'false',
});

export const urlInput = parsed(
  { description: 'Environment URL, recorded and passed on', accepted: 'an http(s) URL' },
  parseHttpUrl,
);

export const imageInput = parsed(
  {
    description: 'What to deploy: `repo:tag` or `repo@sha256:…` (ecs with `task-definition-arn` may omit it)',
    accepted: 'an image reference like registry.example.com/team/app:1.2.3 or …@sha256:<64 hex>',
  },
  parseImage,
);
