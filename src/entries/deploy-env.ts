import { runAction } from '../platform/github.js';
import { deployEnv } from '../steps/deploy-env.js';

await runAction(deployEnv);
