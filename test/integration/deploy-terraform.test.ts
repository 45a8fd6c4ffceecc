/**
 * deploy-env (and rollback) with the terraform strategy: the real terraform CLI on a module of
 * builtin `terraform_data` resources (nothing to download), run through the action bundle.
 */

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ROOT, runAction } from '../helpers/runner.js';

// terraform init/plan/apply take seconds each, far more on a loaded machine.
jest.setTimeout(240_000);

let dir: string;
const output = (name: string) =>
  execFileSync('terraform', ['output', '-raw', name], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TF_IN_AUTOMATION: '1' },
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-'));
  cpSync(join(ROOT, 'test/fixtures/terraform'), dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inputs = (extra: Record<string, string>) => ({
  strategy: 'terraform',
  environment: 'staging',
  'working-directory': dir,
  token: '',
  ...extra,
});

describe('deploy-env terraform', () => {
  it('apply: false plans with the image variable and changes nothing', async () => {
    const run = await runAction('deploy-env', {
      inputs: inputs({ image: 'registry.example.com/team/app:1.0.0', apply: 'false' }),
    });
    expect(run.errors).toEqual([]);
    expect(run.summary).toContain('planned only (not applied)');
    expect(run.summary).toMatch(/terraform_data\.deployment will be created/);
    expect(run.summary).toContain('"registry.example.com/team/app:1.0.0"');
    expect(existsSync(join(dir, 'terraform.tfstate'))).toBe(false);
  });

  it('applies the plan: the image reaches the module, with the var-file', async () => {
    const run = await runAction('deploy-env', {
      inputs: inputs({ image: 'registry.example.com/team/app:1.0.0', 'var-file': '{environment}.tfvars' }),
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs).toMatchObject({ image: 'registry.example.com/team/app:1.0.0', 'previous-image': '' });
    expect(output('image')).toBe('registry.example.com/team/app:1.0.0');
    expect(output('replicas')).toBe('3');
  });

  it('reports the previous image and replaces it; an unchanged redeploy applies nothing', async () => {
    const run = await runAction('deploy-env', {
      inputs: inputs({ image: 'registry.example.com/team/app:1.1.0', 'var-file': 'staging.tfvars' }),
    });
    expect(run.outputs['previous-image']).toBe('registry.example.com/team/app:1.0.0');
    expect(output('image')).toBe('registry.example.com/team/app:1.1.0');
    const again = await runAction('deploy-env', {
      inputs: inputs({ image: 'registry.example.com/team/app:1.1.0', 'var-file': 'staging.tfvars' }),
    });
    expect(again.summary).toContain('no changes');
    expect(again.summary).toContain('Already deployed');
  });

  it('fails clearly on a var-file that does not exist, before terraform runs', async () => {
    const run = await runAction('deploy-env', {
      inputs: inputs({ image: 'registry.example.com/team/app:2.0.0', 'var-file': 'missing.tfvars' }),
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/var-file missing\.tfvars does not exist/);
    expect(output('image')).toBe('registry.example.com/team/app:1.1.0');
  });
});

describe('rollback terraform', () => {
  it('needs `to` (terraform keeps no history) and changes nothing without it', async () => {
    const run = await runAction('rollback', { inputs: inputs({}) });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/terraform keeps no history .* give `to`/);
    expect(output('image')).toBe('registry.example.com/team/app:1.1.0');
  });

  it('applies `to` and reports from/to', async () => {
    const run = await runAction('rollback', {
      inputs: inputs({ to: 'registry.example.com/team/app:1.0.0', 'var-file': 'staging.tfvars' }),
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs).toMatchObject({
      from: 'registry.example.com/team/app:1.1.0',
      to: 'registry.example.com/team/app:1.0.0',
    });
    expect(output('image')).toBe('registry.example.com/team/app:1.0.0');
  });
});
