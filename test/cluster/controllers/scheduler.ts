// kube-scheduler in one rule: bind each unscheduled pod to the schedulable Node with the
// fewest pods. Without Nodes, pods stay Pending, as in the recorded cluster.

import { R } from '../resources';
import type { KubeObject, Pod } from '../types';
import { writeAs, type Controller, type ControllerContext } from './context';
import { scheduledStatus } from './podStatus';

function schedulable(n: KubeObject): boolean {
  return n.metadata.deletionTimestamp === undefined && (n.spec as { unschedulable?: boolean } | undefined)?.unschedulable !== true;
}

export const scheduler: Controller = {
  name: 'scheduler',
  reads: [R.pods, R.nodes],
  sync(ctx: ControllerContext) {
    if (!ctx.options.scheduler) return;
    const nodes = ctx.store.list(R.nodes).filter(schedulable);
    if (nodes.length === 0) return;
    const load = new Map<string, number>(nodes.map((n) => [n.metadata.name, 0]));
    const pending: Pod[] = [];
    for (const o of ctx.store.list(R.pods)) {
      const p = o as Pod;
      const node = p.spec.nodeName ?? '';
      if (node !== '') load.set(node, (load.get(node) ?? 0) + 1);
      else if (p.metadata.deletionTimestamp === undefined) pending.push(p);
    }
    for (const p of pending) {
      let best = nodes[0]?.metadata.name ?? '';
      for (const [name, n] of load) if (n < (load.get(best) ?? Infinity)) best = name;
      // Stored snapshots are immutable, so the new version can share everything it does not change.
      const bound: Pod = { ...p, metadata: { ...p.metadata }, spec: { ...p.spec, nodeName: best }, status: scheduledStatus(p, ctx.clock.nowRfc3339()) };
      const written = writeAs(ctx, R.pods, bound, 'kube-scheduler', 'status');
      if (!written.ok) continue;
      load.set(best, (load.get(best) ?? 0) + 1);
      ctx.events.record(
        written.object,
        'Normal',
        'Scheduled',
        `Successfully assigned ${p.metadata.namespace}/${p.metadata.name} to ${best}`,
        'default-scheduler',
      );
    }
  },
};
