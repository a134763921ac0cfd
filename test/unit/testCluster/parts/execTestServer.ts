// A bare HTTP server that answers just enough (version, discovery, one pod) for client-node and
// kubectl to reach pods/exec, which it hands to acceptExec. The real routing lives elsewhere.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptExec, type ExecOutcome, type ExecRequest } from '../../../cluster/execProtocol';
import { exchange } from './fixtures';

export const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface ExecTestServer {
  url: string;
  seen: ExecRequest[];
  /** The Sec-WebSocket-Protocol header of each exec upgrade, as the client sent it. */
  offered: string[];
  close(): Promise<void>;
}

/** `cat FILE` over an in-memory file system; anything else is "not found" like a shell would say. */
export function fakeCat(files: Record<string, string>): (r: ExecRequest) => ExecOutcome {
  return (r) => {
    const [cmd, path, ...rest] = r.command;
    if (cmd !== 'cat' || path === undefined || rest.length > 0) {
      return { stdout: '', stderr: `sh: ${r.command.join(' ')}: not found\n`, exitCode: 127 };
    }
    const content = files[path];
    if (content === undefined) return { stdout: '', stderr: `cat: ${path}: No such file or directory\n`, exitCode: 1 };
    return { stdout: content, stderr: '', exitCode: 0 };
  };
}

export async function startExecTestServer(run: (r: ExecRequest) => ExecOutcome | Promise<ExecOutcome>): Promise<ExecTestServer> {
  const seen: ExecRequest[] = [];
  const offered: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path);
    if (path === '/version') return json(res, 200, exchange('v1.32', 'version').response.body);
    if (path === '/api')
      return json(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    if (path === '/api/v1') {
      return json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
          { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
        ],
      });
    }
    if (path === '/apis') return json(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [] });
    if (req.method === 'GET' && pod !== null) {
      return json(res, 200, {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: pod[2], namespace: pod[1], uid: 'bdb01908-c2d4-4830-ad2a-b4936f7bed77' },
        spec: { containers: [{ name: 'api', image: 'registry.example.com/payments/api:1.4.2' }], nodeName: 'node-a' },
        status: { phase: 'Running' },
      });
    }
    return json(res, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      code: 404,
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!/\/pods\/[^/]+\/exec$/.test(new URL(req.url ?? '/', 'http://x').pathname)) {
      socket.destroy();
      return;
    }
    offered.push(req.headers['sec-websocket-protocol'] ?? '');
    acceptExec(req, socket, head, (r) => {
      seen.push(r);
      return run(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    offered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
