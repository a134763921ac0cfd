// An HTTPS front for the test cluster that answers as an older kube-apiserver would about
// SelfSubjectReview: no v1 (404, the real body), and v1beta1 served (1.27) or not (1.26 and older).
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestCluster } from '../../../cluster/server';

const NOT_FOUND = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server could not find the requested resource',
  reason: 'NotFound',
  details: {},
  code: 404,
});

const V1 = '/apis/authentication.k8s.io/v1/selfsubjectreviews';
const V1BETA1 = '/apis/authentication.k8s.io/v1beta1/selfsubjectreviews';

export interface OlderServer {
  url: string;
  /** Paths asked, in order. */
  asked: string[];
  close(): Promise<void>;
}

export async function startOlderServer(cluster: TestCluster, opts: { beta: boolean }): Promise<OlderServer> {
  const asked: string[] = [];
  const upstream = new URL(cluster.url);
  const server: Server = createServer({ key: cluster.pki.server.keyPem, cert: cluster.pki.server.certPem }, (req, res) => {
    const path = req.url ?? '/';
    asked.push(path);
    const beta = path.startsWith(V1BETA1);
    if (path.startsWith(V1) || (beta && !opts.beta)) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(NOT_FOUND);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks).toString('utf8');
      if (beta) body = body.replace('authentication.k8s.io/v1beta1', 'authentication.k8s.io/v1');
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(Buffer.byteLength(body)) };
      const up = request(
        { hostname: upstream.hostname, port: upstream.port, path: beta ? V1 : path, method: req.method, headers, ca: cluster.pki.ca.certPem },
        (upRes) => {
          const parts: Buffer[] = [];
          upRes.on('data', (c: Buffer) => parts.push(c));
          upRes.on('end', () => {
            let text = Buffer.concat(parts).toString('utf8');
            if (beta) text = text.replace('"authentication.k8s.io/v1"', '"authentication.k8s.io/v1beta1"');
            res.writeHead(upRes.statusCode ?? 502, { 'Content-Type': upRes.headers['content-type'] ?? 'application/json' });
            res.end(text);
          });
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    asked,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
