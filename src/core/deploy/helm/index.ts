/**
 * The helm deploy strategy (deploy-env) and its rollback. This module pulls in
 * @kubernetes/client-node (for the rollout wait), so steps load it only through `await import()`.
 */
export { deployHelm } from './deploy.js';
export type { HelmDeployOptions, HelmRollbackOptions, HelmTarget } from './options.js';
export { rollbackHelm } from './rollback.js';
