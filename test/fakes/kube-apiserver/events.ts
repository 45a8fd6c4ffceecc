/** Events as the real recorders write them: one-off events, and repeating ones whose count grows. */
import type { Obj } from './merge.js';
import { type ResourceDef, resourceForKind } from './resources.js';
import { meta, type Store } from './store.js';

export const R = (kind: string) => resourceForKind(kind) as ResourceDef;
export const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class EventRecorder {
  private readonly emitted = new Set<string>();
  private eventSeq = 0;

  constructor(private readonly store: Store) {}

  once(
    obj: Obj,
    key: string,
    type: string,
    message: string,
    component: string,
    fieldPath?: string,
    reason = key,
  ) {
    const id = `${meta(obj).uid}/${key}`;
    if (this.emitted.has(id)) return;
    this.emitted.add(id);
    this.event(obj, type, reason, message, component, fieldPath);
  }

  /** An event that repeats (probe failures, back-offs): one object whose count grows, as the real event recorder does. */
  repeat(obj: Obj, reason: string, type: string, message: string, fieldPath?: string, component = 'kubelet') {
    const id = `${meta(obj).uid}/repeat/${reason}`;
    const name = `${meta(obj).name}.${reason.toLowerCase()}`;
    const ns = meta(obj).namespace as string;
    const existing = this.emitted.has(id) ? this.store.get(R('Event'), ns, name) : undefined;
    if (existing) {
      const last = Date.parse(String(existing.lastTimestamp));
      if (Date.now() - last < 1000) return;
      existing.count = Number(existing.count ?? 1) + 1;
      existing.lastTimestamp = now();
      this.store.write(R('Event'), existing);
      return;
    }
    this.emitted.add(id);
    this.event(obj, type, reason, message, component, fieldPath, name);
  }

  event(
    obj: Obj,
    type: string,
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
    name?: string,
  ) {
    const m = meta(obj);
    const time = now();
    this.store.write(R('Event'), {
      metadata: {
        name: name ?? `${m.name}.${(Date.now() * 1000 + ++this.eventSeq).toString(16)}`,
        namespace: m.namespace,
      },
      involvedObject: {
        kind: obj.kind,
        apiVersion: obj.apiVersion,
        namespace: m.namespace,
        name: m.name,
        uid: m.uid,
        ...(fieldPath ? { fieldPath } : {}),
      },
      type,
      reason,
      message,
      count: 1,
      firstTimestamp: time,
      lastTimestamp: time,
      source: { component, ...(component === 'kubelet' ? { host: 'fake-node' } : {}) },
      reportingComponent: component,
    });
  }
}
