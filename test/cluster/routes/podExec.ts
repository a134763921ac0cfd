// pods/exec (and the refusals of attach and portforward): the pod checks the apiserver makes
// before upgrading, then WebSocket exec through acceptExec, running the command against the
// pod's projected files, so `cat .../token` returns the kubelet's current token.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { KUBELET_DIAL_HANGS, KUBELET_UNREACHABLE_ANNOTATION, kubeletServes, nodeAddress } from '../controllers/kubeletAgent';
import type { ClusterCore, RequestContext } from '../core';
import { hostPathFiles, layered, projectedFiles, runCommand } from '../execCommands';
import { acceptExec } from '../execProtocol';
import { sendError, sentStatus } from '../http';
import { nodeFilesOf } from '../nodeFiles';
import { R } from '../resources';
import { badRequest, failure, internal, isApiError, notFound, type ApiError } from '../status';
import type { Pod } from '../types';
import { pickContainer } from './podLog';

type Stream = 'exec' | 'attach' | 'portforward';
/** kube-apiserver's dial timeout to a kubelet. */
const KUBELET_DIAL_TIMEOUT_MS = 30_000;

/** What the apiserver checks before it dials the kubelet; undefined when the pod can be reached. */
function precheck(core: ClusterCore, ns: string, name: string, stream: Stream, url: URL): { pod: Pod; container?: string } | ApiError {
  const pod = core.store.peek(R.pods, ns, name) as Pod | undefined;
  if (pod === undefined) return notFound(R.pods, name);
  let container: string | undefined;
  if (stream !== 'portforward') {
    const requested = url.searchParams.get('container');
    // exec defaults to the first container, as kubectl's annotation-less default does.
    const picked = pickContainer(pod, requested === null || requested === '' ? pod.spec.containers[0]?.name : requested);
    if (typeof picked !== 'string') return picked;
    container = picked;
  }
  if ((pod.spec.nodeName ?? '') === '') return badRequest(`pod ${name} does not have a host assigned`);
  return container === undefined ? { pod } : { pod, container };
}

/** A plain request (no Upgrade header): after the pod checks, the apiserver insists on an upgrade. */
export function servePodStream(core: ClusterCore, rc: RequestContext, ns: string, name: string, stream: Stream): void {
  const checked = precheck(core, ns, name, stream, rc.url);
  if (isApiError(checked)) return sendError(rc.res, checked);
  sendError(rc.res, badRequest('Upgrade request required'));
}

export function writeRawError(socket: Duplex, e: ApiError): void {
  sentStatus.set(socket, e.body);
  const body = JSON.stringify(e.body);
  const reason =
    e.code === 400 ? 'Bad Request' : e.code === 401 ? 'Unauthorized' : e.code === 403 ? 'Forbidden' : e.code === 404 ? 'Not Found' : 'Internal Server Error';
  socket.end(
    `HTTP/1.1 ${e.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function upgradePodStream(
  core: ClusterCore,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
  ns: string,
  name: string,
  stream: Stream,
): void {
  const checked = precheck(core, ns, name, stream, url);
  if (isApiError(checked)) return writeRawError(socket, checked);
  const { pod } = checked;
  const container = checked.container ?? '';
  const nodeName = pod.spec.nodeName ?? '';
  const node = kubeletServes(core.controllerContext, nodeName);
  const isWebSocket = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
  if (node === undefined) {
    const known = core.store.peek(R.nodes, undefined, nodeName);
    const host = known === undefined ? nodeName : nodeAddress(known);
    const hangs = known?.metadata.annotations?.[KUBELET_UNREACHABLE_ANNOTATION] === KUBELET_DIAL_HANGS;
    const dial = `dial tcp ${host}:10250: ${hangs ? 'i/o timeout' : 'connect: connection refused'}`;
    if (!isWebSocket || stream !== 'exec') return writeRawError(socket, internal(`error dialing backend: ${dial}`));
    // 1.32 accepts the WebSocket itself and reports the dead kubelet on the error channel.
    const q = url.searchParams
      .getAll('command')
      .map((c) => `command=${encodeURIComponent(c)}`)
      .join('&');
    acceptExec(
      req,
      socket,
      head,
      async () => {
        if (hangs) await new Promise((resolve) => setTimeout(resolve, KUBELET_DIAL_TIMEOUT_MS).unref());
        throw new Error(`error sending request: Post "https://${host}:10250/exec/${ns}/${name}/${container}?${q}&error=1&output=1": ${dial}`);
      },
      { namespace: ns, pod: name },
    );
    return;
  }
  if (stream !== 'exec') return writeRawError(socket, failure(400, 'BadRequest', `${stream} is not supported by this test cluster`));
  if (pod.status?.phase !== 'Running') return writeRawError(socket, badRequest(`unable to upgrade connection: container not found ("${container}")`));
  acceptExec(
    req,
    socket,
    head,
    (r) => {
      const files = layered(
        projectedFiles(pod, container, {
          caPem: core.pki.ca.certPem,
          token: (path) => core.kubelets.readToken(nodeName, pod.metadata.uid, path),
        }),
        hostPathFiles(pod, container, nodeFilesOf(core.store)),
      );
      return runCommand(r.command, files);
    },
    { namespace: ns, pod: name },
  );
}
