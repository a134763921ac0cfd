// The pvc-protection controller: a PersistentVolumeClaim being deleted keeps its
// `kubernetes.io/pvc-protection` finalizer (and stays Terminating) while a pod still uses it.

import { R } from '../resources';
import type { Pod } from '../types';
import { CONTROLLER_MANAGER, writeAs, type Controller, type ControllerContext } from './context';

const FINALIZER = 'kubernetes.io/pvc-protection';

export const pvcProtectionController: Controller = {
  name: 'pvc-protection',
  reads: [R.persistentVolumeClaims, R.pods],
  sync(ctx: ControllerContext) {
    const terminating = ctx.store
      .list(R.persistentVolumeClaims)
      .filter((c) => c.metadata.deletionTimestamp !== undefined && (c.metadata.finalizers ?? []).includes(FINALIZER));
    if (terminating.length === 0) return;
    const inUse = new Set<string>();
    for (const o of ctx.store.list(R.pods)) {
      const pod = o as Pod;
      for (const v of pod.spec.volumes ?? []) {
        const claim = (v.persistentVolumeClaim as { claimName?: string } | undefined)?.claimName;
        if (claim !== undefined) inUse.add(`${pod.metadata.namespace ?? ''}/${claim}`);
      }
    }
    for (const claim of terminating) {
      if (inUse.has(`${claim.metadata.namespace ?? ''}/${claim.metadata.name}`)) continue;
      const next = { ...claim, metadata: { ...claim.metadata, finalizers: (claim.metadata.finalizers ?? []).filter((f) => f !== FINALIZER) } };
      writeAs(ctx, R.persistentVolumeClaims, next, CONTROLLER_MANAGER);
    }
  },
};
