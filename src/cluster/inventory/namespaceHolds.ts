// Which namespaces have their pods and token Secrets listed when the inventory lists them per namespace: those
// open in the tree, those with findings, and those a command uses for a while (a scan). A namespace nothing
// holds any more is released some minutes later, so that closing and opening it again does not list it twice.

/** Runs `fn` after `ms`; the answer cancels it. */
export type Timer = (fn: () => void, ms: number) => () => void;

export const RELEASE_AFTER_MS = 5 * 60_000;

export const defaultTimer: Timer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

export interface NamespaceHoldsOptions {
  /** The namespace's lists begin. */
  onStart: (namespace: string) => void;
  /** The namespace's lists stop, and what they held goes. */
  onRelease: (namespace: string) => void;
  releaseAfterMs?: number;
  timer?: Timer;
}

export class NamespaceHolds {
  private readonly opened = new Set<string>();
  private findings = new Set<string>();
  private readonly borrowed = new Map<string, number>();
  /** Namespaces whose lists run: held now, or waiting to be released. */
  private readonly listed = new Set<string>();
  private readonly releases = new Map<string, () => void>();
  /** Holds are only counted until the inventory decides to list per namespace. */
  private enabled = false;

  constructor(private readonly opts: NamespaceHoldsOptions) {}

  /** From now on held namespaces are listed: those held already start at once. */
  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    for (const ns of this.held()) this.update(ns);
  }

  open(namespace: string): void {
    this.opened.add(namespace);
    this.update(namespace);
  }

  close(namespace: string): void {
    this.opened.delete(namespace);
    this.update(namespace);
  }

  /** Every namespace the tree opened is closed (its context was collapsed); findings and borrows still hold theirs. */
  closeAll(): void {
    for (const ns of [...this.opened]) this.close(ns);
  }

  /** The namespaces with findings now; true when one of them was not listed yet. */
  setFindings(namespaces: Iterable<string>): boolean {
    const before = this.findings;
    this.findings = new Set(namespaces);
    const fresh = this.enabled && [...this.findings].some((ns) => !this.listed.has(ns));
    for (const ns of new Set([...before, ...this.findings])) this.update(ns);
    return fresh;
  }

  /** Holds `namespace` until the answer is called (once). */
  borrow(namespace: string): () => void {
    this.borrowed.set(namespace, (this.borrowed.get(namespace) ?? 0) + 1);
    this.update(namespace);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.borrowed.get(namespace) ?? 1) - 1;
      if (n > 0) this.borrowed.set(namespace, n);
      else this.borrowed.delete(namespace);
      this.update(namespace);
    };
  }

  isHeld(namespace: string): boolean {
    return this.opened.has(namespace) || this.findings.has(namespace) || this.borrowed.has(namespace);
  }

  dispose(): void {
    for (const cancel of this.releases.values()) cancel();
    this.releases.clear();
    this.enabled = false;
  }

  private held(): Set<string> {
    return new Set([...this.opened, ...this.findings, ...this.borrowed.keys()]);
  }

  private update(namespace: string): void {
    if (!this.enabled) return;
    if (this.isHeld(namespace)) {
      this.releases.get(namespace)?.();
      this.releases.delete(namespace);
      if (this.listed.has(namespace)) return;
      this.listed.add(namespace);
      this.opts.onStart(namespace);
      return;
    }
    if (!this.listed.has(namespace) || this.releases.has(namespace)) return;
    const timer = this.opts.timer ?? defaultTimer;
    const cancel = timer(() => {
      this.releases.delete(namespace);
      if (!this.enabled || this.isHeld(namespace)) return;
      this.listed.delete(namespace);
      this.opts.onRelease(namespace);
    }, this.opts.releaseAfterMs ?? RELEASE_AFTER_MS);
    this.releases.set(namespace, cancel);
  }
}
