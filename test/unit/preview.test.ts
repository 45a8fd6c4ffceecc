/** `{pr}` in environment names and rules, and where a preview environment is a bad input. */
import { describe, expect, it } from '@jest/globals';
import {
  expandPr,
  isEnvironmentTemplate,
  parseEnvironmentRules,
  resolveEnvironment,
} from '../../src/core/environments.js';
import { InputError } from '../../src/core/errors.js';
import { previewName, refuseEcsPreview } from '../../src/steps/preview.js';

describe('{pr} environments', () => {
  it('a rule may name pr-{pr}; the number comes from the pipeline', () => {
    const rules = parseEnvironmentRules('refs/heads/main=staging\nrefs/pull/*=pr-{pr}');
    const match = resolveEnvironment(rules, 'refs/merge-requests/42/head');
    expect(match?.environment).toBe('pr-{pr}');
    expect(expandPr(match?.environment as string, 42)).toBe('pr-42');
    expect(expandPr('staging', undefined)).toBe('staging');
    expect(expandPr('pr-{pr}', undefined)).toBeUndefined();
  });

  it('checks names as if {pr} were a number', () => {
    expect(isEnvironmentTemplate('pr-{pr}')).toBe(true);
    expect(isEnvironmentTemplate('{pr}')).toBe(true);
    expect(isEnvironmentTemplate('pr {pr}')).toBe(false);
    expect(isEnvironmentTemplate('pr-{branch}')).toBe(false);
    expect(() => parseEnvironmentRules('refs/pull/*=pr/{pr}')).toThrow(/rule 1/);
  });

  it('{pr} outside a PR/MR pipeline names the input it came from', () => {
    expect(previewName('pr-{pr}', 7, false)).toBe('pr-7');
    const fromInput = (() => {
      try {
        previewName('pr-{pr}', undefined, false);
      } catch (err) {
        return err;
      }
    })();
    expect(fromInput).toBeInstanceOf(InputError);
    expect((fromInput as InputError).input).toBe('environment');
    expect(() => previewName('pr-{pr}', undefined, true)).toThrow(/environment-rules/);
  });

  it('ecs refuses a preview environment or rule', () => {
    expect(() => refuseEcsPreview('pr-{pr}', [])).toThrow(/ecs has no preview/);
    expect(() => refuseEcsPreview('auto', parseEnvironmentRules('refs/pull/*=pr-{pr}'))).toThrow(
      /environment-rules/,
    );
    expect(() => refuseEcsPreview('auto', parseEnvironmentRules('refs/heads/main=staging'))).not.toThrow();
  });
});
