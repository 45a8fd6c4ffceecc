/**
 * Preview environments at deploy-env's edge: `{pr}` in `environment` or a rule's environment is
 * replaced by the pipeline's PR/MR number, and ecs (which has no previews) refuses it.
 */
import { type EnvironmentRule, expandPr, PR_PLACEHOLDER } from '../core/environments.js';
import { InputError } from '../core/errors.js';

/** ecs has no preview environments: a `{pr}` environment (or rule) is a bad input. */
export function refuseEcsPreview(environment: string, rules: EnvironmentRule[]): void {
  if (environment.includes(PR_PLACEHOLDER)) {
    throw new InputError(
      'environment',
      environment,
      'a fixed environment name: ecs has no preview (`{pr}`) environments',
    );
  }
  const rule = rules.find((r) => r.environment.includes(PR_PLACEHOLDER));
  if (rule) {
    throw new InputError(
      'environment-rules',
      `${rule.pattern}=${rule.environment}`,
      'rules naming fixed environments: ecs has no preview (`{pr}`) environments',
    );
  }
}

/** `{pr}` replaced by the pipeline's PR/MR number; without one, a bad input naming where `{pr}` came from. */
export function previewName(environment: string, pr: number | undefined, fromRules: boolean): string {
  const name = expandPr(environment, pr);
  if (name !== undefined) return name;
  throw new InputError(
    fromRules ? 'environment-rules' : 'environment',
    environment,
    '`{pr}` only in a pull request (GitHub) or merge request (GitLab) pipeline, which names the number',
  );
}
