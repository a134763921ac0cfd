// The explorer on the `large` scenario (10,000 pods, 2,000 service accounts, 200 namespaces):
// tree.first_model: ms from a cold start (new session) to the full tree model, lists and model included.
// tree.list_floor_ratio: that time over a bare paginated client-node list of the same pods and service
//   accounts, same run (target ≤ 1.3).
// tree.heap_mb: heap retained by the inventory and the model after garbage collection (target < 60).
// tree.relists_steady: lists made during 60 s of simulated steady state with watches running (target 0).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inventory } from '../src/cluster/inventory/inventory';
import type { ClusterSession } from '../src/cluster/auth/session';
import { buildExplorerModel } from '../src/ui/explorer/explorerModel';
import type { ExplorerModel } from '../src/ui/explorer/explorerNode';
import { bareList, openAdmin, until } from './explorerSupport';
import { heapAfterGc } from './heap';
import { startTestCluster } from '../test/cluster/server';

type Report = (name: string, value: number, unit: string) => void;

function allReady(inv: Inventory): boolean {
  const s = inv.snapshot().status;
  return [s.namespaces, s.serviceaccounts, s.pods, s.secrets].every((m) => m.size > 0 && [...m.values()].every((x) => x.state === 'ready'));
}

async function firstModel(session: ClusterSession): Promise<{ ms: number; inventory: Inventory; model: ExplorerModel }> {
  const start = process.hrtime.bigint();
  const inventory = new Inventory({ api: session.api, coalesceMs: 0 });
  inventory.start();
  await until('every list ready', () => allReady(inventory), 120_000);
  const model = buildExplorerModel({
    nowSec: Math.floor(Date.now() / 1000),
    session: { context: session.context, summary: session.summary, credential: session.provider.describe() },
    inventory: inventory.snapshot(),
    findings: [],
    liveMode: 'onDemand',
  });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, inventory, model };
}

export async function run(report: Report): Promise<void> {
  const cluster = await startTestCluster({ scenarios: ['large'] });
  const dir = mkdtempSync(join(tmpdir(), 'cc-bench-'));
  try {
    const kubeconfig = cluster.kubeconfigFor('admin');
    // Warm-up (TLS, JIT) for both sides, then the measured run of each.
    const warm = await firstModel(openAdmin(kubeconfig, dir));
    warm.inventory.stop();
    await bareList(kubeconfig);
    const floor = await bareList(kubeconfig);

    const baseline = heapAfterGc();
    const session = openAdmin(kubeconfig, dir);
    const { ms, inventory, model } = await firstModel(session);
    report('tree.first_model', ms, 'ms');
    report('tree.list_floor_ratio', ms / floor, 'ratio');
    const retained = heapAfterGc() - baseline;
    if (model.byId.size < 12_000) throw new Error(`the model has only ${model.byId.size} nodes`);
    report('tree.heap_mb', retained / (1024 * 1024), 'MB');

    const lists = inventory.listCount();
    for (let i = 0; i < 6; i++) {
      cluster.advance(10);
      await new Promise((r) => setTimeout(r, 100));
    }
    report('tree.relists_steady', inventory.listCount() - lists, 'lists');
    inventory.stop();
    await session.api.dispose();
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
