import { runAction } from '../platform/github.js';
import { rollback } from '../steps/rollback.js';

await runAction(rollback);
