// Who gets in and who gets what: 401 for expired, invalidated and garbage tokens, 403 with
// the apiserver's sentence for a service account without RBAC, anonymous access to /version.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClusterPki } from '../../../cluster/ca';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod } from '../../../cluster/types';
import { send } from './support/https';

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

function mint(cluster: TestCluster, ns: string, sa: string, opts: { seconds?: number; pod?: Pod; issuedAt?: number } = {}): string {
  const account = cluster.store.peek(R.serviceAccounts, ns, sa);
  assert.ok(account, `service account ${ns}/${sa}`);
  const result = cluster.issuer.issue({
    namespace: ns,
    serviceAccount: { name: sa, uid: account.metadata.uid },
    expirationSeconds: opts.seconds ?? 3600,
    nowSeconds: opts.issuedAt ?? cluster.clock.nowSeconds(),
    ...(opts.pod !== undefined ? { boundObject: { kind: 'Pod' as const, name: opts.pod.metadata.name, uid: opts.pod.metadata.uid } } : {}),
  });
  assert.ok(result.ok);
  return result.issued.token;
}

describe('authentication and authorization', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
  });
  after(async () => {
    await cluster.stop();
  });

  it('forbids a service account without RBAC with the real 403 body', async () => {
    const reply = await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token: mint(cluster, 'payments', 'default') } });
    assert.equal(reply.status, 403);
    assert.deepEqual(reply.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods is forbidden: User "system:serviceaccount:payments:default" cannot list resource "pods" in API group "" in the namespace "payments"',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
  });

  it('lets payments/api list pods through its Role, and nothing more', async () => {
    const token = mint(cluster, 'payments', 'api');
    assert.equal((await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token } })).status, 200);
    const secrets = await send(cluster, { path: '/api/v1/namespaces/payments/secrets', auth: { token } });
    assert.equal(secrets.status, 403);
    assert.equal(
      (secrets.json as { message: string }).message,
      'secrets is forbidden: User "system:serviceaccount:payments:api" cannot list resource "secrets" in API group "" in the namespace "payments"',
    );
    const other = await send(cluster, { path: '/api/v1/namespaces/db/pods', auth: { token } });
    assert.equal(other.status, 403);
  });

  it('answers 401 with the bare Unauthorized Status for garbage and bad signatures', async () => {
    const garbage = await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token: 'garbage' } });
    assert.equal(garbage.status, 401);
    assert.deepEqual(garbage.json, UNAUTHORIZED);
    const token = mint(cluster, 'payments', 'api');
    const tampered = `${token.slice(0, -6)}${token.slice(-6, -5) === 'A' ? 'B' : 'A'}${token.slice(-5)}`;
    assert.deepEqual((await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token: tampered } })).json, UNAUTHORIZED);
  });

  it('answers 401 once a token is past exp plus the 60 s leeway', async () => {
    const token = mint(cluster, 'payments', 'api', { seconds: 600 });
    assert.equal((await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token } })).status, 200);
    cluster.advance(600 + 30);
    assert.equal((await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token } })).status, 200, 'still inside the leeway');
    cluster.advance(31);
    const expired = await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token } });
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json, UNAUTHORIZED);
  });

  it('invalidates a pod-bound token once its pod is gone and the 10 s cache has expired', async () => {
    const pod = cluster.store.list(R.pods, 'payments').find((p) => p.metadata.name === 'vault-client') as Pod;
    const token = mint(cluster, 'payments', 'api', { pod });
    assert.equal((await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token } })).status, 200);
    cluster.api.delete(R.pods, 'payments', 'vault-client', { gracePeriodSeconds: 0 });
    assert.equal(cluster.store.peek(R.pods, 'payments', 'vault-client'), undefined);
    assert.equal((await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token } })).status, 200, 'cached for 10 s');
    cluster.advance(11);
    assert.equal((await send(cluster, { path: '/api/v1/namespaces/payments/pods', auth: { token } })).status, 401);
    const review = await send(cluster, { method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews', body: { spec: { token } } });
    assert.equal(review.status, 201);
    assert.deepEqual((review.json as { status: unknown }).status, { user: {}, error: '[invalid bearer token, service account token has been invalidated]' });
  });

  it('lets anonymous read /version but nothing else', async () => {
    assert.equal((await send(cluster, { path: '/version', auth: 'none' })).status, 200);
    const root = await send(cluster, { path: '/', auth: 'none' });
    assert.equal(root.status, 403);
    assert.equal((root.json as { message: string }).message, 'forbidden: User "system:anonymous" cannot get path "/"');
    const pods = await send(cluster, { path: '/api/v1/pods', auth: 'none' });
    assert.equal(
      (pods.json as { message: string }).message,
      'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" at the cluster scope',
    );
  });

  it('accepts the static admin token and admin client certificate, and rejects a foreign certificate', async () => {
    assert.equal((await send(cluster, { path: '/api/v1/secrets', auth: 'admin-token' })).status, 200);
    assert.equal((await send(cluster, { path: '/api/v1/secrets', auth: 'admin-cert' })).status, 200);
    const me = await send(cluster, { method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: {}, auth: 'admin-cert' });
    const extra = (me.json as { status: { userInfo: { extra: Record<string, string[]> } } }).status.userInfo.extra;
    assert.match(extra['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^X509SHA256=[0-9a-f]{64}$/);
    // CN admin, O system:masters, but signed by another CA: an invalid credential, not admin.
    const foreign = createClusterPki(cluster.clock.nowMs()).admin;
    const reply = await send(cluster, { path: '/api/v1/secrets', auth: { certPem: foreign.certPem, keyPem: foreign.keyPem } });
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.json, UNAUTHORIZED);
  });

  it("refreshes a running pod's token file as the clock passes 80 % of its lifetime", async () => {
    const pod = cluster.store.list(R.pods, 'gateway')[0] as Pod;
    const path = '/var/run/secrets/kubernetes.io/serviceaccount/token';
    const first = cluster.kubelet.readFile(pod.metadata.uid, path);
    assert.ok(first !== undefined);
    cluster.advance(60);
    assert.equal(cluster.kubelet.readFile(pod.metadata.uid, path), first);
    cluster.advance(0.8 * 3607);
    const second = cluster.kubelet.readFile(pod.metadata.uid, path);
    assert.ok(second !== undefined);
    assert.notEqual(second, first);
  });
});
