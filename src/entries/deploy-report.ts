import { runAction } from '../platform/github.js';
import { deployReport } from '../steps/deploy-report.js';

await runAction(deployReport);
