/**
 * Watches as the real API server streams them: response headers flushed at once, then one JSON
 * event a line (ADDED, MODIFIED, DELETED, BOOKMARK) over a chunked response. Without a
 * resourceVersion (or "0") the current objects come first as ADDED, with one the changes after it
 * (410 Gone when it is older than the kept history). `sendInitialEvents=true` (client-go's
 * WatchList) sends the current objects and then a BOOKMARK annotated
 * `k8s.io/initial-events-end`; with `allowWatchBookmarks` a BOOKMARK also precedes the end that
 * `timeoutSeconds` sets. A client that asks for protobuf first gets the protobuf stream (protobuf.ts). The watch lasts until then or until the connection closes (the response's
 * 'close'; a request's own 'close' comes as soon as its empty body is read).
 */
import type { ServerResponse } from 'node:http';
import { matchesFieldSelector, matchesLabelSelector, type Obj } from './merge.js';
import { encodeWatchEvent, messageType, PROTOBUF } from './protobuf.js';
import { apiVersionOf, type ResourceDef } from './resources.js';
import { ApiError, meta, type Store, type WatchEvent } from './store.js';

export function serveWatch(
  store: Store,
  r: ResourceDef,
  namespace: string | undefined,
  name: string | undefined,
  query: URLSearchParams,
  res: ServerResponse,
  protobuf = false,
): string {
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
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const initialEvents = query.get('sendInitialEvents') === 'true';
  if (initialEvents && (!bookmarks || query.get('resourceVersionMatch') !== 'NotOlderThan'))
    throw new ApiError(
      422,
      'Invalid',
      `ListOptions.meta.k8s.io "" is invalid: ${bookmarks ? 'resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan' : 'allowWatchBookmarks: Forbidden: allowWatchBookmarks required when sendInitialEvents is true'}`,
    );
  // Protobuf (length-prefixed WatchEvents) when the client asks for it and the kind has a message.
  const proto = protobuf && !!messageType(apiVersionOf(r), r.kind);
  const type = proto ? `${PROTOBUF};stream=watch` : 'application/json';
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-cache, private',
  });
  res.flushHeaders();
  const send = (type: string, object: Obj) =>
    proto
      ? res.write(encodeWatchEvent(type, object) as Buffer)
      : res.write(`${JSON.stringify({ type, object })}\n`);
  const bookmark = (annotations?: Obj) =>
    send('BOOKMARK', {
      kind: r.kind,
      apiVersion: apiVersionOf(r),
      metadata: { resourceVersion: store.resourceVersion(), ...(annotations ? { annotations } : {}) },
    });
  const rv = query.get('resourceVersion');
  if (!rv || rv === '0' || initialEvents) {
    for (const object of store.list(r, namespace)) if (matches({ r, object })) send('ADDED', object);
    if (initialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
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
      return type;
    }
    for (const e of store.history) if (e.rv > from && matches(e)) send(e.type, e.object);
  }
  const unsubscribe = store.watch((e: WatchEvent) => {
    if (matches(e)) send(e.type, e.object);
  });
  const timeout = Number(query.get('timeoutSeconds') ?? 1800);
  const timer = setTimeout(() => {
    if (bookmarks) bookmark();
    res.end();
  }, timeout * 1000);
  timer.unref();
  const stop = () => {
    clearTimeout(timer);
    unsubscribe();
  };
  res.on('close', stop);
  return type;
}
