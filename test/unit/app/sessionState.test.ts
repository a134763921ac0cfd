// What the session records in the history besides live readings: the legacy token Secrets the inventory
// decoded (claims and fingerprint, never the token), once each, so Token Health shows the token the tree shows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState } from '../../../src/app/clusterState';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { TokenObservation } from '../../../src/history/types';
import type { NodeRef } from '../../../src/shared/nodeRef';
import { buildPanelState } from '../../../src/ui/tokenHealth/panelData';
import { liveTargetsOf } from '../../../src/cluster/inventory/liveTargets';
import { R } from '../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../cluster/support/session';
import { MemoryHistory, MemoryLog, TestSessions, TestSettings } from './support';

describe('the session records legacy token Secrets in the history', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let admin: ClusterSession;
  let state: ClusterState;
  const history = new MemoryHistory();

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-session-state-');
    admin = sessionFor(cluster, tmp, 'admin');
    state = new ClusterState({
      sessions: new TestSessions(admin),
      settings: new TestSettings(),
      history,
      log: new MemoryLog(),
      tuning: { coalesceMs: 0, retryDelaysMs: [50] },
    });
  });
  after(async () => {
    state.dispose();
    await admin.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('records what the inventory decoded, once, and Token Health shows it', async () => {
    assert.ok(cluster.api.create(R.serviceAccounts, 'payments', { metadata: { name: 'robot' } }).ok);
    assert.ok(
      cluster.api.create(R.secrets, 'payments', {
        metadata: { name: 'robot-token', annotations: { 'kubernetes.io/service-account.name': 'robot' } },
        type: 'kubernetes.io/service-account-token',
      }).ok,
    );
    const session = state.ensureStarted();
    assert.ok(session);
    const secret = await waitFor('the decoded Secret in the inventory', () =>
      session.snapshot()?.secrets.find((s) => s.namespace === 'payments' && s.name === 'robot-token' && s.token !== undefined),
    );
    const fingerprint = secret.token?.fingerprint;
    const recorded = (): TokenObservation[] =>
      history.records.filter((r): r is TokenObservation => r.kind === 'token' && r.source === 'secret' && r.subject.path === 'secret/robot-token');
    await waitFor('the Secret recorded', () => recorded().length > 0);
    const [o] = recorded();
    assert.ok(o);
    assert.equal(o.fingerprint, fingerprint);
    assert.deepEqual(o.subject, { context: admin.context, namespace: 'payments', serviceAccount: 'robot', path: 'secret/robot-token' });
    // Claims and fingerprint only: nothing shaped like a token.
    assert.doesNotMatch(JSON.stringify(history.records), /eyJ[A-Za-z0-9_-]{6,}\./);

    // More inventory changes do not record it again.
    assert.ok(cluster.api.create(R.serviceAccounts, 'payments', { metadata: { name: 'another' } }).ok);
    await waitFor('the next change seen', () => session.snapshot()?.serviceAccounts.some((s) => s.name === 'another'));
    assert.equal(recorded().length, 1);

    const ref: NodeRef = { kind: 'secret', context: admin.context, namespace: 'payments', name: 'robot-token', serviceAccount: 'robot' };
    const panel = buildPanelState({ ref, records: history.query({ context: admin.context }), findings: [], nowMs: Date.now() });
    assert.deepEqual(
      panel.timeline.windows.map((w) => [w.fingerprint, w.source]),
      [[fingerprint, 'secret']],
    );
  });
});

describe('live tokens in auto mode', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let admin: ClusterSession;
  let state: ClusterState;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-session-auto-');
    admin = sessionFor(cluster, tmp, 'admin');
    const settings = new TestSettings();
    settings.liveTokens = 'auto';
    // An interval far beyond the test: only the first pass can read anything here.
    settings.liveTokensIntervalSeconds = 3600;
    state = new ClusterState({
      sessions: new TestSessions(admin),
      settings,
      history: new MemoryHistory(),
      log: new MemoryLog(),
      tuning: { coalesceMs: 0, retryDelaysMs: [50] },
    });
  });
  after(async () => {
    state.dispose();
    await admin.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('reads every running pod’s token once the lists have answered, not an interval later', async () => {
    const session = state.ensureStarted();
    assert.ok(session);
    const snapshot = await session.synced();
    const targets = liveTargetsOf(snapshot.pods);
    assert.ok(targets.length > 0, 'the healthy scenario runs pods with projected tokens');
    await waitFor('a reading of every running pod’s token file', () => targets.every((t) => session.live.get(t) !== undefined) || undefined);
  });
});
