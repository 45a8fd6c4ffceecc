/**
 * The Kubernetes fake's protobuf codec (test/fakes/kube-apiserver/protobuf.ts) against known-good
 * encodings: bytes the real kubectl sent (test/fixtures/kube-protobuf, captured by capture.ts there)
 * must decode to the JSON kubectl meant, and what the fake encodes must decode back unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { Obj } from '../fakes/kube-apiserver/merge.js';
import {
  decodeBody,
  encodeObject,
  encodeWatchEvent,
  messageType,
  PROTOBUF,
  wantsProtobuf,
} from '../fakes/kube-apiserver/protobuf.js';
import {
  apiVersionOf,
  RESOURCES,
  type ResourceDef,
  resourceForKind,
} from '../fakes/kube-apiserver/resources.js';
import { ApiError } from '../fakes/kube-apiserver/store.js';
import { parseRequest } from '../fakes/kube-apiserver/verbs.js';
import { ROOT } from '../helpers/runner.js';

const fixture = (name: string) => join(ROOT, 'test/fixtures/kube-protobuf', name);

/** Go prints an unset time as null where protobuf carries nothing. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  return v;
}

const roundTrip = (obj: Obj) => decodeBody(encodeObject(obj) as Buffer);

describe('the Kubernetes fake protobuf codec', () => {
  it.each(['deployment', 'service', 'secret'])(
    'kubectl create %s: its protobuf body is the object it meant',
    (name) => {
      const sent = readFileSync(fixture(`${name}.pb`));
      const meant = withoutNulls(JSON.parse(readFileSync(fixture(`${name}.json`), 'utf8')));
      const decoded = decodeBody(sent);
      expect(decoded).toEqual(meant);
      expect(roundTrip(decoded)).toEqual(decoded);
    },
  );

  it('keeps what the Go types keep: a pointer set to zero stays, a zero non-pointer field is unset', () => {
    const decoded = decodeBody(readFileSync(fixture('deployment.pb')));
    expect((decoded.spec as Obj).replicas).toBe(0);
    // The Go encoder wrote "" and 0 for the unset non-pointer fields (the port's hostPort, the
    // object's namespace …): none of them comes back.
    expect(decoded.metadata).toEqual({ name: 'zero', labels: { app: 'zero' } });
    const container = (((decoded.spec as Obj).template as Obj).spec as Obj).containers as Obj[];
    expect(container[0]?.ports).toEqual([{ containerPort: 8080 }]);
  });

  it('converts the types with a JSON form of their own both ways', () => {
    const deployment: Obj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'demo',
        creationTimestamp: '2026-12-06T01:02:03Z',
        annotations: { 'deployment.kubernetes.io/revision': '3' },
        managedFields: [
          {
            manager: 'kubectl',
            operation: 'Apply',
            apiVersion: 'apps/v1',
            time: '2026-12-06T01:02:03Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:replicas': {} } },
          },
        ],
      },
      spec: {
        replicas: 3,
        revisionHistoryLimit: 0,
        selector: { matchLabels: { app: 'web' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'registry.example.com/web@sha256:0123',
                resources: { limits: { cpu: '500m', memory: '128Mi' } },
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
              },
            ],
            terminationGracePeriodSeconds: 0,
          },
        },
      },
      status: {
        observedGeneration: 2,
        replicas: 3,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            lastUpdateTime: '2026-12-06T01:02:04Z',
            lastTransitionTime: '2026-12-06T01:02:04Z',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          },
        ],
      },
    };
    expect(roundTrip(deployment)).toEqual(deployment);
    // Embedded structs whose fields JSON inlines: a probe's handler, a volume's source, a key
    // selector's object reference, an ephemeral container's common fields.
    const pod: Obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'demo',
        uid: '0b7e…',
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'web',
            uid: 'u',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        volumes: [{ name: 'config', configMap: { name: 'settings', defaultMode: 420 } }],
        containers: [
          {
            name: 'web',
            image: 'registry.example.com/web:1',
            env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }],
            livenessProbe: { exec: { command: ['true'] }, failureThreshold: 3 },
            volumeMounts: [{ name: 'config', mountPath: '/etc/web' }],
          },
        ],
        ephemeralContainers: [{ name: 'debug', image: 'busybox', targetContainerName: 'web' }],
      },
      status: {
        phase: 'Running',
        startTime: '2026-12-06T01:02:03Z',
        containerStatuses: [
          {
            name: 'web',
            ready: true,
            restartCount: 0,
            image: 'registry.example.com/web:1',
            imageID: '',
            started: true,
            state: { running: { startedAt: '2026-12-06T01:02:04Z' } },
          },
        ],
      },
    };
    expect(roundTrip(pod)).toEqual(pod);
    const event: Obj = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'demo' },
      involvedObject: { kind: 'Pod', namespace: 'demo', name: 'web-1', fieldPath: 'spec.containers{web}' },
      reason: 'BackOff',
      message: 'Back-off pulling image',
      type: 'Warning',
      count: 4,
      firstTimestamp: '2026-12-06T01:02:03Z',
      lastTimestamp: '2026-12-06T01:02:09Z',
      eventTime: '2026-12-06T01:02:03.123456Z',
      source: { component: 'kubelet', host: 'fake-node' },
    };
    expect(roundTrip(event)).toEqual(event);
    const revision: Obj = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'web-1', namespace: 'demo' },
      data: { spec: { template: { metadata: { labels: { app: 'web' } } } } },
      revision: 1,
    };
    expect(roundTrip(revision)).toEqual(revision);
    const secret: Obj = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.web.v1', labels: { owner: 'helm', name: 'web' } },
      type: 'helm.sh/release.v1',
      data: { release: Buffer.from([0, 1, 2, 250, 255]).toString('base64') },
      immutable: false,
    };
    expect(roundTrip(secret)).toEqual(secret);
  });

  it('encodes lists and Status answers, and watch events in the length-prefixed stream form', () => {
    const list: Obj = {
      apiVersion: 'v1',
      kind: 'SecretList',
      metadata: { resourceVersion: '42' },
      items: [{ metadata: { name: 'a', namespace: 'demo' }, type: 'Opaque', data: { k: 'dg==' } }],
    };
    expect(roundTrip(list)).toEqual(list);
    const status = new ApiError(404, 'NotFound', 'secrets "x" not found', {
      name: 'x',
      kind: 'secrets',
    }).status();
    expect(roundTrip(status)).toEqual(status);
    const frame = encodeWatchEvent('MODIFIED', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    });
    if (!frame) throw new Error('no frame');
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    const eventType = messageType('v1', 'WatchEvent');
    const event = eventType?.decode(frame.subarray(4)) as unknown as {
      type: string;
      object: { raw: Uint8Array };
    };
    expect(event.type).toBe('MODIFIED');
    expect(decodeBody(Buffer.from(event.object.raw))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    });
  });

  it('has no message for custom resources and refuses bodies it cannot read with a 400', () => {
    expect(
      encodeObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    ).toBeUndefined();
    const widget = encodeObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w' } }) as Buffer;
    const renamed = Buffer.from(widget.toString('latin1').replace('ConfigMap', 'ConfigMop'), 'latin1');
    expect(() => decodeBody(renamed)).toThrow(
      'no kind "ConfigMop" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    );
    expect(() => decodeBody(Buffer.from('{"kind":"ConfigMap"}'))).toThrow(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  });

  it('has a message, and a list message, for every built-in kind the fake serves but CRDs', () => {
    const builtIn = RESOURCES.filter((r) => !r.custom && r.kind !== 'CustomResourceDefinition');
    expect(builtIn.length).toBeGreaterThan(20);
    for (const r of builtIn) {
      expect([r.kind, messageType(apiVersionOf(r), r.kind)?.name]).toEqual([r.kind, r.kind]);
      expect(messageType(apiVersionOf(r), `${r.kind}List`)?.name).toBe(`${r.kind}List`);
    }
    expect(messageType('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBeUndefined();
  });

  it('refuses other media types with 415, naming protobuf only where the resource takes it', () => {
    const secret = resourceForKind('Secret') as ResourceDef;
    expect(() => parseRequest(Buffer.from('x'), 'application/cbor', secret)).toThrow(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    );
    const widget: ResourceDef = {
      group: 'example.com',
      version: 'v1',
      name: 'widgets',
      kind: 'Widget',
      namespaced: true,
      custom: true,
    };
    expect(() => parseRequest(Buffer.from('k8s\0'), PROTOBUF, widget)).toThrow(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    );
  });

  it('answers in protobuf only when the client asks for it first, plainly or as a watch stream', () => {
    expect(wantsProtobuf('application/vnd.kubernetes.protobuf,application/json')).toBe(true);
    expect(wantsProtobuf('application/vnd.kubernetes.protobuf;stream=watch')).toBe(true);
    expect(wantsProtobuf('application/json, */*')).toBe(false);
    expect(wantsProtobuf(undefined)).toBe(false);
    expect(
      wantsProtobuf(
        'application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      ),
    ).toBe(false);
  });
});
