/**
 * gitops `updates`, `via: api` and `pull-request` in-process, against the fake GitHub (every
 * request validated against GitHub's OpenAPI description) and the fake GitLab, both backed by a
 * real bare repository. The deployers run with a PATH that holds no git: a clone, fetch or push
 * could not even start, so every commit that lands came through the API.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { CiContext } from '../../src/platform/context.js';
import { runStep } from '../../src/platform/host.js';
import { deployEnv } from '../../src/steps/deploy-env.js';
import { rollback } from '../../src/steps/rollback.js';
import { GitStore } from '../fakes/git-store.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab-api/server.js';
import { type BareRepo, createBareRepo, startGitHttpServer } from '../helpers/git.js';
import { type FakeHost, fakeHost } from './fake-host.js';

// Generous: each deployer makes ~10 API calls per attempt, and the machine may be loaded.
jest.setTimeout(180_000);

const TOKEN = 'ghs_gitopsApiToken0123456789';
const N = 10;
const svc = (i: number) => `svc${i}`;
const SERVICES = `# one entry per service\n${Array.from({ length: N }, (_, i) => `${svc(i)}:\n  tag: "initial" # ${svc(i)}`).join('\n')}\n`;
const A = 'image:\n  repository: registry.example.com/a\n  tag: "0000000" # CI writes this\n';
const B = 'image:\n  tag: "0000000"\n';
const FILES = {
  'services/a/staging/values.yaml': A,
  'services/b/staging/values.yaml': B,
  'deploy/staging/services.yaml': SERVICES,
};
/** No git reachable: the deployers cannot clone, fetch or push. */
const NO_GIT = { PATH: mkdtempSync(`${tmpdir()}/no-git-`), HOME: process.env.HOME };
const UPDATES = (tag: string) =>
  [
    `services/a/{environment}/values.yaml image.tag registry.example.com/a:${tag}`,
    `services/b/{environment}/values.yaml image.tag registry.example.com/b:${tag}`,
  ].join('\n');

interface Forge {
  name: 'github' | 'gitlab';
  repo: BareRepo;
  store: GitStore;
  ctx: Partial<CiContext>;
  violations: () => string[];
  /** How many ref updates the forge refused because the head had moved (a lost race). */
  refusedRaces: () => number;
  pulls: () => Array<{ number: number; source: string; target: string; autoMerge: boolean }>;
  close(): Promise<void>;
}

async function github(): Promise<Forge> {
  const repo = createBareRepo(FILES, { name: 'config' });
  const store = new GitStore(repo.path);
  const gh: FakeGitHub = await startFakeGitHub({
    token: TOKEN,
    repository: 'acme/config',
    git: store,
    latencyMs: 5,
  });
  return {
    name: 'github',
    repo,
    store,
    ctx: {
      provider: 'github',
      forge: 'github',
      apiUrl: gh.url,
      serverUrl: gh.url,
      repository: 'acme/config',
    },
    violations: () => gh.violations,
    refusedRaces: () => gh.calls('git/update-ref').filter((r) => r.status === 422).length,
    pulls: () =>
      gh.store.pulls.map((p) => ({
        number: p.number,
        source: p.head.ref,
        target: p.base.ref,
        autoMerge: Boolean(p.auto_merge),
      })),
    close: async () => {
      await gh.close();
      repo.cleanup();
    },
  };
}

async function gitlab(): Promise<Forge> {
  const repo = createBareRepo(FILES, { name: 'config' });
  const store = new GitStore(repo.path);
  const gl: FakeGitLab = await startFakeGitLab({
    project: 'acme/config',
    projectId: 42,
    token: TOKEN,
    git: store,
  });
  return {
    name: 'gitlab',
    repo,
    store,
    ctx: {
      provider: 'gitlab',
      forge: 'gitlab',
      apiUrl: gl.apiUrl,
      serverUrl: gl.url,
      repository: 'acme/config',
      projectId: '42',
    },
    violations: () => gl.violations,
    refusedRaces: () =>
      gl.requests.filter(
        (r) => r.method === 'POST' && r.path.endsWith('/repository/commits') && r.status === 400,
      ).length,
    pulls: () =>
      gl.mrs.map((mr) => ({
        number: mr.iid,
        source: mr.source_branch ?? '',
        target: mr.target_branch ?? '',
        autoMerge: mr.merge_when_pipeline_succeeds === true,
      })),
    close: async () => {
      await gl.close();
      repo.cleanup();
    },
  };
}

describe.each([
  ['GitHub', github],
  ['GitLab', gitlab],
])('gitops via the %s API', (_name, start) => {
  let forge: Forge;
  beforeAll(async () => {
    forge = await start();
  });
  afterAll(() => forge.close());

  const host = (inputs: Record<string, string>) =>
    fakeHost(
      { strategy: 'gitops', via: 'api', token: TOKEN, environment: 'staging', ...inputs },
      { env: NO_GIT, ctx: forge.ctx },
    );
  const ok = async (step: typeof deployEnv | typeof rollback, h: FakeHost) => {
    const passed = await runStep(step as typeof deployEnv, h);
    expect(h.failures).toEqual([]);
    expect(passed).toBe(true);
    return h;
  };

  it('`updates` writes both services in exactly one commit, with no clone', async () => {
    const before = await forge.store.count('main');
    const h = await ok(deployEnv, host({ updates: UPDATES('1111111') }));
    expect(await forge.store.count('main')).toBe(before + 1);
    expect(forge.repo.read('services/a/staging/values.yaml')).toBe(A.replace('0000000', '1111111'));
    expect(forge.repo.read('services/b/staging/values.yaml')).toBe(B.replace('0000000', '1111111'));
    expect(h.outputs.revision).toBe(forge.repo.head());
    expect(h.outputs.image).toBe('registry.example.com/a:1111111\nregistry.example.com/b:1111111');
    expect(h.outputs['previous-image']).toBe(
      'registry.example.com/a:0000000\nregistry.example.com/b:0000000',
    );
    expect(forge.repo.subjects()[0]).toBe(
      'deploy(staging): registry.example.com/a:1111111, registry.example.com/b:1111111',
    );
    // The same updates again: nothing changes, no commit.
    await ok(deployEnv, host({ updates: UPDATES('1111111') }));
    expect(await forge.store.count('main')).toBe(before + 1);
    expect(forge.violations()).toEqual([]);
  });

  // GitHub: test/integration/gitops-api-concurrency.test.ts (one process per deployer, as each
  // keeps its own spacing of API writes).
  if (_name === 'GitLab')
    it(`${N} concurrent deployers land ${N} commits, each re-applied on the head it lost to`, async () => {
      const before = await forge.store.count('main');
      const hosts = Array.from({ length: N }, (_, i) =>
        host({
          file: 'deploy/{environment}/services.yaml',
          key: `${svc(i)}.tag`,
          image: `registry.example.com/team/${svc(i)}:build-${i}`,
        }),
      );
      await Promise.all(hosts.map((h) => ok(deployEnv, h)));
      expect((await forge.store.count('main')) - before).toBe(N);
      const file = forge.repo.read('deploy/staging/services.yaml');
      for (let i = 0; i < N; i++) expect(file).toContain(`${svc(i)}:\n  tag: "build-${i}" # ${svc(i)}`);
      // The forge refused stale commits and the deployers re-applied them: contention was real.
      expect(forge.refusedRaces()).toBeGreaterThan(0);
      expect(hosts.some((h) => h.logs.some((l) => l.includes('lost a race')))).toBe(true);
      expect(forge.violations()).toEqual([]);
    });

  it('rollback with `updates` returns every key to its previous value in one commit', async () => {
    await ok(deployEnv, host({ updates: UPDATES('2222222') }));
    const before = await forge.store.count('main');
    const h = await ok(rollback, host({ updates: UPDATES('any'), reason: 'smoke test failed' }));
    expect(await forge.store.count('main')).toBe(before + 1);
    expect(forge.repo.read('services/a/staging/values.yaml')).toBe(A.replace('0000000', '1111111'));
    expect(forge.repo.read('services/b/staging/values.yaml')).toBe(B.replace('0000000', '1111111'));
    expect(h.outputs).toMatchObject({
      from: 'registry.example.com/a:2222222\nregistry.example.com/b:2222222',
      to: 'registry.example.com/a:1111111\nregistry.example.com/b:1111111',
      revision: forge.repo.head(),
    });
    // A second rollback does not return to the versions the first one escaped from.
    await ok(rollback, host({ updates: UPDATES('any') }));
    expect(forge.repo.read('services/a/staging/values.yaml')).toBe(A);
    expect(forge.violations()).toEqual([]);
  });

  it('pull-request mode opens one PR/MR and updates it in place on the second run', async () => {
    const main = forge.repo.head();
    const first = await ok(deployEnv, host({ updates: UPDATES('3333333'), 'pull-request': 'true' }));
    expect(forge.repo.head()).toBe(main); // the base branch is not touched
    expect(forge.repo.read('services/a/staging/values.yaml', 'stagecraft/staging')).toContain('3333333');
    expect(forge.pulls()).toEqual([
      expect.objectContaining({ source: 'stagecraft/staging', target: 'main' }),
    ]);
    const number = String(forge.pulls()[0]?.number);
    expect(first.outputs['pull-request-number']).toBe(number);
    expect(first.outputs['pull-request-url']).toMatch(new RegExp(`/${number}$`));

    const second = await ok(
      deployEnv,
      host({
        updates: UPDATES('4444444'),
        'pull-request': 'true',
        'auto-merge': 'true',
      }),
    );
    expect(second.outputs['pull-request-number']).toBe(number);
    expect(forge.pulls()).toHaveLength(1);
    expect(forge.repo.subjects('stagecraft/staging').slice(0, 2)).toEqual([
      'deploy(staging): registry.example.com/a:4444444, registry.example.com/b:4444444',
      'deploy(staging): registry.example.com/a:3333333, registry.example.com/b:3333333',
    ]);
    expect(forge.repo.head()).toBe(main);
    expect(forge.pulls()[0]?.autoMerge).toBe(true);
    expect(forge.violations()).toEqual([]);
  });
});

describe('gitops inputs checked at the edge', () => {
  const bad = async (step: typeof deployEnv | typeof rollback, inputs: Record<string, string>) => {
    const h = fakeHost(
      { strategy: 'gitops', repository: '/nowhere', environment: 'staging', ...inputs },
      { env: NO_GIT },
    );
    expect(await runStep(step as typeof deployEnv, h)).toBe(false);
    return h.failures.join('\n');
  };
  it('rejects a malformed `updates` line, auto-merge without pull-request, and `to` with several updates', async () => {
    expect(await bad(deployEnv, { updates: 'services/a.yaml image.tag' })).toMatch(
      /updates.*line 1 .* is not FILE KEY IMAGE/s,
    );
    expect(await bad(deployEnv, { updates: '../x.yaml image.tag r/a:1' })).toMatch(
      /updates.*outside the repository/s,
    );
    expect(await bad(deployEnv, { image: 'r/a:1', 'auto-merge': 'true' })).toMatch(
      /auto-merge.*needs `pull-request: true`/s,
    );
    expect(await bad(rollback, { updates: UPDATES('x'), to: '1.0.0' })).toMatch(
      /`to`|to.*several `updates`/s,
    );
    expect(await bad(deployEnv, { updates: 'a.yaml image.tag r/a@sha256:' + 'a'.repeat(64) })).toMatch(
      /updates.*no tag/s,
    );
  });
});

describe('pull-request mode with `via: git` (GitHub)', () => {
  it('pushes stagecraft/<environment> over HTTPS-like smart HTTP and opens, then updates, one PR', async () => {
    const repo = createBareRepo(FILES, { name: 'acme/config' });
    const store = new GitStore(repo.path);
    const gh = await startFakeGitHub({ token: TOKEN, repository: 'acme/config', git: store });
    const server = await startGitHttpServer(repo.root, TOKEN);
    try {
      const ctx = {
        provider: 'github' as const,
        forge: 'github' as const,
        apiUrl: gh.url,
        serverUrl: server.url,
        repository: 'acme/config',
      };
      const run = async (tag: string) => {
        const h = fakeHost(
          {
            strategy: 'gitops',
            environment: 'staging',
            token: TOKEN,
            updates: UPDATES(tag),
            'pull-request': 'true',
          },
          { env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1' }, ctx },
        );
        expect(await runStep(deployEnv, h)).toBe(true);
        expect(h.failures).toEqual([]);
        return h;
      };
      const main = repo.head();
      const first = await run('5555555');
      const second = await run('6666666');
      expect(repo.head()).toBe(main);
      expect(repo.read('services/b/staging/values.yaml', 'stagecraft/staging')).toBe(
        B.replace('0000000', '6666666'),
      );
      expect(gh.store.pulls).toHaveLength(1);
      expect(first.outputs['pull-request-number']).toBe(String(gh.store.pulls[0]?.number));
      expect(second.outputs['pull-request-number']).toBe(first.outputs['pull-request-number']);
      expect(gh.store.pulls[0]?.title).toContain('6666666');
      expect(server.requests.some((r) => r.path.endsWith('/acme/config.git/git-receive-pack'))).toBe(true);
      expect(gh.violations).toEqual([]);
    } finally {
      await server.close();
      await gh.close();
      repo.cleanup();
    }
  });
});
