// A small HTTPS API server for credential tests: records what each request carried and accepts only the tokens
// (or client certificates) it is told to, answering 401 with the Status body a real kube-apiserver sends.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import forge from 'node-forge';
import { after, afterEach, before, beforeEach } from 'node:test';
import { type TempDir, tempDir } from './fixtures';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  accept?: string;
  /** CN of the client certificate the request came with, when it had a valid one. */
  clientCertCN?: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  serverNames?: string[];
  ips?: string[];
  organizations?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

export interface TestCa {
  caPem: string;
  issue(commonName: string, options?: IssueOptions): IssuedCertificate;
}

// The real kube-apiserver 401 body (see test/fixtures/k8s/v1.28/expired-token-pod-list-401.json).
const UNAUTHORIZED_BODY = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}';

function rsaKeyPair(): { privatePem: string; publicPem: string } {
  // node:crypto generates keys natively; node-forge would take seconds in pure JS.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

function serial(): string {
  // A leading 0x01 keeps the serial positive in DER.
  return `01${randomBytes(8).toString('hex')}`;
}

export function createTestCa(name = 'cluster-credentials-test-ca'): TestCa {
  const keys = rsaKeyPair();
  const caKey = forge.pki.privateKeyFromPem(keys.privatePem);
  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(Date.now() - 3600_000);
  ca.validity.notAfter = new Date(Date.now() + 10 * 365 * 86400_000);
  const attrs = [{ name: 'commonName', value: name }];
  ca.setSubject(attrs);
  ca.setIssuer(attrs);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(ca);

  return {
    caPem,
    issue(commonName, options = {}) {
      const leafKeys = rsaKeyPair();
      const cert = forge.pki.createCertificate();
      cert.publicKey = forge.pki.publicKeyFromPem(leafKeys.publicPem);
      cert.serialNumber = serial();
      cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 3600_000);
      cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * 86400_000);
      cert.setSubject([{ name: 'commonName', value: commonName }, ...(options.organizations ?? []).map((o) => ({ name: 'organizationName', value: o }))]);
      cert.setIssuer(ca.subject.attributes);
      const altNames = [...(options.serverNames ?? []).map((value) => ({ type: 2, value })), ...(options.ips ?? []).map((ip) => ({ type: 7, ip }))];
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
        ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
      ]);
      cert.sign(caKey, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(cert), keyPem: leafKeys.privatePem };
    },
  };
}

export interface RecordingServer {
  url: string;
  port: number;
  ca: TestCa;
  requests: RecordedRequest[];
  /** Bearer tokens the server accepts; change it at any time. */
  acceptTokens: Set<string>;
  /** Client-certificate common names the server accepts. */
  acceptClientCNs: Set<string>;
  close(): Promise<void>;
}

export interface RecordingServerOptions {
  acceptTokens?: string[];
  acceptClientCNs?: string[];
  ca?: TestCa;
}

const POD_LIST = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] };
const JWKS = { keys: [{ use: 'sig', kty: 'RSA', kid: 'test-key', alg: 'RS256', n: 'AQAB', e: 'AQAB' }] };

/**
 * One recording server for the test file; before each test a fresh temporary folder, the record emptied
 * and nothing accepted until the test says so.
 */
export function useRecordingServer(tmpPrefix: string, ready: (server: RecordingServer) => void, fresh: (tmp: TempDir) => void): void {
  let server: RecordingServer | undefined;
  let tmp: TempDir | undefined;
  before(async () => {
    server = await startRecordingServer();
    ready(server);
  });
  after(() => server?.close());
  beforeEach(() => {
    tmp = tempDir(tmpPrefix);
    fresh(tmp);
    if (!server) return;
    server.requests.length = 0;
    server.acceptTokens.clear();
    server.acceptClientCNs.clear();
  });
  afterEach(() => tmp?.remove());
}

export async function startRecordingServer(options: RecordingServerOptions = {}): Promise<RecordingServer> {
  const ca = options.ca ?? createTestCa();
  const serverCert = ca.issue('kube-apiserver', { serverNames: ['localhost'], ips: ['127.0.0.1'] });
  const requests: RecordedRequest[] = [];
  const acceptTokens = new Set(options.acceptTokens ?? []);
  const acceptClientCNs = new Set(options.acceptClientCNs ?? []);

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket as TLSSocket;
    const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
    const cn = peer && typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined;
    const record: RecordedRequest = { method: req.method ?? 'GET', path: req.url ?? '/' };
    if (req.headers.authorization !== undefined) record.authorization = req.headers.authorization;
    if (req.headers.accept !== undefined) record.accept = req.headers.accept;
    if (cn !== undefined) record.clientCertCN = cn;
    requests.push(record);
    req.resume();
    req.on('end', () => {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const authenticated = (bearer !== undefined && acceptTokens.has(bearer)) || (cn !== undefined && acceptClientCNs.has(cn));
      if (!authenticated) return send(res, 401, 'application/json', UNAUTHORIZED_BODY);
      const path = (req.url ?? '/').split('?')[0];
      if (/^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(path)) return send(res, 200, 'application/json', JSON.stringify(POD_LIST));
      if (path === '/openid/v1/jwks') {
        const accept = req.headers.accept ?? '*/*';
        if (accept.includes('application/jwk-set+json') || accept.includes('*/*')) {
          return send(res, 200, 'application/jwk-set+json', JSON.stringify(JWKS));
        }
        return send(
          res,
          406,
          'application/json',
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: '406: Not Acceptable\n\nAvailable representations: application/jwk-set+json',
            reason: 'NotAcceptable',
            details: {},
            code: 406,
          }),
        );
      }
      return send(
        res,
        404,
        'application/json',
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'the server could not find the requested resource',
          reason: 'NotFound',
          details: {},
          code: 404,
        }),
      );
    });
  };

  const server = https.createServer(
    { key: serverCert.keyPem, cert: serverCert.certPem, ca: [ca.caPem], requestCert: true, rejectUnauthorized: false },
    handler,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    ca,
    requests,
    acceptTokens,
    acceptClientCNs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A bare HTTPS server on 127.0.0.1, for an API server that answers as the test cluster never does (429s, silence, a stalled body). */
export interface TlsServer {
  url: string;
  caPem: string;
  server: https.Server;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

export async function startTlsServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TlsServer> {
  const ca = createTestCa();
  const cert = ca.issue('kube-apiserver', { serverNames: ['localhost'], ips: ['127.0.0.1'] });
  const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: ca.caPem,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
