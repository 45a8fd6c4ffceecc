/**
 * Argo CD's own test cases for its Rollout health rules (health_test.yaml and testdata/, vendored
 * from argoproj/argo-cd, see test/fixtures/argo-rollouts-health/UPSTREAM.md) against our port,
 * and the patches `kubectl argo rollouts promote` / `abort` send.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { ABORT_PATCH, promotePatches, rolloutHealth } from '../../src/core/deploy/kubernetes/argo-rollout.js';
import type { KObject } from '../../src/core/deploy/kubernetes/client.js';

const dir = join(process.cwd(), 'test/fixtures/argo-rollouts-health');
const cases = (
  parse(readFileSync(join(dir, 'health_test.yaml'), 'utf8')) as {
    tests: Array<{ healthStatus: { status: string; message?: string }; inputPath: string }>;
  }
).tests;

describe("Argo CD's Rollout health cases", () => {
  it('reads every case of health_test.yaml', () => {
    expect(cases.length).toBe(24);
  });
  it.each(cases.map((c) => [c.inputPath, c.healthStatus] as const))('%s', (path, expected) => {
    const rollout = parse(readFileSync(join(dir, path), 'utf8')) as KObject;
    expect(rolloutHealth(rollout)).toEqual({ status: expected.status, message: expected.message ?? '' });
  });
});

const paused = (extra: object): KObject =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'shop', generation: 2 },
    spec: { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }] } } },
    status: { currentStepIndex: 1, ...extra },
  }) as KObject;

describe('kubectl argo rollouts promote / abort patches', () => {
  it('a canary paused at a step: clears the pause conditions through the status subresource', () => {
    expect(
      promotePatches(paused({ pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 'x' }] })),
    ).toEqual({ status: { status: { pauseConditions: null } } });
  });
  it('spec.paused: unpaused by a spec patch', () => {
    const r = paused({});
    r.spec.paused = true;
    r.status.pauseConditions = [{ reason: 'PausedByUser' }];
    expect(promotePatches(r)).toEqual({
      spec: { spec: { paused: false } },
      status: { status: { pauseConditions: null } },
    });
  });
  it('during an analysis step: moves to the next step', () => {
    expect(promotePatches(paused({ currentStepIndex: 2 }))).toEqual({
      status: { status: { pauseConditions: null, currentStepIndex: 3 } },
    });
  });
  it('an inconclusive analysis paused by the controller: clears controllerPause and steps on', () => {
    expect(
      promotePatches(
        paused({
          pauseConditions: [{ reason: 'InconclusiveAnalysisRun' }],
          controllerPause: true,
          canary: { currentStepAnalysisRunStatus: { status: 'Inconclusive' } },
        }),
      ),
    ).toEqual({ status: { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 2 } } });
  });
  it('abort sets status.abort', () => {
    expect(ABORT_PATCH).toEqual({ status: { abort: true } });
  });
});
