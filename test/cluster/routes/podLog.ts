// `GET pods/NAME/log`: 204 for a pod with no node, 400 for a container it does not have,
// 500 when its kubelet cannot be reached, and otherwise the container's log (or a follow stream).

import { kubeletServes, nodeAddress } from '../controllers/kubeletAgent';
import type { ClusterCore, RequestContext } from '../core';
import { sendError, sendNoContent } from '../http';
import { logQueryFromUrl, validateLogQuery, type LogFailure } from '../podLogs';
import { R } from '../resources';
import { badRequest, failure, internal, methodNotAllowed, notFound, type ApiError } from '../status';
import type { Pod } from '../types';

/** The container a request means: the named one, or the only one. */
export function pickContainer(pod: Pod, requested: string | undefined): string | ApiError {
  const names = pod.spec.containers.map((c) => c.name);
  const initNames = (pod.spec.initContainers ?? []).map((c) => c.name);
  if (requested === undefined) {
    if (names.length === 1 && names[0] !== undefined) return names[0];
    return badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]${initNames.length > 0 ? ` or one of the init containers: [${initNames.join(' ')}]` : ''}`,
    );
  }
  if (names.includes(requested) || initNames.includes(requested)) return requested;
  return badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
}

/** The kubelet URL the apiserver would have dialled, for the "connection refused" message. */
function kubeletLogUrl(host: string, pod: Pod, container: string, url: URL): string {
  const q = new URLSearchParams();
  for (const [k, v] of url.searchParams) if (k !== 'container') q.append(k, v);
  const query = q.toString();
  return `https://${host}:10250/containerLogs/${pod.metadata.namespace ?? ''}/${pod.metadata.name}/${container}${query === '' ? '' : `?${query}`}`;
}

export function servePodLog(core: ClusterCore, rc: RequestContext, ns: string, name: string): void {
  if (rc.req.method !== 'GET') return sendError(rc.res, methodNotAllowed());
  const query = logQueryFromUrl(rc.url);
  const invalid = validateLogQuery(query, name);
  if (invalid !== undefined) return sendError(rc.res, failure(invalid.code, invalid.reason, invalid.message));
  const pod = core.store.peek(R.pods, ns, name) as Pod | undefined;
  if (pod === undefined) return sendError(rc.res, notFound(R.pods, name));
  const container = pickContainer(pod, query.container);
  if (typeof container !== 'string') return sendError(rc.res, container);
  const nodeName = pod.spec.nodeName ?? '';
  if (nodeName === '') return sendNoContent(rc.res);
  const node = kubeletServes(core.controllerContext, nodeName);
  if (node === undefined) {
    const known = core.store.peek(R.nodes, undefined, nodeName);
    const host = known === undefined ? nodeName : nodeAddress(known);
    return sendError(rc.res, internal(`Get "${kubeletLogUrl(host, pod, container, rc.url)}": dial tcp ${host}:10250: connect: connection refused`));
  }
  if (pod.status?.phase !== 'Running') {
    return sendError(rc.res, badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`));
  }
  const logs = core.logs.container(ns, name, container);
  // A log whose kubelet hangs: the request is taken and never answered.
  const held = logs.heldRequests();
  if (held !== undefined) return held.hold(rc.req, rc.res);
  if (!query.follow && logs.isGenerated()) return streamChunks(rc, logs.readChunks(query));
  if (!query.follow) {
    const result = logs.read(query);
    if (!result.ok) return sendError(rc.res, failure(result.code, result.reason, result.message));
    rc.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(result.text)) });
    rc.res.end(result.text);
    return;
  }
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    rc.res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    rc.res.flushHeaders();
  };
  const stop = logs.follow(
    query,
    (text) => {
      start();
      rc.res.write(text);
    },
    () => {
      start();
      rc.res.end();
    },
    (e) => sendError(rc.res, failure(e.code, e.reason, e.message)),
  );
  if (!rc.res.writableEnded && !rc.res.headersSent) start();
  // Deleting the pod ends the stream, as the kubelet closes it when the container goes.
  const unsubscribe = core.store.subscribe((r, e) => {
    if (r === R.pods && e.type === 'DELETED' && e.object.metadata.uid === pod.metadata.uid) finish();
  });
  const finish = (): void => {
    stop();
    unsubscribe();
    if (!rc.res.writableEnded) rc.res.end();
  };
  rc.req.on('close', finish);
  rc.res.on('close', finish);
}

/** A generated log, written chunk by chunk as the client takes them, so a 200 MB log is never one string. */
function streamChunks(rc: RequestContext, read: { ok: true; chunks: Iterable<string> } | LogFailure): void {
  if (!read.ok) return sendError(rc.res, failure(read.code, read.reason, read.message));
  const chunks = read.chunks[Symbol.iterator]();
  const res = rc.res;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  const pump = (): void => {
    while (!res.destroyed) {
      const next = chunks.next();
      if (next.done === true) {
        res.end();
        return;
      }
      if (!res.write(next.value)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}
