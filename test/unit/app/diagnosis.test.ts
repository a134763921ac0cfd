// The diagnosis over the session's state: a user allowed only in their own namespace gets that namespace
// diagnosed (said once at info, then at debug), and a new session drops the last session's scan findings
// (the same session read again keeps them) and is diagnosed from its own inventory.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState } from '../../../src/app/clusterState';
import { DIAGNOSIS_SOURCE, Diagnosis } from '../../../src/app/diagnosis';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import { compilePatterns, DEFAULT_PATTERNS } from '../../../src/logs';
import { R } from '../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../cluster/support/session';
import { MemoryFindings, MemoryHistory, MemoryLog, TestSessions, TestSettings } from './support';

describe('the diagnosis over the session state', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let narrow: ClusterSession;
  let admin: ClusterSession;
  let feed: TestSessions;
  let state: ClusterState;
  let diagnosis: Diagnosis;
  const findings = new MemoryFindings();
  const log = new MemoryLog();

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-diagnosis-');
    narrow = sessionFor(cluster, tmp, { serviceAccount: 'payments/api' });
    admin = sessionFor(cluster, tmp, 'admin');
    feed = new TestSessions(narrow);
    const settings = new TestSettings();
    const history = new MemoryHistory();
    state = new ClusterState({ sessions: feed, settings, history, log, tuning: { coalesceMs: 0, retryDelaysMs: [50] } });
    diagnosis = new Diagnosis({ state, history, findings, settings, log, nowMs: () => cluster.clock.nowMs() });
  });
  after(async () => {
    diagnosis.dispose();
    state.dispose();
    await narrow.api.dispose();
    await admin.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it("diagnoses the context's namespace when the cluster refuses more, and says so once", async () => {
    diagnosis.start();
    await diagnosis.refresh();
    await diagnosis.refresh();
    const notes = log.lines.filter((l) => /Diagnosis: listing pods across the cluster is forbidden .*looking only in namespace payments/.test(l));
    const levels = notes.map((l) => l.split(' ')[0]);
    assert.ok(levels.length >= 2, log.lines.join('\n'));
    assert.deepEqual(levels, ['info', ...levels.slice(1).map(() => 'debug')], 'at info the first time, then at debug');
    assert.equal(state.current?.snapshot()?.namespacesFixed, true);
  });

  it("drops the last session's scan findings and diagnoses the new session from its own inventory", async () => {
    const patterns = compilePatterns(DEFAULT_PATTERNS);
    assert.ok(patterns.ok);
    assert.ok(await diagnosis.scan(narrow, { kind: 'namespace', namespace: 'payments' }, { patterns }));
    const scanSource = `scan:${narrow.context}:ns:payments`;
    assert.ok(findings.bySource.has(scanSource));
    // The same session read again (a kubeconfig edited elsewhere): the scan's findings are left as they are.
    const scanSets = findings.sets.get(scanSource) ?? 0;
    feed.set(narrow);
    assert.equal(findings.sets.get(scanSource) ?? 0, scanSets, 'a re-read of the same session does not drop the scan findings');
    const before = findings.sets.get(DIAGNOSIS_SOURCE) ?? 0;
    const old = state.current;

    feed.set(admin);
    assert.deepEqual(findings.bySource.get(scanSource), [], 'scan findings of the old session are dropped at once');
    assert.notEqual(state.current, old);
    await waitFor('a diagnosis of the new session', () => (findings.sets.get(DIAGNOSIS_SOURCE) ?? 0) > before);
    const snapshot = state.current?.snapshot();
    assert.equal(snapshot?.namespacesFixed, false, 'the admin lists across the cluster');
    assert.ok(new Set(snapshot?.pods.map((p) => p.namespace)).size > 1);
  });

  it('refuses to scan a session that is no longer the active one', async () => {
    const patterns = compilePatterns(DEFAULT_PATTERNS);
    assert.ok(patterns.ok);
    assert.equal(await diagnosis.scan(narrow, { kind: 'context' }, { patterns }), undefined);
    assert.ok(log.lines.some((l) => /^warn Scan of context .*: the active context changed as the scan began/.test(l)));
  });

  it('drops the findings of a namespace as soon as the inventory says it is gone', async () => {
    assert.equal(state.current?.session, admin);
    assert.ok(cluster.api.create(R.namespaces, undefined, { metadata: { name: 'doomed' } }).ok);
    assert.ok(cluster.api.create(R.serviceAccounts, 'doomed', { metadata: { name: 'robot' } }).ok);
    assert.ok(
      cluster.api.create(R.secrets, 'doomed', {
        metadata: { name: 'robot-token', annotations: { 'kubernetes.io/service-account.name': 'robot' } },
        type: 'kubernetes.io/service-account-token',
      }).ok,
    );
    await waitFor('the Secret in the inventory', () => state.current?.snapshot()?.secrets.some((x) => x.namespace === 'doomed' && x.token !== undefined));
    await diagnosis.refresh();
    const inDoomed = (): boolean => (findings.bySource.get(DIAGNOSIS_SOURCE) ?? []).some((f) => f.subject.namespace === 'doomed');
    assert.ok(inDoomed(), 'the legacy token of doomed is a finding');
    const sets = findings.sets.get(DIAGNOSIS_SOURCE) ?? 0;
    const others = (findings.bySource.get(DIAGNOSIS_SOURCE) ?? []).filter((f) => f.subject.namespace !== 'doomed').map((f) => f.id);

    assert.ok(cluster.api.delete(R.namespaces, undefined, 'doomed').ok);
    await waitFor('the findings of doomed dropped', () => !inDoomed());
    assert.ok(log.lines.some((l) => /^info Diagnosis: namespace doomed is gone from the cluster; its \d+ finding\(s\) were dropped\.$/.test(l)));
    assert.deepEqual(
      (findings.bySource.get(DIAGNOSIS_SOURCE) ?? []).map((f) => f.id),
      others,
      'the other namespaces keep theirs',
    );
    assert.equal(findings.sets.get(DIAGNOSIS_SOURCE), sets + 1, 'dropped without waiting for another diagnosis');
  });
});

describe('the diagnosis with namespaces pinned by settings', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let admin: ClusterSession;
  let state: ClusterState;
  let diagnosis: Diagnosis;
  const findings = new MemoryFindings();
  const log = new MemoryLog();

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-diagnosis-pinned-');
    admin = sessionFor(cluster, tmp, 'admin');
    for (const ns of ['pinned-doomed', 'pinned-kept']) {
      assert.ok(cluster.api.create(R.namespaces, undefined, { metadata: { name: ns } }).ok);
      assert.ok(cluster.api.create(R.serviceAccounts, ns, { metadata: { name: 'robot' } }).ok);
      assert.ok(
        cluster.api.create(R.secrets, ns, {
          metadata: { name: 'robot-token', annotations: { 'kubernetes.io/service-account.name': 'robot' } },
          type: 'kubernetes.io/service-account-token',
        }).ok,
      );
    }
    const settings = new TestSettings();
    settings.namespaces = ['pinned-doomed', 'pinned-kept'];
    state = new ClusterState({
      sessions: new TestSessions(admin),
      settings,
      history: new MemoryHistory(),
      log,
      tuning: { coalesceMs: 0, retryDelaysMs: [50] },
    });
    diagnosis = new Diagnosis({ state, history: new MemoryHistory(), findings, settings, log, nowMs: () => cluster.clock.nowMs() });
  });
  after(async () => {
    diagnosis.dispose();
    state.dispose();
    await admin.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('drops the findings of a pinned namespace as soon as the cluster says it is gone, without another diagnosis', async () => {
    diagnosis.start();
    const secretsDecoded = (): boolean =>
      ['pinned-doomed', 'pinned-kept'].every((ns) => state.current?.snapshot()?.secrets.some((x) => x.namespace === ns && x.token !== undefined) === true);
    await waitFor('both Secrets in the inventory', secretsDecoded);
    await diagnosis.refresh();
    assert.equal(state.current?.snapshot()?.namespacesFixed, true, 'namespaces come from settings: no namespace list');
    const inNamespace = (ns: string): boolean => (findings.bySource.get(DIAGNOSIS_SOURCE) ?? []).some((f) => f.subject.namespace === ns);
    assert.ok(inNamespace('pinned-doomed') && inNamespace('pinned-kept'), 'the legacy token of each is a finding');
    const sets = findings.sets.get(DIAGNOSIS_SOURCE) ?? 0;
    const kept = (findings.bySource.get(DIAGNOSIS_SOURCE) ?? []).filter((f) => f.subject.namespace !== 'pinned-doomed').map((f) => f.id);

    assert.ok(cluster.api.delete(R.namespaces, undefined, 'pinned-doomed').ok);
    await waitFor('the findings of pinned-doomed dropped', () => !inNamespace('pinned-doomed'));
    assert.ok(log.lines.some((l) => /^info Diagnosis: namespace pinned-doomed is gone from the cluster; its \d+ finding\(s\) were dropped\.$/.test(l)));
    assert.deepEqual(
      (findings.bySource.get(DIAGNOSIS_SOURCE) ?? []).map((f) => f.id),
      kept,
      'the other pinned namespace keeps its findings',
    );
    assert.equal(findings.sets.get(DIAGNOSIS_SOURCE), sets + 1, 'dropped without waiting for another diagnosis');
    // The next diagnosis does not bring them back.
    await diagnosis.refresh();
    assert.ok(!inNamespace('pinned-doomed'));
    assert.ok(inNamespace('pinned-kept'));
  });
});
