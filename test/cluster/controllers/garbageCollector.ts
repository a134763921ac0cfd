// Background garbage collection: an object whose controller owner is gone is deleted,
// so deleting a Deployment takes its ReplicaSets and their pods with it.

import { R } from '../resources';
import type { Controller, ControllerContext } from './context';
import { controllerUid } from './context';

const OWNED = [R.replicaSets, R.pods];
const OWNERS = [R.deployments, R.replicaSets, R.statefulSets, R.daemonSets];

export const garbageCollector: Controller = {
  name: 'garbagecollector',
  reads: [...OWNERS, ...OWNED],
  sync(ctx: ControllerContext) {
    const alive = new Set<string>();
    for (const r of OWNERS) for (const o of ctx.store.list(r)) alive.add(o.metadata.uid);
    for (const r of OWNED) {
      for (const o of ctx.store.list(r)) {
        const owner = controllerUid(o);
        if (owner === undefined || alive.has(owner) || o.metadata.deletionTimestamp !== undefined) continue;
        ctx.api.delete(r, o.metadata.namespace, o.metadata.name);
      }
    }
  },
};
