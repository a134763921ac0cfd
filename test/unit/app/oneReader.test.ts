// One reader of the cluster for the whole extension: with the session's state started and the diagnosis
// run again and again (and a 401 scan), the test cluster sees exactly one list of namespaces, service
// accounts, pods and Secrets. What the inventory does not hold is a get, only where it is needed: a PVC
// for each pod that mounts one, a ReplicaSet's Deployment once per ReplicaSet.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState } from '../../../src/app/clusterState';
import { DIAGNOSIS_SOURCE, Diagnosis } from '../../../src/app/diagnosis';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { ResourceKind } from '../../../src/cluster/inventory/types';
import { compilePatterns, DEFAULT_PATTERNS } from '../../../src/logs';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, type TempDir } from '../cluster/support/session';
import { MemoryFindings, MemoryHistory, MemoryLog, TestSessions, TestSettings } from './support';

const KINDS: ResourceKind[] = ['namespaces', 'serviceaccounts', 'pods', 'secrets'];

describe('the session state as the one reader of the cluster', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;
  let state: ClusterState;
  let diagnosis: Diagnosis;
  const history = new MemoryHistory();
  const findings = new MemoryFindings();
  const log = new MemoryLog();

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-one-reader-');
    session = sessionFor(cluster, tmp, 'admin');
    const settings = new TestSettings();
    state = new ClusterState({ sessions: new TestSessions(session), settings, history, log, tuning: { coalesceMs: 0, retryDelaysMs: [50] } });
    diagnosis = new Diagnosis({ state, history, findings, settings, log, nowMs: () => cluster.clock.nowMs() });
  });
  after(async () => {
    diagnosis.dispose();
    state.dispose();
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  it('lists each kind once however often the diagnosis runs, and scans over the same pods', async () => {
    // A round trip of our own: a request the state or the diagnosis had started would reach the server before this one answers.
    assert.ok((await session.api.rawRequest('/version')).ok);
    assert.equal(cluster.requests.all().length, 1, 'nothing asked before the cluster is needed, only our own /version');
    diagnosis.start();
    for (let i = 0; i < 4; i++) await diagnosis.refresh();
    assert.ok((findings.sets.get(DIAGNOSIS_SOURCE) ?? 0) >= 4, 'each refresh ran a diagnosis');
    assert.deepEqual(findings.bySource.get(DIAGNOSIS_SOURCE), [], 'healthy: no finding');
    const problems = log.lines.filter((l) => l.includes('Diagnosis'));
    assert.deepEqual(problems, [], problems.join('\n'));

    const patterns = compilePatterns(DEFAULT_PATTERNS);
    assert.ok(patterns.ok);
    const scanned = await diagnosis.scan(session, { kind: 'namespace', namespace: 'payments' }, { patterns });
    assert.ok(scanned, 'the scan ran');
    const logsRead = cluster.requests.all().filter((r) => r.info.kind === 'resource' && r.info.subresource === 'log');
    assert.ok(logsRead.length > 0, 'the scan read pod logs');
    await diagnosis.refresh();

    for (const kind of KINDS) assert.equal(cluster.requests.lists(kind).length, 1, `one list of ${kind} for the whole extension`);
    assert.equal(cluster.requests.lists('persistentvolumeclaims').length, 0, 'PVCs are read one by one, never listed');
    assert.equal(cluster.requests.lists('replicasets').length, 0);

    // A get per PVC a pod mounts, per collection (its deletion is what matters); none for pods without one.
    const snapshot = state.current?.snapshot();
    assert.ok(snapshot);
    const claims = new Set(snapshot.pods.flatMap((p) => p.claims.map((c) => `${p.namespace}/${c.claimName}`)));
    assert.ok(claims.size > 0, 'the healthy scenario has a pod with a PVC');
    const inPayments = [...claims].filter((c) => c.startsWith('payments/')).length;
    const claimGets = cluster.requests.of('get', 'persistentvolumeclaims');
    const collections = findings.sets.get(DIAGNOSIS_SOURCE) ?? 0;
    assert.equal(
      claimGets.length,
      claims.size * collections + inPayments,
      `${claims.size} PVC(s) read in each of ${collections} diagnoses, ${inPayments} by the payments scan`,
    );
    const replicaSets = new Set(snapshot.pods.flatMap((p) => (p.owner?.kind === 'ReplicaSet' ? [`${p.namespace}/${p.owner.name}`] : [])));
    assert.equal(cluster.requests.of('get', 'replicasets').length, replicaSets.size, "each ReplicaSet's Deployment read once for the session");
  });
});
