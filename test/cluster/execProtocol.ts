// The server side of `pods/exec` over WebSocket (the channel.k8s.io family of subprotocols),
// as kube-apiserver 1.32 speaks it to @kubernetes/client-node and kubectl.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}
export interface ExecOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Channel numbers shared by every version of the protocol. */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

interface ProtocolTraits {
  base64: boolean;
  statusAsJson: boolean;
}
/** What kube-apiserver (v5) and kubelet (the rest) accept; "" is a client that offered none. */
const PROTOCOLS: Record<string, ProtocolTraits> = {
  'v5.channel.k8s.io': { base64: false, statusAsJson: true },
  'v4.channel.k8s.io': { base64: false, statusAsJson: true },
  'v4.base64.channel.k8s.io': { base64: true, statusAsJson: true },
  'channel.k8s.io': { base64: false, statusAsJson: false },
  'base64.channel.k8s.io': { base64: true, statusAsJson: false },
  '': { base64: false, statusAsJson: false },
};
export const EXEC_SUBPROTOCOLS: readonly string[] = Object.keys(PROTOCOLS).filter((p) => p !== '');

// kubelet copies output in 32 KiB pieces; frames of that size keep memory flat for big files.
const CHUNK_BYTES = 32 * 1024;

export function execRequestFromUrl(url: URL, namespace: string, pod: string): ExecRequest {
  const p = url.searchParams;
  const container = p.get('container');
  const r: ExecRequest = {
    namespace,
    pod,
    command: p.getAll('command'),
    stdin: goBool(p.get('stdin')),
    stdout: goBool(p.get('stdout')),
    stderr: goBool(p.get('stderr')),
    tty: goBool(p.get('tty')),
  };
  if (container !== null && container !== '') r.container = container;
  return r;
}

/** Why the request cannot run, in the apiserver's words; undefined when it can. */
export function execRequestProblem(r: ExecRequest): string | undefined {
  if (r.command.length === 0) return 'you must specify at least one command for the container';
  if (!r.stdin && !r.stdout && !r.stderr) return 'you must specify at least 1 of stdin, stdout, stderr';
  return undefined;
}

/** The client's order wins, as in kubelet's handshake; undefined when nothing offered is spoken. */
export function negotiateSubprotocol(offered: string[]): string | undefined {
  if (offered.length === 0) return '';
  return offered.find((p) => p !== '' && PROTOCOLS[p] !== undefined);
}

export function acceptExec(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  run: (r: ExecRequest) => ExecOutcome | Promise<ExecOutcome>,
  target?: { namespace: string; pod: string },
): void {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    // kubectl only falls back to SPDY when the WebSocket upgrade fails; we never offer SPDY.
    rejectUpgrade(socket, 400, 'BadRequest', 'Upgrade request required: this test cluster serves exec over WebSocket only');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const r = execRequestFromUrl(url, target?.namespace ?? pathSegment(url, 4), target?.pod ?? pathSegment(url, 6));
  const problem = execRequestProblem(r);
  if (problem !== undefined) {
    rejectUpgrade(socket, 400, 'BadRequest', problem);
    return;
  }
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const protocol = negotiateSubprotocol(offered);
  if (protocol === undefined) {
    rejectUpgrade(socket, 400, 'BadRequest', `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${EXEC_SUBPROTOCOLS.join(' ')}]`);
    return;
  }
  chosenProtocol.set(req, protocol);
  execServer().handleUpgrade(req, socket, head, (ws) => {
    void serveExec(ws, r, PROTOCOLS[protocol] ?? { base64: false, statusAsJson: false }, run);
  });
}

const chosenProtocol = new WeakMap<IncomingMessage, string>();
let server: WebSocketServer | undefined;

function execServer(): WebSocketServer {
  server ??= new WebSocketServer({
    noServer: true,
    clientTracking: false,
    handleProtocols: (_offered, req) => {
      const p = chosenProtocol.get(req);
      return p === undefined || p === '' ? false : p;
    },
  });
  return server;
}

/** `/api/v1/namespaces/NS/pods/NAME/exec`: segment 4 is NS, 6 is NAME. */
function pathSegment(url: URL, index: number): string {
  return decodeURIComponent(url.pathname.split('/')[index] ?? '');
}

let openStreams = 0;

/** Exec WebSockets the server holds open now, for tests that check a client hangs up. */
export function openExecStreams(): number {
  return openStreams;
}

async function serveExec(ws: WebSocket, r: ExecRequest, traits: ProtocolTraits, run: (r: ExecRequest) => ExecOutcome | Promise<ExecOutcome>): Promise<void> {
  openStreams++;
  ws.once('close', () => openStreams--);
  const send = (channel: number, data: Buffer): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (traits.base64) ws.send(String.fromCharCode(48 + channel) + data.toString('base64'));
    else ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  // Input (stdin, resize, v5 close signals) is read and dropped: `cat <file>` needs none.
  ws.on('message', (_data: RawData) => undefined);
  ws.on('error', () => ws.terminate());

  // kube-apiserver tells the client the streams are up with an empty frame on the lowest output channel.
  send(r.stdout ? Channel.stdout : r.stderr ? Channel.stderr : Channel.error, Buffer.alloc(0));

  let outcome: ExecOutcome;
  try {
    outcome = await run(r);
  } catch (e) {
    const detail = `error executing command in container: ${e instanceof Error ? e.message : String(e)}`;
    sendStatus(send, traits, internalErrorStatus(detail));
    ws.close(1000);
    return;
  }
  if (r.stdout) sendChunks(send, Channel.stdout, Buffer.from(outcome.stdout, 'utf8'));
  // With a TTY the terminal merges stderr into stdout.
  if (r.stderr || r.tty) sendChunks(send, r.tty ? Channel.stdout : Channel.stderr, Buffer.from(outcome.stderr, 'utf8'));
  sendStatus(send, traits, exitStatus(outcome.exitCode));
  ws.close(1000);
}

export type ExecStatus = {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: Record<string, string>[] };
  code?: number;
};

/** The Status kubelet writes on the error channel for a finished command. */
export function exitStatus(exitCode: number): ExecStatus {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command terminated with exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

function internalErrorStatus(detail: string): ExecStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${detail}`,
    reason: 'InternalError',
    details: { causes: [{ message: detail }] },
    code: 500,
  };
}

function sendStatus(send: (channel: number, data: Buffer) => void, traits: ProtocolTraits, status: ExecStatus): void {
  if (traits.statusAsJson) {
    send(Channel.error, Buffer.from(JSON.stringify(status), 'utf8'));
  } else if (status.status === 'Failure') {
    // Before v4 the error channel carried only the message text, and nothing on success.
    send(Channel.error, Buffer.from(status.message ?? '', 'utf8'));
  }
}

function sendChunks(send: (channel: number, data: Buffer) => void, channel: number, data: Buffer): void {
  for (let i = 0; i < data.length; i += CHUNK_BYTES) {
    send(channel, data.subarray(i, i + CHUNK_BYTES));
  }
}

function rejectUpgrade(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  const statusText = code === 400 ? 'Bad Request' : 'Error';
  socket.end(
    `HTTP/1.1 ${code} ${statusText}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** strconv.ParseBool's true spellings. */
function goBool(v: string | null): boolean {
  return v !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}
