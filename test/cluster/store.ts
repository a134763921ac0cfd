// The cluster's etcd: typed objects per resource, one global resourceVersion counter, and a
// per-resource event log (with a compaction point) that watches and consistent pages read.

import { randomUUID } from 'node:crypto';
import { canonicalObject } from './canonical';
import { cloneJson, jsonEqual } from './json';
import { rfc3339Seconds, type Clock } from './clock';
import { RESOURCES, resourceKey, type ResourceInfo } from './resources';
import { alreadyExists, conflict, notFound, type ApiError } from './status';
import type { KubeObject } from './types';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  type: EventType;
  rv: number;
  object: KubeObject;
  /** The state just before this event, so older snapshots can be rebuilt. */
  previous?: KubeObject;
}

export type StoreResult<T extends KubeObject = KubeObject> = { ok: true; object: T } | { ok: false; error: ApiError };

type Listener = (resource: ResourceInfo, event: StoredEvent) => void;

interface Bucket {
  objects: Map<string, KubeObject>;
  /** The keys in etcd order as of the last read; `added` and `removed` say what changed since. */
  sorted: string[];
  added: string[];
  removed: boolean;
  /** The objects in key order, until the next write. */
  listed?: readonly KubeObject[];
  log: StoredEvent[];
}

/** A list's objects at one resourceVersion, in key order, read a page at a time. */
export interface Snapshot {
  /** The objects whose key is at or after `from` (a store key, `namespace/name` or `name`). */
  from(from: string): Generator<KubeObject>;
  /** How many objects have a key after `key`. */
  countAfter(key: string): number;
}

const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** Five characters from the alphabet Kubernetes uses for generated names. */
export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += NAME_SUFFIX_ALPHABET[Math.floor(Math.random() * NAME_SUFFIX_ALPHABET.length)];
  return s;
}

/**
 * A fresh uid, copied into one flat string: Node builds randomUUID's by concatenation, pieces
 * that would cost each stored object ~400 bytes (60 MB at 150,000 pods).
 */
function newUid(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class Store {
  private rv = 0;
  private compactedRv = 0;
  private readonly buckets = new Map<string, Bucket>();
  private readonly listeners = new Set<Listener>();

  constructor(readonly clock: Clock) {
    for (const r of RESOURCES) if (r.stored) this.buckets.set(resourceKey(r), { objects: new Map(), sorted: [], added: [], removed: false, log: [] });
  }

  resourceVersion(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch or a consistent list can still start from. */
  compactedResourceVersion(): number {
    return this.compactedRv;
  }

  /** Forget history up to now, as etcd compaction does; older watches and pages get 410. */
  compact(toRv: number = this.rv): void {
    this.compactedRv = Math.max(this.compactedRv, Math.min(toRv, this.rv));
    for (const bucket of this.buckets.values()) {
      const keepFrom = bucket.log.findIndex((e) => e.rv > this.compactedRv);
      bucket.log = keepFrom === -1 ? [] : bucket.log.slice(keepFrom);
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A private copy the caller may change and hand back to `update`. */
  get<T extends KubeObject = KubeObject>(r: ResourceInfo, namespace: string | undefined, name: string): T | undefined {
    const o = this.bucket(r).objects.get(objectKey(namespace, name));
    return o === undefined ? undefined : (cloneJson(o) as T);
  }

  /** The stored object itself, for reading only (serialising, filtering). */
  peek(r: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(r).objects.get(objectKey(namespace, name));
  }

  /**
   * Stored objects in etcd key order; read-only references. The array is shared until the next
   * write to the resource (every controller lists every pod at each pass), so never change it.
   */
  list(r: ResourceInfo, namespace?: string): readonly KubeObject[] {
    const bucket = this.bucket(r);
    const keys = this.sortedKeys(bucket);
    if (bucket.listed === undefined) {
      const listed: KubeObject[] = [];
      for (const k of keys) {
        const o = bucket.objects.get(k);
        if (o !== undefined) listed.push(o);
      }
      bucket.listed = listed;
    }
    if (!namespace) return bucket.listed;
    // Every key has its object, so the list lines up with the keys.
    const [lo, hi] = namespaceRange(keys, namespace);
    return bucket.listed.slice(lo, hi);
  }

  /** The objects as they were at `rv`, or undefined when that history is compacted away. */
  listAt(r: ResourceInfo, rv: number, namespace?: string): KubeObject[] | undefined {
    const snapshot = this.snapshot(r, rv, namespace);
    return snapshot === undefined ? undefined : [...snapshot.from('')];
  }

  /**
   * The list at `rv` for reading in pages: a page costs its own size and a binary search, not the
   * whole list, which matters at 150,000 pods. Undefined when that history is compacted away.
   */
  snapshot(r: ResourceInfo, rv: number, namespace?: string): Snapshot | undefined {
    if (rv < this.compactedRv || rv > this.rv) return undefined;
    const bucket = this.bucket(r);
    const keys = this.sortedKeys(bucket);
    const [lo, hi] = namespaceRange(keys, namespace);
    const objects = bucket.objects;
    // What changed since `rv`, as each key was then (undefined: it did not exist). The earliest
    // event after `rv` holds that state, so walking back the last write wins.
    const then = new Map<string, KubeObject | undefined>();
    for (let i = bucket.log.length - 1; i >= 0; i--) {
      const e = bucket.log[i];
      if (e === undefined || e.rv <= rv) break;
      then.set(objectKey(e.object.metadata.namespace, e.object.metadata.name), e.type === 'ADDED' ? undefined : e.previous);
    }
    const prefix = namespace ? `${namespace}/` : '';
    const inRange = (k: string): boolean => k.startsWith(prefix);
    // The keys that were there at `rv` but are gone or different now, in order.
    const restored = [...then].filter(([k, o]) => o !== undefined && inRange(k)).map(([k]) => k);
    restored.sort();
    return {
      *from(from) {
        let i = Math.max(lo, lowerBound(keys, from, lo, hi));
        let j = lowerBound(restored, from);
        while (i < hi || j < restored.length) {
          const current = keys[i];
          const old = restored[j];
          if (current !== undefined && i < hi && (old === undefined || current < old)) {
            i++;
            if (then.has(current)) continue;
            const o = objects.get(current);
            if (o !== undefined) yield o;
          } else if (old !== undefined) {
            j++;
            if (current === old) i++;
            const o = then.get(old);
            if (o !== undefined) yield o;
          }
        }
      },
      countAfter(key) {
        const after = `${key}\u0000`;
        let n = hi - Math.max(lo, lowerBound(keys, after, lo, hi));
        for (const [k, o] of then) {
          if (!inRange(k) || k <= key) continue;
          if (objects.has(k)) n--;
          if (o !== undefined) n++;
        }
        return n;
      },
    };
  }

  /** Events after `rv`, or undefined when some of them were compacted away. */
  eventsSince(r: ResourceInfo, rv: number): StoredEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    // The log is in resourceVersion order: find where `rv` ends rather than read 150,000 events.
    const log = this.bucket(r).log;
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((log[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return log.slice(lo);
  }

  /**
   * Store a new object. The store takes ownership of `input` (do not change it afterwards);
   * the returned object is the stored snapshot, for reading only.
   */
  create<T extends KubeObject>(r: ResourceInfo, input: T): StoreResult<T> {
    const bucket = this.bucket(r);
    const obj = input;
    const meta = obj.metadata;
    if ((meta.name ?? '') === '' && meta.generateName) {
      do meta.name = `${meta.generateName}${randomSuffix()}`;
      while (bucket.objects.has(objectKey(meta.namespace, meta.name)));
    }
    if (!r.namespaced) delete meta.namespace;
    const key = objectKey(meta.namespace, meta.name);
    if (bucket.objects.has(key)) return { ok: false, error: alreadyExists(r, meta.name) };
    obj.apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
    obj.kind = r.kind;
    meta.uid = newUid();
    meta.creationTimestamp = this.clock.nowRfc3339();
    if (GENERATION_KINDS.has(r.kind)) meta.generation = 1;
    const stored = this.write(r, bucket, key, 'ADDED', obj, undefined);
    return { ok: true, object: stored as T };
  }

  /**
   * Replace an object. With `expectResourceVersion`, a stale copy gets 409 Conflict
   * (optimistic concurrency, as a PUT carrying metadata.resourceVersion does). As with
   * `create`, the store takes ownership of `input` and returns the stored snapshot.
   */
  update<T extends KubeObject>(r: ResourceInfo, input: T, opts: { expectResourceVersion?: string } = {}): StoreResult<T> {
    const bucket = this.bucket(r);
    const key = objectKey(r.namespaced ? input.metadata.namespace : undefined, input.metadata.name);
    const current = bucket.objects.get(key);
    if (current === undefined) return { ok: false, error: notFound(r, input.metadata.name) };
    if (opts.expectResourceVersion !== undefined && opts.expectResourceVersion !== '' && opts.expectResourceVersion !== current.metadata.resourceVersion) {
      return { ok: false, error: conflict(r, input.metadata.name) };
    }
    const obj = input;
    // Identity and server-owned fields cannot be changed by an update.
    obj.apiVersion = current.apiVersion;
    obj.kind = current.kind;
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (r.namespaced) obj.metadata.namespace = current.metadata.namespace;
    else delete obj.metadata.namespace;
    if (current.metadata.deletionTimestamp !== undefined) {
      obj.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
      obj.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    }
    if (current.metadata.generation !== undefined) {
      const specChanged = !jsonEqual(current.spec, obj.spec);
      obj.metadata.generation = current.metadata.generation + (specChanged ? 1 : 0);
    }
    // An update that changes nothing writes nothing, as in the real apiserver.
    obj.metadata.resourceVersion = current.metadata.resourceVersion;
    if (jsonEqual(obj, current)) return { ok: true, object: current as T };
    const stored = this.write(r, bucket, key, 'MODIFIED', obj, current);
    // The last finalizer removed from an object being deleted (with no grace left) lets it go.
    const m = stored.metadata;
    if (m.deletionTimestamp !== undefined && (m.deletionGracePeriodSeconds ?? 0) === 0 && (m.finalizers ?? []).length === 0) {
      this.remove(r, stored.metadata.namespace, stored.metadata.name);
    }
    return { ok: true, object: stored as T };
  }

  /**
   * Mark an object Terminating: deletionTimestamp = now + grace. It stays until `remove`
   * (or, with no grace, until its last finalizer goes). Marking twice keeps the first mark.
   */
  markDeleted(r: ResourceInfo, namespace: string | undefined, name: string, gracePeriodSeconds: number): StoreResult {
    const bucket = this.bucket(r);
    const key = objectKey(r.namespaced ? namespace : undefined, name);
    const current = bucket.objects.get(key);
    if (current === undefined) return { ok: false, error: notFound(r, name) };
    if (current.metadata.deletionTimestamp !== undefined) return { ok: true, object: current };
    // Stored snapshots are never changed in place, so new versions can share their parts.
    const marked: KubeObject = {
      ...current,
      metadata: {
        ...current.metadata,
        deletionTimestamp: rfc3339Seconds(this.clock.nowSeconds() + gracePeriodSeconds),
        deletionGracePeriodSeconds: gracePeriodSeconds,
      },
    };
    const stored = this.write(r, bucket, key, 'MODIFIED', marked, current);
    return { ok: true, object: stored };
  }

  /**
   * Move an object's server-set timestamps into the past, for scenarios whose story began before
   * the cluster started (a pod running for a year, a claim deleted two hours ago). Watchers see
   * a MODIFIED event; nothing else about the object changes.
   */
  backdate(r: ResourceInfo, namespace: string | undefined, name: string, stamps: { creationTimestamp?: string; deletionTimestamp?: string }): StoreResult {
    const bucket = this.bucket(r);
    const key = objectKey(r.namespaced ? namespace : undefined, name);
    const current = bucket.objects.get(key);
    if (current === undefined) return { ok: false, error: notFound(r, name) };
    const metadata = { ...current.metadata };
    if (stamps.creationTimestamp !== undefined) metadata.creationTimestamp = stamps.creationTimestamp;
    if (stamps.deletionTimestamp !== undefined && metadata.deletionTimestamp !== undefined) metadata.deletionTimestamp = stamps.deletionTimestamp;
    const stored = this.write(r, bucket, key, 'MODIFIED', { ...current, metadata }, current);
    return { ok: true, object: stored };
  }

  /** Take the object out now, whatever its finalizers and grace say. */
  remove(r: ResourceInfo, namespace: string | undefined, name: string): StoreResult {
    const bucket = this.bucket(r);
    const key = objectKey(r.namespaced ? namespace : undefined, name);
    const current = bucket.objects.get(key);
    if (current === undefined) return { ok: false, error: notFound(r, name) };
    this.rv += 1;
    const last: KubeObject = { ...current, metadata: { ...current.metadata, resourceVersion: String(this.rv) } };
    bucket.objects.delete(key);
    bucket.removed = true;
    bucket.listed = undefined;
    this.record(r, bucket, { type: 'DELETED', rv: this.rv, object: last, previous: current });
    return { ok: true, object: last };
  }

  private write(r: ResourceInfo, bucket: Bucket, key: string, type: EventType, input: KubeObject, previous: KubeObject | undefined): KubeObject {
    this.rv += 1;
    input.metadata.resourceVersion = String(this.rv);
    const obj = canonicalObject(input);
    if (!bucket.objects.has(key)) bucket.added.push(key);
    bucket.objects.set(key, obj);
    bucket.listed = undefined;
    this.record(r, bucket, { type, rv: this.rv, object: obj, previous });
    return obj;
  }

  private record(r: ResourceInfo, bucket: Bucket, event: StoredEvent): void {
    bucket.log.push(event);
    for (const l of [...this.listeners]) l(r, event);
  }

  /**
   * The keys in order, brought up to date by merging in what was added since the last read: a
   * write between two pages costs a merge, not a sort of every key.
   */
  private sortedKeys(bucket: Bucket): string[] {
    if (bucket.added.length === 0 && !bucket.removed) return bucket.sorted;
    const kept = bucket.removed ? bucket.sorted.filter((k) => bucket.objects.has(k)) : bucket.sorted;
    const added = bucket.added.filter((k) => bucket.objects.has(k)).sort();
    bucket.sorted = mergeSorted(kept, added);
    bucket.added = [];
    bucket.removed = false;
    return bucket.sorted;
  }

  private bucket(r: ResourceInfo): Bucket {
    const b = this.buckets.get(resourceKey(r));
    if (b === undefined) throw new Error(`resource ${resourceKey(r)} is not stored`);
    return b;
  }
}

/** The first index in `keys[lo, hi)` whose key is not before `key`. */
function lowerBound(keys: readonly string[], key: string, lo = 0, hi = keys.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] ?? '') < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where a namespace's keys are: names hold no `/`, so they sort between `ns/` and `ns0`. */
function namespaceRange(keys: readonly string[], namespace: string | undefined): [number, number] {
  if (!namespace) return [0, keys.length];
  return [lowerBound(keys, `${namespace}/`), lowerBound(keys, `${namespace}0`)];
}

/** Two sorted key lists as one, each key once (one removed and made again is in both). */
function mergeSorted(a: string[], b: string[]): string[] {
  if (b.length === 0) return a;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    let next: string;
    if (y === undefined || (x !== undefined && x < y)) {
      next = x ?? '';
      i++;
    } else {
      next = y;
      j++;
    }
    if (out[out.length - 1] !== next) out.push(next);
  }
  return out;
}
