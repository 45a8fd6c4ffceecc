/**
 * The tag policy's sha tag is as long as the platform's own short sha: GitHub's 7 characters,
 * GitLab's `CI_COMMIT_SHORT_SHA` (8), so `$CI_REGISTRY_IMAGE:$CI_COMMIT_SHORT_SHA` names a tag we
 * push. `sha-length` overrides both. Context read from each platform's real variables.
 */
import { describe, expect, it } from '@jest/globals';
import { detectContext } from '../../src/platform/context.js';
import { parseInputs } from '../../src/platform/inputs.js';
import { buildPushImage } from '../../src/steps/build-push-image.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';

const platforms: Record<string, Record<string, string>> = {
  github: {
    GITHUB_ACTIONS: 'true',
    GITHUB_SHA: SHA,
    GITHUB_REF: 'refs/heads/feature',
    GITHUB_REPOSITORY: 'o/r',
  },
  gitlab: {
    GITLAB_CI: 'true',
    CI_COMMIT_SHA: SHA,
    CI_COMMIT_SHORT_SHA: SHA.slice(0, 8),
    CI_COMMIT_BRANCH: 'feature',
    CI_PROJECT_PATH: 'g/p',
  },
};

async function tags(platform: string, given: Record<string, string> = {}) {
  const env = { SOURCE_DATE_EPOCH: '1700000000', ...platforms[platform] };
  const inputs = parseInputs(
    buildPushImage.inputs,
    // The settings check the build's files too: the job image's Dockerfile is one that exists.
    (name) => ({ image: 'registry.example.com/app', file: 'docker/Dockerfile', ...given })[name],
  );
  const settings = await buildPushImage.settings?.(inputs, { ctx: detectContext(env), env });
  return (settings as { plan: { tags: string[] } }).plan.tags;
}

describe('sha-length', () => {
  it('is 7 on GitHub', async () => {
    expect(await tags('github')).toEqual([SHA.slice(0, 7), 'feature']);
  });

  it("is CI_COMMIT_SHORT_SHA's 8 on GitLab", async () => {
    const gitlab = await tags('gitlab');
    expect(gitlab).toEqual([SHA.slice(0, 8), 'feature']);
    expect(gitlab).toContain(platforms.gitlab?.CI_COMMIT_SHORT_SHA);
  });

  it('the input overrides both', async () => {
    expect(await tags('github', { 'sha-length': '12' })).toContain(SHA.slice(0, 12));
    expect(await tags('gitlab', { 'sha-length': '7' })).toContain(SHA.slice(0, 7));
    expect(await tags('gitlab', { 'sha-length': '7' })).not.toContain(SHA.slice(0, 8));
  });
});
