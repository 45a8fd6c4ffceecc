// Logic entry for @github/local-action, which imports a module and calls its `run` export
// with its own stand-in for @actions/core (the bundles in dist/ cannot be stubbed).
import { runAction } from '../../src/platform/github.js';
import { smokeTest } from '../../src/steps/smoke-test.js';

export const run = () => runAction(smokeTest);
