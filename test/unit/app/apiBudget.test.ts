// The extension's steady state on the cluster: once the lists have answered, an hour of diagnoses (one every
// five minutes of cluster time) asks the cluster for no list and no get; the diagnosis reads the inventory.
// Across the cluster on a small cluster, and per opened namespace when the mode says so.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClusterState } from '../../../src/app/clusterState';
import { DIAGNOSIS_SOURCE, Diagnosis } from '../../../src/app/diagnosis';
import type { ClusterSession } from '../../../src/cluster/auth/session';
import type { RecordedRequest } from '../../cluster/requestCounter';
import { startTestCluster, type TestCluster } from '../../cluster/server';
import { sessionFor, tempDir, waitFor, type TempDir } from '../cluster/support/session';
import { MemoryFindings, MemoryHistory, MemoryLog, TestSessions, TestSettings } from './support';

const PERIOD_SECONDS = 300;

function isWatch(r: RecordedRequest): boolean {
  return r.info.kind === 'resource' && r.info.verb === 'watch';
}

describe('the API budget in steady state', () => {
  let cluster: TestCluster;
  let tmp: TempDir;
  let session: ClusterSession;

  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
    tmp = tempDir('cc-budget-');
    session = sessionFor(cluster, tmp);
  });
  after(async () => {
    await session.api.dispose();
    await cluster.stop();
    tmp.remove();
  });

  /** An hour of diagnoses after the lists answered; what the cluster was asked meanwhile that is not a watch. */
  async function anHour(settings: TestSettings, watches: number, open?: string): Promise<RecordedRequest[]> {
    const history = new MemoryHistory();
    const findings = new MemoryFindings();
    const log = new MemoryLog();
    const state = new ClusterState({ sessions: new TestSessions(session), settings, history, log, tuning: { coalesceMs: 0, retryDelaysMs: [50] } });
    const diagnosis = new Diagnosis({ state, history, findings, settings, log, nowMs: () => cluster.clock.nowMs() });
    try {
      diagnosis.start();
      if (open !== undefined) state.current?.inventory.open(open);
      await diagnosis.refresh();
      await waitFor('every watch open', () => cluster.openWatches() === watches);
      const from = cluster.requests.all().length;
      const runs = findings.sets.get(DIAGNOSIS_SOURCE) ?? 0;
      for (let i = 0; i < 3600 / PERIOD_SECONDS; i++) {
        cluster.advance(PERIOD_SECONDS);
        await diagnosis.refresh();
      }
      assert.ok((findings.sets.get(DIAGNOSIS_SOURCE) ?? 0) >= runs + 12, 'a diagnosis every five minutes');
      // A round trip of our own: a request the diagnosis had begun would reach the server before this one answers.
      assert.ok((await session.api.rawRequest('/version')).ok);
      return cluster.requests
        .all()
        .slice(from)
        .filter((r) => !isWatch(r) && !(r.info.kind === 'nonResource' && r.info.path === '/version'));
    } finally {
      diagnosis.dispose();
      state.dispose();
      await waitFor('the watches closed', () => cluster.openWatches() === 0);
    }
  }

  it('asks for nothing but watches across the cluster', async () => {
    const asked = await anHour(new TestSettings(), 4);
    assert.deepEqual(
      asked.map((r) => r.info),
      [],
      'no list, no PVC or ReplicaSet get',
    );
  });

  it('asks for nothing but watches when listing per namespace', async () => {
    const settings = new TestSettings();
    settings.inventoryMode = 'namespaces';
    const asked = await anHour(settings, 4, 'db');
    assert.deepEqual(
      asked.map((r) => r.info),
      [],
      'no list, no PVC or ReplicaSet get',
    );
  });
});
