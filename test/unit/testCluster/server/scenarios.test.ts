// The five incident scenarios, each shown over real HTTPS with @kubernetes/client-node: the
// evidence a user (or the extension) would find is there, and it behaves as the incident did.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ApiException, AuthenticationV1Api, CoreV1Api, Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { R } from '../../../cluster/resources';
import { APISIX_NOT_RELOADING, apisixProcessToken } from '../../../cluster/scenarios/apisixNotReloading';
import { DEMO_SCENARIOS, INCIDENT_SCENARIOS } from '../../../cluster/scenarios/index';
import { KUBELET_REFRESH_STALLED, stalledPod } from '../../../cluster/scenarios/kubeletRefreshStalled';
import { MULTUS_KUBECONFIG_EXPIRED, multusPod } from '../../../cluster/scenarios/multusKubeconfigExpired';
import { PATRONI_EXPIRED, patroniProcessToken } from '../../../cluster/scenarios/patroniExpired';
import { RANCHER_CONCURRENT_401, rancherIncident } from '../../../cluster/scenarios/rancherConcurrent401';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod } from '../../../cluster/types';
import { jwtClaims } from './support/fixtures';
import { send } from './support/https';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const YEAR_SECONDS = 365 * 24 * 60 * 60;
const UNAUTHORIZED_BODY = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}';
const APISIX_LINE = `[lua] informer_factory.lua:295: list failed, kind: Endpoints, reason: Unauthorized, message : ${UNAUTHORIZED_BODY}`;

interface Claims {
  iat: number;
  exp: number;
  jti: string;
  'kubernetes.io': { pod: { name: string; uid: string }; warnafter?: number };
}

function claimsOf(token: string): Claims {
  const claims = jwtClaims(token);
  assert.ok(claims !== undefined, 'a JWT');
  return claims as unknown as Claims;
}

function adminConfig(cluster: TestCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfigFor('admin-cert'));
  return kc;
}

function tokenConfig(cluster: TestCluster, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfigFor({ token }));
  return kc;
}

/** The HTTP status of a client-node call: 200 when it resolves, the ApiException's code otherwise. */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (e) {
    if (e instanceof ApiException) return e.code;
    throw e;
  }
}

/** `kubectl exec POD -c C -- cat PATH` through client-node's Exec. */
async function catFile(kc: KubeConfig, ns: string, pod: string, container: string, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  let status: V1Status | undefined;
  const ws = await new Exec(kc).exec(ns, pod, container, ['cat', path], out, null, null, false, (s) => {
    status = s;
  });
  await new Promise((resolve) => ws.on('close', resolve));
  assert.equal(status?.status, 'Success');
  return Buffer.concat(chunks).toString('utf8');
}

/** Log lines as `kubectl logs --timestamps` gives them: the kubelet's time, then the line. */
async function logLines(kc: KubeConfig, ns: string, pod: string, container: string): Promise<{ atMs: number; text: string }[]> {
  const text = await kc.makeApiClient(CoreV1Api).readNamespacedPodLog({ namespace: ns, name: pod, container, timestamps: true });
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const space = l.indexOf(' ');
      return { atMs: Date.parse(l.slice(0, space)), text: l.slice(space + 1) };
    });
}

async function review(kc: KubeConfig, token: string): Promise<{ authenticated: boolean; error: string }> {
  const r = await kc.makeApiClient(AuthenticationV1Api).createTokenReview({ body: { spec: { token } } });
  return { authenticated: r.status?.authenticated === true, error: r.status?.error ?? '' };
}

describe('scenario patroni-expired', () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['patroni-expired'] });
    kc = adminConfig(cluster);
  });
  after(async () => {
    await cluster.stop();
  });

  it('runs db/orders-db-0 from its StatefulSet for over a year', async () => {
    const pod = await kc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: 'db', name: PATRONI_EXPIRED.pod });
    assert.equal(pod.status?.phase, 'Running');
    assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, 'StatefulSet');
    assert.equal(pod.metadata?.ownerReferences?.[0]?.name, PATRONI_EXPIRED.statefulSet);
    const ageSeconds = cluster.clock.nowSeconds() - Math.floor((pod.status?.startTime?.getTime() ?? Date.now()) / 1000);
    assert.ok(ageSeconds > YEAR_SECONDS, `running for ${ageSeconds} s`);
  });

  it('holds an expired token: TokenReview says so and its PATCH of the pod gets the real 401', async () => {
    const held = patroniProcessToken(cluster);
    assert.ok(held !== undefined);
    const claims = claimsOf(held.issued.token);
    const pod = cluster.store.peek(R.pods, 'db', PATRONI_EXPIRED.pod);
    assert.equal(claims['kubernetes.io'].pod.uid, pod?.metadata.uid);
    assert.equal(claims.exp - claims.iat, YEAR_SECONDS, 'a 3607 s request extended to a year');
    assert.equal(claims['kubernetes.io'].warnafter, claims.iat + 3607);
    assert.ok(claims.exp < cluster.clock.nowSeconds() - 60, 'expired, past the leeway');

    const reviewed = await review(kc, held.issued.token);
    assert.equal(reviewed.authenticated, false);
    assert.match(reviewed.error, /service account token has expired/);

    const patch = tokenConfig(cluster, held.issued.token)
      .makeApiClient(CoreV1Api)
      .patchNamespacedPod({
        namespace: 'db',
        name: PATRONI_EXPIRED.pod,
        body: [{ op: 'add', path: '/metadata/annotations/status', value: '{"role":"master"}' }],
      });
    assert.equal(await statusOf(patch), 401);
    const raw = await send(cluster, {
      method: 'PATCH',
      path: `/api/v1/namespaces/db/pods/${PATRONI_EXPIRED.pod}`,
      auth: { token: held.issued.token },
      body: { metadata: { annotations: { status: '{"role":"master"}' } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(raw.status, 401);
    assert.equal(raw.text.trim(), UNAUTHORIZED_BODY);
  });

  it('has a fresh token in the file all along: the kubelet kept rotating it', async () => {
    const current = await catFile(kc, 'db', PATRONI_EXPIRED.pod, PATRONI_EXPIRED.container, TOKEN_PATH);
    assert.notEqual(current, patroniProcessToken(cluster)?.issued.token);
    assert.ok(claimsOf(current).exp > cluster.clock.nowSeconds());
    assert.equal((await review(kc, current)).authenticated, true);
  });

  it('logs the 401s of its pod PATCH after expiry, and keeps logging them as time passes', async () => {
    const held = patroniProcessToken(cluster);
    assert.ok(held !== undefined);
    const lines = await logLines(kc, 'db', PATRONI_EXPIRED.pod, PATRONI_EXPIRED.container);
    const refused = lines.filter((l) => l.text === 'patroni.dcs.kubernetes.K8sClient.rest.ApiException: (401)');
    assert.ok(refused.length >= 10, `${refused.length} refusals`);
    assert.ok(lines.some((l) => l.text.includes('patch_namespaced_pod')));
    assert.ok(lines.some((l) => l.text.includes(`HTTP response body: b'${UNAUTHORIZED_BODY}\\n'`)));
    assert.ok(
      lines.every((l) => l.atMs > held.issued.exp * 1000),
      'every line after the token expired',
    );

    cluster.advance(60);
    const later = await logLines(kc, 'db', PATRONI_EXPIRED.pod, PATRONI_EXPIRED.container);
    const refusedLater = later.filter((l) => l.text === 'patroni.dcs.kubernetes.K8sClient.rest.ApiException: (401)');
    assert.equal(refusedLater.length, refused.length + 60 / PATRONI_EXPIRED.loopSeconds);
  });
});

describe('scenario apisix-not-reloading', () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  let pod: Pod;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['apisix-not-reloading'] });
    kc = adminConfig(cluster);
    const found = cluster.store.list(R.pods, APISIX_NOT_RELOADING.namespace)[0];
    assert.ok(found !== undefined);
    pod = found as Pod;
  });
  after(async () => {
    await cluster.stop();
  });

  it('rotated the token file on time; the first token now fails TokenReview and gets 401', async () => {
    const written = cluster.kubelet.written(pod.metadata.uid, TOKEN_PATH);
    assert.ok(written.length >= 2, `${written.length} tokens written`);
    const [first, rotated] = written;
    assert.ok(first !== undefined && rotated !== undefined);
    assert.equal(first.issued.exp - first.issued.iat, APISIX_NOT_RELOADING.tokenSeconds, 'a one-hour token, not extended');
    // Rotated at 80 % of the hour, before the first token expired.
    assert.ok(rotated.issued.iat > first.issued.iat + 0.8 * APISIX_NOT_RELOADING.tokenSeconds);
    assert.ok(rotated.issued.iat < first.issued.exp);

    const inFile = await catFile(kc, APISIX_NOT_RELOADING.namespace, pod.metadata.name, APISIX_NOT_RELOADING.container, TOKEN_PATH);
    assert.equal(inFile, written[written.length - 1]?.issued.token);
    assert.equal((await review(kc, inFile)).authenticated, true);

    assert.equal(apisixProcessToken(cluster)?.issued.token, first.issued.token);
    const reviewed = await review(kc, first.issued.token);
    assert.equal(reviewed.authenticated, false);
    assert.match(reviewed.error, /service account token has expired/);
    const list = tokenConfig(cluster, first.issued.token).makeApiClient(CoreV1Api).listNamespacedPod({ namespace: APISIX_NOT_RELOADING.namespace });
    assert.equal(await statusOf(list), 401);
  });

  it('logs the list-failed line again and again, all of it after the rotation', async () => {
    const [first, rotated] = cluster.kubelet.written(pod.metadata.uid, TOKEN_PATH);
    assert.ok(first !== undefined && rotated !== undefined);
    const lines = await logLines(kc, APISIX_NOT_RELOADING.namespace, pod.metadata.name, APISIX_NOT_RELOADING.container);
    const failed = lines.filter((l) => l.text.includes(APISIX_LINE));
    assert.ok(failed.length >= 100, `${failed.length} failures`);
    for (const l of failed) {
      assert.match(l.text, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[error\] \d+#\d+: \*\d+ \[lua\] /);
      assert.ok(l.atMs > rotated.issued.iat * 1000, 'after the new token was issued');
      assert.ok(l.atMs > (first.issued.exp + 60) * 1000, 'after the first token expired');
    }
    // Before the failures: the worker started, when the first token was written.
    const startedAt = lines.find((l) => l.text.includes('start worker process'));
    assert.ok(startedAt !== undefined && startedAt.atMs < rotated.issued.iat * 1000);

    cluster.advance(30);
    const later = await logLines(kc, APISIX_NOT_RELOADING.namespace, pod.metadata.name, APISIX_NOT_RELOADING.container);
    assert.equal(later.filter((l) => l.text.includes(APISIX_LINE)).length, failed.length + 30 / APISIX_NOT_RELOADING.retrySeconds);
  });

  it('stops failing once the container restarts and reads the current token', async () => {
    cluster.restartContainer(APISIX_NOT_RELOADING.namespace, pod.metadata.name, APISIX_NOT_RELOADING.container);
    cluster.advance(120);
    const lines = await logLines(kc, APISIX_NOT_RELOADING.namespace, pod.metadata.name, APISIX_NOT_RELOADING.container);
    assert.equal(lines.filter((l) => l.text.includes(APISIX_LINE)).length, 0);
  });
});

describe('scenario kubelet-refresh-stalled', () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy', 'kubelet-refresh-stalled'] });
    kc = adminConfig(cluster);
  });
  after(async () => {
    await cluster.stop();
  });

  it('runs a pod on a claim that is Terminating, held by pvc-protection', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const { namespace: ns, claim } = KUBELET_REFRESH_STALLED;
    const pvc = await core.readNamespacedPersistentVolumeClaim({ namespace: ns, name: claim });
    assert.ok(pvc.metadata?.deletionTimestamp !== undefined, 'Terminating');
    assert.deepEqual(pvc.metadata?.finalizers, ['kubernetes.io/pvc-protection']);
    const pod = stalledPod(cluster);
    assert.ok(pod !== undefined);
    const live = await core.readNamespacedPod({ namespace: ns, name: pod.metadata.name });
    assert.equal(live.status?.phase, 'Running');
    assert.ok(live.spec?.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim));
    // What `kubectl get pvc` prints.
    const table = await send(cluster, {
      path: `/api/v1/namespaces/${ns}/persistentvolumeclaims`,
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    const { columnDefinitions, rows } = table.json as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    const status = columnDefinitions.findIndex((c) => c.name === 'Status');
    assert.deepEqual(
      rows.map((r) => [r.cells[0], r.cells[status]]),
      [[claim, 'Terminating']],
    );
  });

  it('keeps the same token in the file while the clock runs past every refresh point', async () => {
    const { namespace: ns, container, claim } = KUBELET_REFRESH_STALLED;
    const pod = stalledPod(cluster);
    assert.ok(pod !== undefined);
    const before = claimsOf(await catFile(kc, ns, pod.metadata.name, container, TOKEN_PATH));
    const due = cluster.kubelet.forPod(pod.metadata.uid)?.refreshDueSeconds(pod.metadata.uid, TOKEN_PATH);
    assert.ok(due !== undefined && due < cluster.clock.nowSeconds(), 'already past its refresh point');
    assert.ok((before['kubernetes.io'].warnafter ?? Infinity) < cluster.clock.nowSeconds(), 'already past warnafter');

    const healthy = cluster.store.list(R.pods, 'payments').find((p) => p.metadata.labels?.app === 'api');
    assert.ok(healthy !== undefined);
    const healthyBefore = claimsOf(await catFile(kc, 'payments', healthy.metadata.name, 'api', TOKEN_PATH));

    cluster.advance(3 * 60 * 60);
    const after = claimsOf(await catFile(kc, ns, pod.metadata.name, container, TOKEN_PATH));
    assert.equal(after.jti, before.jti);
    assert.equal(after.exp, before.exp, 'exp does not move');
    // The kubelet is not broken for everyone: a pod without a terminating claim was refreshed.
    const healthyAfter = claimsOf(await catFile(kc, 'payments', healthy.metadata.name, 'api', TOKEN_PATH));
    assert.ok(healthyAfter.exp > healthyBefore.exp);
    const pvc = await kc.makeApiClient(CoreV1Api).readNamespacedPersistentVolumeClaim({ namespace: ns, name: claim });
    assert.ok(pvc.metadata?.deletionTimestamp !== undefined, 'still Terminating');
  });
});

describe('scenario multus-kubeconfig-expired', () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  let dir: string;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['multus-kubeconfig-expired'] });
    kc = adminConfig(cluster);
    dir = mkdtempSync(join(tmpdir(), 'multus-'));
  });
  after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands over node-1's multus.kubeconfig, whose token has expired and gets 401", async () => {
    const written = cluster.writeFiles(dir);
    const path = join(dir, 'node-1', 'multus.kubeconfig');
    assert.ok(written.includes(path));
    const text = readFileSync(path, 'utf8');
    assert.match(text, /^# Kubeconfig file for Multus CNI plugin\./);
    const doc = parse(text) as { users: { name: string; user: { token: string } }[]; 'current-context': string };
    assert.equal(doc['current-context'], 'multus-context');
    const token = doc.users[0]?.user.token ?? '';
    const claims = claimsOf(token);
    const pod = multusPod(cluster);
    assert.ok(pod !== undefined);
    assert.equal(claims['kubernetes.io'].pod.uid, pod.metadata.uid, "the multus pod's own token, copied at start");
    assert.ok(claims.exp < cluster.clock.nowSeconds() - 60);

    const nodeKc = new KubeConfig();
    nodeKc.loadFromFile(path);
    const get = nodeKc.makeApiClient(CoreV1Api).readNamespacedPod({ namespace: 'kube-system', name: pod.metadata.name });
    assert.equal(await statusOf(get), 401);
    const reviewed = await review(kc, token);
    assert.equal(reviewed.authenticated, false);
    assert.match(reviewed.error, /service account token has expired/);
  });

  it("runs the DaemonSet pod on node-1 with a fresh token of its own, logging the plugin's 401s", async () => {
    const pod = multusPod(cluster);
    assert.ok(pod !== undefined);
    assert.equal(pod.metadata.ownerReferences?.[0]?.kind, 'DaemonSet');
    const { namespace: ns, container } = MULTUS_KUBECONFIG_EXPIRED;
    const live = await catFile(kc, ns, pod.metadata.name, container, TOKEN_PATH);
    assert.equal((await review(kc, live)).authenticated, true);
    const copiedExp = claimsOf(cluster.kubelet.written(pod.metadata.uid, TOKEN_PATH)[0]?.issued.token ?? '').exp;
    const lines = await logLines(kc, ns, pod.metadata.name, container);
    const errors = lines.filter((l) => /^\S+Z \[error\] Multus: \[[^\]]+\]: error getting pod: Unauthorized$/.test(l.text));
    assert.ok(errors.length >= 10, `${errors.length} errors`);
    assert.ok(errors.every((l) => l.atMs > copiedExp * 1000));
  });
});

describe('scenario rancher-concurrent-401', () => {
  let cluster: TestCluster;
  let rancherKc: KubeConfig;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['rancher-concurrent-401'] });
    const file = cluster.files.find((f) => f.path === RANCHER_CONCURRENT_401.kubeconfigFile);
    assert.ok(file !== undefined);
    rancherKc = new KubeConfig();
    rancherKc.loadFromString(file.text);
  });
  after(async () => {
    await cluster.stop();
  });

  it('writes the token into the ACE kubeconfig it hands over', () => {
    const incident = rancherIncident(cluster);
    assert.ok(incident !== undefined);
    assert.match(incident.token, /^token-[a-z0-9]{5}:[a-z0-9]{54}$/);
    assert.equal(rancherKc.getCurrentUser()?.token, incident.token);
    assert.equal(rancherKc.getCurrentContext(), RANCHER_CONCURRENT_401.context);
  });

  it('answers one request at a time, and refuses a share of 20 concurrent ones with the real 401', async () => {
    const core = rancherKc.makeApiClient(CoreV1Api);
    const list = (): Promise<unknown> => core.listNamespacedPod({ namespace: RANCHER_CONCURRENT_401.namespace });
    assert.equal(await statusOf(list()), 200);

    const statuses = await Promise.all(Array.from({ length: 20 }, () => statusOf(list())));
    const ok = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 401).length;
    assert.equal(ok + refused, 20);
    assert.ok(ok >= 1, 'the first writer wins');
    assert.ok(refused >= 1, 'the others lose the lastUsedAt write');
    assert.equal(await statusOf(list()), 200, 'alone again, it works');

    const incident = rancherIncident(cluster);
    assert.ok(incident !== undefined);
    assert.equal(incident.counts.conflicts, refused);
    assert.equal(incident.counts.ok, ok + 2);
    assert.ok(incident.lastUsedAt !== undefined);

    // kube-api-auth logs one conflict per refusal.
    const kc = adminConfig(cluster);
    const pod = cluster.store.list(R.pods, RANCHER_CONCURRENT_401.namespace)[0];
    assert.ok(pod !== undefined);
    const lines = await logLines(kc, RANCHER_CONCURRENT_401.namespace, pod.metadata.name, RANCHER_CONCURRENT_401.container);
    const conflicts = lines.filter((l) => l.text.includes(`error updating clusterAuthToken ${incident.tokenName}: Operation cannot be fulfilled`));
    assert.equal(conflicts.length, refused);
  });

  it('sends the real Status body with each concurrent 401', async () => {
    const incident = rancherIncident(cluster);
    assert.ok(incident !== undefined);
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => send(cluster, { path: '/api/v1/namespaces/default/pods', auth: { token: incident.token } })),
    );
    const refused = replies.filter((r) => r.status === 401);
    assert.ok(refused.length >= 1 && refused.length < 4);
    for (const r of refused) assert.equal(r.text.trim(), UNAUTHORIZED_BODY);
    const wrongKey = await send(cluster, { path: '/api/v1/namespaces/default/pods', auth: { token: `${incident.tokenName}:${'x'.repeat(54)}` } });
    assert.equal(wrongKey.status, 401);
  });
});

describe('all scenarios in one cluster', () => {
  let cluster: TestCluster;
  before(async () => {
    // Incidents first and healthy last: the order must not matter, nor must `large`.
    cluster = await startTestCluster({ scenarios: ['large', ...[...INCIDENT_SCENARIOS].reverse(), 'healthy'] });
  });
  after(async () => {
    await cluster.stop();
  });

  it('builds every scenario side by side, each with its evidence', async () => {
    assert.deepEqual([...DEMO_SCENARIOS].sort(), ['healthy', ...INCIDENT_SCENARIOS].sort());
    const kc = adminConfig(cluster);
    const core = kc.makeApiClient(CoreV1Api);
    const db = await core.listNamespacedPod({ namespace: 'db' });
    assert.deepEqual(db.items.map((p) => p.metadata?.name).sort(), ['orders-db-0', 'patroni-0']);
    assert.deepEqual(cluster.files.map((f) => f.path).sort(), [MULTUS_KUBECONFIG_EXPIRED.kubeconfigFile, RANCHER_CONCURRENT_401.kubeconfigFile].sort());

    const held = patroniProcessToken(cluster);
    assert.ok(held !== undefined && held.issued.exp < cluster.clock.nowSeconds());
    const apisix = apisixProcessToken(cluster);
    assert.ok(apisix !== undefined && apisix.issued.exp < cluster.clock.nowSeconds());
    assert.ok(stalledPod(cluster) !== undefined);
    assert.ok(multusPod(cluster) !== undefined);
    const gatewayApisix = await core.listNamespacedPod({ namespace: 'gateway' });
    assert.equal(gatewayApisix.items.length, 1, "healthy's own APISIX is untouched");

    const rancher = rancherIncident(cluster);
    assert.ok(rancher !== undefined);
    const rancherCore = tokenConfig(cluster, rancher.token).makeApiClient(CoreV1Api);
    assert.equal(await statusOf(rancherCore.listNamespacedPod({ namespace: 'db' })), 200);
  });
});
