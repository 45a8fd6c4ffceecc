/**
 * The root `promote` composite action, executed step by step as the runner would (its `if:`
 * conditions, env-passed inputs, outputs), against a real git remote (GitOps), a real HTTP
 * service that serves whatever version the config repository holds (as Argo CD would sync it),
 * and the OpenAPI-validated fake GitHub API.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type BareRepo, createBareRepo } from '../helpers/git.js';
import { json, startServer, type TestServer } from '../helpers/http.js';
import { ROOT } from '../helpers/runner.js';
import { runComposite, type WorkflowContext } from '../helpers/workflow.js';

const TOKEN = 'ghs_promoteTestToken123';
const HEAD = 'a'.repeat(40);
const MERGE = 'b'.repeat(40);
const VALUES =
  '# staging values, synced by Argo CD\nimage:\n  repository: registry.test/shop\n  tag: "1.0.0" # set by stagecraft\nreplicas: 2\n';

let repo: BareRepo;
let app: TestServer;
let gh: FakeGitHub;

/** The deployed tag, as the cluster would run it after syncing the config repository. */
function deployedTag(): string {
  return String(YAML.parse(repo.read('deploy/staging/values.yaml')).image.tag);
}

beforeAll(async () => {
  repo = createBareRepo({ 'deploy/staging/values.yaml': VALUES });
  app = await startServer((req, res) => {
    const tag = deployedTag();
    if (tag.includes('broken')) return json(res, 503, { Status: 'Failure', tag });
    if (req.url === '/health') return json(res, 200, { Status: 'Success' });
    if (req.url === '/version') return json(res, 200, { version: tag });
    json(res, 404, {});
  });
  gh = await startFakeGitHub({ token: TOKEN });
  gh.store.addPull({ number: 7, headSha: HEAD });
});
afterAll(async () => {
  await app.close();
  await gh.close();
  repo.cleanup();
});

function context(): WorkflowContext {
  return {
    github: {
      sha: MERGE,
      ref: 'refs/pull/7/merge',
      event_name: 'pull_request',
      event: { number: 7, pull_request: { number: 7, head: { sha: HEAD } } },
      repository: 'octo/app',
      api_url: gh.url,
      token: TOKEN,
      run_id: '99',
    },
    workspace: mkdtempSync(`${tmpdir()}/promote-ws-`),
  };
}

function promote(tag: string) {
  return runComposite(
    ROOT,
    {
      strategy: 'gitops',
      environment: 'staging',
      image: `registry.test/shop:${tag}`,
      repository: repo.url,
      file: 'deploy/staging/values.yaml',
      url: app.url,
      checks: `GET /health 200\nGET /version 200 json:version=${tag}`,
      retries: '3',
      'retry-delay': '50ms',
      record: 'false',
    },
    context(),
  );
}

describe('promote (root composite action)', () => {
  it('deploys, verifies, sets the gate on the PR head and comments', async () => {
    const run = await promote('1.1.0');
    expect(run.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['deploy', 'success'],
      ['smoke', 'success'],
      ['finish', 'skipped'],
      ['abandon', 'skipped'],
      ['rollback', 'skipped'],
      ['gate', 'success'],
      ['notify', 'success'],
    ]);
    expect(run.outcome).toBe('success');
    expect(deployedTag()).toBe('1.1.0');
    expect(repo.read('deploy/staging/values.yaml')).toContain('# staging values, synced by Argo CD');
    expect(run.outputs).toMatchObject({
      environment: 'staging',
      image: 'registry.test/shop:1.1.0',
      passed: 'true',
      'rolled-back': 'false',
    });
    const status = gh.store.statuses.at(-1);
    expect(status).toMatchObject({ sha: HEAD, context: 'stagecraft/staging', state: 'success' });
    expect(gh.store.comments).toHaveLength(1);
    expect(gh.store.comments[0]?.body).toContain('registry.test/shop:1.1.0');
    expect(gh.violations).toEqual([]);
  });

  it('rolls back a version that fails its smoke test, fails, and says so on the gate and the PR', async () => {
    const run = await promote('1.2.0-broken');
    expect(run.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['deploy', 'success'],
      ['smoke', 'failure'],
      ['finish', 'skipped'],
      ['abandon', 'skipped'],
      ['rollback', 'success'],
      ['gate', 'success'],
      ['notify', 'success'],
    ]);
    expect(run.outcome).toBe('failure');
    expect(run.outputs['rolled-back']).toBe('true');
    // The environment runs the last good version again, by a new commit.
    expect(deployedTag()).toBe('1.1.0');
    expect(repo.subjects()[0]).toMatch(/rollback|roll back/i);
    expect(gh.store.statuses.at(-1)).toMatchObject({ sha: HEAD, state: 'failure' });
    expect(gh.store.statuses.at(-1)?.description).toContain('rolled back');
    // The sticky comment was updated, not duplicated, and does not claim success.
    expect(gh.store.comments).toHaveLength(1);
    expect(gh.store.comments[0]?.body).toContain('rolled-back');
    expect(run.steps.find((s) => s.id === 'smoke')?.log).toContain('GET /health 200');
    const printed = run.steps.flatMap((s) => s.log.split('\n')).filter((l) => !l.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain(TOKEN);
    expect(gh.violations).toEqual([]);
  });
});
