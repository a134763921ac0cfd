// The DaemonSet controller: one pod per Node, bound to it directly, replaced when the
// template changes or when it is deleted.

import { R } from '../resources';
import type { Pod, Workload } from '../types';
import { byController, CONTROLLER_MANAGER, controllerRef, sameJson, templateHash, writeAs, type Controller, type ControllerContext } from './context';
import { isReady } from './podStatus';
import { cloneJson } from '../json';

export const daemonSetController: Controller = {
  name: 'daemonset',
  reads: [R.daemonSets, R.pods, R.nodes, R.namespaces, R.serviceAccounts],
  sync(ctx: ControllerContext) {
    const daemonSets = ctx.store.list(R.daemonSets);
    if (daemonSets.length === 0) return;
    const podsByOwner = byController(ctx.store.list(R.pods));
    const nodes = ctx.store.list(R.nodes).filter((n) => n.metadata.deletionTimestamp === undefined);
    for (const obj of daemonSets) {
      const ds = obj as Workload;
      if (ds.metadata.deletionTimestamp !== undefined) continue;
      const pods = ((podsByOwner.get(ds.metadata.uid) ?? []) as Pod[]).filter((p) => p.metadata.deletionTimestamp === undefined);
      const revision = templateHash(ds.spec.template);
      const ns = ds.metadata.namespace;
      for (const node of nodes) {
        const onNode = pods.filter((p) => p.spec.nodeName === node.metadata.name);
        const current = onNode.find((p) => p.metadata.labels?.['controller-revision-hash'] === revision);
        for (const stale of onNode.filter((p) => p !== current)) ctx.api.delete(R.pods, ns, stale.metadata.name);
        if (current !== undefined) continue;
        const created = ctx.api.create(
          R.pods,
          ns,
          {
            metadata: {
              generateName: `${ds.metadata.name}-`,
              namespace: ns,
              labels: {
                ...(ds.spec.template.metadata?.labels ?? {}),
                'controller-revision-hash': revision,
                'pod-template-generation': String(ds.metadata.generation ?? 1),
              },
              ownerReferences: [controllerRef(ds)],
            },
            spec: { ...cloneJson(ds.spec.template.spec), nodeName: node.metadata.name },
          },
          { manager: CONTROLLER_MANAGER },
        );
        if (created.ok) {
          pods.push(created.object as Pod);
          ctx.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.object.metadata.name}`, 'daemonset-controller');
        }
      }
      const scheduled = pods.filter((p) => nodes.some((n) => n.metadata.name === p.spec.nodeName));
      const ready = scheduled.filter(isReady).length;
      const status = {
        currentNumberScheduled: scheduled.length,
        numberMisscheduled: 0,
        desiredNumberScheduled: nodes.length,
        numberReady: ready,
        observedGeneration: ds.metadata.generation ?? 1,
        updatedNumberScheduled: scheduled.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length,
        numberAvailable: ready,
      };
      if (sameJson(ds.status, status)) continue;
      const fresh = ctx.store.get<Workload>(R.daemonSets, ns, ds.metadata.name);
      if (fresh === undefined) continue;
      fresh.status = status;
      writeAs(ctx, R.daemonSets, fresh, CONTROLLER_MANAGER, 'status');
    }
  },
};
