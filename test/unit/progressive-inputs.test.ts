/** deploy-env's progressive-delivery inputs: parsed once at the edge, bad values named before anything runs. */
import { describe, expect, it } from '@jest/globals';
import { parseInputs } from '../../src/platform/inputs.js';
import type { SettingsSource } from '../../src/platform/step.js';
import { planDeploy } from '../../src/steps/strategies/index.js';
import { parsePercent, progressiveInputs } from '../../src/steps/strategies/progressive-inputs.js';

const read = (given: Record<string, string>) => (name: string) => given[name];

describe('progressive-delivery inputs', () => {
  it('defaults: deploy, succeed, no canary', () => {
    expect(parseInputs(progressiveInputs, read({}))).toEqual({ action: 'deploy', rolloutPause: 'succeed' });
  });

  it('parses a canary percentage, with or without %', () => {
    expect([parsePercent('20%'), parsePercent(' 25 '), parsePercent('12.5%'), parsePercent('100%')]).toEqual([
      20, 25, 12.5, 100,
    ]);
    expect(
      parseInputs(
        progressiveInputs,
        read({ canary: '20%', action: 'promote', 'test-url': 'https://t.example/' }),
      ),
    ).toMatchObject({ canary: 20, action: 'promote', testUrl: 'https://t.example/' });
  });

  it.each([
    [{ canary: '0%' }, /Input "canary" has an invalid value "0%".*above 0 and at most 100/],
    [{ canary: '150%' }, /Input "canary" has an invalid value "150%"/],
    [{ canary: 'half' }, /Input "canary" has an invalid value "half"/],
    [{ action: 'ship' }, /Input "action" has an invalid value "ship".*one of deploy, promote, reject/],
    [{ 'rollout-pause': 'fail' }, /Input "rollout-pause" .*one of succeed, wait/],
    [{ 'test-url': 'ftp://x' }, /Input "test-url" has an invalid value "ftp:\/\/x"/],
  ])('%o is refused naming the input', (given, message) => {
    expect(() => parseInputs(progressiveInputs, read(given as Record<string, string>))).toThrow(message);
  });

  it('refuses action and canary for strategies without them, before anything runs', () => {
    const source = {} as SettingsSource;
    expect(() => planDeploy({ strategy: 'gitops', action: 'promote' }, source)).toThrow(
      /Input "action" has an invalid value "promote".*`deploy` for strategy gitops/,
    );
    expect(() => planDeploy({ strategy: 'helm', canary: 20 }, source)).toThrow(
      /Input "canary" has an invalid value "20%".*kubernetes only/,
    );
  });
});
