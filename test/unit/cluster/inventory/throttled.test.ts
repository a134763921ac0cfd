// A throttled API server (429 with Retry-After) is left alone as long as it asks: the error says how long, and a
// kind's list waits at least that before trying again; without Retry-After the reflector's backoff applies.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { type ApiClients, createApiClients } from '../../../../src/cluster/auth/apiClient';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { KindGate, ResourceWatch } from '../../../../src/cluster/inventory/resourceWatch';
import { type TempDir, kubeconfigYaml, tempDir } from '../auth/support/fixtures';
import { startTlsServer, type TlsServer } from '../auth/support/recordingServer';
import { waitFor } from '../support/session';

const STATUS_429 = JSON.stringify({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'Too many requests, please try again later.',
  reason: 'TooManyRequests',
  code: 429,
});

let retryAfter: string | undefined;
let requests: string[] = [];
let url = '';
let caPem = '';
let tls: TlsServer;
let tmp: TempDir;
const open: ApiClients[] = [];

before(async () => {
  tls = await startTlsServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(req.url ?? '/');
    req.resume();
    res.writeHead(429, { 'content-type': 'application/json', ...(retryAfter !== undefined ? { 'Retry-After': retryAfter } : {}) });
    res.end(STATUS_429);
  });
  ({ url, caPem } = tls);
});

after(() => tls.close());

beforeEach(() => {
  retryAfter = undefined;
  requests = [];
  tmp = tempDir('cc-throttled-');
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.dispose()));
  tmp.remove();
});

function clients(): ApiClients {
  const file = tmp.file('config', kubeconfigYaml({ server: url, caPem, user: { token: 'throttled-test-token' } }));
  const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
  assert.ok(load.ok, !load.ok ? load.message : '');
  const c = createApiClients(new CredentialProvider(load.kc, load.currentContext ?? 'test', { trustExecPlugins: false }), { env: {} });
  open.push(c);
  return c;
}

function podsWatch(api: ApiClients, nowMs: number): ResourceWatch<string> {
  return new ResourceWatch<string>({
    api,
    kind: 'pods',
    path: '/api/v1/pods',
    project: () => 'pod',
    gate: new KindGate(),
    onChange: () => undefined,
    nowMs: () => nowMs,
  });
}

describe('a throttled API server', () => {
  it('says in the error how long it asked to be left alone (delay-seconds)', async () => {
    retryAfter = '7';
    const res = await clients().rawRequest('/api/v1/pods?limit=500');
    assert.ok(!res.ok);
    assert.equal(res.status, 429);
    assert.equal(res.error.retryAfterMs, 7000);
  });

  it('has no wait in the error when it did not say one', async () => {
    const res = await clients().rawRequest('/api/v1/pods?limit=500');
    assert.ok(!res.ok);
    assert.equal(res.error.retryAfterMs, undefined);
  });

  it("makes a kind's list wait at least the Retry-After before its next try, and lists once meanwhile", async () => {
    retryAfter = '120';
    const now = 1_800_000_000_000;
    const watch = podsWatch(clients(), now);
    watch.start();
    try {
      const status = await waitFor('the list fails', () => (watch.status.state === 'error' ? watch.status : undefined));
      assert.equal(status.retryAtMs, now + 120_000);
      assert.deepEqual(requests, ['/api/v1/pods?limit=500']);
    } finally {
      watch.stop();
    }
  });

  it('without Retry-After, waits as the reflector does: 0.8 to 1.6 s after the first failure', async () => {
    const now = 1_800_000_000_000;
    const watch = podsWatch(clients(), now);
    watch.start();
    try {
      const status = await waitFor('the list fails', () => (watch.status.state === 'error' ? watch.status : undefined));
      const wait = (status.retryAtMs ?? 0) - now;
      assert.ok(wait >= 800 && wait <= 1600, `waits ${wait} ms`);
    } finally {
      watch.stop();
    }
  });
});
