/** gitops verify: how Argo CD and Flux status is judged for our commit, and the wait without a watch. */
import { describe, expect, it } from '@jest/globals';
import {
  type AppObject,
  judgeArgo,
  judgeFlux,
  namesRevision,
  verifyGitops,
} from '../../src/core/deploy/gitops/verify.js';
import { silentLog } from '../../src/core/log.js';

const OURS = 'a'.repeat(40);
const OLD = 'b'.repeat(40);

describe('namesRevision', () => {
  it.each([
    [OURS, true],
    [`main@sha1:${OURS}`, true],
    [`main/${OURS}`, true],
    [`sha1:${OURS}`, true],
    [`main@sha1:${OLD}`, false],
    [`${OURS}x`, false],
    [undefined, false],
  ])('%s', (text, expected) => expect(namesRevision(text, OURS)).toBe(expected));
});

const argo = (status: object): AppObject => ({ status });

describe('judgeArgo', () => {
  it('an older revision, Synced and Healthy, is not ours', () => {
    expect(
      judgeArgo(argo({ sync: { status: 'Synced', revision: OLD }, health: { status: 'Healthy' } }), OURS)
        .state,
    ).toBe('wait');
  });

  it('Synced and Healthy at our revision, with its operation finished, is done', () => {
    const status = {
      sync: { status: 'Synced', revision: OURS },
      health: { status: 'Healthy' },
      operationState: { phase: 'Running', operation: { sync: { revision: OURS } } },
    };
    expect(judgeArgo(argo(status), OURS).state).toBe('wait');
    status.operationState.phase = 'Succeeded';
    expect(judgeArgo(argo(status), OURS)).toMatchObject({ state: 'done', revision: OURS, health: 'Healthy' });
  });

  it('a failed operation or Degraded of an older revision is not our failure', () => {
    const status = {
      sync: { status: 'OutOfSync', revision: OLD },
      health: { status: 'Degraded' },
      operationState: { phase: 'Failed', message: 'old', operation: { sync: { revision: OLD } } },
    };
    expect(judgeArgo(argo(status), OURS).state).toBe('wait');
  });

  it('Degraded at our revision fails, listing the unhealthy resources', () => {
    const verdict = judgeArgo(
      argo({
        sync: { status: 'Synced', revisions: [OLD, OURS] },
        health: { status: 'Degraded' },
        resources: [
          { kind: 'Service', namespace: 'shop', name: 'web', health: { status: 'Healthy' } },
          {
            kind: 'Deployment',
            namespace: 'shop',
            name: 'web',
            health: { status: 'Degraded', message: 'stuck' },
          },
        ],
      }),
      OURS,
    );
    expect(verdict).toMatchObject({
      state: 'failed',
      revision: OURS,
      problems: ['Deployment shop/web: Degraded: stuck'],
    });
  });
});

const flux = (generation: number, status: object): AppObject => ({ metadata: { generation }, status });
const ready = (value: string, reason: string, message = '') => ({
  type: 'Ready',
  status: value,
  reason,
  message,
});

describe('judgeFlux', () => {
  it('done only when lastAppliedRevision names our commit, Ready=True, and the generation is observed', () => {
    const applied = {
      lastAppliedRevision: `main@sha1:${OURS}`,
      conditions: [ready('True', 'ReconciliationSucceeded')],
    };
    expect(judgeFlux(flux(2, { ...applied, observedGeneration: 1 }), OURS).state).toBe('wait');
    expect(judgeFlux(flux(2, { ...applied, observedGeneration: 2 }), OURS)).toMatchObject({
      state: 'done',
      revision: `main@sha1:${OURS}`,
      health: 'Healthy',
    });
    const old = {
      lastAppliedRevision: `main@sha1:${OLD}`,
      conditions: [ready('True', 'ReconciliationSucceeded')],
    };
    expect(judgeFlux(flux(1, { ...old, observedGeneration: 1 }), OURS).state).toBe('wait');
  });

  it('a terminal reason on our attempted revision fails; a transient one waits', () => {
    const attempt = (reason: string) =>
      judgeFlux(
        flux(1, {
          observedGeneration: 1,
          lastAttemptedRevision: `main@sha1:${OURS}`,
          conditions: [ready('False', reason, 'why')],
        }),
        OURS,
      );
    expect(attempt('BuildFailed')).toMatchObject({ state: 'failed', message: 'BuildFailed: why' });
    expect(attempt('ArtifactFailed').state).toBe('wait');
    expect(attempt('DependencyNotReady').state).toBe('wait');
  });
});

describe('verifyGitops', () => {
  it('without a working watch, the poll still finds our commit', async () => {
    let reads = 0;
    const result = await verifyGitops(
      {
        controller: 'argocd',
        namespace: 'argocd',
        name: 'shop',
        revision: OURS,
        timeoutMs: 5000,
        pollIntervalMs: 20,
      },
      {
        read: async () =>
          argo({
            sync: { status: 'Synced', revision: ++reads < 3 ? OLD : OURS },
            health: { status: 'Healthy' },
          }),
        watch: () => Promise.reject(new Error('watch refused')),
      },
      silentLog,
    );
    expect(result).toMatchObject({ revision: OURS, health: 'Healthy' });
    expect(reads).toBe(3);
  });
});
