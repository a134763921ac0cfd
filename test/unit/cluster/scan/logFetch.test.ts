// Reading container logs for a scan: every read is capped with limitBytes (and a cut log is reported), and
// Cancel stops a read that is in flight, not only the next one.
import assert from 'node:assert/strict';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { type ApiClients, createApiClients } from '../../../../src/cluster/auth/apiClient';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { DEFAULT_LOG_LIMIT_BYTES, fetchPodLogs, scanUnauthorized } from '../../../../src/cluster/scan/unauthorizedScan';
import { type TempDir, kubeconfigYaml, tempDir } from '../auth/support/fixtures';
import { createTestCa } from '../auth/support/recordingServer';
import { waitFor } from '../support/session';
import { type Harness, PATTERNS, onePod, startHarness } from './support';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', uid: 'uid-web-1' },
  spec: { serviceAccountName: 'web', nodeName: 'node-1', containers: [{ name: 'app', image: 'app:1' }] },
};

describe('pod log reads against a server that answers the pod and then its log, or never the log', () => {
  let server: https.Server;
  let url = '';
  let caPem = '';
  let tmp: TempDir;
  let api: ApiClients;
  let answerLogs = true;
  const logQueries: URLSearchParams[] = [];

  before(async () => {
    const ca = createTestCa();
    const cert = ca.issue('kube-apiserver', { serverNames: ['localhost'], ips: ['127.0.0.1'] });
    caPem = ca.caPem;
    server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      const u = new URL(req.url ?? '/', 'https://x');
      if (u.pathname === '/api/v1/namespaces/shop/pods/web-1') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(POD));
      } else if (u.pathname === '/api/v1/namespaces/shop/pods/web-1/log') {
        logQueries.push(u.searchParams);
        if (answerLogs) res.writeHead(200, { 'content-type': 'text/plain' }).end('2026-11-22T03:40:01Z GET / 401 Unauthorized\n');
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tmp = tempDir('cc-logfetch-');
    const file = tmp.file('config', kubeconfigYaml({ server: url, caPem, user: { token: 'log-reader' } }));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok, !load.ok ? load.message : '');
    // A deadline far beyond the test's own timeout: only Cancel can end the hanging read here.
    api = createApiClients(new CredentialProvider(load.kc, 'test', { trustExecPlugins: false }), { env: {}, requestTimeoutSeconds: 120 });
  });

  after(async () => {
    server.closeAllConnections();
    await api.dispose();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    tmp.remove();
  });

  it('asks for at most 4 MiB of each log unless told otherwise', { timeout: 5000 }, async () => {
    answerLogs = true;
    logQueries.length = 0;
    const { logs, problems } = await fetchPodLogs({ context: 'test', api }, POD, { tailLines: 100 });
    assert.deepEqual(problems, []);
    assert.equal(logs.length, 1);
    assert.deepEqual(
      logQueries.map((q) => [q.get('limitBytes'), q.get('tailLines'), q.get('container')]),
      [[String(DEFAULT_LOG_LIMIT_BYTES), '100', 'app']],
    );
    assert.equal(DEFAULT_LOG_LIMIT_BYTES, 4 * 1024 * 1024);
  });

  it('stops a log read in flight when the scan is cancelled, without calling it a problem', { timeout: 5000 }, async () => {
    answerLogs = false;
    logQueries.length = 0;
    const controller = new AbortController();
    const scan = scanUnauthorized(
      { context: 'test', api },
      { kind: 'pod', namespace: 'shop', name: 'web-1' },
      { patterns: PATTERNS, signal: controller.signal },
    );
    await waitFor('the log read to reach the server', () => logQueries.length === 1);
    controller.abort();
    const result = await scan;
    assert.equal(result.cancelled, true);
    assert.deepEqual(result.problems, []);
    assert.equal(result.scanned.logs, 0);
  });
});

describe('a log longer than the cap, on the test cluster', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['healthy']);
  });
  after(() => h.close());

  it('comes back cut at limitBytes, and the cut is reported', async () => {
    const name = onePod(h.cluster, 'payments', 'api-').metadata.name;
    const logs = h.cluster.logs.container('payments', name, 'api');
    for (let i = 0; i < 40; i++) logs.append(`line ${i} of a chatty container that logs a lot`);
    const pod = await h.session.api.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: 'payments', name });
    const { logs: read, problems } = await fetchPodLogs(h.session, pod, { limitBytes: 512 });
    const api = read.find((l) => l.container === 'api' && !l.previous);
    assert.ok(api);
    assert.equal(Buffer.byteLength(api.text), 512);
    assert.deepEqual(
      problems.filter((p) => p.includes('(api)')),
      [
        `logs of payments/${name} (api): only the first 512 bytes of the window were read; lower clusterCredentials.logs.tailLines or logs.sinceSeconds to scan the newest lines`,
      ],
    );
  });
});
