/**
 * 30 deployer processes (the built CLI, as GitLab jobs run it) push to one GitOps repository at
 * the same moment. Each sets its own key in the same file, so a lost update would show as a
 * missing value: all 30 must land as 30 commits, each re-applied on the head it lost to.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';

const N = 30;
const name = (i: number) => `svc${String(i).padStart(2, '0')}`;
let repo: BareRepo;

beforeAll(() => {
  const lines = ['# one entry per service; deployers write concurrently'];
  for (let i = 0; i < N; i++) lines.push(`${name(i)}:`, `  tag: "initial" # ${name(i)}`);
  repo = createBareRepo({ 'deploy/staging/services.yaml': `${lines.join('\n')}\n` });
});
afterAll(() => repo.cleanup());

it(`${N} concurrent deployer processes finish with ${N} commits, none lost`, async () => {
  const before = repo.subjects().length;
  const runs = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      runCli([
        'deploy-env',
        '--strategy',
        'gitops',
        '--repository',
        repo.url,
        '--environment',
        'staging',
        '--file',
        'deploy/{environment}/services.yaml',
        '--key',
        `${name(i)}.tag`,
        '--image',
        `registry.example.com/team/${name(i)}:build-${i}`,
      ]),
    ),
  );
  for (const run of runs)
    expect({ code: run.code, stderr: run.code ? run.stderr : '' }).toEqual({ code: 0, stderr: '' });
  const subjects = repo.subjects();
  expect(subjects.length - before).toBe(N);
  const file = repo.read('deploy/staging/services.yaml');
  for (let i = 0; i < N; i++) {
    expect(file).toContain(`${name(i)}:\n  tag: "build-${i}" # ${name(i)}`);
    expect(subjects).toContain(`deploy(staging): registry.example.com/team/${name(i)}:build-${i}`);
  }
  // Contention really happened and was resolved by re-applying, not by luck.
  const races = runs.reduce((n, r) => n + (r.stderr.match(/lost a race/g)?.length ?? 0), 0);
  expect(races).toBeGreaterThan(0);
}, 600_000);
