// @kubernetes/client-node's own API classes against the test cluster: list paging, Watch,
// informers, Exec of `cat` on the token path, Log, strategic-merge PATCH, TokenReview and
// SelfSubjectReview. If client-node can use it, the extension's cluster layer can too.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import {
  AppsV1Api,
  AuthenticationV1Api,
  CoreV1Api,
  Exec,
  KubeConfig,
  Log,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  type V1Pod,
  type V1Status,
} from '@kubernetes/client-node';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod } from '../../../cluster/types';
import { jwtClaims } from './support/fixtures';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function apiPod(cluster: TestCluster): Pod {
  const pod = cluster.store.list(R.pods, 'payments').find((p) => p.metadata.labels?.app === 'api' && p.metadata.deletionTimestamp === undefined);
  if (pod === undefined) throw new Error('no api pod');
  return pod as Pod;
}

function waitFor<T>(probe: () => T | undefined, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const v = probe();
      if (v !== undefined) resolve(v);
      else if (Date.now() - started > timeoutMs) reject(new Error('timed out waiting'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

describe('client-node against the test cluster', () => {
  let cluster: TestCluster;
  let kc: KubeConfig;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfigFor('admin-cert'));
  });
  after(async () => {
    await cluster.stop();
  });

  it('lists all pods in pages with limit and continue', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const all = cluster.store.list(R.pods).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    assert.ok(all.length >= 4);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 2, ...(token !== undefined ? { _continue: token } : {}) });
      pages++;
      for (const p of page.items) seen.push(`${p.metadata?.namespace}/${p.metadata?.name}`);
      token = page.metadata?._continue;
      if (token !== undefined) assert.equal(page.metadata?.remainingItemCount, all.length - seen.length);
    } while (token !== undefined);
    assert.deepEqual(seen, all);
    assert.equal(pages, Math.ceil(all.length / 2));
  });

  it('watches pods: a deleted ReplicaSet pod is DELETED and its replacement ADDED', async () => {
    const old = apiPod(cluster);
    const events: { type: string; name: string }[] = [];
    const watch = new Watch(kc);
    const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'payments' });
    const req = await watch.watch(
      '/api/v1/namespaces/payments/pods',
      { resourceVersion: list.metadata?.resourceVersion },
      (type: string, obj: V1Pod) => events.push({ type, name: obj.metadata?.name ?? '' }),
      () => undefined,
    );
    try {
      cluster.api.delete(R.pods, 'payments', old.metadata.name);
      const replacement = await waitFor(() => events.find((e) => e.type === 'ADDED' && e.name !== old.metadata.name && e.name.startsWith('api-')));
      assert.ok(events.some((e) => e.type === 'DELETED' && e.name === old.metadata.name));
      assert.notEqual(replacement.name, old.metadata.name);
    } finally {
      req.abort();
    }
  });

  it('feeds an informer with the existing pods and new ones', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/namespaces/gateway/pods', () => core.listNamespacedPod({ namespace: 'gateway' }));
    const added: string[] = [];
    informer.on('add', (p: V1Pod) => added.push(p.metadata?.name ?? ''));
    await informer.start();
    try {
      await waitFor(() => (added.some((n) => n.startsWith('apisix-')) ? true : undefined));
      cluster.api.create(R.pods, 'gateway', {
        metadata: { name: 'informer-probe' },
        spec: { serviceAccountName: 'apisix', containers: [{ name: 'c', image: 'busybox:1.36' }] },
      });
      await waitFor(() => (added.includes('informer-probe') ? true : undefined));
      assert.ok(informer.list().some((p) => p.metadata?.name === 'informer-probe'));
    } finally {
      await informer.stop();
    }
  });

  it("execs `cat` on the token path and gets the kubelet's current token for that pod", async () => {
    const pod = apiPod(cluster);
    const out = collector();
    const err = collector();
    let status: V1Status | undefined;
    const ws = await new Exec(kc).exec('payments', pod.metadata.name, 'api', ['cat', TOKEN_PATH], out.stream, err.stream, null, false, (s) => {
      status = s;
    });
    await new Promise((resolve) => ws.on('close', resolve));
    assert.equal(status?.status, 'Success');
    assert.equal(out.text(), cluster.kubelet.readFile(pod.metadata.uid, TOKEN_PATH));
    const claims = jwtClaims(out.text()) as { 'kubernetes.io': { pod: { name: string; uid: string }; serviceaccount: { name: string } } };
    assert.equal(claims['kubernetes.io'].pod.uid, pod.metadata.uid);
    assert.equal(claims['kubernetes.io'].serviceaccount.name, 'api');
  });

  it('execs `cat` on a missing file and reports the shell error and exit code 1', async () => {
    const pod = apiPod(cluster);
    const out = collector();
    const err = collector();
    let status: V1Status | undefined;
    const ws = await new Exec(kc).exec('payments', pod.metadata.name, 'api', ['cat', '/etc/nothing'], out.stream, err.stream, null, false, (s) => {
      status = s;
    });
    await new Promise((resolve) => ws.on('close', resolve));
    assert.equal(status?.status, 'Failure');
    assert.equal(status?.details?.causes?.[0]?.message, '1');
    assert.equal(err.text(), 'cat: /etc/nothing: No such file or directory\n');
  });

  it('reads container logs with tailLines', async () => {
    const pod = apiPod(cluster);
    const logs = cluster.logs.container('payments', pod.metadata.name, 'api');
    for (let i = 1; i <= 5; i++) logs.append(`request ${i} served`);
    const out = collector();
    const done = new Promise((resolve) => out.stream.on('finish', resolve));
    await new Log(kc).log('payments', pod.metadata.name, 'api', out.stream, { tailLines: 2 });
    await done;
    assert.equal(out.text(), 'request 4 served\nrequest 5 served\n');
  });

  it('patches a Deployment with a strategic merge patch and the controller rolls its pods', async () => {
    const before = apiPod(cluster);
    const apps = kc.makeApiClient(AppsV1Api);
    const restartedAt = cluster.clock.nowRfc3339();
    const patched = await apps.patchNamespacedDeployment(
      { name: 'api', namespace: 'payments', body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    assert.equal(patched.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], restartedAt);
    assert.equal(patched.metadata?.generation, 2);
    const after = apiPod(cluster);
    assert.notEqual(after.metadata.uid, before.metadata.uid);
    assert.equal(after.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], restartedAt);
    assert.equal(cluster.store.peek(R.pods, 'payments', before.metadata.name), undefined);
    const rs = await apps.listNamespacedReplicaSet({ namespace: 'payments' });
    assert.equal(rs.items.length, 2);
    assert.deepEqual(rs.items.map((r) => r.spec?.replicas).sort(), [0, 1]);
  });

  it('reviews tokens (201 either way) and tells who is asking', async () => {
    const auth = kc.makeApiClient(AuthenticationV1Api);
    const pod = apiPod(cluster);
    const token = cluster.kubelet.readFile(pod.metadata.uid, TOKEN_PATH);
    assert.ok(token !== undefined);
    const good = await auth.createTokenReview({ body: { spec: { token } } });
    assert.equal(good.status?.authenticated, true);
    assert.equal(good.status?.user?.username, 'system:serviceaccount:payments:api');
    assert.deepEqual(good.status?.user?.extra?.['authentication.kubernetes.io/pod-name'], [pod.metadata.name]);
    const bad = await auth.createTokenReview({ body: { spec: { token: 'garbage' } } });
    assert.notEqual(bad.status?.authenticated, true);
    assert.equal(bad.status?.error, 'invalid bearer token');
    const me = await auth.createSelfSubjectReview({ body: {} });
    assert.equal(me.status?.userInfo?.username, 'admin');
    assert.deepEqual(me.status?.userInfo?.groups, ['system:masters', 'system:authenticated']);
  });
});
