/** Pure parts of the kubernetes strategy: rollout status rules, pod diagnosis, workload references, image resolution. */
import { describe, expect, it } from '@jest/globals';
import type { KObject } from '../../src/core/deploy/kubernetes/client.js';
import { podProblems, selectorString } from '../../src/core/deploy/kubernetes/diagnose.js';
import { parseManifest, substituteEnvironment } from '../../src/core/deploy/kubernetes/render.js';
import { rolloutState } from '../../src/core/deploy/kubernetes/rollout.js';
import { parseWorkload, resolveImage, setImage } from '../../src/core/deploy/kubernetes/workloads.js';
import { InputError } from '../../src/core/errors.js';
import { parseImage } from '../../src/core/image-ref.js';

const obj = (kind: string, spec: object, status: object, generation = 2): KObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'web', generation },
  spec,
  status,
});

describe('rolloutState', () => {
  it.each([
    [
      'spec not observed',
      obj('Deployment', { replicas: 2 }, { observedGeneration: 1 }),
      false,
      /spec update to be observed/,
    ],
    [
      'updating',
      obj('Deployment', { replicas: 3 }, { observedGeneration: 2, updatedReplicas: 1, replicas: 3 }),
      false,
      /1 of 3 new replicas have been updated/,
    ],
    [
      'old pending',
      obj(
        'Deployment',
        { replicas: 2 },
        { observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 },
      ),
      false,
      /1 old replicas are pending termination/,
    ],
    [
      'not available',
      obj(
        'Deployment',
        { replicas: 2 },
        { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 },
      ),
      false,
      /1 of 2 updated replicas are available/,
    ],
    [
      'done',
      obj(
        'Deployment',
        { replicas: 2 },
        { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 },
      ),
      true,
      /successfully rolled out/,
    ],
    [
      'sts not ready',
      obj('StatefulSet', { replicas: 3 }, { observedGeneration: 2, readyReplicas: 2 }),
      false,
      /2 of 3 pods are ready/,
    ],
    [
      'sts revision',
      obj(
        'StatefulSet',
        { replicas: 1 },
        {
          observedGeneration: 2,
          readyReplicas: 1,
          currentRevision: 'a',
          updateRevision: 'b',
          updatedReplicas: 0,
        },
      ),
      false,
      /pods at revision b/,
    ],
    [
      'sts partition',
      obj(
        'StatefulSet',
        { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
        { observedGeneration: 2, readyReplicas: 4, updatedReplicas: 2 },
      ),
      true,
      /partitioned rollout complete/,
    ],
    [
      'sts done',
      obj(
        'StatefulSet',
        { replicas: 1 },
        { observedGeneration: 2, readyReplicas: 1, currentRevision: 'b', updateRevision: 'b' },
      ),
      true,
      /successfully/,
    ],
    [
      'ds scheduling',
      obj('DaemonSet', {}, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 1 }),
      false,
      /1 of 3 updated pods are scheduled/,
    ],
    [
      'ds done',
      obj(
        'DaemonSet',
        {},
        { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 },
      ),
      true,
      /successfully/,
    ],
  ])('%s', (_name, o, done, message) => {
    const state = rolloutState(o);
    expect(state.done).toBe(done);
    expect(state.message).toMatch(message);
  });

  it('a Deployment past its progress deadline has failed', () => {
    const state = rolloutState(
      obj(
        'Deployment',
        { replicas: 1 },
        {
          observedGeneration: 2,
          conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
        },
      ),
    );
    expect(state).toMatchObject({ done: false, failed: true });
  });
});

describe('podProblems', () => {
  const pod = (status: object): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1' },
    status,
  });
  it('marks states that will not heal as fatal, with the last exit code of a crash loop', () => {
    const problems = podProblems(
      pod({
        containerStatuses: [
          {
            name: 'app',
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
          },
          { name: 'sidecar', ready: true, state: { running: {} } },
        ],
      }),
    );
    expect(problems).toEqual([
      {
        pod: 'web-1',
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: 'back-off 40s (last exit code 137, OOMKilled, 4 restarts)',
        fatal: true,
      },
    ]);
  });
  it('init containers and config errors count too; ContainerCreating and unschedulable do not', () => {
    const problems = podProblems(
      pod({
        initContainerStatuses: [
          {
            name: 'migrate',
            ready: false,
            state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' } },
          },
        ],
        containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available: 3 Insufficient cpu.',
          },
        ],
      }),
    );
    expect(problems.map((p) => [p.container, p.reason, p.fatal])).toEqual([
      ['migrate', 'CreateContainerConfigError', true],
      ['app', 'PodInitializing', false],
      [undefined, 'Unschedulable', false],
    ]);
  });
});

describe('workload references, selectors, images', () => {
  it('parses kubectl-style references', () => {
    expect(parseWorkload('deploy/caspar-app')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'caspar-app',
    });
    expect(parseWorkload('statefulset.apps/db').kind).toBe('StatefulSet');
    expect(() => parseWorkload('service/web')).toThrow(InputError);
    expect(() => parseWorkload('deployment/Web')).toThrow(/Input "workloads"/);
  });
  it('writes label selectors with expressions', () => {
    expect(
      selectorString({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,tier in (a,b),!canary');
  });
  it('resolves `to` as a tag, a digest or a full reference', () => {
    const current = 'registry.example.com:5000/team/app:1.2.0';
    expect(resolveImage('1.1.0', current)).toBe('registry.example.com:5000/team/app:1.1.0');
    expect(resolveImage(`sha256:${'a'.repeat(64)}`, current)).toBe(
      `registry.example.com:5000/team/app@sha256:${'a'.repeat(64)}`,
    );
    expect(resolveImage('other/app:2', current)).toBe('other/app:2');
    expect(() => resolveImage('bad tag!', current)).toThrow(/Input "to"/);
  });
  it('sets the image only on containers of the same repository (or the named ones), init containers included', () => {
    const [d] = parseManifest(
      `apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers: [{ name: migrate, image: "reg.io/app:1" }]
          containers: [{ name: job, image: "reg.io/app:1" }, { name: proxy, image: "reg.io/proxy:3" }]
`,
      'x.yaml',
    );
    const changes = setImage([d?.obj as KObject], parseImage('reg.io/app:2'));
    expect(changes.map((c) => c.container)).toEqual(['migrate', 'job']);
    expect(JSON.stringify(d?.obj)).toContain('"reg.io/proxy:3"');
  });
  it('reads multi-document YAML and Lists, names the file and document of a bad one', () => {
    const docs = parseManifest(
      '---\nkind: List\napiVersion: v1\nitems:\n  - { apiVersion: v1, kind: Service, metadata: { name: a } }\n---\n# empty\n',
      'm.yaml',
    );
    expect(docs).toHaveLength(1);
    expect(() => parseManifest('apiVersion: v1\nkind: Service\nmetadata: {}\n', 'svc.yaml')).toThrow(
      /svc\.yaml \(document 1\) has no metadata\.name/,
    );
    expect(substituteEnvironment('k8s/overlays/{environment}', 'prd')).toBe('k8s/overlays/prd');
  });
});
