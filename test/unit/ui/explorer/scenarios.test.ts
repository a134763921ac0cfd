// The five incident scenarios through the inventory, the live token reads and the explorer model, over
// HTTPS against the test cluster: what the tree shows for each incident, from the cluster's own answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { whoAmI } from '../../../../src/cluster/actions/whoAmI';
import { Inventory } from '../../../../src/cluster/inventory/inventory';
import { liveTokenKey, type LiveTokenReading, type LiveTokenTarget, type PodItem } from '../../../../src/cluster/inventory/types';
import { ClusterKeys } from '../../../../src/cluster/live/jwks';
import { readLiveToken } from '../../../../src/cluster/live/readLiveToken';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { buildExplorerModel } from '../../../../src/ui/explorer/explorerModel';
import { childrenOf, type ExplorerModel, type ExplorerNode } from '../../../../src/ui/explorer/explorerNode';
import { APISIX_NOT_RELOADING, apisixProcessToken } from '../../../cluster/scenarios/apisixNotReloading';
import { KUBELET_REFRESH_STALLED, stalledPod } from '../../../cluster/scenarios/kubeletRefreshStalled';
import { MULTUS_KUBECONFIG_EXPIRED, multusPod } from '../../../cluster/scenarios/multusKubeconfigExpired';
import { PATRONI_EXPIRED, patroniProcessToken } from '../../../cluster/scenarios/patroniExpired';
import { RANCHER_CONCURRENT_401, rancherIncident } from '../../../cluster/scenarios/rancherConcurrent401';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, sessionFromText, tempDir, waitFor, type TempDir } from '../../cluster/support/session';
import { child, modelSession } from './support';

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const DAY_SECONDS = 24 * 60 * 60;

/** Every list of the inventory answered and every watch held by the server. */
function settled(cluster: TestCluster, inv: Inventory): boolean {
  const statuses = Object.values(inv.snapshot().status).flatMap((m) => [...m.values()]);
  return statuses.length > 0 && statuses.every((s) => s.state === 'ready') && cluster.openWatches() === statuses.length;
}

/** A cluster with one scenario, an admin session and a settled inventory; the model is built on demand. */
interface Harness {
  cluster: TestCluster;
  tmp: TempDir;
  session: ClusterSession;
  inventory: Inventory;
  keys: ClusterKeys;
  readings: Map<string, LiveTokenReading>;
  /** Reads (and keeps for the model) the live token of one container's token file of a pod. */
  read(pod: PodItem, container: string, path?: string): Promise<LiveTokenReading>;
  model(): ExplorerModel;
  close(): Promise<void>;
}

async function harness(scenario: string): Promise<Harness> {
  const cluster = await startTestCluster({ scenarios: [scenario] });
  const tmp = tempDir();
  const session = sessionFor(cluster, tmp);
  const inventory = new Inventory({ api: session.api, coalesceMs: 0, retryDelaysMs: [50] });
  inventory.start();
  await waitFor(`the inventory of ${scenario}`, () => settled(cluster, inventory));
  const keys = new ClusterKeys(session.api);
  const readings = new Map<string, LiveTokenReading>();
  return {
    cluster,
    tmp,
    session,
    inventory,
    keys,
    readings,
    async read(pod, container, path = TOKEN_PATH) {
      const target: LiveTokenTarget = { namespace: pod.namespace, pod: pod.name, podUid: pod.uid, container, path };
      const reading = await readLiveToken(session.api, target, { verify: (raw) => keys.verify(raw) });
      assert.ok(reading.ok, reading.ok ? '' : reading.error.message);
      readings.set(liveTokenKey(target), reading);
      return reading;
    },
    model: () =>
      buildExplorerModel({
        nowSec: cluster.clock.nowSeconds(),
        session: modelSession(session),
        inventory: inventory.snapshot(),
        findings: [],
        liveMode: 'onDemand',
        liveReading: (t) => readings.get(liveTokenKey(t)),
      }),
    async close() {
      inventory.stop();
      await session.api.dispose();
      await cluster.stop();
      tmp.remove();
    },
  };
}

function podItem(h: Harness, namespace: string, name: string): PodItem {
  const pod = h.inventory.snapshot().pods.find((p) => p.namespace === namespace && p.name === name);
  assert.ok(pod, `the inventory holds pod ${namespace}/${name}`);
  return pod;
}

/** No error nodes anywhere under the context: every list was answered. */
function errorNodes(m: ExplorerModel): ExplorerNode[] {
  return [...m.byId.values()].filter((n) => n.contextValue === 'error');
}

describe('explorer on patroni-expired', () => {
  let h: Harness;
  before(async () => {
    h = await harness('patroni-expired');
  });
  after(async () => {
    await h?.close();
  });

  it("shows the StatefulSet's pod under its service account in db", () => {
    const { namespace, serviceAccount, pod, statefulSet, container } = PATRONI_EXPIRED;
    const item = podItem(h, namespace, pod);
    assert.equal(item.serviceAccount, serviceAccount);
    assert.equal(item.phase, 'Running');
    assert.deepEqual(item.owner, { kind: 'StatefulSet', name: statefulSet });
    assert.deepEqual(item.workload, { kind: 'StatefulSet', name: statefulSet });
    assert.equal(item.startedAtSec, h.cluster.clock.nowSeconds() - PATRONI_EXPIRED.startedDaysAgo * DAY_SECONDS);

    const m = h.model();
    assert.deepEqual(errorNodes(m), []);
    const db = child(m.roots[0], namespace);
    assert.equal(db.description, '2 service accounts · 1 pod');
    const sa = child(db, serviceAccount);
    assert.equal(sa.description, '1 pod');
    const podNode = child(sa, pod);
    assert.equal(podNode.contextValue, 'pod owned ownerStatefulSet running');
    assert.equal(m.find({ kind: 'pod', context: h.session.context, namespace, name: pod, uid: item.uid, serviceAccount }), podNode);
    const file = child(podNode, new RegExp(`^${container} · kube-api-access-`));
    assert.equal(child(file, 'expirationSeconds').description, '3607 s (1 h)');
    assert.equal(child(file, 'Path').description, TOKEN_PATH);
  });

  it('reads a fresh live token: the kubelet rotates the file, only the process kept the first, expired one', async () => {
    const { namespace, pod, container } = PATRONI_EXPIRED;
    const held = patroniProcessToken(h.cluster);
    assert.ok(held);
    const now = h.cluster.clock.nowSeconds();
    assert.ok(held.issued.exp < now, 'the token Patroni sends expired long ago');

    const reading = await h.read(podItem(h, namespace, pod), container);
    assert.ok(reading.ok);
    assert.notEqual(reading.token.claims.jti, JSON.parse(Buffer.from(held.issued.token.split('.')[1] ?? '', 'base64url').toString()).jti);
    assert.ok((reading.token.claims.iat ?? 0) > held.issued.exp, 'written after the held token expired');
    assert.ok((reading.token.claims.exp ?? 0) > now, 'the file holds a valid token');
    assert.deepEqual(reading.signature, { status: 'signed', kid: h.cluster.issuer.kid });

    const file = child(child(child(child(h.model().roots[0], namespace), PATRONI_EXPIRED.serviceAccount), pod), /^postgres · kube-api-access-/);
    assert.equal(file.contextValue, 'tokenFile read running');
    assert.match(file.description ?? '', /^valid · expires in 36[45] d · signed by this cluster$/);
    assert.equal(file.tone, 'ok');
    const live = child(file, 'Live token');
    assert.match(child(live, 'Kubelet replaces it').description ?? '', /^at \d{4}-\d\d-\d\dT/);
    assert.ok(!childrenOf(live).some((c) => c.label === 'Refresh overdue'), 'a rotating kubelet is not overdue');
  });
});

describe('explorer on apisix-not-reloading', () => {
  let h: Harness;
  before(async () => {
    h = await harness('apisix-not-reloading');
  });
  after(async () => {
    await h?.close();
  });

  function apisixItem(): PodItem {
    const pod = h.inventory
      .snapshot()
      .pods.find((p) => p.namespace === APISIX_NOT_RELOADING.namespace && p.serviceAccount === APISIX_NOT_RELOADING.serviceAccount);
    assert.ok(pod, 'the apisix pod is listed');
    return pod;
  }

  it('shows its own one-hour token volume, the only token file of the pod', () => {
    const item = apisixItem();
    assert.equal(item.owner?.kind, 'ReplicaSet');
    assert.deepEqual(item.workload, { kind: 'Deployment', name: APISIX_NOT_RELOADING.deployment });
    // automountServiceAccountToken is off, so admission injected no kube-api-access volume.
    assert.deepEqual(item.containers, [
      { name: APISIX_NOT_RELOADING.container, tokens: [{ volume: 'sa-token', path: TOKEN_PATH, expirationSeconds: APISIX_NOT_RELOADING.tokenSeconds }] },
    ]);

    const m = h.model();
    assert.deepEqual(errorNodes(m), []);
    const podNode = child(child(child(m.roots[0], APISIX_NOT_RELOADING.namespace), APISIX_NOT_RELOADING.serviceAccount), item.name);
    assert.equal(podNode.contextValue, 'pod owned ownerDeployment running');
    const files = childrenOf(podNode);
    assert.deepEqual(
      files.map((f) => f.label),
      ['apisix · sa-token'],
    );
    assert.equal(files[0]?.description, 'the API server · 1h');
    assert.equal(child(files[0], 'Audience').description, 'the API server');
  });

  it('reads a fresh live token from the file while the gateway still sends the expired first one', async () => {
    const held = apisixProcessToken(h.cluster);
    assert.ok(held);
    const now = h.cluster.clock.nowSeconds();
    assert.ok(held.issued.exp < now, 'the token APISIX sends has expired');

    const reading = await h.read(apisixItem(), APISIX_NOT_RELOADING.container);
    assert.ok(reading.ok);
    const { iat = 0, exp = 0, jti } = reading.token.claims;
    assert.equal(exp - iat, APISIX_NOT_RELOADING.tokenSeconds, 'a one-hour token, not extended');
    assert.ok(exp > now && iat > held.issued.iat, 'rotated in by the kubelet, still valid');
    assert.notEqual(jti, JSON.parse(Buffer.from(held.issued.token.split('.')[1] ?? '', 'base64url').toString()).jti);
    assert.equal(reading.token.claims.kubernetes?.pod?.uid, apisixItem().uid);

    const file = child(
      child(child(child(h.model().roots[0], APISIX_NOT_RELOADING.namespace), APISIX_NOT_RELOADING.serviceAccount), apisixItem().name),
      'apisix · sa-token',
    );
    assert.equal(file.contextValue, 'tokenFile read running');
    assert.match(file.description ?? '', /^valid · expires in \d+ min · signed by this cluster$/);
    assert.equal(file.tone, 'ok');
    const live = child(file, 'Live token');
    assert.equal(child(live, 'jti').description, jti);
    assert.ok(!childrenOf(live).some((c) => c.label === 'Refresh overdue'));
    assert.match(child(live, 'Kubelet replaces it').description ?? '', /^at \d{4}-/);
  });
});

describe('explorer on kubelet-refresh-stalled', () => {
  let h: Harness;
  before(async () => {
    h = await harness('kubelet-refresh-stalled');
  });
  after(async () => {
    await h?.close();
  });

  it("flags the stalled pod's live token as past its kubelet refresh point, up to the namespace", async () => {
    const { namespace, serviceAccount, container, deployment } = KUBELET_REFRESH_STALLED;
    const pod = stalledPod(h.cluster);
    assert.ok(pod);
    const item = podItem(h, namespace, pod.metadata.name);
    assert.deepEqual(item.workload, { kind: 'Deployment', name: deployment });
    const now = h.cluster.clock.nowSeconds();
    const due = h.cluster.kubelet.forPod(pod.metadata.uid)?.refreshDueSeconds(pod.metadata.uid, TOKEN_PATH);
    assert.ok(due !== undefined && due < now, "the cluster's kubelet is past its refresh point");

    const reading = await h.read(item, container);
    assert.ok(reading.ok);
    assert.ok((reading.token.claims.kubernetes?.warnAfter ?? Infinity) < now, 'past warnafter');
    assert.ok((reading.token.claims.exp ?? 0) > now, 'yet not expired: a year-long token');

    const m = h.model();
    assert.deepEqual(errorNodes(m), []);
    const ns = child(m.roots[0], namespace);
    const sa = child(ns, serviceAccount);
    const podNode = child(sa, pod.metadata.name);
    const file = child(podNode, new RegExp(`^${container} · kube-api-access-`));
    assert.match(file.description ?? '', /^stale · expires in 36\d d · signed by this cluster$/);
    assert.equal(file.icon, 'history');
    const live = child(file, 'Live token');
    const overdue = child(live, 'Refresh overdue');
    assert.match(overdue.description ?? '', /^the kubelet should have replaced it at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d UTC$/);
    assert.equal(overdue.tone, 'warning');
    assert.equal(live.tone, 'warning');
    assert.ok(!childrenOf(live).some((c) => c.label === 'Kubelet replaces it'));
    // The warning climbs to the pod, its service account and its namespace.
    assert.deepEqual([file.tone, podNode.tone, sa.tone, ns.tone], ['warning', 'warning', 'warning', 'warning']);
  });

  it('keeps flagging it as the clock runs on: the file never changes', async () => {
    const { namespace, container } = KUBELET_REFRESH_STALLED;
    const pod = stalledPod(h.cluster);
    assert.ok(pod);
    const item = podItem(h, namespace, pod.metadata.name);
    const first = await h.read(item, container);
    h.cluster.advance(2 * 60 * 60);
    const second = await h.read(item, container);
    assert.ok(first.ok && second.ok);
    assert.equal(second.token.fingerprint, first.token.fingerprint);
    const file = child(
      child(child(child(h.model().roots[0], namespace), KUBELET_REFRESH_STALLED.serviceAccount), pod.metadata.name),
      new RegExp(`^${container} · `),
    );
    assert.match(child(child(file, 'Live token'), 'Refresh overdue').description ?? '', /^the kubelet should have replaced it at /);
  });
});

describe('explorer on multus-kubeconfig-expired', () => {
  let h: Harness;
  before(async () => {
    h = await harness('multus-kubeconfig-expired');
  });
  after(async () => {
    await h?.close();
  });

  it('shows the DaemonSet pod in kube-system under its service account', () => {
    const { namespace, serviceAccount, daemonSet, node } = MULTUS_KUBECONFIG_EXPIRED;
    const pod = multusPod(h.cluster);
    assert.ok(pod);
    const item = podItem(h, namespace, pod.metadata.name);
    assert.equal(item.serviceAccount, serviceAccount);
    assert.equal(item.nodeName, node);
    assert.deepEqual(item.owner, { kind: 'DaemonSet', name: daemonSet });
    assert.deepEqual(item.workload, { kind: 'DaemonSet', name: daemonSet });

    const m = h.model();
    assert.deepEqual(errorNodes(m), []);
    const podNode = child(child(child(m.roots[0], namespace), serviceAccount), pod.metadata.name);
    assert.equal(podNode.contextValue, 'pod owned ownerDaemonSet running');
    assert.equal(podNode.description, 'Running');
    assert.ok(childrenOf(podNode).some((f) => /^kube-multus · kube-api-access-/.test(f.label)));
  });

  it("describes the node's copied kubeconfig as an expired bearer token, and its 401s as one node on the context with Reload Credentials", async () => {
    const file = h.cluster.files.find((f) => f.path === MULTUS_KUBECONFIG_EXPIRED.kubeconfigFile);
    assert.ok(file);
    const session = sessionFromText(h.tmp, file.text, 'multus.kubeconfig');
    const inv = new Inventory({ api: session.api, coalesceMs: 0, retryDelaysMs: [60_000] });
    inv.start();
    try {
      // Every list the inventory makes is refused: four 401s, one cause.
      const statuses = await waitFor('a 401 on every list', () => {
        const all = Object.values(inv.snapshot().status).flatMap((m) => [...m.values()]);
        return all.length === 4 && all.every((s) => s.error?.kind === 'unauthorized') ? all : undefined;
      });
      const now = h.cluster.clock.nowSeconds();
      const m = buildExplorerModel({ nowSec: now, session: modelSession(session), inventory: inv.snapshot(), findings: [], liveMode: 'onDemand' });
      const ctx = m.roots[0];
      assert.equal(ctx?.label, 'multus-context');
      assert.match(ctx?.description ?? '', /^bearer token · expired \d+ d(ays?)? ago$/);
      assert.equal(ctx?.icon, 'error');
      assert.equal(ctx?.tone, 'error');
      const credential = session.provider.describe();
      assert.equal(credential.expirySource, 'jwt');
      assert.ok((credential.expiresAtSec ?? Infinity) < now);
      assert.deepEqual(
        errorNodes(m).map((n) => n.parent),
        [ctx],
        'one error node, on the context, for the four refused lists',
      );
      const node = child(ctx, /^the cluster rejected your credential \(401 Unauthorized\)/);
      assert.match(
        node.label,
        /^the cluster rejected your credential \(401 Unauthorized\): your token expired \d+ days? ago \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d UTC\); log in again or run Reload Credentials/,
      );
      assert.equal(node.command?.command, 'clusterCredentials.reloadCredentials');
      // What a list met is the sentence a command meets (Who Am I here): the same builder, naming the same expiry.
      assert.equal(statuses[0]?.error?.message, node.label);
      const who = await whoAmI(session.api);
      assert.ok(!who.ok, 'an expired token cannot ask who it is');
      assert.equal(who.error.kind, 'unauthorized');
      assert.equal(who.error.message, node.label);
      assert.equal(inv.snapshot().pods.length, 0, 'nothing listed with an expired token');
    } finally {
      inv.stop();
      await session.api.dispose();
    }
  });
});

describe('explorer on rancher-concurrent-401', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['rancher-concurrent-401'] });
    tmp = tempDir();
  });
  after(async () => {
    await cluster?.stop();
    tmp?.remove();
  });

  it('names the ACE context credential a bearer token with no known expiry', () => {
    const file = cluster.files.find((f) => f.path === RANCHER_CONCURRENT_401.kubeconfigFile);
    assert.ok(file);
    const session = sessionFromText(tmp, file.text, 'ace.kubeconfig');
    const credential = session.provider.describe();
    assert.equal(credential.kind, 'token');
    assert.equal(credential.expiresAtSec, undefined, 'a Rancher token is not a JWT');
    const [ctx] = buildExplorerModel({ nowSec: cluster.clock.nowSeconds(), session: modelSession(session), findings: [], liveMode: 'onDemand' }).roots;
    assert.equal(ctx?.label, RANCHER_CONCURRENT_401.context);
    assert.equal(ctx?.description, 'bearer token');
    assert.equal(ctx?.icon, 'server-environment');
    assert.equal(ctx?.tone, undefined);
    assert.match(ctx?.tooltip?.() ?? '', /bearer token/);
    assert.doesNotMatch(ctx?.tooltip?.() ?? '', new RegExp(rancherIncident(cluster)?.token.split(':')[1] ?? 'no-token'));
  });

  it("gets past the webhook's concurrent 401s by retrying each list, and settles into a tree without errors", async () => {
    const incident = rancherIncident(cluster);
    assert.ok(incident);
    const file = cluster.files.find((f) => f.path === RANCHER_CONCURRENT_401.kubeconfigFile);
    assert.ok(file);
    const session = sessionFromText(tmp, file.text, 'ace-inventory.kubeconfig');
    const rejected: string[] = [];
    const inv = new Inventory({ api: session.api, coalesceMs: 0, retryDelaysMs: [50], log: (m) => rejected.push(m) });
    inv.start();
    try {
      await waitFor('the inventory through the webhook', () => settled(cluster, inv), 30_000);
      // Every request the webhook refused is one 401 the inventory met and retried; every accepted one a list or a watch.
      assert.ok(
        rejected.every((m) => /the cluster rejected your credential \(401 Unauthorized\)/.test(m)),
        rejected.join('\n'),
      );
      assert.equal(rejected.length, incident.counts.conflicts);
      assert.equal(incident.counts.ok, inv.listCount() + cluster.openWatches());
      const m = buildExplorerModel({
        nowSec: cluster.clock.nowSeconds(),
        session: modelSession(session),
        inventory: inv.snapshot(),
        findings: [],
        liveMode: 'onDemand',
      });
      assert.deepEqual(errorNodes(m), []);
      const sa = child(child(m.roots[0], RANCHER_CONCURRENT_401.namespace), RANCHER_CONCURRENT_401.serviceAccount);
      assert.equal(sa.description, '1 pod');
      assert.equal(childrenOf(sa)[0]?.contextValue, 'pod owned ownerDaemonSet running');
    } finally {
      inv.stop();
      await session.api.dispose();
    }
  });
});
