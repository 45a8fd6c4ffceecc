/**
 * deploy-env with the gitops strategy, run as the GitHub runner runs the committed bundle,
 * against real git remotes: bare repositories over file:// and over smart HTTP with a token.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { type BareRepo, createBareRepo, type GitHttpServer, startGitHttpServer } from '../helpers/git.js';
import { runAction } from '../helpers/runner.js';

const VALUES = `# Developer environment: Argo CD syncs this chart's values.
replicaCount: 1

image:
  repository: registry.example.com/team/app # pushed by CI
  tag: "0a1b2c3" # <- stagecraft writes here
  pullPolicy: IfNotPresent

ingress:
  enabled: true
`;

const IMAGE = 'registry.example.com/team/app:4d5e6f7';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

let repo: BareRepo;
const outside = mkdtempSync(join(tmpdir(), 'outside-'));
writeFileSync(join(outside, 'values.yaml'), 'image:\n  tag: secret\n');

beforeAll(() => {
  repo = createBareRepo(
    {
      'deploy/staging/values.yaml': VALUES,
      'deploy/production/values.yaml': VALUES,
      'deploy/developer/values.yaml': VALUES,
    },
    { symlinks: { 'deploy/escape/values.yaml': join(outside, 'values.yaml') } },
  );
});
afterAll(() => repo.cleanup());

/** Inputs every run shares: no token (records off) and the repository. */
const base = (extra: Record<string, string> = {}) => ({
  strategy: 'gitops',
  repository: repo.url,
  token: '',
  ...extra,
});

describe('deploy-env gitops', () => {
  it('resolves the environment from the ref, changes only the key and keeps comments', async () => {
    const before = repo.head();
    const run = await runAction('deploy-env', {
      inputs: base({ image: IMAGE, url: 'https://staging.example.com' }),
      env: { GITHUB_REF: 'refs/heads/main', GITHUB_ACTOR: 'octocat' },
    });
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      environment: 'staging',
      image: IMAGE,
      'previous-image': 'registry.example.com/team/app:0a1b2c3',
      url: 'https://staging.example.com/',
      skipped: 'false',
    });
    expect(run.outputs.revision).toBe(repo.head());
    expect(repo.read('deploy/staging/values.yaml')).toBe(VALUES.replace('"0a1b2c3"', '"4d5e6f7"'));
    // Only the staging file changed, in one commit on top of the previous head.
    expect(repo.read('deploy/production/values.yaml')).toBe(VALUES);
    expect(repo.head('main~1')).toBe(before);
    const message = (await import('../helpers/git.js')).git(repo.path, 'log', '-1', '--format=%B', 'main');
    expect(message).toContain(`deploy(staging): ${IMAGE}`);
    expect(message).toContain('by octocat in https://github.com/octo/app/actions/runs/4242');
    expect(message).toContain('Stagecraft-Environment: staging');
    expect(run.summary).toContain('Deployed to staging');
  });

  it('makes no commit when the value is already deployed', async () => {
    const before = repo.head();
    const run = await runAction('deploy-env', { inputs: base({ image: IMAGE, environment: 'staging' }) });
    expect(run.code).toBe(0);
    expect(repo.head()).toBe(before);
    expect(run.outputs['previous-image']).toBe(IMAGE);
    expect(run.outputs.revision).toBe(before);
    expect(run.summary).toContain('Already deployed');
  });

  it('writes the digest or the full reference with value: digest|ref', async () => {
    const run = await runAction('deploy-env', {
      inputs: base({
        image: `registry.example.com/team/app@${DIGEST}`,
        environment: 'developer',
        value: 'digest',
        key: 'image.tag',
        'commit-message': 'chore({environment}): pin {value}',
      }),
    });
    expect(run.errors).toEqual([]);
    expect(repo.read('deploy/developer/values.yaml')).toContain(`tag: "${DIGEST}" # <- stagecraft`);
    expect(repo.subjects()[0]).toBe(`chore(developer): pin ${DIGEST}`);
    const ref = await runAction('deploy-env', {
      inputs: base({ image: IMAGE, environment: 'developer', value: 'ref', key: 'image.repository' }),
    });
    expect(ref.code).toBe(0);
    expect(repo.read('deploy/developer/values.yaml')).toContain(`repository: ${IMAGE} # pushed by CI`);
  });

  it('skips with a notice when no rule matches the ref, touching nothing', async () => {
    const before = repo.head();
    const run = await runAction('deploy-env', {
      inputs: base({ image: IMAGE, repository: '/nonexistent/never-cloned.git' }),
      env: { GITHUB_REF: 'refs/heads/feature/login' },
    });
    expect(run.code).toBe(0);
    expect(run.outputs.skipped).toBe('true');
    expect(run.outputs.environment).toBe('');
    expect(run.stdout).toMatch(/::notice::No environment rule matches ref "refs\/heads\/feature\/login"/);
    expect(repo.head()).toBe(before);
  });

  it('dry-run says what it would commit and commits nothing', async () => {
    const before = repo.head();
    const run = await runAction('deploy-env', {
      inputs: base({
        image: 'registry.example.com/team/app:9999999',
        environment: 'staging',
        'dry-run': 'true',
      }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Dry run: would commit to main');
    expect(run.summary).toContain('Would deploy to staging');
    expect(repo.head()).toBe(before);
  });

  describe('bad inputs fail with one error before anything changes', () => {
    it.each([
      [
        'an unknown strategy',
        { image: IMAGE, strategy: 'pulumi' },
        /Input "strategy" has an invalid value "pulumi": .*gitops, kubernetes, helm, terraform, ecs/,
      ],
      [
        'a missing image',
        { environment: 'staging' },
        /Input "image" has an invalid value "": it is required for strategy gitops/,
      ],
      [
        'a file above the repository',
        { image: IMAGE, file: '../../etc/{environment}.yaml' },
        /Input "file" .*outside the repository/,
      ],
      [
        'an absolute file',
        { image: IMAGE, file: '/etc/passwd' },
        /Input "file" .*relative to the repository/,
      ],
      [
        'a file that is a symlink out',
        { image: IMAGE, environment: 'escape' },
        /Input "file" .*outside the repository \(through a symlink\)/,
      ],
      ['a malformed key path', { image: IMAGE, key: 'image..tag' }, /Input "key" .*not a key segment/],
      [
        'a key path that is not in the file',
        { image: IMAGE, key: 'image.version' },
        /Input "key" .*"image.version" not found .*repository, tag, pullPolicy/,
      ],
      [
        'a key path naming a mapping',
        { image: IMAGE, key: 'image' },
        /Input "key" .*a mapping, not a single value/,
      ],
      [
        'value: tag for an image without a tag',
        { image: `registry.example.com/team/app@${DIGEST}` },
        /Input "image" .*has no tag/,
      ],
      ['an environment that is not a name', { image: IMAGE, environment: '../prod' }, /Input "environment"/],
    ])('%s', async (_what, inputs, message) => {
      const before = repo.head();
      const run = await runAction('deploy-env', {
        inputs: base({ environment: 'staging', ...(inputs as Record<string, string>) }),
      });
      expect(run.code).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(message);
      expect(repo.head()).toBe(before);
    });
  });
});

describe('deploy-env gitops over smart HTTP with a token', () => {
  const TOKEN = 'ghs_httpToken0123456789';
  let server: GitHttpServer;
  let remote: string;

  beforeAll(async () => {
    server = await startGitHttpServer(repo.root, TOKEN);
    remote = `${server.url}/config.git`;
  });
  afterAll(() => server.close());

  it('pushes with the token in a header: never in the URL, the log or .git/config', async () => {
    const run = await runAction('deploy-env', {
      inputs: base({
        repository: remote,
        token: TOKEN,
        environment: 'production',
        image: IMAGE,
        record: 'false',
      }),
    });
    expect(run.errors).toEqual([]);
    expect(repo.read('deploy/production/values.yaml')).toContain('tag: "4d5e6f7"');
    expect(run.masks).toContain(TOKEN);
    expect(
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(TOKEN);
    expect(run.stdout).toContain(`Cloning ${remote}`);
    const pushes = server.requests.filter((r) => r.path.endsWith('git-receive-pack'));
    expect(pushes.length).toBeGreaterThan(0);
    for (const r of pushes) {
      expect(Buffer.from((r.authorization ?? '').slice(6), 'base64').toString()).toBe(
        `x-access-token:${TOKEN}`,
      );
    }
  });

  it('fails clearly without the token and changes nothing', async () => {
    const before = repo.head();
    const run = await runAction('deploy-env', {
      inputs: base({
        repository: remote,
        environment: 'production',
        image: 'registry.example.com/team/app:x1',
      }),
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(
      /Cloning http:\/\/127\.0\.0\.1:\d+\/config\.git failed .*(Authentication|could not read Username|401)/,
    );
    expect(repo.head()).toBe(before);
  });
});

describe('deploy-env deployment records on GitHub', () => {
  let gh: FakeGitHub;
  const TOKEN = 'ghs_recordToken42';
  beforeAll(async () => {
    gh = await startFakeGitHub({ token: TOKEN });
  });
  afterAll(() => gh.close());

  it('records the deployment: in_progress, then success with the environment URL', async () => {
    const run = await runAction('deploy-env', {
      inputs: base({
        token: TOKEN,
        environment: 'staging',
        image: 'registry.example.com/team/app:rec0001',
        url: 'https://staging.example.com',
      }),
      env: { GITHUB_API_URL: gh.url },
    });
    expect(run.errors).toEqual([]);
    expect(gh.violations).toEqual([]);
    const [deployment] = gh.store.deployments;
    expect(deployment).toMatchObject({
      environment: 'staging',
      ref: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    });
    expect(deployment?.payload).toMatchObject({ image: 'registry.example.com/team/app:rec0001' });
    const states = gh.store.deploymentStatuses.filter((s) => s.deployment_id === deployment?.id);
    expect(states.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(states[1]?.environment_url).toBe('https://staging.example.com/');
    expect(states[1]?.log_url).toBe('https://github.com/octo/app/actions/runs/4242');
  });

  it('records a failed deploy as failure', async () => {
    const count = gh.store.deployments.length;
    const run = await runAction('deploy-env', {
      inputs: base({ token: TOKEN, environment: 'staging', image: IMAGE, key: 'image.nothere' }),
      env: { GITHUB_API_URL: gh.url },
    });
    expect(run.code).toBe(1);
    const deployment = gh.store.deployments[count];
    expect(
      gh.store.deploymentStatuses.filter((s) => s.deployment_id === deployment?.id).map((s) => s.state),
    ).toEqual(['in_progress', 'failure']);
  });

  it('a record that cannot be written is a warning, not a failed deploy', async () => {
    const run = await runAction('deploy-env', {
      inputs: base({
        token: 'ghs_wrong',
        environment: 'staging',
        image: 'registry.example.com/team/app:rec0002',
      }),
      env: { GITHUB_API_URL: gh.url },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/::warning::Could not write a deployment record/);
    expect(repo.read('deploy/staging/values.yaml')).toContain('tag: "rec0002"');
  });
});
