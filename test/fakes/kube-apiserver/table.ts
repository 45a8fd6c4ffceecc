/**
 * Server-side printing: what `kubectl get` (without -o) asks for (`Accept: …;as=Table`), with
 * the columns a real server prints for the kinds users look at, NAME and AGE for the others.
 */
import type { Obj } from './merge.js';
import type { ResourceDef } from './resources.js';
import { meta } from './store.js';

function age(obj: Obj): string {
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(String(meta(obj).creationTimestamp))) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

type Column = [string, string, (o: Obj) => unknown];
const st = (o: Obj) => (o.status ?? {}) as Obj;
const sp = (o: Obj) => (o.spec ?? {}) as Obj;
const n = (v: unknown) => Number(v ?? 0);

const keys = (v: unknown) => Object.keys((v ?? {}) as Obj).length;

const COLUMNS: Record<string, Column[]> = {
  Secret: [
    ['Type', 'string', (o) => o.type ?? ''],
    ['Data', 'integer', (o) => keys(o.data)],
  ],
  ConfigMap: [['Data', 'integer', (o) => keys(o.data) + keys(o.binaryData)]],
  Deployment: [
    ['Ready', 'string', (o) => `${n(st(o).readyReplicas)}/${n(sp(o).replicas)}`],
    ['Up-to-date', 'integer', (o) => n(st(o).updatedReplicas)],
    ['Available', 'integer', (o) => n(st(o).availableReplicas)],
  ],
  ReplicaSet: [
    ['Desired', 'integer', (o) => n(sp(o).replicas)],
    ['Current', 'integer', (o) => n(st(o).replicas)],
    ['Ready', 'integer', (o) => n(st(o).readyReplicas)],
  ],
  Pod: [
    [
      'Ready',
      'string',
      (o) => {
        const cs = (st(o).containerStatuses ?? []) as Obj[];
        return `${cs.filter((c) => c.ready).length}/${((sp(o).containers ?? []) as Obj[]).length}`;
      },
    ],
    [
      'Status',
      'string',
      (o) => {
        const waiting = ((st(o).containerStatuses ?? []) as Obj[])
          .map((c) => ((c.state as Obj | undefined)?.waiting as Obj | undefined)?.reason)
          .find(Boolean);
        return waiting ?? st(o).phase ?? 'Pending';
      },
    ],
    [
      'Restarts',
      'integer',
      (o) => ((st(o).containerStatuses ?? []) as Obj[]).reduce((a, c) => a + n(c.restartCount), 0),
    ],
  ],
};

export function asTable(r: ResourceDef, items: Obj[], list?: Obj): Obj {
  const columns = COLUMNS[r.kind] ?? [];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: (list?.metadata as Obj | undefined)?.resourceVersion ?? '' },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name', priority: 0 },
      ...columns.map(([name, type]) => ({ name, type, format: '', description: name, priority: 0 })),
      { name: 'Age', type: 'string', format: '', description: 'Age', priority: 0 },
    ],
    rows: items.map((o) => ({
      cells: [meta(o).name, ...columns.map(([, , f]) => f(o)), age(o)],
      object: {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: meta(o),
      },
    })),
  };
}
