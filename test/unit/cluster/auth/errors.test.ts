import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { createApiClients } from '../../../../src/cluster/auth/apiClient';
import { CredentialProvider } from '../../../../src/cluster/auth/credentials';
import { type ClusterErrorKind, answerDetail, classifyError, classifyResponse, clusterError } from '../../../../src/cluster/errors';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { redactSecrets } from '../../../../src/cluster/redact';
import { type TempDir, fixture, fixtureToken, fixturesDir, kubeconfigYaml, tempDir } from './support/fixtures';
import { clientsFor } from './support/clients';
import { type RecordingServer, startRecordingServer } from './support/recordingServer';

const TOKEN = fixtureToken('api-bound-pod-3607s.jwt');

function fromFixture(version: 'v1.28' | 'v1.32', name: string) {
  const f = fixture(version, name);
  return classifyResponse(f.response.status, f.response.body);
}

describe('classifyResponse on recorded kube-apiserver answers', () => {
  it('classifies every recorded failure by its status', () => {
    const expected: Record<number, ClusterErrorKind> = {
      400: 'invalid',
      401: 'unauthorized',
      403: 'forbidden',
      404: 'notFound',
      406: 'invalid',
      409: 'conflict',
      410: 'conflict',
      415: 'invalid',
      422: 'invalid',
      500: 'server',
    };
    let checked = 0;
    for (const version of ['v1.28', 'v1.32'] as const) {
      const dir = fixturesDir(version);
      for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
        const f = fixture(version, name);
        if (f.response.status < 400) continue;
        const c = classifyResponse(f.response.status, f.response.body);
        assert.equal(c.kind, expected[f.response.status], `${version}/${name}`);
        assert.equal(c.status, f.response.status);
        assert.ok(c.message.length > 0 && !c.message.includes('\n'), `${version}/${name}: one line`);
        checked++;
      }
    }
    assert.ok(checked > 40, `checked ${checked} recorded failures`);
  });

  it('explains a 401 as a rejected credential', () => {
    const c = fromFixture('v1.28', 'expired-token-pod-list-401.json');
    assert.deepEqual(c, {
      kind: 'unauthorized',
      status: 401,
      reason: 'Unauthorized',
      credentialProblem: 'rejected',
      message: 'the cluster rejected your credential (401 Unauthorized); run Reload Credentials or log in again to get a fresh one',
    });
  });

  it('names the expiry of the credential that was sent, when the caller knows it', () => {
    const body = fixture('v1.28', 'expired-token-pod-list-401.json').response.body;
    const now = 1_800_000_000;
    const c = classifyResponse(401, body, { nowSec: now, credential: () => ({ kind: 'token', expiresAtSec: now - 3 * 86_400 }) });
    assert.equal(c.credentialProblem, 'rejected');
    assert.match(
      c.message,
      /^the cluster rejected your credential \(401 Unauthorized\): your token expired 3 days ago \(2027-01-12T08:00:00 UTC\); log in again/,
    );
  });

  it('names the verb, resource and namespace of a 403 and who lacks them', () => {
    const c = fromFixture('v1.28', 'sa-token-no-rbac-pod-list-403.json');
    assert.equal(c.kind, 'forbidden');
    assert.equal(c.verb, 'list');
    assert.equal(c.resource, 'pods');
    assert.equal(c.namespace, 'payments');
    assert.equal(
      c.message,
      'you cannot list pods in namespace payments (403): service account payments/default lacks the list verb on pods; ask a cluster admin for a Role or ClusterRole that grants it',
    );
  });

  it('tells an anonymous 403 apart: no credential reached the cluster', () => {
    const c = fromFixture('v1.32', 'anonymous-pod-list-403.json');
    assert.match(
      c.message,
      /^you cannot list pods in namespace payments \(403\): user system:anonymous lacks the list verb on pods; the cluster did not recognise any credential/,
    );
  });

  it('reads subresources, API groups, cluster scope and non-resource paths', () => {
    const exec = fromFixture('v1.28', 'pod-exec-sa-token-forbidden.json');
    assert.deepEqual([exec.verb, exec.resource, exec.namespace], ['create', 'pods/exec', 'payments']);
    const ssr = fromFixture('v1.28', 'selfsubjectreview-v1-anonymous.json');
    assert.equal(ssr.resource, 'selfsubjectreviews.authentication.k8s.io');
    assert.match(ssr.message, /^you cannot create selfsubjectreviews\.authentication\.k8s\.io across the cluster \(403\)/);
    const jwks = fromFixture('v1.32', 'openid-jwks-anonymous.json');
    assert.match(jwks.message, /^you cannot get \/openid\/v1\/jwks \(403\)/);
  });

  it('keeps an admission 403 message as it is', () => {
    const c = fromFixture('v1.28', 'pod-create-bad-sa-403.json');
    assert.equal(c.kind, 'forbidden');
    assert.match(c.message, /serviceaccount "ghost" not found/);
  });

  it('names what was not found', () => {
    assert.equal(
      fromFixture('v1.28', 'namespace-get-missing-404.json').message,
      'namespaces does-not-exist was not found (404); it may have been deleted, so refresh the view',
    );
    const api = fromFixture('v1.28', 'selfsubjectreview-v1beta1-admin-404.json');
    assert.match(api.message, /does not serve the requested resource \(404\)/);
  });

  it('explains conflicts, expired lists, invalid fields and backend failures', () => {
    assert.match(
      fromFixture('v1.28', 'deployment-put-stale-resourceversion-409.json').message,
      /the object has been modified.*\(409 Conflict\); reload and try again$/,
    );
    assert.match(fromFixture('v1.28', 'pod-list-continue-expired-410.json').message, /\(410 Gone\); list again from the start$/);
    assert.equal(
      fromFixture('v1.28', 'tokenrequest-error-below-minimum.json').message,
      'the cluster rejected the request as invalid (422): spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes',
    );
    assert.match(
      fromFixture('v1.28', 'openid-jwks-accept-json-406.json').message,
      /^the cluster rejected the request as invalid \(406\): 406: Not Acceptable$/,
    );
    assert.match(
      fromFixture('v1.28', 'pod-log-on-node-kubelet-unreachable.json').message,
      /^the cluster failed to answer \(500\): .*connection refused; try again later$/,
    );
  });
});

describe('classifyError on thrown values', () => {
  it('reads client-node ApiExceptions, with the body as text or absent', () => {
    const f = fixture('v1.28', 'anonymous-pod-list-403.json');
    const forbidden = classifyError(new ApiException(403, 'Unknown API Status Code!', JSON.stringify(f.response.body), {}));
    assert.equal(forbidden.kind, 'forbidden');
    assert.equal(forbidden.verb, 'list');
    // client-node throws 401s without a body.
    const unauthorized = classifyError(new ApiException(401, 'Unauthorized', undefined, {}));
    assert.equal(unauthorized.kind, 'unauthorized');
    assert.equal(unauthorized.status, 401);
  });

  it('reads the statusCode of a Watch error', () => {
    const err = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    assert.equal(classifyError(err, { verb: 'watch', resource: 'pods', namespace: 'db' }).message, 'you cannot watch pods in namespace db (403): Forbidden');
  });

  it('never lets a token through, whatever the error says', () => {
    const c = classifyError(new Error(`request failed with header Authorization: Bearer ${TOKEN}`));
    assert.equal(c.kind, 'unknown');
    assert.ok(!c.message.includes(TOKEN));
    assert.match(c.message, /Bearer \[masked\]/);
    const inBody = classifyResponse(500, JSON.stringify({ kind: 'Status', message: `bad token ${TOKEN}`, code: 500 }));
    assert.ok(!inBody.message.includes(TOKEN));
  });
});

describe('classifyError on real network failures', () => {
  let tmp: TempDir;
  let server: RecordingServer;
  before(async () => {
    server = await startRecordingServer({ acceptTokens: [TOKEN] });
  });
  after(() => server.close());
  beforeEach(() => {
    tmp = tempDir('cc-errors-');
  });
  afterEach(() => tmp.remove());

  it('reports ECONNREFUSED against a closed port as unreachable, naming the server', async () => {
    const port = await closedPort();
    const closed = { ...server, url: `https://127.0.0.1:${port}` };
    const { clients } = clientsFor(tmp, closed, { token: TOKEN });
    const err = await clients
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'payments' })
      .then(
        () => assert.fail('nothing listens there'),
        (e: unknown) => e,
      );
    const c = clients.classify(err);
    assert.equal(c.kind, 'unreachable');
    assert.equal(c.code, 'ECONNREFUSED');
    assert.equal(c.server, `https://127.0.0.1:${port}`);
    assert.match(
      c.message,
      new RegExp(`^the API server at https://127\\.0\\.0\\.1:${port} refused the connection \\(ECONNREFUSED\\); check that the cluster is running`),
    );
    assert.ok(!c.message.includes(TOKEN));
  });

  it('reports an unknown certificate authority as a TLS problem', async () => {
    const file = tmp.file('config', kubeconfigYaml({ server: server.url, user: { token: TOKEN } }));
    const load = loadKubeconfig({ settingPath: file, env: {}, home: tmp.dir });
    assert.ok(load.ok);
    const clients = createApiClients(new CredentialProvider(load.kc, 'test', { trustExecPlugins: false }));
    const err = await clients
      .makeApiClient(CoreV1Api)
      .listNamespacedPod({ namespace: 'payments' })
      .then(
        () => assert.fail('the server certificate is not trusted'),
        (e: unknown) => e,
      );
    const c = clients.classify(err);
    assert.equal(c.kind, 'tls');
    assert.match(c.message, new RegExp(`^the TLS connection to ${server.url.replace(/\./g, '\\.')} failed \\(`));
    assert.ok(!c.message.includes(TOKEN));
  });
});

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('the detail carried for the log', () => {
  it('keeps the whole, masked answer out of the sentence and in `detail`; promises no log it cannot write', () => {
    const c = classifyError(new Error(`upstream closed\nwhile sending Authorization: Bearer ${TOKEN}\nretry later`));
    assert.equal(c.kind, 'unknown');
    assert.doesNotMatch(c.message, /see the log/);
    assert.match(c.message, /^the request failed: upstream closed; try again/);
    assert.match(c.detail ?? '', /while sending Authorization: Bearer eyJ…\[token sha256:[0-9a-f]{8}\]\nretry later/);
    assert.ok(!(c.detail ?? '').includes(TOKEN));
  });

  it('caps a long answer and masks what clusterError is given', () => {
    assert.match(answerDetail('x'.repeat(5000)), /^text body, 5000 characters: x{1000}… \[4000 more characters\]$/);
    assert.equal(answerDetail({ kind: 'Status' }), 'JSON body, 17 characters: {"kind":"Status"}');
    assert.match(answerDetail('<html><body>login</body></html>', 'text/html; charset=utf-8'), /^text\/html; charset=utf-8 body, 31 characters: <html>/);
    const e = clusterError({ kind: 'unknown', message: 'm', detail: answerDetail({ status: { token: TOKEN } }) });
    assert.ok(!(e.detail ?? '').includes(TOKEN), e.detail);
  });
});

describe('redactSecrets', () => {
  it('removes JWTs and header credentials but keeps prose', () => {
    assert.match(redactSecrets(`got ${TOKEN} back`), /^got eyJ…\[token sha256:[0-9a-f]{8}\] back$/);
    assert.equal(redactSecrets('Authorization: Bearer abcdef.0123456789abcdef'), 'Authorization: Bearer [masked]');
    assert.equal(redactSecrets('Authorization: Basic YWRtaW46cGFzc3dvcmQ='), 'Authorization: Basic [masked]');
    assert.equal(redactSecrets('sent Basic YWRtaW46cGFzc3dvcmQ= upstream'), 'sent Basic [masked] upstream');
    assert.equal(redactSecrets('this user has basic auth and a Bearer token'), 'this user has basic auth and a Bearer token');
  });

  it('masks at least what the log masker does', () => {
    const jwt = TOKEN;
    const base64 = Buffer.from(jwt).toString('base64');
    for (const [input, leaked] of [
      ['authorization: bearer 0123456789abcdefopaque', '0123456789abcdefopaque'],
      ['retrying with bearer s3cr3t-0paque-value', 's3cr3t-0paque-value'],
      [`secret data.token=${base64}`, base64],
      [`the Secret holds ${base64}`, base64],
      ['GET /api?token=hunter2hunter2 failed', 'hunter2hunter2'],
      ['{"access_token":"opaque-value-123"}', 'opaque-value-123'],
    ] as const) {
      const out = redactSecrets(input);
      assert.ok(!out.includes(leaked), `${input} -> ${out}`);
    }
  });

  it('is applied to every classified error, including an exec failure reading a live token', () => {
    const e = classifyResponse(500, { kind: 'Status', status: 'Failure', message: 'upstream said authorization: bearer 0123456789abcdefopaque' });
    assert.ok(!e.message.includes('0123456789abcdefopaque'), e.message);
    // What liveToken's execFailure builds from a container's stderr goes through the same step.
    const exec = clusterError(
      { kind: 'unknown', message: `reading /token failed: cat: ${TOKEN}: bad; check that the pod is running` },
      { namespace: 'payments' },
    );
    assert.ok(!exec.message.includes(TOKEN), exec.message);
    assert.equal(exec.namespace, 'payments');
  });
});
