// Reading a pod's live token through pods/exec and checking signatures against the cluster's keys,
// against the test cluster over HTTPS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT, generateKeyPair } from 'jose';
import { Inventory } from '../../../../src/cluster/inventory/inventory';
import { ClusterKeys } from '../../../../src/cluster/live/jwks';
import { readLiveToken } from '../../../../src/cluster/live/readLiveToken';
import type { LiveTokenTarget } from '../../../../src/cluster/inventory/types';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { KUBELET_DIAL_HANGS, KUBELET_UNREACHABLE_ANNOTATION } from '../../../cluster/controllers/kubeletAgent';
import { openExecStreams } from '../../../cluster/execProtocol';
import { kubeconfigYaml } from '../../../cluster/kubeconfig';
import { R } from '../../../cluster/resources';
import { create, ensureNamespace, serviceAccount } from '../../../cluster/scenarios/build';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod } from '../../../cluster/types';
import { sessionFor, sessionFromText, tempDir, waitFor, type TempDir } from '../support/session';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function apiPod(cluster: TestCluster): Pod {
  const pod = cluster.store.list(R.pods, 'payments').find((p) => p.metadata.labels?.app === 'api' && p.metadata.deletionTimestamp === undefined);
  assert.ok(pod, 'the api pod exists');
  return pod as Pod;
}

function targetOf(pod: Pod, path = TOKEN_PATH, container = 'api'): LiveTokenTarget {
  return { namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name, podUid: pod.metadata.uid, container, path };
}

async function foreignToken(kid: string | undefined): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const header = kid ? { alg: 'RS256', kid } : { alg: 'RS256' };
  return new SignJWT({ sub: 'system:serviceaccount:payments:api' }).setProtectedHeader(header).setIssuedAt().setExpirationTime('1h').sign(privateKey);
}

describe('live tokens and signatures on the healthy scenario', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let admin: ClusterSession;
  let keys: ClusterKeys;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir();
    admin = sessionFor(cluster, tmp);
    keys = new ClusterKeys(admin.api);
  });
  after(async () => {
    await cluster.stop();
    tmp.remove();
  });

  it("reads the kubelet's current token of a pod, decoded and signed by this cluster", async () => {
    const pod = apiPod(cluster);
    const reading = await readLiveToken(admin.api, targetOf(pod), { verify: (raw) => keys.verify(raw) });
    assert.ok(reading.ok, reading.ok ? '' : reading.error.message);
    const expected = cluster.kubelet.readFile(pod.metadata.uid, TOKEN_PATH) ?? '';
    assert.equal(reading.token.claims.kubernetes?.pod?.uid, pod.metadata.uid);
    assert.equal(reading.token.claims.jti, JSON.parse(Buffer.from(expected.split('.')[1] ?? '', 'base64url').toString()).jti);
    assert.deepEqual(reading.signature, { status: 'signed', kid: cluster.issuer.kid });
    assert.doesNotMatch(JSON.stringify(reading), /eyJ[\w-]+\.eyJ/, 'the reading holds no raw token');
  });

  it('sees the token the kubelet rotated in after its refresh point', async () => {
    const pod = apiPod(cluster);
    const first = await readLiveToken(admin.api, targetOf(pod));
    assert.ok(first.ok);
    cluster.advance(3000);
    const second = await readLiveToken(admin.api, targetOf(pod));
    assert.ok(second.ok);
    assert.notEqual(second.token.fingerprint, first.token.fingerprint);
    assert.ok((second.token.claims.iat ?? 0) > (first.token.claims.iat ?? 0));
  });

  it('reads a projected token with its own audience', async () => {
    const pod = cluster.store.peek(R.pods, 'payments', 'vault-client') as Pod;
    const reading = await readLiveToken(admin.api, targetOf(pod, '/var/run/secrets/vault/token', 'app'));
    assert.ok(reading.ok);
    assert.deepEqual(reading.token.claims.aud, ['vault']);
  });

  it('says a token file does not exist', async () => {
    const reading = await readLiveToken(admin.api, targetOf(apiPod(cluster), '/var/run/secrets/nothing/token'));
    assert.ok(!reading.ok);
    assert.equal(reading.error.kind, 'notFound');
    assert.match(reading.error.message, /\/var\/run\/secrets\/nothing\/token in container api of pod payments\/api-.* does not exist/);
  });

  it('names the missing pods/exec permission', async () => {
    const reader = sessionFor(cluster, tmp, { serviceAccount: 'payments/api' });
    const reading = await readLiveToken(reader.api, targetOf(apiPod(cluster)));
    assert.ok(!reading.ok);
    assert.equal(reading.error.kind, 'forbidden');
    assert.equal(reading.error.status, 403);
    assert.match(reading.error.message, /create pods\/exec in namespace payments \(403\)/);
  });

  it("says a token signed by another key is not signed by this cluster's keys", async () => {
    const sameKid = await keys.verify(await foreignToken(cluster.issuer.kid));
    assert.equal(sameKid.status, 'notSigned');
    assert.match(sameKid.status === 'notSigned' ? sameKid.reason : '', /signature does not match/);
    const otherKid = await keys.verify(await foreignToken('some-other-key'));
    assert.equal(otherKid.status, 'notSigned');
    assert.match(otherKid.status === 'notSigned' ? otherKid.reason : '', /no key of this cluster matches/);
  });

  it('could not check when the user may not read the key set (403)', async () => {
    const cert = cluster.pki.issueClientCert({ commonName: 'nobody' });
    const nobody = sessionFromText(
      tmp,
      kubeconfigYaml({ server: cluster.url, caPem: cluster.pki.ca.certPem, user: { kind: 'cert', name: 'nobody', ...cert } }),
      'nobody',
    );
    const token = cluster.kubelet.readFile(apiPod(cluster).metadata.uid, TOKEN_PATH) ?? '';
    const check = await new ClusterKeys(nobody.api).verify(token);
    assert.equal(check.status, 'unchecked');
    assert.equal(check.status === 'unchecked' ? check.httpStatus : 0, 403);
    assert.match(check.status === 'unchecked' ? check.reason : '', /cannot get \/openid\/v1\/jwks \(403\)/);
  });

  it('decodes legacy token Secrets and checks their signature', async () => {
    const sa = cluster.store.peek(R.serviceAccounts, 'gateway', 'apisix');
    cluster.api.create(R.secrets, 'gateway', {
      metadata: {
        name: 'apisix-token',
        annotations: { 'kubernetes.io/service-account.name': 'apisix', 'kubernetes.io/service-account.uid': sa?.metadata.uid ?? '' },
      },
      type: 'kubernetes.io/service-account-token',
    });
    const inv = new Inventory({ api: admin.api, coalesceMs: 0, verify: (raw) => keys.verify(raw) });
    inv.start();
    try {
      const secret = await waitFor('the decoded secret', () => inv.snapshot().secrets.find((s) => s.name === 'apisix-token' && s.token && s.signature));
      assert.equal(secret.serviceAccount, 'apisix');
      assert.equal(secret.token?.claims.legacy, true);
      assert.equal(secret.token?.claims.exp, undefined);
      assert.equal(secret.signature?.status, 'signed');
    } finally {
      inv.stop();
    }
  });
});

describe('a live token read from a pod whose kubelet never answers', () => {
  let cluster: TestCluster;
  let tmp: TempDir;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir();
  });
  after(async () => {
    await cluster.stop();
    tmp.remove();
  });

  it('times out with an error reading and hangs up the exec WebSocket', async () => {
    const admin = sessionFor(cluster, tmp);
    const pod = apiPod(cluster);
    const nodeName = pod.spec.nodeName ?? '';
    const patched = cluster.api.patch(R.nodes, undefined, nodeName, 'application/merge-patch+json', {
      metadata: { annotations: { [KUBELET_UNREACHABLE_ANNOTATION]: KUBELET_DIAL_HANGS } },
    });
    assert.ok(patched.ok);
    const before = openExecStreams();
    // Long enough for a loaded machine to open the stream before the deadline, so the wait below sees it open.
    const reading = readLiveToken(admin.api, targetOf(pod), { timeoutMs: 3_000 });
    await waitFor('the exec stream to open', () => openExecStreams() === before + 1 || undefined);
    const result = await reading;
    assert.ok(!result.ok);
    assert.match(result.error.message, /timed out/);
    // The server would hold it for its 30 s dial timeout: only our hang-up closes it this soon.
    await waitFor('the exec stream to close', () => openExecStreams() === before || undefined, 5_000);
  });
});

describe('a live token read from a pod on no node', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let release: () => void = () => undefined;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir();
    ensureNamespace(cluster, 'waiting');
    serviceAccount(cluster, 'waiting', 'app');
    // The scheduler held: the pod stays Pending, with no spec.nodeName.
    release = cluster.holdControllers();
    create(cluster, R.pods, 'waiting', { metadata: { name: 'queued' }, spec: { serviceAccountName: 'app', containers: [{ name: 'app', image: 'app:1' }] } });
  });
  after(async () => {
    release();
    await cluster.stop();
    tmp.remove();
  });

  it("keeps the API server's reason for its 400, as kubectl shows it", async () => {
    const admin = sessionFor(cluster, tmp);
    const pod = cluster.store.peek(R.pods, 'waiting', 'queued') as Pod;
    assert.equal(pod.spec.nodeName ?? '', '', 'the pod is on no node');
    const reading = await readLiveToken(admin.api, targetOf(pod, TOKEN_PATH, 'app'));
    assert.ok(!reading.ok);
    assert.equal(reading.error.kind, 'invalid');
    assert.equal(reading.error.status, 400);
    assert.equal(reading.error.reason, 'BadRequest');
    assert.equal(reading.error.message, 'the cluster rejected the request as invalid (400): pod queued does not have a host assigned');
    assert.doesNotMatch(reading.error.message, /HTTP 400/);
  });
});
