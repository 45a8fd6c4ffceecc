import { describe, expect, it } from '@jest/globals';
import {
  explicitTags,
  gitTagTags,
  policyTags,
  slugTag,
  TagError,
  validateTags,
} from '../../src/core/tags.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const HEAD = 'ffee00112233445566778899aabbccddeeff0011';

describe('tag policy', () => {
  it('tags a default-branch build with the short sha, the branch and latest', () => {
    const plan = policyTags({
      sha: SHA,
      headSha: SHA,
      refType: 'branch',
      refName: 'main',
      defaultBranch: 'main',
    });
    expect(plan).toEqual({ tags: ['a1b2c3d', 'main', 'latest'], version: 'a1b2c3d', revision: SHA });
  });

  it('slugs other branches and gives them no latest', () => {
    const plan = policyTags({
      sha: SHA,
      refType: 'branch',
      refName: 'Feature/Login--v2_',
      defaultBranch: 'main',
    });
    expect(plan.tags).toEqual(['a1b2c3d', 'feature-login-v2_']);
  });

  it('honours sha-length', () => {
    expect(policyTags({ sha: SHA, refType: 'other', refName: '' }, 12).tags).toEqual(['a1b2c3d4e5f6']);
  });

  it('gives a release tag its semver parts and version', () => {
    const plan = policyTags({ sha: SHA, refType: 'tag', refName: 'v1.2.3' });
    expect(plan.tags).toEqual(['a1b2c3d', 'v1.2.3', '1.2.3', '1.2', '1']);
    expect(plan.version).toBe('1.2.3');
  });

  it('keeps prereleases and 0.x off the moving tags', () => {
    expect(gitTagTags('v2.0.0-rc.1').tags).toEqual(['v2.0.0-rc.1', '2.0.0-rc.1']);
    expect(gitTagTags('0.4.1').tags).toEqual(['0.4.1', '0.4']);
    expect(gitTagTags('release-2024')).toEqual({ tags: ['release-2024'], version: 'release-2024' });
  });

  it('uses the PR head sha on pull requests, not the merge commit', () => {
    const plan = policyTags({ sha: SHA, headSha: HEAD, refType: 'pull', refName: '12', pullNumber: 12 });
    expect(plan.tags).toEqual(['ffee001', 'pr-12']);
    expect(plan.revision).toBe(HEAD);
  });

  it('replaces the policy with explicit tags, validated', () => {
    expect(explicitTags(['stable', 'v9', 'stable'], { sha: SHA, refType: 'other', refName: '' })).toEqual({
      tags: ['stable', 'v9'],
      version: 'stable',
      revision: SHA,
    });
    expect(() => validateTags(['ok', '-bad'])).toThrow(TagError);
    expect(() => validateTags(['has space'])).toThrow(/"has space" is not a valid tag/);
    expect(() => validateTags(['x'.repeat(129)])).toThrow(TagError);
  });

  it('slugs names into valid tags', () => {
    expect(slugTag('..Release/2024 Q1')).toBe('release-2024-q1');
    expect(slugTag('dependabot/npm_and_yarn/foo-1.2')).toBe('dependabot-npm_and_yarn-foo-1.2');
  });
});
