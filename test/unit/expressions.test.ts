// The test helper that evaluates workflow expressions must itself be right, or example tests lie.
import { describe, expect, it } from '@jest/globals';
import { condition, evaluate, interpolate } from '../helpers/expressions.js';

const ctx = {
  inputs: { smoke: 'true', 'retry-delay': '3s', count: 2 },
  steps: { deploy: { outputs: { skipped: 'false', image: 'app:1' }, outcome: 'success' } },
  github: {
    event_name: 'pull_request',
    ref: 'refs/heads/main',
    event: { pull_request: { head: { sha: 'abc' } } },
  },
};
const ok = { success: () => true, failure: () => false, always: () => true };
const failed = { success: () => false, failure: () => true, always: () => true };

describe('workflow expressions', () => {
  it('reads properties, compares case-insensitively and returns operands from && and ||', () => {
    expect(evaluate("inputs.smoke == 'TRUE'", ctx)).toBe(true);
    expect(evaluate("inputs['retry-delay']", ctx)).toBe('3s');
    expect(evaluate('github.event.pull_request.head.sha', ctx)).toBe('abc');
    expect(evaluate('github.event.missing.deep', ctx)).toBeNull();
    expect(evaluate("steps.smoke.outcome == 'failure' && 'failure' || 'success'", ctx)).toBe('success');
    expect(
      evaluate(
        "github.event_name == 'pull_request' && github.event.pull_request.head.sha || github.sha",
        ctx,
      ),
    ).toBe('abc');
    expect(evaluate('!(inputs.count > 1)', ctx)).toBe(false);
    expect(evaluate("startsWith(github.ref, 'refs/heads/') && contains(fromJSON('[1,2]'), 2)", ctx)).toBe(
      true,
    );
    expect(evaluate("format('{0}-{1}', 'a', inputs.count)", ctx)).toBe('a-2');
  });

  it('interpolates text and applies the implicit success() of if:', () => {
    expect(interpolate('image=${{ steps.deploy.outputs.image }} x=${{ inputs.nothing }}', ctx)).toBe(
      'image=app:1 x=',
    );
    expect(condition("steps.deploy.outputs.skipped != 'true'", ctx, ok)).toBe(true);
    expect(condition("steps.deploy.outputs.skipped != 'true'", ctx, failed)).toBe(false);
    expect(condition('${{ failure() }}', ctx, failed)).toBe(true);
    expect(condition('always()', ctx, failed)).toBe(true);
    expect(condition(undefined, ctx, failed)).toBe(false);
  });

  it('rejects what it does not understand instead of guessing', () => {
    expect(() => evaluate('inputs.a === 1', ctx)).toThrow(/unexpected/);
    expect(() => evaluate('nosuch(1)', ctx)).toThrow(/unknown function/);
  });
});
