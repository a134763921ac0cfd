// A context-wide diagnosis or scan honours clusterCredentials.namespaces, and falls back to the
// context's namespace (saying so) when listing across the cluster is forbidden, as the explorer does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectEvidence } from '../../../../src/cluster/scan/collectEvidence';
import type { ClusterSession } from '../../../../src/cluster/auth/session';
import { scanUnauthorized } from '../../../../src/cluster/scan/unauthorizedScan';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { sessionFor, tempDir, type TempDir } from '../support/session';
import { PATTERNS } from './support';

describe('the reach of a context-wide look', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  const sessions: ClusterSession[] = [];
  const open = (user: Parameters<typeof sessionFor>[2]): ClusterSession => {
    const s = sessionFor(cluster, tmp, user);
    sessions.push(s);
    return s;
  };

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-reach-');
  });
  after(async () => {
    for (const s of sessions) await s.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('lists only the configured namespaces', async () => {
    const s = open('admin');
    const { evidence } = await collectEvidence({ context: s.context, api: s.api, namespaces: ['payments', ' payments '] }, { kind: 'context' }, { now: () => cluster.clock.nowMs() });
    assert.ok(evidence.pods.length > 0);
    assert.deepEqual([...new Set(evidence.pods.map((p) => p.namespace))], ['payments']);
    const all = await collectEvidence({ context: s.context, api: s.api }, { kind: 'context' }, { now: () => cluster.clock.nowMs() });
    assert.ok(new Set(all.evidence.pods.map((p) => p.namespace)).size > 1, 'without the setting, every namespace');
  });

  it("falls back to the context's namespace on 403, and says so", async () => {
    const s = open({ serviceAccount: 'payments/api' });
    const session = { context: s.context, api: s.api, contextNamespace: 'payments' };
    const { evidence } = await collectEvidence(session, { kind: 'context' }, { now: () => cluster.clock.nowMs() });
    assert.ok(evidence.pods.length > 0, evidence.problems.join('\n'));
    assert.ok(evidence.pods.every((p) => p.namespace === 'payments'));
    assert.ok(evidence.problems.some((p) => /listing pods across the cluster is forbidden .*looking only in namespace payments/.test(p)), evidence.problems.join('\n'));
    assert.ok(!evidence.problems.some((p) => /^listing pods:/.test(p)), 'no bare 403 on pods');

    const scan = await scanUnauthorized(session, { kind: 'context' }, { patterns: PATTERNS, now: () => cluster.clock.nowMs() });
    assert.ok(scan.scanned.pods > 0);
    assert.ok(scan.problems.some((p) => /looking only in namespace payments/.test(p)));
  });

  it('without a context namespace, the 403 stays a problem', async () => {
    const s = open({ serviceAccount: 'payments/api' });
    const { evidence } = await collectEvidence({ context: s.context, api: s.api }, { kind: 'context' }, { now: () => cluster.clock.nowMs() });
    assert.equal(evidence.pods.length, 0);
    assert.ok(evidence.problems.some((p) => /^listing pods: .*403/.test(p)), evidence.problems.join('\n'));
  });
});
