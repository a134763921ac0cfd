// Promises that resolve once a condition on some state holds, re-checked whenever the state says it
// changed: how tests wait for a state (a request held, a connection gone) rather than for time.

export class Conditions {
  private readonly waiting = new Set<{ test: () => boolean; resolve: () => void }>();

  /** Resolves once `test` holds: at once if it holds now, else after the change that makes it hold. */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.add({ test, resolve }));
  }

  /** The state changed: wake whoever waits for what now holds. */
  changed(): void {
    for (const w of [...this.waiting]) {
      if (!w.test()) continue;
      this.waiting.delete(w);
      w.resolve();
    }
  }
}
