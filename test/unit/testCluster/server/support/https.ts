// Requests to a test cluster over real TLS (the cluster CA verifies the server), as the admin
// client certificate, a bearer token, or nobody.

import { request as httpsRequest } from 'node:https';
import type { TestCluster } from '../../../../cluster/server';

export type Auth = 'admin-cert' | 'admin-token' | 'none' | { token: string } | { certPem: string; keyPem: string };

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface RequestSpec {
  method?: string;
  path: string;
  auth?: Auth;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  contentType?: string;
}

export function send(cluster: TestCluster, spec: RequestSpec): Promise<Reply> {
  const auth = spec.auth ?? 'admin-cert';
  const headers: Record<string, string> = { 'User-Agent': 'curl/8.5.0', Accept: 'application/json', ...(spec.headers ?? {}) };
  if (auth === 'admin-token') headers.Authorization = `Bearer ${cluster.adminToken}`;
  else if (typeof auth === 'object' && 'token' in auth) headers.Authorization = `Bearer ${auth.token}`;
  let payload: string | undefined;
  if (spec.body !== undefined) {
    payload = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
    headers['Content-Type'] = spec.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const url = new URL(cluster.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path: spec.path,
        method: spec.method ?? 'GET',
        headers,
        ca: cluster.pki.ca.certPem,
        ...(auth === 'admin-cert' ? { cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem } : {}),
        ...(typeof auth === 'object' && 'certPem' in auth ? { cert: auth.certPem, key: auth.keyPem } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * Open a streaming GET (watch, follow) and collect lines until `until` says stop, the server ends it, or time runs
 * out. Where a test waits for a state, `timeoutMs` is only a safety net for a loaded machine.
 */
export function stream(
  cluster: TestCluster,
  spec: RequestSpec,
  until: (lines: string[]) => boolean,
  timeoutMs = 15_000,
  onOpen: () => void = () => undefined,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; lines: string[]; ended: boolean }> {
  const auth = spec.auth ?? 'admin-cert';
  const headers: Record<string, string> = { 'User-Agent': 'curl/8.5.0', Accept: 'application/json', ...(spec.headers ?? {}) };
  if (auth === 'admin-token') headers.Authorization = `Bearer ${cluster.adminToken}`;
  else if (typeof auth === 'object' && 'token' in auth) headers.Authorization = `Bearer ${auth.token}`;
  const url = new URL(cluster.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        path: spec.path,
        method: 'GET',
        headers,
        ca: cluster.pki.ca.certPem,
        ...(auth === 'admin-cert' ? { cert: cluster.pki.admin.certPem, key: cluster.pki.admin.keyPem } : {}),
      },
      (res) => {
        let buffer = '';
        const lines: string[] = [];
        let done = false;
        const finish = (ended: boolean): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, lines, ended });
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        onOpen();
        res.on('data', (c: Buffer) => {
          buffer += c.toString('utf8');
          let i: number;
          while ((i = buffer.indexOf('\n')) >= 0) {
            lines.push(buffer.slice(0, i));
            buffer = buffer.slice(i + 1);
          }
          if (until(lines)) finish(false);
        });
        res.on('end', () => finish(true));
        res.on('error', () => finish(true));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
