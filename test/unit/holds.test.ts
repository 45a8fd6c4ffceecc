/** The hold matching rule and the three ways holds are written (file, annotation, ECS tag). */
import { describe, expect, it } from '@jest/globals';
import { afterRollback, checkHold, type Hold, sameImage } from '../../src/core/deploy/holds.js';
import {
  formatHoldsAnnotation,
  formatHoldsFile,
  formatHoldTag,
  parseHoldsAnnotation,
  parseHoldsFile,
  parseHoldTags,
} from '../../src/core/deploy/holds-format.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const hold = (extra: Partial<Hold>): Hold => ({ at: '2026-11-29T22:00:00Z', ...extra });

describe('sameImage: repository, then digests when both have one, else tags', () => {
  it.each([
    ['app:1.2', 'app:1.2', true],
    ['app:1.2', 'app:1.2@' + A, true], // the hold knows no digest: the tag decides
    ['app:1.2', `app@${A}`, false], // the candidate's tag is unknown
    [`app@${A}`, `app:9@${A}`, true],
    [`app:1.2@${A}`, `app:1.2@${B}`, false], // a rebuild of the tag is another image
    [`app:1.2@${A}`, 'app:1.2', true],
    ['app:1.2', 'other:1.2', false],
    ['app:1.2', 'docker.io/library/app:1.2', true],
    ['registry.example.com/app:1.2', 'registry2.example.com/app:1.2', false],
  ])('%s holds %s: %s', (held, candidate, expected) => {
    expect(sameImage(held, candidate)).toBe(expected);
  });
});

describe('checkHold', () => {
  const holds = [hold({ image: 'app:2', reason: 'smoke test failed', by: 'alice' })];
  it('names when and why, and what to do', () => {
    expect(() => checkHold(holds, { image: 'app:2' }, 'staging', false)).toThrow(
      'app:2 is held in staging: app:2 was rolled back at 2026-11-29T22:00:00Z by alice, reason: smoke test failed. Nothing was changed. Deploy another image, or set `force: true` to deploy it anyway and lift the hold.',
    );
  });
  it('with force returns the holds to lift; other images pass', () => {
    expect(checkHold(holds, { image: 'app:2' }, 'staging', true)).toEqual(holds);
    expect(checkHold(holds, { image: 'app:3' }, 'staging', false)).toEqual([]);
  });
  it('gitops: the held value at the same file and key is held whatever the reference', () => {
    const byValue = [hold({ value: '2', file: 'deploy/staging/values.yaml', key: 'image.tag' })];
    const at = { file: 'deploy/staging/values.yaml', key: 'image.tag' };
    expect(() => checkHold(byValue, { image: 'app:2', value: '2', ...at }, 'staging', false)).toThrow(
      '2 (deploy/staging/values.yaml:image.tag) was rolled back',
    );
    expect(
      checkHold(byValue, { image: 'app:2', value: '2', ...at, key: 'worker.tag' }, 'staging', false),
    ).toEqual([]);
  });
  it('a rollback replaces a hold on the same image and frees the image it returns to', () => {
    const before = [hold({ image: 'app:1' }), hold({ image: 'app:2', reason: 'old' })];
    const after = afterRollback(before, hold({ image: 'app:2', reason: 'new' }), { image: 'app:1' });
    expect(after).toEqual([hold({ image: 'app:2', reason: 'new' })]);
  });
});

describe('formats', () => {
  const holds = [hold({ image: `app@${A}`, reason: 'down', by: 'alice in https://ci/1' })];
  it('holds.yaml and the annotation read back what they wrote, and skip what is not a hold', () => {
    const file = formatHoldsFile({ staging: holds, production: [] });
    expect(file).toMatch(/^# Images held per environment/);
    expect(parseHoldsFile(file)).toEqual({ staging: holds });
    expect(parseHoldsFile('staging:\n  - reason: no image\n')).toEqual({ staging: [] });
    expect(() => parseHoldsFile('staging: [')).toThrow('.stagecraft/holds.yaml is not valid YAML');
    expect(parseHoldsAnnotation(formatHoldsAnnotation(holds), 'x')).toEqual(holds);
    expect(() => parseHoldsAnnotation('{', 'deployment/web')).toThrow('deployment/web is not JSON');
  });
  it('an ECS tag keeps to 256 allowed characters and reads back', () => {
    const long = hold({
      image: `registry.example.com/team/app:1@${A}`,
      reason: `100% down — ${'x'.repeat(300)}`,
    });
    const tag = formatHoldTag(long);
    expect(tag?.key).toMatch(/^stagecraft\.dev\/held\/[0-9a-f]{16}$/);
    expect(tag?.value.length).toBeLessThanOrEqual(256);
    expect(tag?.value).toMatch(/^[A-Za-z0-9 +\-=.:/@_]+$/);
    const [read] = parseHoldTags([tag as { key: string; value: string }]);
    expect(read?.hold.image).toBe(long.image);
    expect(read?.hold.reason).toMatch(/^100% down — x+\.\.\.$/);
    const short = hold({ image: 'app:2', reason: 'a=b, "c"' });
    expect(parseHoldTags([formatHoldTag(short) as { key: string; value: string }])[0]?.hold).toEqual(short);
    expect(formatHoldTag(hold({ image: `r.io/${'a'.repeat(240)}:1` }))).toBeUndefined();
  });
});
