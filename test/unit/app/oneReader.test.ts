// One reader of the cluster for the whole extension: with the session's state started and the diagnosis
// run again and again (and a 401 scan), the test cluster sees exactly one list of namespaces, service
// accounts, pods and Secrets (and the size asked once, `limit=1`). What the inventory does not hold is a
// get, only where it is needed: no PVC of a healthy pod, no ReplicaSet whose name tells its Deployment.
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

    const probes = (kind: ResourceKind): number => cluster.requests.lists(kind).filter((r) => r.query.get('limit') === '1').length;
    for (const kind of KINDS) assert.equal(cluster.requests.lists(kind).length - probes(kind), 1, `one list of ${kind} for the whole extension`);
    assert.deepEqual([probes('pods'), probes('secrets')], [1, 1], "the cluster's size asked once");
    assert.equal(cluster.requests.lists('persistentvolumeclaims').length, 0, 'PVCs are read one by one, never listed');
    assert.equal(cluster.requests.lists('replicasets').length, 0);

    // No pod's token looks stalled: no PVC is read, though the healthy scenario has pods that mount one.
    const snapshot = state.current?.snapshot();
    assert.ok(snapshot);
    assert.ok(
      snapshot.pods.some((p) => p.claims.length > 0),
      'the healthy scenario has a pod with a PVC',
    );
    assert.equal(cluster.requests.of('get', 'persistentvolumeclaims').length, 0, 'no PVC of a healthy pod is read');
    // A Deployment's ReplicaSet is named for it: the projection tells the workload without a get.
    assert.ok(snapshot.pods.some((p) => p.owner?.kind === 'ReplicaSet'));
    assert.equal(cluster.requests.of('get', 'replicasets').length, 0, 'no ReplicaSet read when its name tells its Deployment');
  });
});
