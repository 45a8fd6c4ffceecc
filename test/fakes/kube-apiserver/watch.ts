/**
 * Watches as the real API server streams them: one JSON event a line (ADDED, MODIFIED, DELETED)
 * over a chunked response; without a resourceVersion the current objects come first as ADDED,
 * with one the changes after it (410 Gone when it is older than the kept history);
 * `timeoutSeconds` ends the stream. What `kubectl get -w` and `kubectl rollout status` need.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchesFieldSelector, matchesLabelSelector, type Obj } from './merge.js';
import type { ResourceDef } from './resources.js';
import { meta, type Store, type WatchEvent } from './store.js';

export function serveWatch(
  store: Store,
  r: ResourceDef,
  namespace: string | undefined,
  name: string | undefined,
  query: URLSearchParams,
  _req: IncomingMessage,
  res: ServerResponse,
) {
  const labelSelector = query.get('labelSelector') ?? '';
  const fieldSelector = [query.get('fieldSelector'), name ? `metadata.name=${name}` : '']
    .filter(Boolean)
    .join(',');
  const matches = (e: { r: ResourceDef; object: Obj }) =>
    e.r.kind === r.kind &&
    e.r.group === r.group &&
    (!namespace || meta(e.object).namespace === namespace) &&
    (!labelSelector ||
      matchesLabelSelector((meta(e.object).labels ?? {}) as Record<string, string>, labelSelector)) &&
    (!fieldSelector || matchesFieldSelector(e.object, fieldSelector));
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
  const send = (type: string, object: Obj) => res.write(`${JSON.stringify({ type, object })}\n`);
  const rv = query.get('resourceVersion');
  if (!rv || rv === '0') {
    for (const object of store.list(r, namespace)) if (matches({ r, object })) send('ADDED', object);
  } else {
    const from = Number(rv);
    const oldest = store.history[0]?.rv ?? Number(store.resourceVersion());
    if (from < oldest - 1) {
      send('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${from} (${oldest})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
      return;
    }
    for (const e of store.history) if (e.rv > from && matches(e)) send(e.type, e.object);
  }
  const unsubscribe = store.watch((e: WatchEvent) => {
    if (matches(e)) send(e.type, e.object);
  });
  const timeout = Number(query.get('timeoutSeconds') ?? 1800);
  const timer = setTimeout(() => res.end(), timeout * 1000);
  timer.unref();
  const stop = () => {
    clearTimeout(timer);
    unsubscribe();
  };
  // The response's 'close' (the client went away), not the request's: a request emits 'close'
  // as soon as its body has been read, while the stream goes on.
  res.on('close', stop);
}
