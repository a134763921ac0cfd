// Every request has a deadline, answer body included, combined with the caller's signal; dispose() stops what is
// in flight; watches are not cut. Against a local HTTPS server that accepts and then does not answer.
import assert from 'node:assert/strict';
import type https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { type ApiClients, type ApiClientsOptions, createApiClients } from '../../../../src/cluster/auth/apiClient';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { type TempDir, kubeconfigYaml, tempDir } from './support/fixtures';
import { startTlsServer, type TlsServer } from './support/recordingServer';
import { waitFor } from '../support/session';

type Mode = 'silent' | 'stallBody' | 'slowWatch';

const TOKEN = 'deadline-test-token';
const POD_LIST = '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}';

let mode: Mode = 'silent';
let seen: string[] = [];
let url = '';
let caPem = '';
let server: https.Server;
let tls: TlsServer;
let tmp: TempDir;
const open: ApiClients[] = [];

before(async () => {
  tls = await startTlsServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url ?? '/');
    req.resume();
    if (mode === 'stallBody') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(POD_LIST.slice(0, 20));
    } else if (mode === 'slowWatch') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a"}}}\n');
      setTimeout(() => res.end('{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"b"}}}\n'), 600);
    }
    // 'silent': the connection is accepted and the request read, and nothing is ever sent back.
  });
  ({ url, caPem, server } = tls);
});

after(() => tls.close());

beforeEach(() => {
  mode = 'silent';
  seen = [];
  tmp = tempDir('cc-deadline-');
});

// Bounded, since a dispose() that waits for what is in flight is one of the failures these tests look for.
afterEach(
  async () => {
    server.closeAllConnections();
    await Promise.all(open.splice(0).map((c) => c.dispose()));
    tmp.remove();
  },
  { timeout: 5000 },
);

function clients(options: ApiClientsOptions): ApiClients {
  const file = tmp.file('config', kubeconfigYaml({ server: url, caPem, user: { token: TOKEN } }));
  const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  assert.ok(load.ok, !load.ok ? load.message : '');
  const c = createApiClients(new CredentialProvider(load.kc, load.currentContext ?? 'test', { trustExecPlugins: false }), { env: {}, ...options });
  open.push(c);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.fail('the request was expected to fail'),
    (e: unknown) => e,
  );
}

const deadlineSentence = (seconds: string): string =>
  `the API server at ${url} did not answer within ${seconds} s; check your network, VPN or proxy, or raise clusterCredentials.requestTimeoutSeconds`;

describe('request deadline', () => {
  it('ends a request the server accepted but never answered, with a sentence', { timeout: 5000 }, async () => {
    const api = clients({ requestTimeoutSeconds: 1 });
    const res = await api.rawRequest('/openid/v1/jwks');
    assert.ok(!res.ok);
    assert.deepEqual(res.error, { kind: 'unreachable', message: deadlineSentence('1'), server: url });
    assert.deepEqual(seen, ['/openid/v1/jwks']);
  });

  it('covers the answer body: headers sent and then silence is still cut', { timeout: 5000 }, async () => {
    mode = 'stallBody';
    const api = clients({ requestTimeoutSeconds: 1 });
    const err = await rejection(api.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' }));
    assert.equal(api.classify(err).message, deadlineSentence('1'));
  });

  it('is 30 s unless set', () => {
    assert.equal(clients({}).requestTimeoutSeconds, 30);
    assert.equal(clients({ requestTimeoutSeconds: 0 }).requestTimeoutSeconds, 30);
    assert.equal(clients({ requestTimeoutSeconds: 5 }).requestTimeoutSeconds, 5);
  });

  it("stops at the caller's signal, for a client made with one and for a raw request", { timeout: 5000 }, async () => {
    const api = clients({ requestTimeoutSeconds: 60 });
    const controller = new AbortController();
    const list = rejection(api.makeApiClient(CoreV1Api, { signal: controller.signal }).listNamespacedPod({ namespace: 'payments' }));
    const raw = api.rawRequest('/openid/v1/jwks', { signal: controller.signal });
    await waitFor('both requests to arrive', () => seen.length === 2);
    controller.abort();
    const err = await list;
    assert.equal((err as Error).name, 'AbortError');
    const res = await raw;
    assert.ok(!res.ok);
    assert.match(res.error.message, /the request timed out or was cancelled/);
  });

  it('dispose() stops what is in flight and refuses what comes after', { timeout: 5000 }, async () => {
    const api = clients({ requestTimeoutSeconds: 60 });
    const list = rejection(api.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' }));
    await waitFor('the request to arrive', () => seen.length === 1);
    await api.dispose();
    const closed = `the request to ${url} was stopped because its connection was closed (the context or kubeconfig changed); try again`;
    assert.equal(api.classify(await list).message, closed);
    const later = await api.rawRequest('/openid/v1/jwks');
    assert.ok(!later.ok);
    assert.equal(later.error.message, closed);
    assert.equal(seen.length, 1, 'nothing is sent after dispose()');
  });

  it('does not cut a watch, which ends by its own timeoutSeconds', { timeout: 5000 }, async () => {
    mode = 'slowWatch';
    const api = clients({ requestTimeoutSeconds: 0.2 });
    const res = await api.rawRequest('/api/v1/namespaces/payments/pods?watch=true&timeoutSeconds=1');
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(res.body.trim().split('\n').length, 2);
  });
});
