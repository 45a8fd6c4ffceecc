/**
 * The kubernetes deploy strategy (deploy-env) and its rollback. This module pulls in
 * @kubernetes/client-node, so steps load it only through `await import()` on the kubernetes path.
 */
export { deployKubernetes } from './deploy.js';
export { namespaceLabels } from './namespace.js';
export type {
  KubernetesDecideOptions,
  KubernetesDeployOptions,
  KubernetesRollbackOptions,
  KubernetesTarget,
} from './options.js';
export { decideKubernetes } from './progressive.js';
export { rollbackKubernetes } from './rollback.js';
export { stopKubernetes } from './stop.js';
