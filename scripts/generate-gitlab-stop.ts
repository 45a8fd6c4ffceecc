// deploy-env's GitLab component ends its environment too: the deploy job's `environment:` names
// `on_stop` (a second job in the same component, running stop-env with the same target inputs)
// and `auto_stop_in`, so GitLab's review apps stop when the MR is merged or closed, by hand
// ("Stop environment"), or after `auto-stop-in`. The stop job runs only where `stop-rules` say
// (default: merge request pipelines), and stop-env itself refuses any environment outside
// `preview-environments`.
import { envName } from '../src/platform/cli.js';
import { stopEnv } from '../src/steps/stop-env.js';
import type { SpecInput } from './generate-gitlab.js';

/** The component-only inputs deploy-env's template adds for its stop job. */
export const stopJobInputs: Record<string, SpecInput> = {
  'auto-stop-in': {
    description:
      'GitLab stops the environment (running the stop job) this long after the last deploy, e.g. `1 week`; `never` keeps it until the MR closes',
    default: 'never',
  },
  'stop-rules': {
    description:
      'The `rules:` of the stop job (`<job-name>-stop`, which runs stop-env for the environment); default: merge request pipelines, started by GitLab when the MR closes or by hand',
    type: 'array',
    default: [{ if: '$CI_MERGE_REQUEST_IID', when: 'manual' }],
  },
  'preview-environments': {
    description:
      'The stop job: globs of the environments stop-env may stop (any other fails, nothing touched)',
    default: 'pr-*',
  },
};

/** The stop job: stop-env with every deploy-env variable stop-env also reads. */
export function stopJob(deployVariables: Record<string, string>): Record<string, unknown> {
  const own = new Set(Object.keys(stopEnv.inputs).map(envName));
  const variables = Object.fromEntries(Object.entries(deployVariables).filter(([name]) => own.has(name)));
  variables[envName('preview-environments')] = '$[[ inputs.preview-environments ]]';
  return {
    stage: '$[[ inputs.stage ]]',
    image: '$[[ inputs.job-image ]]',
    rules: '$[[ inputs.stop-rules ]]',
    allow_failure: true,
    variables,
    script: ['$[[ inputs.cli ]] stop-env'],
    artifacts: {
      when: 'always',
      paths: ['stagecraft-summary.md'],
      reports: { dotenv: 'stagecraft.env' },
    },
    environment: { name: '$[[ inputs.environment ]]', action: 'stop' },
    resource_group: '$[[ inputs.environment ]]',
  };
}
