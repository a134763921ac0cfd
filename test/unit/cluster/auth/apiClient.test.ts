import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { createApiClients } from '../../../../src/cluster/auth/apiClient';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { FakeClock, type TempDir, fakeJwt } from './support/fixtures';
import { clientsFor } from './support/clients';
import { writeTestPlugin } from './support/execPluginScript';
import { type RecordingServer, useRecordingServer } from './support/recordingServer';

let server: RecordingServer;
let tmp: TempDir;

useRecordingServer(
  'cc-apiclient-',
  (s) => (server = s),
  (t) => (tmp = t),
);

const NOW = Math.floor(Date.now() / 1000);
const TOKEN_A = fakeJwt({ sub: 'alice', exp: NOW + 3600, jti: 'a' });
const TOKEN_B = fakeJwt({ sub: 'alice', exp: NOW + 7200, jti: 'b' });

const sent = (): (string | undefined)[] => server.requests.map((r) => r.authorization);

describe('rawRequest', () => {
  it('fetches an endpoint client-node lacks, with the Accept header it needs', async () => {
    server.acceptTokens.add(TOKEN_A);
    const { clients } = clientsFor(tmp, server, { token: TOKEN_A });
    const res = await clients.rawRequest('/openid/v1/jwks', { headers: { Accept: 'application/jwk-set+json' } });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/jwk-set+json');
    assert.equal(JSON.parse(res.body).keys[0].kid, 'test-key');
    assert.deepEqual(
      server.requests.map((r) => [r.path, r.accept, r.authorization]),
      [['/openid/v1/jwks', 'application/jwk-set+json', `Bearer ${TOKEN_A}`]],
    );
  });

  it('returns a refused answer as a classified value, not a throw', async () => {
    server.acceptTokens.add(TOKEN_A);
    const { clients } = clientsFor(tmp, server, { token: TOKEN_A });
    const res = await clients.rawRequest('/openid/v1/jwks');
    assert.ok(!res.ok);
    assert.equal(res.status, 406);
    assert.equal(res.error.kind, 'invalid');
    const missing = await clients.rawRequest('/apis/example.com/v1/things');
    assert.ok(!missing.ok);
    assert.equal(missing.error.kind, 'notFound');
    assert.match(missing.error.message, /does not serve \/apis\/example\.com\/v1\/things \(404\)/);
  });

  it('goes through the same refresh and single retry after a 401', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: TOKEN_A }, { token: TOKEN_B }] });
    server.acceptTokens.add(TOKEN_B);
    const { clients, unauthorized } = clientsFor(tmp, server, { exec: plugin.exec });
    const res = await clients.rawRequest('/openid/v1/jwks', { headers: { Accept: 'application/jwk-set+json' } });
    assert.ok(res.ok);
    assert.deepEqual(sent(), [`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_B}`]);
    assert.equal(unauthorized.length, 1);
  });

  it('sends basic auth from the kubeconfig', async () => {
    const { clients } = clientsFor(tmp, server, { username: 'admin', password: 'pa55word' });
    const res = await clients.rawRequest('/api/v1/namespaces/payments/pods');
    assert.ok(!res.ok);
    assert.deepEqual(sent(), [`Basic ${Buffer.from('admin:pa55word').toString('base64')}`]);
  });
});

describe('KubeConfig for Watch, Exec and Log', () => {
  it('holds the current credential and works with client-node directly', async () => {
    server.acceptTokens.add(TOKEN_A);
    const tokenFile = tmp.file('token', TOKEN_A);
    const { clients } = clientsFor(tmp, server, { tokenFile });
    const result = await clients.kubeConfig();
    assert.ok(result.ok);
    assert.equal(result.kc.getCurrentUser()?.token, TOKEN_A);
    assert.equal(result.kc.getCurrentUser()?.authProvider, undefined, 'nothing left for client-node to re-read on its own');
    const list = await result.kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    assert.equal(list.kind, 'PodList');
  });

  it('withKubeConfig refreshes once after a 401 and runs the work once more', async () => {
    const clock = new FakeClock();
    const tokenFile = tmp.file('token', TOKEN_A);
    server.acceptTokens.add(TOKEN_B);
    const { clients } = clientsFor(tmp, server, { tokenFile }, { nowMs: clock.now });
    await clients.kubeConfig();
    writeFileSync(tokenFile, TOKEN_B);
    let calls = 0;
    const list = await clients.withKubeConfig(async (kc: KubeConfig) => {
      calls++;
      return kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    });
    assert.equal(list.kind, 'PodList');
    assert.equal(calls, 2);
    assert.deepEqual(sent(), [`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_B}`]);
  });

  it('withKubeConfig gives up after one retry when the fresh credential is rejected too', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: TOKEN_A }] });
    const { clients } = clientsFor(tmp, server, { exec: plugin.exec });
    let calls = 0;
    const err = await clients
      .withKubeConfig(async (kc: KubeConfig) => {
        calls++;
        return kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
      })
      .then(
        () => assert.fail('every token is rejected'),
        (e: unknown) => e,
      );
    assert.equal(calls, 2);
    assert.equal(plugin.runs(), 2);
    assert.equal(clients.classify(err).kind, 'unauthorized');
  });

  it('gives a Watch that ended in 401 a KubeConfig with the refreshed token', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: TOKEN_A }, { token: TOKEN_B }] });
    server.acceptTokens.add(TOKEN_B);
    const { clients } = clientsFor(tmp, server, { exec: plugin.exec });
    const first = await clients.kubeConfig();
    assert.ok(first.ok);

    const watchEnd = (kc: KubeConfig): Promise<unknown> =>
      new Promise((resolve) => {
        void new Watch(kc).watch(
          '/api/v1/namespaces/payments/pods',
          {},
          () => undefined,
          (err) => resolve(err),
        );
      });
    const err = await watchEnd(first.kc);
    assert.equal(clients.classify(err).kind, 'unauthorized');

    const next = await clients.kubeConfigAfterUnauthorized(first.kc);
    assert.ok(next?.ok);
    assert.equal(next.kc.getCurrentUser()?.token, TOKEN_B);
    assert.equal(await watchEnd(next.kc), null);
    assert.deepEqual(sent(), [`Bearer ${TOKEN_A}`, `Bearer ${TOKEN_B}`]);
  });
});

describe('a context whose cluster is missing', () => {
  it('fails every request with a sentence instead of a URL error', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [], users: [{ name: 'u', token: TOKEN_A }], contexts: [{ name: 'c', cluster: 'ghost', user: 'u' }], currentContext: 'c' });
    const clients = createApiClients(new CredentialProvider(kc, 'c', { trustExecPlugins: true }));
    const err = await clients
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'payments' })
      .then(
        () => assert.fail('there is no cluster to talk to'),
        (e: unknown) => e,
      );
    assert.match(clients.classify(err).message, /uses cluster "ghost", which the kubeconfig does not define with a server/);
  });
});
