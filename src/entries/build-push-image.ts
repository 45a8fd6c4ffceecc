import { runAction } from '../platform/github.js';
import { buildPushImage } from '../steps/build-push-image.js';

await runAction(buildPushImage);
