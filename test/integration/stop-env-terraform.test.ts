/**
 * Preview environments on terraform with the real terraform CLI (a module of builtin
 * `terraform_data` resources, local state), through the built bundles: `workspace: {environment}`
 * is created for pr-N and applied, updated in place, then stop-env destroys it and deletes the
 * workspace; a second stop-env is a notice; the default workspace is never touched.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ROOT, runAction } from '../helpers/runner.js';

jest.setTimeout(240_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-preview-'));
  cpSync(join(ROOT, 'test/fixtures/terraform'), dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tf = (...args: string[]) =>
  execFileSync('terraform', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TF_IN_AUTOMATION: '1' },
  });
const run = (step: string, inputs: Record<string, string>) =>
  runAction(step, {
    eventName: 'pull_request',
    event: { action: 'opened', number: 21, pull_request: { number: 21, head: { sha: 'b'.repeat(40) } } },
    env: { GITHUB_REF: 'refs/pull/21/merge' },
    inputs: {
      strategy: 'terraform',
      environment: 'pr-{pr}',
      'working-directory': dir,
      workspace: '{environment}',
      token: '',
      ...inputs,
    },
  });

describe('preview environments (terraform)', () => {
  it('creates and applies workspace pr-N, updates it, destroys and deletes it; twice is a notice', async () => {
    const open = await run('deploy-env', { image: 'registry.example.com/team/app:1.0.0', record: 'false' });
    expect(open.errors).toEqual([]);
    expect(open.outputs.environment).toBe('pr-21');
    const state = join(dir, 'terraform.tfstate.d/pr-21/terraform.tfstate');
    expect(readFileSync(state, 'utf8')).toContain('registry.example.com/team/app:1.0.0');
    expect(existsSync(join(dir, 'terraform.tfstate'))).toBe(false);

    const update = await run('deploy-env', { image: 'registry.example.com/team/app:1.1.0', record: 'false' });
    expect(update.errors).toEqual([]);
    expect(update.outputs['previous-image']).toBe('registry.example.com/team/app:1.0.0');
    expect(readFileSync(state, 'utf8')).toContain('registry.example.com/team/app:1.1.0');

    const stop = await run('stop-env', {});
    expect(stop.errors).toEqual([]);
    expect(stop.outputs.stopped).toBe('pr-21');
    expect(stop.stdout).toMatch(/Destroy complete! Resources: 1 destroyed/);
    expect(existsSync(join(dir, 'terraform.tfstate.d/pr-21'))).toBe(false);
    expect(tf('workspace', 'list')).not.toContain('pr-21');
    expect(tf('workspace', 'show').trim()).toBe('default');

    const again = await run('stop-env', {});
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/::notice::pr-21 is already gone/);
    expect(again.outputs.stopped).toBe('');
  });
});
