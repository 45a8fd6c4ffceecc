/**
 * The kubelet of the fake: moves pods through the states real images produce, chosen by image name:
 *   `broken` → ErrImagePull then ImagePullBackOff, `crash` → CrashLoopBackOff,
 *   `unready` → Running but never Ready (readiness probe fails), `nosecret` → CreateContainerConfigError,
 *   an uppercase image → InvalidImageName; anything else becomes Ready after `startMs`.
 * Each later state change takes another `startMs`.
 */
import type { EventRecorder } from './events.js';
import { now, R } from './events.js';
import type { Obj } from './merge.js';
import { meta, type Store, stable } from './store.js';

export type PodBehaviour = 'ok' | 'pull-error' | 'crash' | 'unready' | 'config-error' | 'invalid-name';

export function defaultBehaviour(image: string): PodBehaviour {
  if (image !== image.toLowerCase()) return 'invalid-name';
  if (image.includes('broken')) return 'pull-error';
  if (image.includes('crash')) return 'crash';
  if (image.includes('unready')) return 'unready';
  if (image.includes('nosecret')) return 'config-error';
  return 'ok';
}

export class Kubelet {
  behaviour: (image: string) => PodBehaviour = defaultBehaviour;

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    private readonly startMs: number,
  ) {}

  syncPod(pod: Obj) {
    const m = meta(pod);
    const containers = ((pod.spec as Obj).containers ?? []) as Obj[];
    const elapsed = Date.now() - this.startedAt(pod);
    this.events.once(
      pod,
      'Scheduled',
      'Normal',
      `Successfully assigned ${m.namespace}/${m.name} to fake-node`,
      'default-scheduler',
    );
    const stage = Math.floor(elapsed / this.startMs);
    const statuses: Obj[] = [];
    let phase = 'Pending';
    let allReady = stage >= 1;
    for (const c of containers) {
      const b = this.behaviour(String(c.image));
      const base = {
        name: c.name,
        image: c.image,
        imageID: '',
        restartCount: 0,
        started: false,
        ready: false,
      };
      if (stage < 1) {
        statuses.push({ ...base, state: { waiting: { reason: 'ContainerCreating' } } });
        allReady = false;
        continue;
      }
      const image = String(c.image);
      const field = `spec.containers{${c.name}}`;
      if (b === 'ok' || b === 'unready') {
        this.events.once(
          pod,
          `Pulled-${c.name}`,
          'Normal',
          `Container image "${image}" already present on machine`,
          'kubelet',
          field,
          'Pulled',
        );
        this.events.once(
          pod,
          `Started-${c.name}`,
          'Normal',
          `Started container ${c.name}`,
          'kubelet',
          field,
          'Started',
        );
        phase = 'Running';
        const ready = b === 'ok';
        if (!ready) {
          allReady = false;
          this.events.repeat(
            pod,
            'Unhealthy',
            'Warning',
            'Readiness probe failed: HTTP probe failed with statuscode: 503',
            field,
          );
        }
        statuses.push({
          ...base,
          started: true,
          ready,
          state: { running: { startedAt: m.creationTimestamp } },
        });
        continue;
      }
      allReady = false;
      if (b === 'pull-error') {
        const pullMessage = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`;
        this.events.once(
          pod,
          `Pulling-${c.name}`,
          'Normal',
          `Pulling image "${image}"`,
          'kubelet',
          field,
          'Pulling',
        );
        this.events.once(pod, `Failed-${c.name}`, 'Warning', pullMessage, 'kubelet', field, 'Failed');
        const reason = stage < 2 ? 'ErrImagePull' : 'ImagePullBackOff';
        if (stage >= 2)
          this.events.repeat(pod, 'BackOff', 'Normal', `Back-off pulling image "${image}"`, field);
        statuses.push({
          ...base,
          state: {
            waiting: { reason, message: stage < 2 ? pullMessage : `Back-off pulling image "${image}"` },
          },
        });
      } else if (b === 'crash') {
        phase = 'Running';
        this.events.once(
          pod,
          `Started-${c.name}`,
          'Normal',
          `Started container ${c.name}`,
          'kubelet',
          field,
          'Started',
        );
        if (stage < 2) {
          statuses.push({ ...base, started: true, state: { running: { startedAt: m.creationTimestamp } } });
        } else {
          this.events.repeat(
            pod,
            'BackOff',
            'Warning',
            `Back-off restarting failed container ${c.name} in pod ${m.name}_${m.namespace}(${m.uid})`,
            field,
          );
          statuses.push({
            ...base,
            restartCount: stage - 1,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: `back-off 10s restarting failed container=${c.name} pod=${m.name}_${m.namespace}(${m.uid})`,
              },
            },
            lastState: {
              terminated: { exitCode: 1, reason: 'Error', startedAt: m.creationTimestamp, finishedAt: now() },
            },
          });
        }
      } else if (b === 'config-error') {
        const message = 'secret "db-credentials" not found';
        this.events.once(pod, `Failed-${c.name}`, 'Warning', `Error: ${message}`, 'kubelet', field, 'Failed');
        statuses.push({ ...base, state: { waiting: { reason: 'CreateContainerConfigError', message } } });
      } else {
        const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format: repository name must be lowercase`;
        this.events.once(
          pod,
          `InspectFailed-${c.name}`,
          'Warning',
          message,
          'kubelet',
          field,
          'InspectFailed',
        );
        statuses.push({ ...base, state: { waiting: { reason: 'InvalidImageName', message } } });
      }
    }
    const previous = ((pod.status as Obj | undefined)?.conditions ?? []) as Obj[];
    const condition = (type: string, ok: boolean, reason?: string) => {
      const before = previous.find((c) => c.type === type);
      const status = ok ? 'True' : 'False';
      return {
        type,
        status,
        lastProbeTime: null,
        // Millisecond precision (a real server keeps seconds), so minReadySeconds can be short in tests.
        lastTransitionTime: before?.status === status ? before.lastTransitionTime : new Date().toISOString(),
        ...(ok || !reason ? {} : { reason }),
      };
    };
    const status: Obj = {
      phase,
      hostIP: '10.0.0.1',
      podIP: stage >= 1 ? `10.244.0.${(this.started.size % 250) + 2}` : undefined,
      conditions: [
        condition('PodScheduled', true),
        condition('Initialized', true),
        condition('ContainersReady', allReady, 'ContainersNotReady'),
        condition('Ready', allReady, 'ContainersNotReady'),
      ],
      containerStatuses: statuses,
      startTime: m.creationTimestamp,
    };
    if (!status.podIP) delete status.podIP;
    if (stable(pod.status) !== stable(status)) {
      pod.status = status;
      this.store.write(R('Pod'), pod, { status: true });
    }
  }

  private readonly started = new Map<string, number>();
  private startedAt(pod: Obj): number {
    const uid = String(meta(pod).uid);
    if (!this.started.has(uid)) this.started.set(uid, Date.now());
    return this.started.get(uid) as number;
  }
}
