import { runAction } from '../platform/github.js';
import { gateMerge } from '../steps/gate-merge.js';

await runAction(gateMerge);
