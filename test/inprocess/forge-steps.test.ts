/** gate-merge and notify-pr run in-process against the OpenAPI-validated fake GitHub. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runStep } from '../../src/platform/host.js';
import { gateMerge } from '../../src/steps/gate-merge.js';
import { notifyPr } from '../../src/steps/notify-pr.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github-api/server.js';
import { fakeHost } from './fake-host.js';

const TOKEN = 'ghs_inprocessTOKEN0123456789';
const HEAD = '1111111111111111111111111111111111111111';
const RUN_URL = 'https://github.com/octo/app/actions/runs/7';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
});
afterEach(async () => {
  expect(gh.violations).toEqual([]);
  await gh.close();
});

const onGitHub = (inputs: Record<string, string>) =>
  fakeHost(
    { token: TOKEN, ...inputs },
    {
      ctx: {
        provider: 'github',
        forge: 'github',
        apiUrl: gh.url,
        serverUrl: 'https://github.com',
        repository: 'octo/app',
        sha: HEAD,
        headSha: HEAD,
        runUrl: RUN_URL,
      },
    },
  );

describe('gate-merge', () => {
  it('set: writes the status on the head commit, linking the run', async () => {
    const host = onGitHub({ state: 'failure', description: 'smoke test failed' });
    expect(await runStep(gateMerge, host)).toBe(true);
    expect(host.failures).toEqual([]);
    expect(host.outputs).toEqual({ state: 'failure', sha: HEAD, report: '' });
    expect(gh.store.statuses).toEqual([
      expect.objectContaining({
        sha: HEAD,
        context: 'stagecraft/staging',
        state: 'failure',
        description: 'smoke test failed',
        target_url: RUN_URL,
      }),
    ]);
    expect(host.masks).toContain(TOKEN);
  });

  it('require: passes when the listed contexts are green, fails naming the red one', async () => {
    gh.store.addStatus(HEAD, 'ci/test', 'success');
    gh.store.addStatus(HEAD, 'ci/lint', 'failure');
    const green = onGitHub({ mode: 'require', contexts: 'ci/test' });
    expect(await runStep(gateMerge, green)).toBe(true);
    expect(green.outputs.state).toBe('success');

    const red = onGitHub({ mode: 'require', contexts: 'ci/test\nci/lint' });
    expect(await runStep(gateMerge, red)).toBe(false);
    expect(red.outputs.state).toBe('failure');
    expect(red.failures).toHaveLength(1);
    expect(red.failures[0]).toContain('ci/lint: red');
  });
});

describe('notify-pr', () => {
  it('comments on the PR of the commit, then updates the same comment', async () => {
    gh.store.addPull({ number: 12, headSha: HEAD });
    const inputs = {
      environment: 'staging',
      image: 'registry.example.com/app:1',
      url: 'https://stg.example.com',
    };
    const first = onGitHub(inputs);
    expect(await runStep(notifyPr, first)).toBe(true);
    expect(first.failures).toEqual([]);
    expect(first.outputs['pr-numbers']).toBe('12');
    expect(gh.store.comments).toHaveLength(1);
    expect(gh.store.comments[0]?.body).toContain('<!-- stagecraft:notify:staging -->');
    expect(gh.store.comments[0]?.body).toContain('registry.example.com/app:1');

    const second = onGitHub({ ...inputs, image: 'registry.example.com/app:2' });
    expect(await runStep(notifyPr, second)).toBe(true);
    expect(second.outputs['comment-ids']).toBe(first.outputs['comment-ids']);
    expect(gh.store.comments).toHaveLength(1);
    expect(gh.store.comments[0]?.body).toContain('registry.example.com/app:2');
  });

  it('an explicit pr input is notified without a lookup', async () => {
    gh.store.addPull({ number: 5, headSha: '2'.repeat(40) });
    const host = onGitHub({ pr: '#5', environment: 'production', message: 'Live: {environment}' });
    expect(await runStep(notifyPr, host)).toBe(true);
    expect(gh.calls('repos/list-pull-requests-associated-with-commit')).toHaveLength(0);
    expect(gh.store.comments.map((c) => c.issue)).toEqual([5]);
    expect(gh.store.comments[0]?.body).toContain('Live: production');
  });
});
