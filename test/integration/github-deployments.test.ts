/**
 * The GitHub client and deployment records against the OpenAPI-validated fake: the right routes
 * and bodies, retries on 5xx / 429 (honouring Retry-After) and secondary rate limits with nothing
 * duplicated, no retry on a 4xx, and the fake itself refusing what GitHub would refuse.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createGitHubClient, type GitHubClient } from '../../src/platform/github-api.js';
import { finishDeploymentRecord, startDeploymentRecord } from '../../src/platform/github-deployments.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';

let gh: FakeGitHub;
let client: GitHubClient;
const warnings: string[] = [];

beforeEach(async () => {
  gh = await startFakeGitHub({ token: 'ghs_fake123' });
  warnings.length = 0;
  client = createGitHubClient({
    token: 'ghs_fake123',
    apiUrl: gh.url,
    retryBaseMs: 20,
    warn: (m) => warnings.push(m),
  });
});
afterEach(() => gh.close());

const record = {
  owner: 'octo',
  repo: 'app',
  ref: 'a'.repeat(40),
  environment: 'staging',
  image: 'reg/app@sha256:' + 'b'.repeat(64),
};

describe('deployment records', () => {
  it('creates a deployment that never auto-merges or re-checks statuses, then its status', async () => {
    const { id } = await startDeploymentRecord(client, {
      ...record,
      url: 'https://staging.example.com',
      description: 'x'.repeat(200),
    });
    await finishDeploymentRecord(client, {
      owner: 'octo',
      repo: 'app',
      id,
      state: 'success',
      environmentUrl: 'https://staging.example.com',
      logUrl: 'https://github.com/octo/app/actions/runs/1',
    });
    expect(gh.violations).toEqual([]);
    const [d] = gh.store.deployments;
    expect(d).toMatchObject({
      id,
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
      payload: { image: record.image },
    });
    expect(d?.description?.length).toBeLessThanOrEqual(140);
    expect(gh.store.deploymentStatuses).toEqual([
      expect.objectContaining({
        deployment_id: id,
        state: 'success',
        environment_url: 'https://staging.example.com',
      }),
    ]);
    expect(gh.requests.every((r) => r.authorization === 'token ghs_fake123')).toBe(true);
  });

  it('retries a 502 and a 429 with Retry-After, creating exactly one deployment', async () => {
    gh.fail({ route: 'repos/create-deployment', kind: '502' });
    gh.fail({ route: 'repos/create-deployment', kind: '429', retryAfter: 1 });
    const started = Date.now();
    await startDeploymentRecord(client, record);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(gh.calls('repos/create-deployment').map((r) => r.status)).toEqual([502, 429, 201]);
    expect(gh.store.deployments).toHaveLength(1);
    expect(warnings.join('\n')).toContain('retry 2/3 in 1000ms');
  });

  it('waits out a secondary rate limit', async () => {
    gh.fail({ route: 'repos/create-deployment', kind: 'secondary', retryAfter: 1 });
    await startDeploymentRecord(client, record);
    expect(gh.calls('repos/create-deployment').map((r) => r.status)).toEqual([403, 201]);
    expect(warnings.join('\n')).toContain('secondary rate limit');
  });

  it('does not retry a 404 (unknown deployment)', async () => {
    await expect(
      finishDeploymentRecord(client, { owner: 'octo', repo: 'app', id: 1, state: 'failure' }),
    ).rejects.toMatchObject({ status: 404 });
    expect(gh.calls('repos/create-deployment-status')).toHaveLength(1);
  });
});

describe('the fake validates against the OpenAPI description', () => {
  it('refuses a bad enum, a missing field, an unknown field and an unknown route, recording each', async () => {
    const sha = 'c'.repeat(40);
    const tries = [
      client.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
        owner: 'octo',
        repo: 'app',
        sha,
        state: 'maybe' as 'success',
      }),
      client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: 'octo',
        repo: 'app',
        issue_number: 1,
      } as never),
      client.request('POST /repos/{owner}/{repo}/deployments', {
        owner: 'octo',
        repo: 'app',
        ref: 'main',
        environment_url: 'x',
      } as never),
      client.request('GET /repos/{owner}/{repo}/nonsense', { owner: 'octo', repo: 'app' }),
    ];
    const results = await Promise.allSettled(tries);
    expect(
      results.map((r) => (r.status === 'rejected' ? (r.reason as { status: number }).status : 200)),
    ).toEqual([422, 422, 422, 404]);
    expect(gh.violations).toHaveLength(4);
    expect(gh.violations).toEqual(
      expect.arrayContaining([
        expect.stringContaining('body.state: "maybe" is not one of'),
        expect.stringContaining('comments: a JSON body is required'),
        expect.stringContaining('unknown field "environment_url"'),
        expect.stringContaining('no such route'),
      ]),
    );
    expect(gh.store.statuses).toHaveLength(0);
  });
});
