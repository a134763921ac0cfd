// A session of the product's cluster layer on an in-process test cluster, and helpers that
// record what the explorer would: live token observations into a HistoryStore.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig } from '../../../../src/cluster/auth/kubeconfig';
import { openSession, type ClusterSession } from '../../../../src/cluster/auth/session';
import { HistoryStore } from '../../../../src/history';
import { compilePatterns, DEFAULT_PATTERNS, type CompiledPatterns } from '../../../../src/logs';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import type { Pod } from '../../../cluster/types';

export interface Harness {
  cluster: TestCluster;
  session: ClusterSession;
  history: HistoryStore;
  dir: string;
  now: () => number;
  close(): Promise<void>;
}

export const PATTERNS: CompiledPatterns = compilePatterns(DEFAULT_PATTERNS);

export async function startHarness(scenarios: string[]): Promise<Harness> {
  const cluster = await startTestCluster({ scenarios });
  const dir = mkdtempSync(join(tmpdir(), 'cc-evidence-'));
  const kubeconfig = cluster.writeKubeconfig(dir);
  const load = loadKubeconfig({ settingPath: kubeconfig, env: {}, home: dir });
  const opened = openSession(load, { trustExecPlugins: false, now: () => cluster.clock.nowMs() });
  if (!opened.ok) throw new Error(opened.message);
  const now = (): number => cluster.clock.nowMs();
  const history = await HistoryStore.open(join(dir, 'history'), { now, maxDays: 400 });
  return {
    cluster,
    session: opened.session,
    history,
    dir,
    now,
    async close() {
      await history.close();
      await opened.session.api.dispose();
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function podsOf(cluster: TestCluster, namespace: string, prefix: string): Pod[] {
  return cluster.store
    .list(R.pods, namespace)
    .filter((p) => p.metadata.name.startsWith(prefix))
    .map((p) => p as Pod);
}

export function onePod(cluster: TestCluster, namespace: string, prefix: string): Pod {
  const pod = podsOf(cluster, namespace, prefix)[0];
  if (!pod) throw new Error(`no pod ${namespace}/${prefix}*`);
  return pod;
}

/** What the explorer's live token reader does, through the kubelet of the test cluster. */
export function kubeletReader(cluster: TestCluster): (t: { podUid: string; path: string }) => Promise<string | undefined> {
  return async (t) => cluster.kubelet.readFile(t.podUid, t.path);
}
