// TokenRequest, TokenReview and SelfSubjectReview against the test cluster, with their error paths.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MIN_TOKEN_SECONDS, requestToken, tokenRequestBody, warningText } from '../../../../src/cluster/actions/requestToken';
import { reviewToken } from '../../../../src/cluster/actions/reviewToken';
import { whoAmI } from '../../../../src/cluster/actions/whoAmI';
import { restartPod } from '../../../../src/cluster/actions/restartPod';
import { decodeToken } from '../../../../src/token/jwt';
import { fingerprint } from '../../../../src/token/fingerprint';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { startOlderServer } from './olderServer';
import { type Clients, clientsFor, clientsForYaml, onePod, useClusterWithAdmin } from './support';

describe('requestToken', () => {
  let cluster: TestCluster;
  let admin: Clients;

  useClusterWithAdmin(['healthy'], (c, a) => {
    cluster = c;
    admin = a;
  });

  it('builds the body kubectl create token sends', () => {
    assert.deepEqual(
      tokenRequestBody({
        namespace: 'payments',
        serviceAccount: 'api',
        audiences: ['vault'],
        expirationSeconds: 600,
        boundObject: { kind: 'Pod', name: 'p', uid: 'u' },
      }),
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: ['vault'], expirationSeconds: 600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u' } },
      },
    );
    assert.equal(
      warningText('299 - "requested expiration of 90000 seconds shortened to 86400 seconds"'),
      'requested expiration of 90000 seconds shortened to 86400 seconds',
    );
  });

  it('issues a token with the audiences, the lifetime and the pod binding asked for', async () => {
    const pod = onePod(cluster, 'payments', 'api-');
    const res = await requestToken(admin.api, {
      namespace: 'payments',
      serviceAccount: 'api',
      audiences: ['vault', 'https://kubernetes.default.svc.cluster.local'],
      expirationSeconds: MIN_TOKEN_SECONDS,
      boundObject: { kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
    });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    const issued = res.value;
    assert.equal(issued.fingerprint, fingerprint(issued.token));
    assert.deepEqual(issued.audiences, ['vault', 'https://kubernetes.default.svc.cluster.local']);
    assert.equal(issued.expirationSeconds, 600);
    assert.equal(issued.warning, undefined);
    const decoded = decodeToken(issued.token);
    assert.ok(decoded.ok);
    const c = decoded.token.claims;
    assert.equal(c.sub, 'system:serviceaccount:payments:api');
    assert.deepEqual(c.aud, ['vault', 'https://kubernetes.default.svc.cluster.local']);
    assert.equal((c.exp ?? 0) - (c.iat ?? 0), 600);
    assert.deepEqual(c.kubernetes?.pod, { name: pod.metadata.name, uid: pod.metadata.uid });
    assert.equal(Date.parse(issued.expirationTimestamp) / 1000, c.exp);
  });

  it('binds to a Secret, and passes on the warning of a shortened lifetime', async () => {
    const secret = cluster.api.create(R.secrets, 'payments', { metadata: { name: 'binding' }, type: 'Opaque', data: {} });
    assert.ok(secret.ok);
    const res = await requestToken(admin.api, {
      namespace: 'payments',
      serviceAccount: 'api',
      expirationSeconds: 200_000,
      boundObject: { kind: 'Secret', name: 'binding' },
    });
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.match(res.value.warning ?? '', /requested expiration of 200000 seconds shortened to \d+ seconds/);
    const decoded = decodeToken(res.value.token);
    assert.ok(decoded.ok);
    assert.equal(decoded.token.claims.kubernetes?.secret?.name, 'binding');
  });

  it("less than ten minutes is the server's own 422", async () => {
    const res = await requestToken(admin.api, { namespace: 'payments', serviceAccount: 'api', expirationSeconds: 300 });
    assert.ok(!res.ok);
    assert.equal(res.error.kind, 'invalid');
    assert.equal(res.error.status, 422);
    assert.match(res.error.message, /spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
  });

  it('a missing service account or bound pod is a 404', async () => {
    const sa = await requestToken(admin.api, { namespace: 'payments', serviceAccount: 'nobody' });
    assert.ok(!sa.ok);
    assert.equal(sa.error.kind, 'notFound');
    assert.match(sa.error.message, /nobody was not found in namespace payments \(404\)/);
    const pod = await requestToken(admin.api, { namespace: 'payments', serviceAccount: 'api', boundObject: { kind: 'Pod', name: 'ghost' } });
    assert.ok(!pod.ok);
    assert.equal(pod.error.status, 404);
    assert.match(pod.error.message, /ghost was not found/);
  });

  it('a reader who lacks create on serviceaccounts/token gets the 403', async () => {
    const sa = clientsFor(cluster, { serviceAccount: 'payments/api' });
    try {
      const res = await requestToken(sa.api, { namespace: 'payments', serviceAccount: 'api' });
      assert.ok(!res.ok);
      assert.equal(res.error.kind, 'forbidden');
      assert.match(
        res.error.message,
        /you cannot create serviceaccounts\/token in namespace payments \(403\): service account payments\/api lacks the create verb/,
      );
    } finally {
      await sa.api.dispose();
    }
  });
});

describe('reviewToken', () => {
  let cluster: TestCluster;
  let admin: Clients;

  useClusterWithAdmin(['healthy'], (c, a) => {
    cluster = c;
    admin = a;
  });

  it('a bound token authenticates as its service account, with the pod and credential id', async () => {
    const pod = onePod(cluster, 'payments', 'api-');
    const issued = await requestToken(admin.api, { namespace: 'payments', serviceAccount: 'api', boundObject: { kind: 'Pod', name: pod.metadata.name } });
    assert.ok(issued.ok);
    const res = await reviewToken(admin.api, `Bearer ${issued.value.token}\n`);
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    const r = res.value;
    assert.equal(r.authenticated, true);
    assert.equal(r.fingerprint, issued.value.fingerprint);
    assert.equal(r.user?.username, 'system:serviceaccount:payments:api');
    assert.deepEqual(r.user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:payments', 'system:authenticated']);
    assert.equal(r.podName, pod.metadata.name);
    assert.equal(r.podUid, pod.metadata.uid);
    const jti = decodeToken(issued.value.token);
    assert.ok(jti.ok);
    assert.equal(r.credentialId, `JTI=${jti.token.claims.jti}`);
    assert.equal(r.error, undefined);
  });

  it('after its pod is deleted the token has been invalidated', async () => {
    const pod = onePod(cluster, 'payments', 'api-');
    const issued = await requestToken(admin.api, {
      namespace: 'payments',
      serviceAccount: 'api',
      boundObject: { kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
    });
    assert.ok(issued.ok);
    const restarted = await restartPod(admin.api, { namespace: 'payments', name: pod.metadata.name }, { pollIntervalMs: 5 });
    assert.ok(restarted.ok && restarted.value.kind === 'replaced');
    const res = await reviewToken(admin.api, issued.value.token);
    assert.ok(res.ok, !res.ok ? res.error.message : '');
    assert.equal(res.value.authenticated, false);
    assert.equal(res.value.user, undefined);
    assert.match(res.value.error ?? '', /service account token has been invalidated/);
  });

  it('a token for another audience is not authenticated for the API server', async () => {
    const issued = await requestToken(admin.api, { namespace: 'payments', serviceAccount: 'api', audiences: ['vault'] });
    assert.ok(issued.ok);
    const res = await reviewToken(admin.api, issued.value.token);
    assert.ok(res.ok);
    assert.equal(res.value.authenticated, false);
    assert.match(res.value.error ?? '', /audience/i);
    const forVault = await reviewToken(admin.api, issued.value.token, { audiences: ['vault'] });
    assert.ok(forVault.ok);
    assert.equal(forVault.value.authenticated, true);
    assert.deepEqual(forVault.value.audiences, ['vault']);
  });

  it('an empty token is refused before asking; a reader gets the 403', async () => {
    const empty = await reviewToken(admin.api, '  ');
    assert.ok(!empty.ok);
    assert.match(empty.error.message, /there is no token to review/);
    const sa = clientsFor(cluster, { serviceAccount: 'payments/api' });
    try {
      const res = await reviewToken(sa.api, 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
      assert.ok(!res.ok);
      assert.equal(res.error.kind, 'forbidden');
      assert.match(res.error.message, /you cannot create tokenreviews\.authentication\.k8s\.io across the cluster \(403\)/);
    } finally {
      await sa.api.dispose();
    }
  });
});

describe('whoAmI', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
  });
  after(async () => {
    await cluster.stop();
  });

  it('answers from SelfSubjectReview v1: admin, and a service account with its pod', async () => {
    const admin = clientsFor(cluster);
    const sa = clientsFor(cluster, { serviceAccount: 'payments/api' });
    try {
      const me = await whoAmI(admin.api);
      assert.ok(me.ok, !me.ok ? me.error.message : '');
      assert.deepEqual([me.value.apiVersion, me.value.username], ['v1', 'admin']);
      assert.ok(me.value.groups.includes('system:masters'));
      const other = await whoAmI(sa.api);
      assert.ok(other.ok);
      assert.equal(other.value.username, 'system:serviceaccount:payments:api');
      assert.ok(other.value.groups.includes('system:serviceaccounts:payments'));
    } finally {
      await admin.api.dispose();
      await sa.api.dispose();
    }
  });

  it('an anonymous user gets the 403 sentence', async () => {
    const yaml = cluster.kubeconfigFor('admin').replace(/token: \S+/, 'username: ""');
    const anon = clientsForYaml(yaml.replace(/\n\s+username: ""/, ''));
    try {
      const res = await whoAmI(anon.api);
      assert.ok(!res.ok);
      assert.equal(res.error.kind, 'forbidden');
      assert.match(res.error.message, /you cannot create selfsubjectreviews\.authentication\.k8s\.io across the cluster \(403\): user system:anonymous/);
    } finally {
      await anon.api.dispose();
    }
  });

  it('falls back to v1beta1 where v1 is a 404 (Kubernetes 1.27)', async () => {
    const older = await startOlderServer(cluster, { beta: true });
    const admin = clientsForYaml(cluster.kubeconfigFor('admin').replace(cluster.url, older.url));
    try {
      const me = await whoAmI(admin.api);
      assert.ok(me.ok, !me.ok ? me.error.message : '');
      assert.deepEqual([me.value.apiVersion, me.value.username], ['v1beta1', 'admin']);
      assert.deepEqual(older.asked, ['/apis/authentication.k8s.io/v1/selfsubjectreviews', '/apis/authentication.k8s.io/v1beta1/selfsubjectreviews']);
    } finally {
      await admin.api.dispose();
      await older.close();
    }
  });

  it('says so where neither version is served', async () => {
    const older = await startOlderServer(cluster, { beta: false });
    const admin = clientsForYaml(cluster.kubeconfigFor('admin').replace(cluster.url, older.url));
    try {
      const me = await whoAmI(admin.api);
      assert.ok(!me.ok);
      assert.equal(me.error.kind, 'notFound');
      assert.match(me.error.message, /serves no SelfSubjectReview API/);
      assert.equal(older.asked.length, 2);
    } finally {
      await admin.api.dispose();
      await older.close();
    }
  });
});
