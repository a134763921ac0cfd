// Runs the controllers until the cluster settles. Called after every write and every clock
// move, so by the time a client sees a response the controllers have already reacted.

import { R, resourceKey } from '../resources';
import type { Controller, ControllerContext } from './context';
import { daemonSetController } from './daemonSets';
import { deploymentController } from './deployments';
import { garbageCollector } from './garbageCollector';
import { kubeletAgent } from './kubeletAgent';
import { legacyTokenController } from './legacyTokens';
import { namespaceController } from './namespaces';
import { pvcProtectionController } from './pvcProtection';
import { replicaSetController } from './replicaSets';
import { scheduler } from './scheduler';
import { statefulSetController } from './statefulSets';

const CONTROLLERS: Controller[] = [
  namespaceController,
  legacyTokenController,
  deploymentController,
  replicaSetController,
  statefulSetController,
  daemonSetController,
  garbageCollector,
  pvcProtectionController,
  scheduler,
  kubeletAgent,
];

/** More passes than any chain of reactions needs (deployment → rs → pod → node → kubelet). */
const MAX_PASSES = 25;

export class ControllerManager {
  private running = false;
  private paused = 0;
  private changes = 0;
  /** The change count at each resource's last change, and at each controller's last pass. */
  private readonly changedAt = new Map<string, number>();
  private readonly ranAt = new Map<Controller, number>();

  constructor(private readonly ctx: ControllerContext) {
    const events = resourceKey(R.events);
    // Event writes do not count as change: a controller that only reports must not loop forever.
    ctx.store.subscribe((r) => {
      const key = resourceKey(r);
      if (key === events) return;
      this.changes++;
      this.changedAt.set(key, this.changes);
    });
  }

  /** Defer reconciling while `fn` makes many writes, then reconcile once. */
  batch<T>(fn: () => T): T {
    this.paused++;
    try {
      return fn();
    } finally {
      this.paused--;
      this.reconcile();
    }
  }

  /**
   * Hold every controller (a slow controller-manager, say) until the returned function is called;
   * then reconcile once. Writes meanwhile are served, but nothing reacts to them.
   */
  hold(): () => void {
    this.paused++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.paused--;
      this.reconcile();
    };
  }

  /** Whether something the controller reads changed since it last ran. */
  private due(c: Controller): boolean {
    const ran = this.ranAt.get(c);
    if (ran === undefined || c.reads === undefined) return true;
    return c.reads.some((r) => (this.changedAt.get(resourceKey(r)) ?? 0) > ran);
  }

  reconcile(): void {
    if (this.running || this.paused > 0) return;
    this.running = true;
    try {
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const before = this.changes;
        for (const c of CONTROLLERS) {
          if (!this.due(c)) continue;
          // Marked before it runs: its own writes make it run again, until it settles.
          this.ranAt.set(c, this.changes);
          c.sync(this.ctx);
        }
        if (this.changes === before) return;
      }
    } finally {
      this.running = false;
    }
  }
}
