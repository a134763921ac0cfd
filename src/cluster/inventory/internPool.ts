// One copy of each string that repeats across projections (namespace, service-account, node, owner and
// container names, token paths) and one of each small read-only part that many pods have alike (an owner,
// the container statuses of a ReplicaSet's healthy pods): JSON.parse makes a fresh copy for every
// occurrence, and at 150,000 pods those copies are most of what the inventory would keep.

/** What projections share through; InternPool fits, AS_IS shares nothing. */
export interface Interner {
  /** One copy of `s`. */
  of(s: string): string;
  /** One frozen copy of what `key` describes, made by `make` the first time. */
  shared<T extends object>(key: string, make: () => T): Readonly<T>;
}

export const AS_IS: Interner = { of: (s) => s, shared: (_key, make) => make() };

/** Past this many entries the pool starts over: names of old ReplicaSets must not pile up for the session. */
const MAX_ENTRIES = 100_000;

export class InternPool implements Interner {
  private readonly strings = new Map<string, string>();
  private readonly objects = new Map<string, object>();

  of(s: string): string {
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    // Strings already kept stay valid; only later copies stop being shared with them.
    if (this.strings.size >= MAX_ENTRIES) this.strings.clear();
    this.strings.set(s, s);
    return s;
  }

  shared<T extends object>(key: string, make: () => T): Readonly<T> {
    const known = this.objects.get(key) as T | undefined;
    if (known !== undefined) return known;
    if (this.objects.size >= MAX_ENTRIES) this.objects.clear();
    // Frozen: a pod that changed it would change every pod sharing it.
    const made = Object.freeze(make());
    this.objects.set(key, made);
    return made;
  }

  get size(): number {
    return this.strings.size + this.objects.size;
  }
}
