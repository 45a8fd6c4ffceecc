/** Every step of the pack, in pipeline order; the CLI and the generated docs read this list. */

import type { Step } from '../platform/step.js';
import { buildPushImage } from './build-push-image.js';
import { deployEnv } from './deploy-env.js';
import { deployReport } from './deploy-report.js';
import { gateMerge } from './gate-merge.js';
import { notifyPr } from './notify-pr.js';
import { rollback } from './rollback.js';
import { smokeTest } from './smoke-test.js';

export const steps: Step[] = [
  buildPushImage,
  deployEnv,
  smokeTest,
  gateMerge,
  rollback,
  notifyPr,
  deployReport,
];
