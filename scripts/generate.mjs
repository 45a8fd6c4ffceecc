// Writes the files derived from the step definitions in src/steps, so they never drift:
// actions/<step>/action.yml, actions/<step>/README.md, and the reference section of README.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import YAML from 'yaml';
import { generatePromote } from './generate-promote.mjs';

const BRANDING = { color: 'purple', icon: 'truck' };

export async function loadSteps(root) {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-gen-'));
  try {
    const outfile = join(dir, 'steps.mjs');
    await build({
      entryPoints: [join(root, 'src/steps/index.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      logLevel: 'warning',
    });
    // Resolve bare imports from the project, not the temp dir.
    writeFileSync(outfile, readFileSync(outfile, 'utf8'));
    const nodePath = join(root, 'node_modules');
    const src = readFileSync(outfile, 'utf8').replace(
      /(?<![\w-])from\s*"([^".][^"]*)"/g,
      // node: built-ins stay as they are; other bare specifiers resolve from the project.
      (_, spec) =>
        `from "${spec.startsWith('node:') ? spec : pathToFileURL(resolveBare(nodePath, spec)).href}"`,
    );
    writeFileSync(outfile, src);
    return (await import(pathToFileURL(outfile).href)).steps;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function resolveBare(nodePath, spec) {
  if (spec.startsWith('node:')) return spec;
  return import.meta
    .resolve(spec, pathToFileURL(join(nodePath, '..', 'package.json')).href)
    .replace('file://', '');
}

const cell = (t) => String(t).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export function actionYaml(step) {
  const inputs = {};
  for (const [name, def] of Object.entries(step.inputs)) {
    const dflt = def.githubDefault ?? def.default;
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
  return `# Generated from src/steps/${step.name}.ts by \`npm run build\`: edit the step, not this file.\n${YAML.stringify(doc, { lineWidth: 0 })}`;
}

export function referenceTables(step) {
  const inputRows = Object.entries(step.inputs).map(([name, def]) => {
    const dflt = def.githubDefault ?? def.default;
    return `| \`${name}\` | ${def.required ? 'yes' : ''} | ${dflt !== undefined ? `\`${cell(dflt)}\`` : ''} | ${cell(def.description)}${def.secret ? ' (masked)' : ''} |`;
  });
  const outputRows = Object.entries(step.outputs).map(([name, d]) => `| \`${name}\` | ${cell(d)} |`);
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

function actionReadme(step, docs) {
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
function stepDocs(root, name) {
  const pages = {
    'deploy-env': ['deploy-env.md', 'kubernetes.md', 'ecs.md'],
    rollback: ['deploy-env.md', 'kubernetes.md', 'ecs.md'],
  };
  return (pages[name] ?? [`${name}.md`]).filter((page) => existsSync(join(root, 'docs', page)));
}

/** Reads the steps from `root`'s sources and writes the generated files under `out`. */
export async function generate(root, out = root) {
  const steps = await loadSteps(root);
  for (const step of steps) {
    const dir = join(out, 'actions', step.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'action.yml'), actionYaml(step));
    writeFileSync(join(dir, 'README.md'), actionReadme(step, stepDocs(root, step.name)));
  }
  generatePromote(out, steps);
  (await import('./generate-gitlab.mjs')).generateGitlab(out, steps);
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
