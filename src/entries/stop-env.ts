import { runAction } from '../platform/github.js';
import { stopEnv } from '../steps/stop-env.js';

await runAction(stopEnv);
