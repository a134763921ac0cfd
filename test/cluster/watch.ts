// WATCH: a chunked stream of JSON events (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) replayed
// from the store's event log after a resourceVersion, then live. A compacted start gets the
// 200-with-ERROR-410 answer of pod-watch-payments-rv1-too-old.json.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from './clock';
import { parseSelection } from './listing';
import { groupVersion, resourceKey, type ResourceInfo } from './resources';
import type { StoredEvent, Store } from './store';
import { failure, isApiError, type ApiError, type StatusBody } from './status';
import type { KubeObject } from './types';

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHub {
  /** Serve one watch request; the response stays open until the client leaves or the server stops. */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    r: ResourceInfo,
    namespace: string | undefined,
    params: URLSearchParams,
    transform?: (o: KubeObject) => unknown,
  ): ApiError | undefined;
  /** End every open watch (server shutdown). */
  closeAll(): void;
  openCount(): number;
}

const BOOKMARK_INTERVAL_MS = 60_000;

export function createWatchHub(store: Store, clock: Clock): WatchHub {
  const open = new Set<() => void>();

  return {
    openCount: () => open.size,
    closeAll() {
      for (const close of [...open]) close();
    },
    serve(req, res, r, namespace, params, transform) {
      const selection = parseSelection(params, r.kind, namespace);
      if (isApiError(selection)) return selection;
      const rvParam = params.get('resourceVersion') ?? '';
      const bookmarks = ['1', 'true'].includes(params.get('allowWatchBookmarks') ?? '');
      const sendInitialEvents = ['1', 'true'].includes(params.get('sendInitialEvents') ?? '');
      if (sendInitialEvents && (params.get('resourceVersionMatch') !== 'NotOlderThan' || !bookmarks)) {
        return failure(422, 'Invalid', 'sendInitialEvents requires resourceVersionMatch=NotOlderThan and allowWatchBookmarks=true');
      }
      const startRv = rvParam === '' ? undefined : Number(rvParam);
      if (startRv !== undefined && (!Number.isInteger(startRv) || startRv < 0)) return failure(400, 'BadRequest', `invalid resource version: ${rvParam}`);

      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
      res.flushHeaders();
      const render = (o: KubeObject): unknown => (transform === undefined ? o : transform(o));
      const write = (type: WatchEventType, object: unknown): void => {
        if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
      };
      const bookmark = (annotations?: Record<string, string>): void => {
        const metadata: Record<string, unknown> = { resourceVersion: String(store.resourceVersion()), creationTimestamp: null };
        if (annotations !== undefined) metadata.annotations = annotations;
        write('BOOKMARK', { kind: r.kind, apiVersion: groupVersion(r), metadata });
      };

      // What a subscriber sees of one stored event, after the selector: a change that moves an
      // object into or out of the selection reads as ADDED or DELETED, as the watch cache does.
      const deliver = (e: StoredEvent): void => {
        const now = selection.match(e.object);
        const before = e.type === 'MODIFIED' && e.previous !== undefined ? selection.match(e.previous) : now;
        if (e.type === 'MODIFIED') {
          if (now && before) write('MODIFIED', render(e.object));
          else if (now) write('ADDED', render(e.object));
          else if (before) write('DELETED', render(e.object));
        } else if (now) write(e.type, render(e.object));
      };

      if (startRv !== undefined && startRv !== 0) {
        const backlog = store.eventsSince(r, startRv);
        if (backlog === undefined) {
          const status: StatusBody = {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `too old resource version: ${startRv} (${store.compactedResourceVersion() + 1})`,
            reason: 'Expired',
            code: 410,
          };
          write('ERROR', status);
          res.end();
          return undefined;
        }
        for (const e of backlog) deliver(e);
      } else {
        for (const o of store.list(r, namespace)) if (selection.match(o)) write('ADDED', render(o));
        if (sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
      }

      const key = resourceKey(r);
      const unsubscribe = store.subscribe((changed, e) => {
        if (resourceKey(changed) === key) deliver(e);
      });
      // About one bookmark per minute, and the end at `timeoutSeconds`, of cluster time (tests move it) or of wall time.
      const openedMs = clock.nowMs();
      let lastBookmarkMs = openedMs;
      const timeoutSeconds = Number(params.get('timeoutSeconds') ?? '');
      const endsAtMs = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? openedMs + timeoutSeconds * 1000 : Infinity;
      const stopAdvance = clock.onAdvance((nowMs) => {
        if (nowMs >= endsAtMs) {
          close();
          return;
        }
        if (!bookmarks || nowMs - lastBookmarkMs < BOOKMARK_INTERVAL_MS) return;
        lastBookmarkMs = nowMs;
        bookmark();
      });
      const ticker = bookmarks ? setInterval(() => bookmark(), BOOKMARK_INTERVAL_MS) : undefined;
      const timer = Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 ? setTimeout(() => close(), timeoutSeconds * 1000) : undefined;
      const close = (): void => {
        if (!open.delete(close)) return;
        unsubscribe();
        stopAdvance();
        if (ticker !== undefined) clearInterval(ticker);
        if (timer !== undefined) clearTimeout(timer);
        if (!res.writableEnded) res.end();
      };
      open.add(close);
      req.on('close', close);
      res.on('close', close);
      return undefined;
    },
  };
}
