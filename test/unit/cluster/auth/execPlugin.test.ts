import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { FakeClock, type TempDir, fakeJwt } from './support/fixtures';
import { clientsFor } from './support/clients';
import { writeTestPlugin } from './support/execPluginScript';
import { type RecordingServer, useRecordingServer } from './support/recordingServer';

let server: RecordingServer;
let tmp: TempDir;

useRecordingServer(
  'cc-exec-',
  (s) => (server = s),
  (t) => (tmp = t),
);

const NOW = Math.floor(Date.now() / 1000);
const EXPIRED = fakeJwt({ sub: 'alice', iat: NOW - 7200, exp: NOW - 3600, jti: 'expired' });
const FRESH = fakeJwt({ sub: 'alice', iat: NOW, exp: NOW + 3600, jti: 'fresh' });
const REJECTED = fakeJwt({ sub: 'alice', iat: NOW, exp: NOW + 3600, jti: 'revoked' });

const sent = (): (string | undefined)[] => server.requests.map((r) => r.authorization);

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.fail('the request was expected to fail'),
    (e: unknown) => e,
  );
}

describe('exec plugin credentials', () => {
  it('costs exactly one 401 and one retry when the plugin first hands out an expired token', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: EXPIRED }, { token: FRESH }] });
    server.acceptTokens.add(FRESH);
    const { clients, unauthorized } = clientsFor(tmp, server, { exec: plugin.exec });

    const list = await clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });

    assert.equal(list.kind, 'PodList');
    assert.deepEqual(sent(), [`Bearer ${EXPIRED}`, `Bearer ${FRESH}`]);
    assert.equal(plugin.runs(), 2);
    assert.equal(unauthorized.length, 1);
    assert.deepEqual({ retried: unauthorized[0].retried, recovered: unauthorized[0].recovered }, { retried: true, recovered: true });
  });

  it('retries exactly once when the plugin keeps handing out a rejected token, then reports unauthorized', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: REJECTED }] });
    const { clients, unauthorized } = clientsFor(tmp, server, { exec: plugin.exec });

    const err = await failure(clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' }));
    const classified = clients.classify(err);

    assert.equal(classified.kind, 'unauthorized');
    assert.equal(classified.status, 401);
    // The sentence names what the extension knows of the rejected token: it had not expired.
    assert.match(
      classified.message,
      /^the cluster rejected your credential \(401 Unauthorized\) although your exec plugin's credential is valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d UTC \(in [^)]+\): it may have been revoked/,
    );
    assert.equal(server.requests.length, 2, 'one attempt and one retry, no loop');
    assert.equal(plugin.runs(), 2);
    assert.deepEqual(
      unauthorized.map((e) => [e.retried, e.recovered]),
      [[true, false]],
    );
    assert.ok(!classified.message.includes(REJECTED));
  });

  it('says why there is no retry when the plugin fails after a 401', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: REJECTED }, { exitCode: 1, stderr: 'error: refresh token revoked\n' }] });
    const { clients, unauthorized } = clientsFor(tmp, server, { exec: plugin.exec });

    const err = await failure(clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' }));
    const classified = clients.classify(err);

    assert.equal(classified.kind, 'unauthorized');
    assert.equal(classified.status, 401);
    assert.match(
      classified.message,
      /^the cluster rejected your credential \(401 Unauthorized\) and no fresh one could be made: the exec plugin ".*" failed with exit code 1: error: refresh token revoked$/,
    );
    assert.equal(server.requests.length, 1);
    assert.equal(unauthorized[0].retried, false);
    assert.match(unauthorized[0].refreshProblem ?? '', /refresh token revoked/);
  });

  it('shares one plugin run between requests that fail together', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: EXPIRED }, { token: FRESH }] });
    server.acceptTokens.add(FRESH);
    const { clients } = clientsFor(tmp, server, { exec: plugin.exec });
    const core = clients.makeApiClient(CoreV1Api);

    await Promise.all([1, 2, 3, 4, 5].map(() => core.listNamespacedPod({ namespace: 'payments' })));

    assert.equal(plugin.runs(), 2, 'one run for the first credential, one after the 401s');
    assert.equal(sent().filter((a) => a === `Bearer ${EXPIRED}`).length, 5);
    assert.equal(sent().filter((a) => a === `Bearer ${FRESH}`).length, 5);
  });

  it('caches the credential until its expirationTimestamp, then runs the plugin again', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 22, 4, 0, 0));
    const plugin = writeTestPlugin(tmp.dir, {
      answers: [
        { token: EXPIRED, expirationTimestamp: '2026-11-22T04:10:00Z' },
        { token: FRESH, expirationTimestamp: '2026-11-22T05:00:00Z' },
      ],
    });
    server.acceptTokens.add(EXPIRED).add(FRESH);
    const { clients } = clientsFor(tmp, server, { exec: plugin.exec }, { nowMs: clock.now });
    const core = clients.makeApiClient(CoreV1Api);

    await core.listNamespacedPod({ namespace: 'payments' });
    clock.advance(9 * 60);
    await core.listNamespacedPod({ namespace: 'payments' });
    assert.equal(plugin.runs(), 1);
    clock.advance(60);
    await core.listNamespacedPod({ namespace: 'payments' });
    assert.equal(plugin.runs(), 2);
    assert.deepEqual(sent(), [`Bearer ${EXPIRED}`, `Bearer ${EXPIRED}`, `Bearer ${FRESH}`]);
  });

  it('reload() re-runs the plugin and returns the expiry before and after', async () => {
    const plugin = writeTestPlugin(tmp.dir, {
      answers: [
        { token: EXPIRED, expirationTimestamp: '2026-11-22T04:10:00Z' },
        { token: FRESH, expirationTimestamp: '2026-11-22T05:00:00Z' },
      ],
    });
    const { provider } = clientsFor(tmp, server, { exec: plugin.exec }, { nowMs: new FakeClock().now });
    assert.ok((await provider.get()).ok);
    const reload = await provider.reload();
    assert.deepEqual(reload, { expiryBeforeSec: Date.UTC(2026, 10, 22, 4, 10) / 1000, expiryAfterSec: Date.UTC(2026, 10, 22, 5, 0) / 1000, changed: true });
    assert.equal(plugin.runs(), 2);
    assert.equal(provider.describe().expirySource, 'exec');
  });

  it('passes the kubeconfig env and args and sets KUBERNETES_EXEC_INFO as kubectl does', async () => {
    const plugin = writeTestPlugin(
      tmp.dir,
      { answers: [{ token: FRESH }] },
      { env: [{ name: 'PLUGIN_ENV', value: 'from-kubeconfig' }], provideClusterInfo: true },
    );
    server.acceptTokens.add(FRESH);
    const { clients } = clientsFor(tmp, server, { exec: plugin.exec });
    await clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });

    const run = plugin.run(1);
    assert.equal(run.pluginEnv, 'from-kubeconfig');
    assert.deepEqual(run.execInfo, {
      kind: 'ExecCredential',
      apiVersion: 'client.authentication.k8s.io/v1',
      spec: {
        interactive: false,
        cluster: { server: server.url, 'certificate-authority-data': Buffer.from(server.ca.caPem).toString('base64'), config: null },
      },
    });
  });

  it('leaves out the cluster from KUBERNETES_EXEC_INFO unless provideClusterInfo is set', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: FRESH }] });
    const { provider } = clientsFor(tmp, server, { exec: plugin.exec });
    assert.ok((await provider.get()).ok);
    assert.deepEqual(plugin.run(1).execInfo, { kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false } });
  });

  it('authenticates with a client certificate the plugin returns', async () => {
    const cert = server.ca.issue('exec-user', { organizations: ['devs'] });
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ clientCertificateData: cert.certPem, clientKeyData: cert.keyPem }] });
    server.acceptClientCNs.add('exec-user');
    const { clients, provider } = clientsFor(tmp, server, { exec: plugin.exec });

    await clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });

    assert.deepEqual(
      server.requests.map((r) => [r.authorization, r.clientCertCN]),
      [[undefined, 'exec-user']],
    );
    assert.equal(provider.describe().clientCertificate?.commonName, 'exec-user');
  });

  it('does not run the plugin of an untrusted workspace and says so', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: FRESH }] });
    const { clients, provider } = clientsFor(tmp, server, { exec: plugin.exec }, { trustExecPlugins: false });

    const err = await failure(clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' }));
    const classified = clients.classify(err);

    assert.equal(classified.kind, 'unauthorized');
    assert.match(classified.message, /gets its credential by running ".*", which is not run for an untrusted workspace; trust the workspace to allow it/);
    assert.equal(plugin.runs(), 0);
    assert.equal(server.requests.length, 0);
    const reload = await provider.reload();
    assert.equal(plugin.runs(), 0);
    assert.match(reload.problem ?? '', /untrusted workspace/);
  });

  it('reports the plugin stderr in the error sentence, with any token in it removed', async () => {
    const plugin = writeTestPlugin(tmp.dir, {
      answers: [],
      exitCode: 3,
      stderr: `error: SSO session expired (cached ${FRESH})\nrun: aws sso login --profile prod\n`,
    });
    const { clients } = clientsFor(tmp, server, { exec: plugin.exec });

    const err = await failure(clients.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' }));
    const classified = clients.classify(err);

    assert.equal(classified.kind, 'unauthorized');
    assert.match(
      classified.message,
      /^the exec plugin ".*" failed with exit code 3: error: SSO session expired \(cached eyJ…\[token sha256:[0-9a-f]{8}\]\) run: aws sso login --profile prod$/,
    );
    assert.ok(!classified.message.includes(FRESH));
  });

  it('says when the plugin never answers', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [], hang: true });
    const { provider } = clientsFor(tmp, server, { exec: plugin.exec }, { execTimeoutMs: 300 });
    const result = await provider.get();
    assert.ok(!result.ok);
    assert.equal(result.problem, 'execFailed');
    assert.match(result.message, /did not answer within 0\.3 s; run it in a terminal/);
  });

  it('explains a missing command with the install hint', async () => {
    const { provider } = clientsFor(tmp, server, {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: 'definitely-not-installed-plugin',
        installHint: 'brew install definitely-not-installed-plugin',
        interactiveMode: 'Never',
      },
    });
    const result = await provider.get();
    assert.ok(!result.ok);
    assert.equal(result.message, 'the exec plugin "definitely-not-installed-plugin" was not found (ENOENT); brew install definitely-not-installed-plugin');
  });

  it('rejects an answer in another apiVersion than the kubeconfig asked for', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: FRESH }], apiVersion: 'client.authentication.k8s.io/v1beta1' });
    const { provider } = clientsFor(tmp, server, { exec: plugin.exec });
    const result = await provider.get();
    assert.ok(!result.ok);
    assert.match(
      result.message,
      /answered with apiVersion client\.authentication\.k8s\.io\/v1beta1 but the kubeconfig asks for client\.authentication\.k8s\.io\/v1/,
    );
  });

  it('does not run a plugin that needs a terminal', async () => {
    const plugin = writeTestPlugin(tmp.dir, { answers: [{ token: FRESH }] }, { interactiveMode: 'Always' });
    const { provider } = clientsFor(tmp, server, { exec: plugin.exec });
    const result = await provider.get();
    assert.ok(!result.ok);
    assert.match(result.message, /needs a terminal \(interactiveMode: Always\)/);
    assert.equal(plugin.runs(), 0);
  });
});
