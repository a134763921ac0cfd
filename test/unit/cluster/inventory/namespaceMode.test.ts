// The inventory on a cluster past the threshold: namespaces and service accounts across the cluster, pods
// and token Secrets only for the namespaces held (opened in the tree, with findings, borrowed by a scan),
// each with its own list and watch, released a while after nothing holds it. Against the test cluster;
// the release timer is the test's, so a release happens when the test says.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { Inventory, type InventoryOptions } from '../../../../src/cluster/inventory/inventory';
import type { Timer } from '../../../../src/cluster/inventory/namespaceHolds';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { RecordedRequest } from '../../../cluster/requestCounter';
import { sessionFor, tempDir, waitFor, type TempDir } from '../support/session';

/** Timers the test fires itself. */
class ManualTimers {
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 0;
  readonly timer: Timer = (fn, ms) => {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return () => this.pending.delete(id);
  };

  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
  }
}

function where(r: RecordedRequest): string {
  return r.info.kind === 'resource' ? `${r.info.verb} ${r.info.resource}${r.info.namespace ? ` in ${r.info.namespace}` : ''}` : r.info.path;
}

describe('the inventory listing pods per namespace', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;
  let inv: Inventory | undefined;
  let timers: ManualTimers;

  const start = (extra: Partial<InventoryOptions> = {}): Inventory => {
    timers = new ManualTimers();
    inv = new Inventory({ api: session.api, coalesceMs: 0, retryDelaysMs: [50], timer: timers.timer, releaseAfterMs: 120_000, ...extra });
    inv.start();
    return inv;
  };
  /** What the cluster was asked from request `from` on, as "verb resource in namespace". */
  const askedSince = (from: number): string[] => cluster.requests.all().slice(from).map(where);
  const podNamespaces = (i: Inventory): string[] => [...new Set(i.snapshot().pods.map((p) => p.namespace))].sort();

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-per-namespace-');
    session = sessionFor(cluster, tmp);
  });
  afterEach(async () => {
    inv?.stop();
    inv = undefined;
    // Each test counts watches from none.
    await waitFor('no watch left open', () => cluster.openWatches() === 0);
  });
  after(async () => {
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('decides from the size, and lists namespaces and service accounts but no pod or Secret', async () => {
    const from = cluster.requests.all().length;
    const i = start({ podThreshold: 1 });
    const snapshot = await i.whenSettled();
    assert.equal(snapshot.scope?.mode, 'namespaces');
    assert.equal(snapshot.scope?.why, 'large');
    assert.match(snapshot.scope?.sentence ?? '', /^Showing pods only for namespaces you open: the cluster has about \d+ pods \(over 1\)$/);
    assert.ok(snapshot.namespaces.some((n) => n.name === 'payments'));
    assert.ok(snapshot.serviceAccounts.some((s) => s.namespace === 'payments' && s.name === 'api'));
    assert.deepEqual(snapshot.pods, []);
    assert.deepEqual([...snapshot.status.pods.keys(), ...snapshot.status.secrets.keys()], [], 'no pod or Secret list at all');
    const lists = askedSince(from).filter((a) => a.startsWith('list '));
    assert.deepEqual(lists.sort(), ['list namespaces', 'list pods', 'list secrets', 'list serviceaccounts']);
    const probes = cluster.requests
      .all()
      .slice(from)
      .filter((r) => r.info.kind === 'resource' && (r.info.resource === 'pods' || r.info.resource === 'secrets'));
    assert.ok(
      probes.every((r) => r.query.get('limit') === '1'),
      'the only pod and Secret lists are the size question',
    );
  });

  it("lists and watches an opened namespace's pods and token Secrets, and only that namespace's", async () => {
    const i = start({ podThreshold: 1 });
    await i.whenSettled();
    const from = cluster.requests.all().length;
    i.open('payments');
    await waitFor('the pods of payments', () => i.isSettled() && i.snapshot().pods.length > 0);
    assert.deepEqual(podNamespaces(i), ['payments']);
    assert.ok(i.snapshot().pods.some((p) => p.name === 'vault-client'));
    assert.deepEqual([...i.snapshot().status.pods.keys()], ['payments']);
    const inNamespaces = (): string[] => askedSince(from).filter((a) => a.includes(' in '));
    await waitFor('both watches of payments', () => inNamespaces().length === 4);
    assert.deepEqual(inNamespaces().sort(), ['list pods in payments', 'list secrets in payments', 'watch pods in payments', 'watch secrets in payments']);
    assert.deepEqual(
      askedSince(from).filter((a) => a.startsWith('list ')),
      ['list pods in payments', 'list secrets in payments'],
      'no other list',
    );
  });

  it('releases a closed namespace only when its time is up, and keeps it when it is opened again first', async () => {
    const i = start({ podThreshold: 1 });
    await i.whenSettled();
    i.open('payments');
    await waitFor('the pods of payments', () => i.isSettled() && i.snapshot().pods.length > 0);
    await waitFor('a watch of namespaces, service accounts, and the pods and Secrets of payments', () => cluster.openWatches() === 4);

    i.close('payments');
    assert.deepEqual(
      [...timers.pending.values()].map((t) => t.ms),
      [120_000],
      'one release, after the time set',
    );
    assert.deepEqual(podNamespaces(i), ['payments'], 'still listed until then');
    i.open('payments');
    assert.equal(timers.pending.size, 0, 'opened again: the release is cancelled');

    i.close('payments');
    timers.fireAll();
    assert.deepEqual(i.snapshot().pods, [], 'its pods are dropped');
    assert.deepEqual([...i.snapshot().status.pods.keys()], []);
    await waitFor('its two watches closed', () => cluster.openWatches() === 2);
  });

  it('closes every namespace the tree opened when its context closes, keeping those with findings', async () => {
    const i = start({ podThreshold: 1 });
    await i.whenSettled();
    i.open('payments');
    i.open('gateway');
    i.keepForFindings(['gateway']);
    await waitFor('the pods of payments and gateway', () => i.isSettled() && podNamespaces(i).length === 2);
    i.closeAll();
    assert.equal(timers.pending.size, 1, 'only payments is released later: gateway has findings');
    timers.fireAll();
    assert.deepEqual(podNamespaces(i), ['gateway']);
  });

  it('keeps the namespaces with findings and those a scan borrows listed', async () => {
    const i = start({ podThreshold: 1 });
    await i.whenSettled();
    assert.equal(i.keepForFindings(['db']), true, 'db was not listed: its lists begin');
    assert.equal(i.keepForFindings(['db']), false, 'the same findings again begin nothing');
    const release = i.borrow('gateway');
    await waitFor('the pods of db and gateway', () => i.isSettled() && podNamespaces(i).length === 2);
    assert.deepEqual(podNamespaces(i), ['db', 'gateway']);

    release();
    i.keepForFindings([]);
    assert.equal(timers.pending.size, 2, 'both released later');
    timers.fireAll();
    assert.deepEqual(i.snapshot().pods, []);
  });

  it('holds what the tree opened before the size was known', async () => {
    const i = start({ mode: 'namespaces' });
    i.open('db');
    const snapshot = await i.whenSettled();
    assert.equal(snapshot.scope?.why, 'setting');
    assert.deepEqual([...new Set(snapshot.pods.map((p) => p.namespace))], ['db']);
  });

  it('lists across the cluster at or below the threshold, and opening a namespace lists nothing more', async () => {
    const i = start({ podThreshold: 10_000 });
    const snapshot = await i.whenSettled();
    assert.equal(snapshot.scope?.mode, 'cluster');
    assert.equal(snapshot.scope?.why, 'small');
    assert.ok(podNamespaces(i).length >= 3);
    const from = cluster.requests.all().length;
    i.open('payments');
    // A round trip of our own: a list the opening had begun would reach the server before this one answers.
    assert.ok((await session.api.rawRequest('/version')).ok);
    assert.deepEqual(
      askedSince(from).filter((a) => a.startsWith('list ')),
      [],
      'no list',
    );
    assert.equal(i.listCount(), 6, 'the size (pods, Secrets) and a list of each kind');
  });

  it('lists the pinned namespaces (clusterCredentials.namespaces) each on its own, asking no size', async () => {
    const from = cluster.requests.all().length;
    const i = start({ namespaces: ['payments', 'db'] });
    const snapshot = await i.whenSettled();
    assert.equal(snapshot.scope?.why, 'configured');
    assert.deepEqual(podNamespaces(i), ['db', 'payments']);
    i.close('payments');
    assert.equal(timers.pending.size, 0, 'a pinned namespace is never released');
    assert.ok(
      cluster.requests
        .all()
        .slice(from)
        .every((r) => r.query.get('limit') !== '1'),
    );
  });

  it('asks no size when the mode is forced to cluster', async () => {
    const from = cluster.requests.all().length;
    const i = start({ mode: 'cluster' });
    const snapshot = await i.whenSettled();
    assert.equal(snapshot.scope?.why, 'setting');
    assert.ok(
      cluster.requests
        .all()
        .slice(from)
        .every((r) => r.query.get('limit') !== '1'),
    );
  });
});
