// The concurrency probe against the test cluster: counts and percentiles for a good token, a bad one,
// the active credential; and, on `rancher-concurrent-401`, 401s among successes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { percentile, probeConcurrency, probeTransportOf } from '../../../../src/cluster/actions/probeConcurrency';
import { requestToken } from '../../../../src/cluster/actions/requestToken';
import { fingerprint } from '../../../../src/token/fingerprint';
import { rancherIncident } from '../../../cluster/scenarios/rancherConcurrent401';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { type Clients, clientsFor, useClusterWithAdmin } from './support';

describe('percentile', () => {
  it('is the nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(v, 50), 50);
    assert.equal(percentile(v, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([1, 2, 3], 50), 2);
    assert.equal(percentile([], 50), 0);
  });
});

describe('probeTransportOf', () => {
  it("takes the session's request deadline, and its proxy only when it has one", () => {
    assert.deepEqual(probeTransportOf({ requestTimeoutSeconds: 12, proxy: undefined }), { timeoutMs: 12_000 });
    const proxy = { url: 'http://user:pw@proxy.corp:3128', source: 'kubeconfig' as const, display: 'http://proxy.corp:3128' };
    assert.deepEqual(probeTransportOf({ requestTimeoutSeconds: 30, proxy }), { timeoutMs: 30_000, proxyUrl: 'http://user:pw@proxy.corp:3128' });
  });
});

describe('probeConcurrency on a healthy cluster', () => {
  let cluster: TestCluster;
  let admin: Clients;

  useClusterWithAdmin(['healthy'], (c, a) => {
    cluster = c;
    admin = a;
  });

  it('a valid token passes every one of N parallel requests', async () => {
    const issued = await requestToken(admin.api, { namespace: 'payments', serviceAccount: 'api' });
    assert.ok(issued.ok);
    let tick = 0;
    const res = await probeConcurrency(admin.provider, { requests: 20, credential: { kind: 'token', token: issued.value.token }, nowMs: () => (tick += 1) });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    const p = res.value;
    assert.deepEqual([p.total, p.ok, p.unauthorized, p.other, p.cancelled], [20, 20, 0, 0, 0]);
    assert.deepEqual(p.statuses, { '200': 20 });
    assert.equal(p.fingerprint, issued.value.fingerprint);
    assert.ok(p.p50Ms > 0 && p.p50Ms <= p.p99Ms);
  });

  it('a rejected token gets 401 on every request, and nothing is retried', async () => {
    const bad = 'not-a-token-the-cluster-knows';
    const res = await probeConcurrency(admin.provider, { requests: 8, credential: { kind: 'token', token: bad } });
    assert.ok(res.ok);
    assert.deepEqual([res.value.ok, res.value.unauthorized, res.value.other], [0, 8, 0]);
    assert.equal(res.value.fingerprint, fingerprint(bad));
    assert.deepEqual(admin.unauthorized, []);
  });

  it("probes with the context's own credential, and counts other answers apart", async () => {
    const res = await probeConcurrency(admin.provider, { requests: 5, credential: { kind: 'active' } });
    assert.ok(res.ok);
    assert.deepEqual([res.value.ok, res.value.unauthorized], [5, 0]);
    assert.equal(res.value.fingerprint, fingerprint(cluster.adminToken));
    const missing = await probeConcurrency(admin.provider, { requests: 3, credential: { kind: 'active' }, path: '/apis/example.com/v1' });
    assert.ok(missing.ok);
    assert.deepEqual([missing.value.ok, missing.value.unauthorized, missing.value.other, missing.value.statuses['404']], [0, 0, 3, 3]);
  });

  it('refuses a request count out of range, and a cancelled probe sends nothing', async () => {
    const zero = await probeConcurrency(admin.provider, { requests: 0, credential: { kind: 'active' } });
    assert.ok(!zero.ok);
    assert.match(zero.error.message, /between 1 and 1000 requests/);
    const ac = new AbortController();
    ac.abort();
    const res = await probeConcurrency(admin.provider, { requests: 4, credential: { kind: 'active' }, signal: ac.signal });
    assert.ok(res.ok);
    assert.deepEqual([res.value.cancelled, res.value.ok + res.value.unauthorized + res.value.other], [4, 0]);
  });
});

describe('probeConcurrency on rancher-concurrent-401', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['rancher-concurrent-401'] });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('reports 401s among successes for the affected token', async () => {
    const incident = rancherIncident(cluster);
    assert.ok(incident);
    const clients = clientsFor(cluster, { token: incident.token });
    try {
      const single = await probeConcurrency(clients.provider, { requests: 1, credential: { kind: 'active' } });
      assert.ok(single.ok);
      assert.equal(single.value.ok, 1, 'a single request succeeds');
      const res = await probeConcurrency(clients.provider, { requests: 20, credential: { kind: 'active' } });
      assert.ok(res.ok, !res.ok ? res.error.message : '');
      assert.ok(res.value.unauthorized > 0, 'some parallel requests got 401');
      assert.ok(res.value.ok > 0, 'some parallel requests passed');
      assert.equal(res.value.ok + res.value.unauthorized + res.value.other, 20);
      assert.equal(res.value.fingerprint, fingerprint(incident.token));
      // The webhook saw the same thing: one write won, the others lost it.
      assert.equal(incident.counts.conflicts, res.value.unauthorized);
      // The same token through our own clients alone still works: it is not a dead token.
      const alone = await probeConcurrency(clients.provider, { requests: 1, credential: { kind: 'token', token: incident.token } });
      assert.ok(alone.ok);
      assert.equal(alone.value.ok, 1);
    } finally {
      await clients.api.dispose();
    }
  });
});

describe('probeConcurrency against a server that never answers', () => {
  let admin: Clients;

  useClusterWithAdmin(['hostile'], (_c, a) => {
    admin = a;
  });

  // Without a deadline the probe would wait forever: the timeout turns that into a failure.
  it('gives up on each request at its deadline, as a failure, not a cancellation', { timeout: 60_000 }, async () => {
    // The hostile scenario holds every read of this log open and never answers it.
    const path = '/api/v1/namespaces/hostile-silent/pods/never-answers/log?container=agent';
    const res = await probeConcurrency(admin.provider, { requests: 3, credential: { kind: 'active' }, path, timeoutMs: 300 });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.deepEqual([res.value.total, res.value.ok, res.value.other, res.value.cancelled], [3, 0, 3, 0]);
    assert.deepEqual(res.value.statuses, { '0': 3 });
    assert.equal(res.value.failures.length, 1, res.value.failures.join('\n'));
  });
});
