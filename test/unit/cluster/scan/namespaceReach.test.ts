// A context-wide diagnosis or scan honours clusterCredentials.namespaces, and falls back to the
// context's namespace (saying so) when listing across the cluster is forbidden: the diagnosis through
// the session's inventory, a scan without one by listing as the inventory does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Inventory, InventoryOptions } from '../../../../src/cluster/inventory/inventory';
import { collectEvidence } from '../../../../src/cluster/scan/collectEvidence';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { scanUnauthorized } from '../../../../src/cluster/scan/unauthorizedScan';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../support/session';
import { PATTERNS, startInventory } from './support';

describe('the reach of a context-wide look', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  const sessions: ClusterSession[] = [];
  const inventories: Inventory[] = [];
  const open = (user: Parameters<typeof sessionFor>[2]): ClusterSession => {
    const s = sessionFor(cluster, tmp, user);
    sessions.push(s);
    return s;
  };
  /** The session's inventory, once every list has answered. */
  const listed = async (s: ClusterSession, opts: Partial<InventoryOptions> = {}): Promise<Inventory> => {
    const inventory = startInventory(s, opts);
    inventories.push(inventory);
    await waitFor('the inventory to settle', () => inventory.isSettled());
    return inventory;
  };

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-reach-');
  });
  after(async () => {
    for (const i of inventories) i.stop();
    for (const s of sessions) await s.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('lists only the configured namespaces', async () => {
    const s = open('admin');
    const configured = await listed(s, { namespaces: ['payments', ' payments '] });
    const { evidence } = await collectEvidence(
      { context: s.context, api: s.api, inventory: configured },
      { kind: 'context' },
      { nowMs: () => cluster.clock.nowMs() },
    );
    assert.ok(evidence.pods.length > 0);
    assert.deepEqual([...new Set(evidence.pods.map((p) => p.namespace))], ['payments']);
    const outside = await collectEvidence(
      { context: s.context, api: s.api, inventory: configured },
      { kind: 'namespace', namespace: 'db' },
      { nowMs: () => cluster.clock.nowMs() },
    );
    assert.equal(outside.evidence.pods.length, 0);
    assert.ok(
      outside.evidence.problems.some((p) =>
        /namespace db is outside the namespaces the extension lists \(payments\); add it to clusterCredentials\.namespaces/.test(p),
      ),
      outside.evidence.problems.join('\n'),
    );
    const all = await collectEvidence(
      { context: s.context, api: s.api, inventory: await listed(s) },
      { kind: 'context' },
      { nowMs: () => cluster.clock.nowMs() },
    );
    assert.ok(new Set(all.evidence.pods.map((p) => p.namespace)).size > 1, 'without the setting, every namespace');
  });

  it("falls back to the context's namespace on 403, and says so", async () => {
    const s = open({ serviceAccount: 'payments/api' });
    const session = { context: s.context, api: s.api, contextNamespace: 'payments' };
    const inventory = await listed(s, { contextNamespace: 'payments' });
    const { evidence } = await collectEvidence({ ...session, inventory }, { kind: 'context' }, { nowMs: () => cluster.clock.nowMs() });
    assert.ok(evidence.pods.length > 0, evidence.problems.join('\n'));
    assert.ok(evidence.pods.every((p) => p.namespace === 'payments'));
    assert.ok(
      evidence.problems.some((p) => /listing pods across the cluster is forbidden .*looking only in namespace payments/.test(p)),
      evidence.problems.join('\n'),
    );
    assert.ok(!evidence.problems.some((p) => /^listing pods:/.test(p)), 'no bare 403 on pods');

    const scan = await scanUnauthorized(session, { kind: 'context' }, { patterns: PATTERNS, nowMs: () => cluster.clock.nowMs() });
    assert.ok(scan.scanned.pods > 0);
    assert.ok(scan.problems.some((p) => /looking only in namespace payments/.test(p)));
  });

  it('without a context namespace, the 403 stays a problem', async () => {
    const s = open({ serviceAccount: 'payments/api' });
    const { evidence } = await collectEvidence(
      { context: s.context, api: s.api, inventory: await listed(s) },
      { kind: 'context' },
      { nowMs: () => cluster.clock.nowMs() },
    );
    assert.equal(evidence.pods.length, 0);
    assert.ok(
      evidence.problems.some((p) => /^listing pods: .*403/.test(p)),
      evidence.problems.join('\n'),
    );
  });
});
