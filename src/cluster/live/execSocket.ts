// One command run in a container through pods/exec, its output streamed to the caller's writers. The
// WebSocket is made here so that a refused upgrade keeps the API server's reason, and so that a deadline
// or the caller's cancellation closes it (a stalled exec would hold the kubelet stream open).
import type { Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
// Not re-exported by the package's index: the handler that lets us make the WebSocket ourselves.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import WebSocket from 'ws';
import type { ApiClients } from '../auth/apiClient';

/** How much of a refused upgrade's body is kept. */
const MAX_REFUSAL_BYTES = 64 * 1024;

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

export interface ExecRunOptions {
  stdout: Writable;
  stderr: Writable;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For the timeout's message: "reading the token". */
  what: string;
}

/**
 * Runs `command` and resolves with the Status the API server sent at the end (undefined when it sent none) once
 * the socket closes. Rejects with the refused upgrade (status and body), a TimeoutError past `timeoutMs`, or an
 * AbortError when the signal fires.
 */
export function execRun(api: ApiClients, target: ExecTarget, command: string[], o: ExecRunOptions): Promise<V1Status | undefined> {
  return api.withKubeConfig(
    (kc) =>
      new Promise<V1Status | undefined>((resolve, reject) => {
        const exec = new Exec(kc, new WebSocketHandler(kc, statusKeepingSocket));
        let status: V1Status | undefined;
        let socket: { terminate(): void } | undefined;
        let ended = false;
        const end = (err: unknown): void => {
          if (ended) return;
          ended = true;
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          socket?.terminate();
          // The classifier reads ws's own error objects as they are, not only Errors.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(err);
        };
        const timer = setTimeout(() => end(Object.assign(new Error(`${o.what} timed out`), { name: 'TimeoutError' })), o.timeoutMs);
        const onAbort = (): void => end(Object.assign(new Error(`${o.what} was cancelled`), { name: 'AbortError' }));
        if (o.signal?.aborted) {
          onAbort();
          return;
        }
        o.signal?.addEventListener('abort', onAbort, { once: true });
        exec
          .exec(target.namespace, target.pod, target.container, command, o.stdout, o.stderr, null, false, (s) => {
            status = s;
          })
          .then(
            (ws) => {
              socket = ws;
              if (ended) {
                ws.terminate();
                return;
              }
              ws.on('close', () => {
                if (ended) return;
                ended = true;
                clearTimeout(timer);
                o.signal?.removeEventListener('abort', onAbort);
                resolve(status);
              });
            },
            (err: unknown) => end(asHttpError(err)),
          );
      }),
  );
}

/** A message field as text; anything but a string reads as empty. */
function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The refused upgrade `statusKeepingSocket` reports: the status and the Status body the API server sent. */
export class RefusedUpgradeError extends Error {
  override readonly name = 'RefusedUpgradeError';

  constructor(
    readonly statusCode: number,
    readonly body: string,
  ) {
    super(`Unexpected server response: ${statusCode}`);
  }
}

/**
 * The exec WebSocket, keeping the answer to a refused upgrade: left to itself, ws drops its body and says only
 * "Unexpected server response: 400", where the API server said why ("pod … does not have a host assigned").
 */
function statusKeepingSocket(uri: string, protocols: string[], opts: WebSocket.ClientOptions): WebSocket {
  const ws = new WebSocket(uri, protocols, opts);
  ws.on('unexpected-response', (_req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const refuse = (): void => {
      if (done) return;
      done = true;
      // The handler rejects on the first error; the one terminate() adds after it is ignored.
      ws.emit('error', new RefusedUpgradeError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
      ws.terminate();
    };
    res.on('data', (chunk: Buffer) => {
      if (size < MAX_REFUSAL_BYTES) {
        chunks.push(chunk);
        size += chunk.length;
      }
    });
    res.on('end', refuse);
    res.on('error', refuse);
    res.on('close', refuse);
  });
  return ws;
}

/** ws reports a refused upgrade only as "Unexpected server response: 403"; give it the status our retry and classifier read. */
function asHttpError(err: unknown): unknown {
  // client-node rejects with ws's ErrorEvent, which carries the error emitted under `error`.
  const inner = typeof err === 'object' && err !== null ? (err as { error?: unknown }).error : undefined;
  if (inner instanceof RefusedUpgradeError) return inner;
  if (err instanceof RefusedUpgradeError) return err;
  const message = err instanceof Error ? err.message : typeof err === 'object' && err !== null ? stringOf((err as { message?: unknown }).message) : '';
  const m = /Unexpected server response: (\d{3})/.exec(message);
  return m ? Object.assign(new Error(message), { statusCode: Number(m[1]) }) : err;
}
