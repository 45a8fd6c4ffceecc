// Writes the files derived from the step definitions in src/steps, so they never drift:
// actions/<step>/action.yml, actions/<step>/README.md, and the reference section of README.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { steps } from '../src/steps/index.js';
import { generateGitlab } from './generate-gitlab.js';
import { generatePromote } from './generate-promote.js';
import { actionDefault, BRANDING, docCell, generatedHeader, inputsOf, type Step } from './generated.js';

function actionYaml(step: Step): string {
  const inputs: Record<string, { description: string; required: boolean; default?: string }> = {};
  for (const [name, def] of inputsOf(step)) {
    const dflt = actionDefault(def);
    inputs[name] = {
      description: def.description,
      required: Boolean(def.required),
      ...(dflt !== undefined ? { default: dflt } : {}),
    };
  }
  const outputs = Object.fromEntries(Object.entries(step.outputs).map(([n, d]) => [n, { description: d }]));
  const doc = {
    name: `stagecraft ${step.name}`,
    description: step.description,
    author: 'stagecraft',
    branding: BRANDING,
    inputs,
    outputs,
    runs: { using: 'node24', main: `../../dist/${step.name}/index.js` },
  };
  return `${generatedHeader(step)}${YAML.stringify(doc, { lineWidth: 0 })}`;
}

function referenceTables(step: Step): string {
  const inputRows = inputsOf(step).map(([name, def]) => {
    const dflt = actionDefault(def);
    return `| \`${name}\` | ${def.required ? 'yes' : ''} | ${dflt !== undefined ? `\`${docCell(dflt)}\`` : ''} | ${docCell(def.description)}${def.secret ? ' (masked)' : ''} |`;
  });
  const outputRows = Object.entries(step.outputs).map(([name, d]) => `| \`${name}\` | ${docCell(d)} |`);
  return [
    '| input | required | default | meaning |',
    '| --- | --- | --- | --- |',
    ...inputRows,
    '',
    '| output | meaning |',
    '| --- | --- |',
    ...outputRows,
  ].join('\n');
}

function actionReadme(step: Step, docs: string[]): string {
  const example = step.example ? `\n## Example\n\n\`\`\`yaml\n${step.example.trim()}\n\`\`\`\n` : '';
  const more = docs.length
    ? `\nMore — behaviour, failure modes, recipes: ${docs.map((d) => `[docs/${d}](../../docs/${d})`).join(', ')}.\n`
    : '';
  return `<!-- Generated from src/steps/${step.name}.ts by \`npm run build\`. -->
# ${step.title} — \`stagecraft/actions/${step.name}\`

${step.description}
${example}
## Inputs and outputs

${referenceTables(step)}

The same step runs on GitLab as the \`${step.name}\` component and anywhere as
\`stagecraft ${step.name} --<input> <value>\`.
${more}`;
}

/** docs/ pages about a step: docs/<step>.md, plus the strategy pages for deploy-env and rollback. */
function stepDocs(root: string, name: string): string[] {
  const pages: Record<string, string[]> = {
    'deploy-env': ['deploy-env.md', 'kubernetes.md', 'helm.md', 'ecs.md'],
    rollback: ['deploy-env.md', 'kubernetes.md', 'helm.md', 'ecs.md'],
  };
  return (pages[name] ?? [`${name}.md`]).filter((page) => existsSync(join(root, 'docs', page)));
}

/**
 * Writes the generated files for the steps of src/steps under `out`; `root` is the checkout whose
 * docs/ the READMEs link to. (build.mjs bundles this script from the same checkout's sources.)
 */
export function generate(root: string, out = root): void {
  for (const step of steps) {
    const dir = join(out, 'actions', step.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'action.yml'), actionYaml(step));
    writeFileSync(join(dir, 'README.md'), actionReadme(step, stepDocs(root, step.name)));
  }
  generatePromote(out, steps);
  generateGitlab(out, steps);
  const readmePath = join(out, 'README.md');
  if (existsSync(readmePath)) {
    const readme = readFileSync(readmePath, 'utf8');
    const start = '<!-- reference:start -->';
    const end = '<!-- reference:end -->';
    const body = steps
      .map(
        (s) =>
          `### ${s.name}\n\n${s.description} Full page: [actions/${s.name}](actions/${s.name}/README.md).\n\n${referenceTables(s)}\n`,
      )
      .join('\n');
    const a = readme.indexOf(start);
    const b = readme.indexOf(end);
    if (a >= 0 && b > a) {
      writeFileSync(readmePath, `${readme.slice(0, a + start.length)}\n${body}\n${readme.slice(b)}`);
    }
  }
  console.log(`generated action.yml and README for ${steps.map((s) => s.name).join(', ')}`);
}
