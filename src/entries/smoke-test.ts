import { runAction } from '../platform/github.js';
import { smokeTest } from '../steps/smoke-test.js';

await runAction(smokeTest);
