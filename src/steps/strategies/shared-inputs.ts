/**
 * Inputs several strategies read. Each is declared once here and listed in the `inputs` of every
 * strategy that reads it, so action.yml, the GitLab spec and the CLI carry it once.
 */
import { duration, list, text } from '../../platform/inputs.js';

export const namespaceInput = text({
  description:
    'kubernetes: namespace of namespaced objects without one; helm: the release namespace (`{environment}` replaced)',
});

export const kubeconfigInput = text({
  description: 'kubernetes, helm, gitops `verify`: path to a kubeconfig file; default the usual lookup',
});

export const contextInput = text({
  description:
    "kubernetes, helm, gitops `verify`: the kubeconfig context to use; default the kubeconfig's current context",
  pattern: /^[^\s]+$/,
  accepted: 'a kubeconfig context name (no spaces)',
});

export const containersInput = list({
  description:
    'kubernetes, ecs: containers whose image is set; default every container running the same image repository',
});

export const rolloutTimeoutInput = duration({
  description:
    'kubernetes, helm, ecs: how long to wait for the rollout; default `5m` for kubernetes and helm, `30m` for ecs',
  min: 1,
});
