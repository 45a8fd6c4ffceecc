import { runAction } from '../platform/github.js';
import { notifyPr } from '../steps/notify-pr.js';

await runAction(notifyPr);
