/**
 * The `promote` pipeline component through gitlab-ci-local, deploying with the gitops strategy
 * to a real bare git repository: setup 2 (branches development/staging/master and a release tag
 * land in dev/stg/ppd/prd) and setup 3 (test, then a manual production apply, then a manual
 * rollback back to the previous version).
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import YAML from 'yaml';
import { CLI, component, createProject, type Project, runPipeline } from '../helpers/gitlab-ci-local.js';

jest.setTimeout(300_000);

const ENVS = ['dev', 'stg', 'ppd', 'prd'];
let work: string;
let bare: string;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

/** image.tag of every environment's values file on the config repository's main branch. */
function tags(): Record<string, string> {
  return Object.fromEntries(
    ENVS.map((env) => {
      const text = git(bare, 'show', `main:deploy/${env}/values.yaml`);
      return [env, String(YAML.parse(text).image.tag)];
    }),
  );
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'stagecraft-promote-'));
  bare = join(work, 'config.git');
  git(work, 'init', '-q', '--bare', '-b', 'main', bare);
  const seed = join(work, 'seed');
  git(work, 'clone', '-q', bare, seed);
  for (const env of ENVS) {
    execFileSync('mkdir', ['-p', join(seed, 'deploy', env)]);
    writeFileSync(
      join(seed, 'deploy', env, 'values.yaml'),
      `# ${env}\nimage:\n  repository: app\n  tag: initial\n`,
    );
  }
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', 'origin', 'HEAD:main');
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function pipeline(inputs: Record<string, unknown>) {
  return YAML.stringify({
    include: [
      {
        component: component('promote'),
        inputs: {
          cli: CLI,
          image: 'registry.example.com/team/app',
          // No registry or buildah in these tests: the deploy takes <image>:<short sha>.
          'build-if': '$STAGECRAFT_OFF',
          strategy: 'gitops',
          repository: bare,
          ...inputs,
        },
      },
    ],
  });
}

const shortSha = (project: Project) => project.git('rev-parse', 'HEAD').trim().slice(0, 8);

describe('setup 2: the branch or tag decides the environment', () => {
  let project: Project;
  beforeAll(() => {
    project = createProject({ '.gitlab-ci.yml': pipeline({}) }, 'development');
  });
  afterAll(() => project.remove());

  test('development → dev, staging → stg, master → ppd, a release tag → prd', async () => {
    const before = tags();
    let run = await runPipeline(project);
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/PASS\s+deploy-dev/);
    expect(run.output).not.toMatch(/deploy-(stg|ppd|prd)/);
    expect(run.dotenv('deploy-dev')).toMatchObject({
      STAGECRAFT_ENVIRONMENT: 'dev',
      STAGECRAFT_IMAGE: `registry.example.com/team/app:${shortSha(project)}`,
      STAGECRAFT_PREVIOUS_IMAGE: 'registry.example.com/team/app:initial',
    });
    expect(tags()).toEqual({ ...before, dev: shortSha(project) });

    const expected = { ...tags() };
    for (const [branch, env] of [
      ['staging', 'stg'],
      ['master', 'ppd'],
    ] as const) {
      project.git('checkout', '-q', '-b', branch);
      project.commit({ 'CHANGES.md': `${branch}\n` }, branch);
      run = await runPipeline(project);
      expect(run.code).toBe(0);
      expect(run.output).toMatch(new RegExp(`PASS\\s+deploy-${env}`));
      expected[env] = shortSha(project);
      expect(tags()).toEqual(expected);
    }

    // A release tag: GitLab sets CI_COMMIT_TAG and no CI_COMMIT_BRANCH.
    run = await runPipeline(project, { variables: { CI_COMMIT_TAG: 'v1.2.3' }, unset: ['CI_COMMIT_BRANCH'] });
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/PASS\s+deploy-prd/);
    expect(run.output).not.toMatch(/deploy-(dev|stg|ppd)/);
    expect(tags()).toEqual({ ...expected, prd: shortSha(project) });
  });
});

describe('setup 3: test, then a manual apply, then a manual rollback', () => {
  test('production waits for a person; the rollback returns the previous version', async () => {
    const off = '$STAGECRAFT_OFF';
    const project = createProject(
      {
        '.gitlab-ci.yml': pipeline({
          'test-script': ['echo "unit tests ran on $CI_COMMIT_SHORT_SHA"'],
          'dev-if': off,
          'stg-if': off,
          'ppd-if': off,
          'prd-if': '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
          'prd-when': 'manual',
          'prd-environment': 'prd',
        }),
      },
      'main',
    );
    try {
      const before = tags();
      const waiting = await runPipeline(project);
      expect(waiting.code).toBe(0);
      expect(waiting.jobLines('stagecraft-test')).toContain(`unit tests ran on ${shortSha(project)}`);
      expect(waiting.output).not.toMatch(/PASS\s+deploy-prd/);
      expect(tags()).toEqual(before);

      const applied = await runPipeline(project, { manual: ['deploy-prd'] });
      expect(applied.code).toBe(0);
      expect(applied.output).toMatch(/PASS\s+deploy-prd/);
      expect(tags().prd).toBe(shortSha(project));

      const rolled = await runPipeline(project, { jobs: ['rollback-prd'] });
      expect(rolled.code).toBe(0);
      expect(rolled.dotenv('rollback-prd')).toMatchObject({
        STAGECRAFT_TO: expect.stringContaining(before.prd ?? 'initial'),
      });
      expect(tags()).toEqual(before);
    } finally {
      project.remove();
    }
  });
});
