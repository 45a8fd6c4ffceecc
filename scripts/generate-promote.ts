// Generates the root action.yml: `promote`, a composite action that runs the bundled steps
// deploy-env → smoke-test → (on failure) rollback → gate-merge → notify-pr. Its inputs are the
// union of what that path needs, taken from the step definitions so names, defaults and
// descriptions never drift. Inputs reach each step through `env:` (INPUT_<NAME>), never by
// expression into `run:` text.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { actionDefault, BRANDING, inputsOf, type Step } from './generated.js';

interface ActionInput {
  description: string;
  required: boolean;
  default?: string;
}

// Inputs a sub-step gets from the promote path itself rather than from the user.
const PAUSED =
  "(steps.deploy.outputs.rollout-state == 'paused' || steps.deploy.outputs.rollout-state == 'canary')";
const OVERRIDES: Record<string, Record<string, string>> = {
  // The promote path deploys; a paused rollout or canary is then promoted or rejected by the path.
  'deploy-env': { action: 'deploy' },
  // A paused ECS blue/green deployment is smoke-tested on its test listener.
  'smoke-test': { url: '${{ steps.deploy.outputs.test-url || steps.deploy.outputs.url || inputs.url }}' },
  rollback: {
    environment: '${{ steps.deploy.outputs.environment }}',
    reason: "${{ format('smoke test of {0} failed', steps.deploy.outputs.image) }}",
  },
  'gate-merge': {
    mode: 'set',
    state:
      "${{ (steps.deploy.outcome == 'failure' || steps.smoke.outcome == 'failure') && 'failure' || 'success' }}",
    description:
      "${{ steps.smoke.outcome == 'failure' && format('smoke test failed on {0}; rolled back', steps.deploy.outputs.environment) || steps.deploy.outcome == 'failure' && 'deploy failed' || format('verified on {0}', steps.deploy.outputs.environment) }}",
  },
  'notify-pr': {
    environment: '${{ steps.deploy.outputs.environment }}',
    image: '${{ steps.deploy.outputs.image || inputs.image }}',
    url: '${{ steps.deploy.outputs.url || inputs.url }}',
    status:
      "${{ steps.smoke.outcome == 'failure' && 'rolled-back' || steps.deploy.outcome == 'failure' && 'failure' || 'success' }}",
    'break-glass': '${{ steps.deploy.outputs.break-glass }}',
  },
};
// The same step run again on the promote path, with these inputs set by the path (by step id).
const ID_OVERRIDES: Record<string, Record<string, string>> = {
  finish: { action: 'promote' },
  abandon: { action: 'reject' },
};

// Inputs of a sub-step that promote does not expose (they belong to other uses of the step).
const HIDDEN: Record<string, string[]> = {
  rollback: ['to'],
  // gate-merge/notify-pr `repository` (the GitHub repo) and notify-pr's sticky `key` would clash
  // with deploy-env's gitops inputs of the same names; their defaults (this repo, {environment}) fit.
  'gate-merge': ['contexts', 'timeout', 'poll-interval', 'sha', 'repository'],
  'notify-pr': ['sha', 'key', 'repository'],
};

// Defaults that differ on the promote path: one board per PR with a row per environment.
const PROMOTE_DEFAULTS: Record<string, Record<string, string>> = {
  'notify-pr': { board: 'true' },
};

const OWN_INPUTS: Record<string, ActionInput> = {
  smoke: {
    description: 'Run the smoke test after deploying (needs `url` or a deploy-env url output)',
    required: false,
    default: 'true',
  },
  'rollback-on-failure': {
    description: 'Roll back when the smoke test fails (the step still fails)',
    required: false,
    default: 'true',
  },
  gate: {
    description:
      'Write the gate-merge commit status (success, or failure after a failed deploy or smoke test)',
    required: false,
    default: 'true',
  },
  notify: {
    description:
      'Comment on the pull request(s) of the commit (the deployment board by default) and Slack when a webhook or bot token is given',
    required: false,
    default: 'true',
  },
};

const PATH: { id: string; step: string; if: string | undefined }[] = [
  { id: 'deploy', step: 'deploy-env', if: undefined },
  {
    id: 'smoke',
    step: 'smoke-test',
    if: "inputs.smoke == 'true' && steps.deploy.outputs.skipped != 'true'",
  },
  // A canary or paused rollout that passed its smoke test goes to everyone; one that failed it is rejected.
  { id: 'finish', step: 'deploy-env', if: `success() && ${PAUSED}` },
  { id: 'abandon', step: 'deploy-env', if: `failure() && steps.smoke.outcome == 'failure' && ${PAUSED}` },
  {
    id: 'rollback',
    step: 'rollback',
    if: `failure() && steps.smoke.outcome == 'failure' && inputs.rollback-on-failure == 'true' && !${PAUSED}`,
  },
  {
    id: 'gate',
    step: 'gate-merge',
    if: "always() && inputs.gate == 'true' && steps.deploy.outputs.skipped != 'true'",
  },
  {
    id: 'notify',
    step: 'notify-pr',
    if: "always() && inputs.notify == 'true' && steps.deploy.outputs.skipped != 'true'",
  },
];

function promoteAction(steps: Step[]): string | undefined {
  const found = new Map(steps.map((s) => [s.name, s]));
  if (!PATH.every((p) => found.has(p.step))) return undefined;
  const byName = (name: string) => found.get(name) as Step;
  const inputs: Record<string, ActionInput> = {};
  for (const { step } of PATH) {
    for (const [name, def] of inputsOf(byName(step))) {
      if (OVERRIDES[step]?.[name] !== undefined || HIDDEN[step]?.includes(name) || inputs[name]) continue;
      const dflt = PROMOTE_DEFAULTS[step]?.[name] ?? actionDefault(def);
      // `url` is required by smoke-test but may come from deploy-env's output, so not required here.
      inputs[name] = {
        description: `${def.description} (${step})`,
        required: Boolean(def.required) && name !== 'url',
        ...(dflt !== undefined ? { default: dflt } : {}),
      };
    }
  }
  Object.assign(inputs, OWN_INPUTS);
  const runSteps = PATH.map(({ id, step, if: cond }) => {
    const env: Record<string, string> = {};
    const overrides = { ...OVERRIDES[step], ...ID_OVERRIDES[id] };
    for (const name of Object.keys(byName(step).inputs)) {
      if (HIDDEN[step]?.includes(name)) continue;
      env[`INPUT_${name.toUpperCase()}`] = overrides[name] ?? `\${{ inputs.${name} }}`;
    }
    for (const [name, value] of Object.entries(overrides)) env[`INPUT_${name.toUpperCase()}`] = value;
    const titles: Record<string, string> = {
      finish: 'Promote the canary or paused rollout',
      abandon: 'Reject the canary or paused rollout',
    };
    return {
      name: titles[id] ?? `${byName(step).title}`,
      id,
      ...(cond ? { if: cond } : {}),
      shell: 'bash',
      run: `node "$GITHUB_ACTION_PATH/dist/${step}/index.js"`,
      env,
    };
  });
  const out = (step: string, id: string) =>
    Object.fromEntries(
      Object.entries(byName(step).outputs).map(([name, description]) => [
        name,
        { description: `${description} (${step})`, value: `\${{ steps.${id}.outputs.${name} }}` },
      ]),
    );
  const outputs = {
    ...out('deploy-env', 'deploy'),
    ...out('smoke-test', 'smoke'),
    'rolled-back': {
      description:
        '`true` when the smoke test failed and the environment was rolled back (or its canary rejected)',
      value: "${{ steps.rollback.outcome == 'success' || steps.abandon.outcome == 'success' }}",
    },
    'promoted-state': {
      description:
        'The `rollout-state` after the promote path decided a canary or paused rollout: `promoted`, `rejected` or `rolled-back` (empty otherwise)',
      value: '${{ steps.finish.outputs.rollout-state || steps.abandon.outputs.rollout-state }}',
    },
    'gate-state': {
      description: 'The commit status written by gate-merge',
      value: '${{ steps.gate.outputs.state }}',
    },
    'comment-ids': {
      description: 'Pull request comments written by notify-pr',
      value: '${{ steps.notify.outputs.comment-ids }}',
    },
    'slack-ts': {
      description: 'The `ts` of the Slack message notify-pr posted or updated (slack-token)',
      value: '${{ steps.notify.outputs.slack-ts }}',
    },
  };
  const doc = {
    name: 'stagecraft promote',
    description:
      'Deploy an image, smoke-test it, roll back on failure, set the merge gate and tell the pull request.',
    author: 'stagecraft',
    branding: BRANDING,
    inputs,
    outputs,
    runs: { using: 'composite', steps: runSteps },
  };
  return `# Generated by scripts/generate-promote.ts from src/steps (npm run build): edit those, not this file.\n${YAML.stringify(doc, { lineWidth: 0 })}`;
}

/** Writes action.yml when the steps of the promote path all exist. */
export function generatePromote(root: string, steps: Step[]): void {
  const text = promoteAction(steps);
  if (text) writeFileSync(join(root, 'action.yml'), text);
}
