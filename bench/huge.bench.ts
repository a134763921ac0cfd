// The explorer and its diagnosis on the `huge` scenario (150,000 pods, 20,000 service accounts, 2,000 namespaces,
// 5,000 token Secrets), the size Kubernetes supports:
// tree.huge.first_view_ms: cold start (new session, `auto` mode) to a tree with the context, its namespaces and the
//   Findings node; median of 3 (goal < 1,000).
// tree.huge.heap_mb: heap the `auto` inventory and that tree keep after garbage collection (goal < 100).
// tree.huge.bytes_per_pod: heap a full `cluster`-mode inventory keeps, per pod (goal < 1,500).
// tree.huge.list_floor_ratio: that full inventory's time over a bare paginated client-node list of the same pods and
//   service accounts, same run (goal ≤ 1.0).
// api.lists_per_hour_steady: lists the test cluster served during an hour of cluster time with the view open (one
//   namespace opened) and a diagnosis every five minutes, after the first lists (goal 0).
// api.requests_per_hour_steady: every request of that hour (watch renewals), per resource kind watched (goal ≤ 20).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterState } from '../src/app/clusterState';
import { Diagnosis } from '../src/app/diagnosis';
import type { ClusterSession } from '../src/cluster/auth/session';
import { Inventory } from '../src/cluster/inventory/inventory';
import type { InventoryModeSetting } from '../src/cluster/inventory/inventoryMode';
import { buildExplorerModel } from '../src/ui/explorer/explorerModel';
import type { ExplorerModel } from '../src/ui/explorer/explorerNode';
import { R } from '../test/cluster/resources';
import { bareList, heapAfterGc, openAdmin } from './explorerSupport';
import { startTestCluster, type TestCluster } from '../test/cluster/server';
import { MemoryFindings, MemoryHistory, MemoryLog, TestSessions, TestSettings } from '../test/unit/app/support';
import { median } from './stats';

type Report = (name: string, value: number, unit: string) => void;

const HOUR_SECONDS = 3600;
const DIAGNOSIS_PERIOD_SECONDS = 300;

async function until(what: string, probe: () => boolean, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function modelOf(session: ClusterSession, inventory: Inventory): ExplorerModel {
  return buildExplorerModel({
    nowSec: Math.floor(Date.now() / 1000),
    session: { context: session.context, summary: session.summary, credential: session.provider.describe() },
    inventory: inventory.snapshot(),
    findings: [],
    liveMode: 'onDemand',
  });
}

/** A cold start to the settled inventory of `mode` and its tree. */
async function firstView(session: ClusterSession, mode: InventoryModeSetting): Promise<{ ms: number; inventory: Inventory; model: ExplorerModel }> {
  const start = process.hrtime.bigint();
  const inventory = new Inventory({ api: session.api, mode, coalesceMs: 0 });
  inventory.start();
  await inventory.whenSettled();
  const model = modelOf(session, inventory);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, inventory, model };
}

/** An hour of cluster time with the view open on `namespace` and the diagnosis running: what the cluster served. */
async function steadyHour(cluster: TestCluster, session: ClusterSession, namespace: string): Promise<{ lists: number; requests: number; kinds: number }> {
  const settings = new TestSettings();
  const history = new MemoryHistory();
  const findings = new MemoryFindings();
  const log = new MemoryLog();
  const state = new ClusterState({ sessions: new TestSessions(session), settings, history, log, tuning: { coalesceMs: 0 } });
  const diagnosis = new Diagnosis({ state, history, findings, settings, log, nowMs: () => cluster.clock.nowMs() });
  try {
    diagnosis.start();
    state.current?.inventory.open(namespace);
    await diagnosis.refresh();
    await until('the inventory settled', () => state.current?.inventory.isSettled() === true);
    await until('every watch open', () => cluster.openWatches() >= 4);
    const watched = new Set(
      cluster.requests
        .all()
        .filter((r) => r.info.kind === 'resource' && r.info.verb === 'watch')
        .map((r) => (r.info.kind === 'resource' ? r.info.resource : '')),
    );
    const from = cluster.requests.all().length;
    for (let t = 0; t < HOUR_SECONDS; t += DIAGNOSIS_PERIOD_SECONDS) {
      cluster.advance(DIAGNOSIS_PERIOD_SECONDS);
      await diagnosis.refresh();
    }
    // A round trip of our own: what the hour began has reached the server once this answers.
    await session.api.rawRequest('/version');
    const asked = cluster.requests
      .all()
      .slice(from)
      .filter((r) => !(r.info.kind === 'nonResource' && r.info.path === '/version'));
    return { lists: asked.filter((r) => r.info.kind === 'resource' && r.info.verb === 'list').length, requests: asked.length, kinds: watched.size };
  } finally {
    diagnosis.dispose();
    state.dispose();
  }
}

export async function run(report: Report): Promise<void> {
  const cluster = await startTestCluster({ scenarios: ['huge'] });
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-huge-'));
  try {
    const kubeconfig = cluster.kubeconfigFor('admin');
    const pods = cluster.store.list(R.pods).length;

    // `auto`: namespaces and service accounts across the cluster, pods per namespace opened.
    const warm = await firstView(openAdmin(kubeconfig, dir), 'auto');
    warm.inventory.stop();
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const baseline = heapAfterGc();
      const session = openAdmin(kubeconfig, dir);
      const { ms, inventory, model } = await firstView(session, 'auto');
      if (inventory.snapshot().scope?.mode !== 'namespaces') throw new Error(`auto chose ${inventory.snapshot().scope?.mode ?? 'nothing'} on the huge cluster`);
      if (model.roots.length < 2) throw new Error('the tree has no Findings node');
      times.push(ms);
      if (i === 2) report('tree.huge.heap_mb', (heapAfterGc() - baseline) / (1024 * 1024), 'MB');
      inventory.stop();
      await session.api.dispose();
    }
    report('tree.huge.first_view_ms', median(times), 'ms');

    // `cluster`: every pod, against the floor of a bare paginated list.
    await bareList(kubeconfig);
    const floor = await bareList(kubeconfig);
    const baseline = heapAfterGc();
    const session = openAdmin(kubeconfig, dir);
    const full = await firstView(session, 'cluster');
    const retained = heapAfterGc() - baseline;
    const listed = full.inventory.snapshot().pods.length;
    if (listed < pods) throw new Error(`the cluster-mode inventory holds ${listed} of ${pods} pods`);
    report('tree.huge.bytes_per_pod', retained / listed, 'B');
    report('tree.huge.list_floor_ratio', full.ms / floor, 'ratio');
    full.inventory.stop();

    const namespace = full.inventory.snapshot().namespaces[0]?.name ?? 'default';
    const hour = await steadyHour(cluster, session, namespace);
    report('api.lists_per_hour_steady', hour.lists, 'lists');
    report('api.requests_per_hour_steady', hour.requests / Math.max(1, hour.kinds), 'requests/kind');
    await session.api.dispose();
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
