// A pod's live token: `cat` of its projected token file through pods/exec, decoded and checked here.
// The raw token never leaves this function: callers get claims, a fingerprint and the signature check.
import { Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
// Not re-exported by the package's index: the handler that lets us make the WebSocket ourselves.
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import WebSocket from 'ws';
import { decodeToken } from '../../token/jwt';
import type { ApiClients } from '../auth/apiClient';
import { classifyResponse, clusterError, type ClusterError, type ErrorContext } from '../errors';
import type { LiveTokenReading, LiveTokenTarget, SignatureCheck } from '../inventory/types';

const MAX_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 20_000;

export interface LiveTokenOptions {
  /** Checks the signature; receives the raw token and must not keep it. */
  verify?: (raw: string) => Promise<SignatureCheck>;
  nowMs?: () => number;
  timeoutMs?: number;
}

/** Never throws: a refusal (403 on pods/exec), a missing file or an unreachable kubelet is a reading with an error. */
export async function readLiveToken(api: ApiClients, target: LiveTokenTarget, opts: LiveTokenOptions = {}): Promise<LiveTokenReading> {
  const now = opts.nowMs ?? Date.now;
  const about: ErrorContext = { verb: 'create', resource: 'pods/exec', namespace: target.namespace, name: target.pod };
  let output: ExecOutput;
  try {
    output = await api.withKubeConfig((kc) =>
      execCat(new Exec(kc, new WebSocketHandler(kc, statusKeepingSocket)), target, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    );
  } catch (err) {
    return { ok: false, atMs: now(), error: api.classify(err, about) };
  }
  const where = `${target.path} in container ${target.container} of pod ${target.namespace}/${target.pod}`;
  if (output.status?.status !== 'Success') {
    return { ok: false, atMs: now(), error: execFailure(output, where) };
  }
  const raw = output.stdout.trim();
  const decoded = decodeToken(raw);
  if (!decoded.ok) {
    return {
      ok: false,
      atMs: now(),
      error: { kind: 'invalid', message: `${where} does not hold a readable token (${decoded.reason}); check the projected volume's path` },
    };
  }
  const signature: SignatureCheck = opts.verify ? await opts.verify(raw) : { status: 'unchecked', reason: 'no signature check was asked for' };
  return { ok: true, atMs: now(), token: decoded.token, signature };
}

interface ExecOutput {
  stdout: string;
  stderr: string;
  status: V1Status | undefined;
}

function execCat(exec: Exec, target: LiveTokenTarget, timeoutMs: number): Promise<ExecOutput> {
  const stdout = capped();
  const stderr = capped();
  let status: V1Status | undefined;
  return new Promise<ExecOutput>((resolve, reject) => {
    let socket: { terminate(): void } | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // A stalled exec would otherwise hold its WebSocket (and the API server's kubelet stream) open.
      socket?.terminate();
      reject(Object.assign(new Error('reading the token timed out'), { name: 'TimeoutError' }));
    }, timeoutMs);
    exec
      .exec(target.namespace, target.pod, target.container, ['cat', target.path], stdout.stream, stderr.stream, null, false, (s) => {
        status = s;
      })
      .then(
        (ws) => {
          socket = ws;
          if (timedOut) {
            ws.terminate();
            return;
          }
          ws.on('close', () => {
            clearTimeout(timer);
            resolve({ stdout: stdout.text(), stderr: stderr.text(), status });
          });
        },
        (err: unknown) => {
          clearTimeout(timer);
          // The classifier reads ws's own error objects as they are, not only Errors.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(asHttpError(err));
        },
      );
  });
}

/** A message field as text; anything but a string reads as empty. */
function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The refused upgrade `statusKeepingSocket` reports: the status and the Status body the API server sent. */
class RefusedUpgradeError extends Error {
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
      if (size < MAX_BYTES) {
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

function execFailure(output: ExecOutput, where: string): ClusterError {
  const stderr = output.stderr.trim().split('\n')[0] ?? '';
  if (/No such file or directory/.test(stderr)) {
    return clusterError({ kind: 'notFound', message: `${where} does not exist; the pod may not mount its token there any more, so refresh the view` });
  }
  const s = output.status;
  if (s?.code !== undefined && s.code >= 400) return classifyResponse(s.code, s, { verb: 'create', resource: 'pods/exec' });
  const detail = s?.message ?? (stderr || 'the command gave no status');
  // stderr is the container's own output: it can hold a token, so it is masked like every other message.
  return clusterError({ kind: 'unknown', message: `reading ${where} failed: ${firstLine(detail)}; check that the pod is running and its kubelet reachable` });
}

function capped(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (size < MAX_BYTES) {
        const b = Buffer.from(chunk);
        chunks.push(b);
        size += b.length;
      }
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
