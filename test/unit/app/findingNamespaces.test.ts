// Listing pods per namespace, what holds a namespace listed besides the tree: its findings (a namespace the
// user closed stays listed while it has some, and is released once they are gone), and a scan of it (listed
// for the scan, then held by what the scan found).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState } from '../../../src/app/clusterState';
import { DIAGNOSIS_SOURCE, Diagnosis } from '../../../src/app/diagnosis';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { Timer } from '../../../src/cluster/inventory/namespaceHolds';
import { compilePatterns, DEFAULT_PATTERNS } from '../../../src/logs';
import { R } from '../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../cluster/support/session';
import { MemoryFindings, MemoryHistory, MemoryLog, TestSessions, TestSettings } from './support';

function legacySecret(cluster: TestCluster, namespace: string, serviceAccount: string): void {
  assert.ok(
    cluster.api.create(R.secrets, namespace, {
      metadata: { name: `${serviceAccount}-legacy`, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
      type: 'kubernetes.io/service-account-token',
    }).ok,
  );
}

describe('namespaces held by their findings', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;
  let state: ClusterState;
  let diagnosis: Diagnosis;
  const findings = new MemoryFindings();
  const releases = new Map<string, () => void>();
  let n = 0;
  /** Releases wait for the test: each is kept under a number until fired. */
  const timer: Timer = (fn) => {
    const id = String(n++);
    releases.set(id, fn);
    return () => releases.delete(id);
  };
  const fireReleases = (): void => {
    const due = [...releases.values()];
    releases.clear();
    for (const fn of due) fn();
  };
  const inventory = () => {
    const s = state.current;
    assert.ok(s);
    return s.inventory;
  };
  const listed = (): string[] => [...(state.current?.snapshot()?.status.pods.keys() ?? [])].sort();
  const findingsIn = (ns: string): boolean => [...findings.bySource.values()].some((list) => list.some((f) => f.subject.namespace === ns));

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-finding-namespaces-');
    session = sessionFor(cluster, tmp);
    const settings = new TestSettings();
    settings.inventoryMode = 'namespaces';
    const history = new MemoryHistory();
    const log = new MemoryLog();
    state = new ClusterState({ sessions: new TestSessions(session), settings, history, log, tuning: { coalesceMs: 0, retryDelaysMs: [50], timer } });
    diagnosis = new Diagnosis({ state, history, findings, settings, log, nowMs: () => cluster.clock.nowMs() });
    diagnosis.start();
    await diagnosis.refresh();
  });
  after(async () => {
    diagnosis.dispose();
    state.dispose();
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('keeps a closed namespace listed while it has findings, and releases it once they are gone', async () => {
    legacySecret(cluster, 'payments', 'api');
    inventory().open('payments');
    await waitFor('the Secret of payments decoded', () => state.current?.snapshot()?.secrets.some((s) => s.namespace === 'payments' && s.token));
    await diagnosis.refresh();
    assert.ok(findingsIn('payments'), 'the legacy token is a finding');

    inventory().close('payments');
    assert.equal(releases.size, 0, 'not released: its findings hold it');
    assert.deepEqual(listed(), ['payments']);

    assert.ok(cluster.api.delete(R.secrets, 'payments', 'api-legacy').ok);
    await waitFor('the Secret gone', () => !state.current?.snapshot()?.secrets.some((s) => s.namespace === 'payments'));
    await diagnosis.refresh();
    assert.ok(!findingsIn('payments'));
    assert.equal(releases.size, 1, 'released later, now that nothing holds it');
    fireReleases();
    assert.deepEqual(listed(), []);
  });

  it('lists a scanned namespace for the scan, and keeps it listed for what the scan found', async () => {
    legacySecret(cluster, 'db', 'patroni');
    const patterns = compilePatterns(DEFAULT_PATTERNS);
    assert.ok(patterns.ok);
    const scanned = await diagnosis.scan(session, { kind: 'namespace', namespace: 'db' }, { patterns });
    assert.ok(scanned && scanned.pods > 0, 'the scan saw the pods of db');
    assert.ok(scanned.findings.some((f) => f.rule === 'legacyToken'));
    assert.equal(releases.size, 0, 'the scan is over, and its findings hold db');
    assert.deepEqual(listed(), ['db']);
    assert.ok((findings.sets.get(DIAGNOSIS_SOURCE) ?? 0) > 0);
  });
});
