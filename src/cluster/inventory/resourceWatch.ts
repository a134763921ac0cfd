// One resource kind kept current: a paginated list (limit=500), then a watch from its resourceVersion,
// re-watching from the last version seen when a watch ends normally; listing again when the cluster says
// that version is gone (410) or after a failure (the server may have restarted: a fresh list cannot miss
// a change). Failures become a status with a retry time, never an exception.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { ApiClients } from '../auth/apiClient';
import { classifyResponse, isUnauthorized, type ClusterError } from '../errors';
import type { ResourceKind, ResourceStatus } from './types';
import { Backoff } from '../backoff';
import { keyOf } from './projection';

export const PAGE_SIZE = 500;
const WATCH_TIMEOUT_SECONDS = 290;

/** Lists of one session at once, whatever their kinds: a session of many namespaces does not open a list per namespace together. */
export const LISTS_AT_ONCE = 3;

/**
 * One list request in flight per resource kind (a 10,000-pod cluster is not hit by 200 lists at once), and at most
 * `limit` for the whole session; waiting lists start in the order they asked.
 */
export class KindGate {
  private readonly running = new Set<ResourceKind>();
  private readonly queue: { kind: ResourceKind; start: () => void }[] = [];

  constructor(private readonly limit = LISTS_AT_ONCE) {}

  async run<T>(kind: ResourceKind, fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.queue.push({ kind, start });
      this.next();
    });
    try {
      return await fn();
    } finally {
      this.running.delete(kind);
      this.next();
    }
  }

  private next(): void {
    for (let i = 0; i < this.queue.length && this.running.size < this.limit;) {
      const waiting = this.queue[i];
      if (waiting === undefined || this.running.has(waiting.kind)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.running.add(waiting.kind);
      waiting.start();
    }
  }
}

export interface ResourceWatchOptions<T> {
  api: ApiClients;
  kind: ResourceKind;
  /** Collection path, e.g. /api/v1/pods or /api/v1/namespaces/payments/pods. */
  path: string;
  namespace?: string;
  fieldSelector?: string;
  project: (obj: unknown) => T | undefined;
  gate: KindGate;
  onChange: () => void;
  nowMs?: () => number;
  /** Fixed waits before each retry, the last repeated (tests); by default client-go's reflector backoff (../backoff.ts). */
  retryDelaysMs?: readonly number[];
  log?: (message: string) => void;
}

type WatchEnd = { kind: 'closed' } | { kind: 'gone' } | { kind: 'failed'; error: unknown };

export class ResourceWatch<T> {
  readonly items = new Map<string, T>();
  status: ResourceStatus = { state: 'loading' };
  /** How many full lists this watch made (paging counts once); steady state should keep it still. */
  lists = 0;
  private resourceVersion: string | undefined;
  private stopped = false;
  private controller: AbortController | undefined;
  private abortedByUs = false;
  private pendingError: ClusterError | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  private readonly now: () => number;
  private readonly backoff: Backoff;

  constructor(private readonly opts: ResourceWatchOptions<T>) {
    this.now = opts.nowMs ?? Date.now;
    this.backoff = new Backoff(undefined, Math.random, this.now);
  }

  start(): void {
    void this.loop();
  }

  /** Lists again now: after an error (skipping the wait) or when the user asks for it. */
  relist(): void {
    this.resourceVersion = undefined;
    this.abortWatch();
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.abortWatch();
    this.wake?.();
  }

  private abortWatch(): void {
    if (!this.controller) return;
    this.abortedByUs = true;
    this.controller.abort();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.opts.gate.run(this.opts.kind, () => this.listAll());
        if (this.stopped) return;
        this.failures = 0;
        this.setStatus({ state: 'ready' });
        const started = this.now();
        const end = await this.watchOnce();
        if (end.kind === 'gone') this.resourceVersion = undefined;
        if (end.kind === 'failed') throw end.error;
        // client-node ends a watch after 30 s without a byte; that is a quiet cluster, not a failure, and
        // the next watch resumes from the last resourceVersion without listing again.
        // A cluster that closes every watch at once must not turn this into a busy loop.
        if (end.kind === 'closed' && this.now() - started < 1000 && !this.stopped) await this.sleep(1000);
      } catch (err) {
        if (this.stopped) return;
        const error = this.classify(err);
        const delays = this.opts.retryDelaysMs;
        // A server that asked for time (429, 503 with Retry-After) gets at least that.
        const delay = delays
          ? Math.max(delays[Math.min(this.failures, delays.length - 1)] ?? 0, error.retryAfterMs ?? 0)
          : this.backoff.next(error.retryAfterMs);
        this.failures++;
        this.resourceVersion = undefined;
        this.setStatus({ state: 'error', error, retryAtMs: this.now() + delay });
        this.opts.log?.(`${this.opts.kind}${this.opts.namespace ? ` in ${this.opts.namespace}` : ''}: ${error.message}`);
        await this.sleep(delay);
      }
    }
  }

  private async listAll(): Promise<void> {
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let version: string | undefined;
    do {
      const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cont) q.set('continue', cont);
      if (this.opts.fieldSelector) q.set('fieldSelector', this.opts.fieldSelector);
      const res = await this.opts.api.rawRequest(`${this.opts.path}?${q.toString()}`, { about: this.about('list') });
      if (!res.ok) throw new ListFailure(res.error);
      const page = JSON.parse(res.body) as { items?: unknown[]; metadata?: { continue?: string; resourceVersion?: string } };
      for (const obj of page.items ?? []) this.put(fresh, obj);
      cont = page.metadata?.continue || undefined;
      version = page.metadata?.resourceVersion;
    } while (cont !== undefined && !this.stopped);
    this.lists++;
    this.items.clear();
    for (const [k, v] of fresh) this.items.set(k, v);
    this.resourceVersion = version;
    this.opts.onChange();
  }

  private put(into: Map<string, T>, obj: unknown): void {
    const id = idOf(obj);
    if (id === undefined) return;
    const projected = this.opts.project(obj);
    if (projected === undefined) into.delete(id);
    else into.set(id, projected);
  }

  private async watchOnce(): Promise<WatchEnd> {
    const first = await this.opts.api.kubeConfig();
    // Stopped while the credential was read (a namespace released): no watch is begun to be aborted at once.
    if (this.stopped) return { kind: 'closed' };
    if (!first.ok) return { kind: 'failed', error: new ListFailure(first.error) };
    const end = await this.watchWith(first.kc);
    if (end.kind !== 'failed' || !isUnauthorized(end.error)) return end;
    // A 401 on the watch: one refreshed credential, one more try; never a loop.
    const next = await this.opts.api.kubeConfigAfterUnauthorized(first.kc);
    if (!next) return end;
    if (!next.ok) return { kind: 'failed', error: new ListFailure(next.error) };
    return this.watchWith(next.kc);
  }

  private watchWith(kc: KubeConfig): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      const watch = new Watch(kc);
      let gone = false;
      const query: Record<string, string | number | boolean> = { allowWatchBookmarks: true, timeoutSeconds: WATCH_TIMEOUT_SECONDS };
      if (this.resourceVersion) query.resourceVersion = this.resourceVersion;
      if (this.opts.fieldSelector) query.fieldSelector = this.opts.fieldSelector;
      const onEvent = (type: string, obj: unknown): void => {
        if (type === 'ERROR') {
          const code = (obj as { code?: unknown } | undefined)?.code;
          if (code === 410) gone = true;
          else this.pendingError = classifyResponse(typeof code === 'number' ? code : 500, obj, this.about('watch'));
          return;
        }
        const rv = (obj as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion;
        if (typeof rv === 'string' && rv !== '') this.resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        if (type === 'DELETED') {
          const id = idOf(obj);
          if (id !== undefined && this.items.delete(id)) this.opts.onChange();
          return;
        }
        this.put(this.items, obj);
        this.opts.onChange();
      };
      const onDone = (err: unknown): void => {
        this.controller = undefined;
        const pending = this.pendingError;
        this.pendingError = undefined;
        const quiet = this.stopped || this.abortedByUs || errorName(err) === 'TimeoutError';
        this.abortedByUs = false;
        if (gone) resolve({ kind: 'gone' });
        else if (pending) resolve({ kind: 'failed', error: new ListFailure(pending) });
        else if (err && !quiet) resolve({ kind: 'failed', error: err });
        else resolve({ kind: 'closed' });
      };
      watch.watch(this.opts.path, query, onEvent, onDone).then(
        (controller) => {
          // watch() resolves after the response headers; done may already have run.
          if (this.stopped) controller.abort();
          else if (!controller.signal.aborted) this.controller = controller;
        },
        (err: unknown) => resolve({ kind: 'failed', error: err }),
      );
    });
  }

  private about(verb: string): { verb: string; resource: string; namespace?: string } {
    return this.opts.namespace ? { verb, resource: this.opts.kind, namespace: this.opts.namespace } : { verb, resource: this.opts.kind };
  }

  private classify(err: unknown): ClusterError {
    if (err instanceof ListFailure) return err.error;
    return this.opts.api.classify(err, this.about('watch'));
  }

  private setStatus(status: ResourceStatus): void {
    const same = this.status.state === status.state && this.status.error?.message === status.error?.message && this.status.retryAtMs === status.retryAtMs;
    this.status = status;
    if (!same) this.opts.onChange();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}

/** An error that is already a classified value. */
class ListFailure extends Error {
  constructor(readonly error: ClusterError) {
    super(error.message);
  }
}

/** An object's key in `items`: its uid, the same string the projection keeps, so a key costs nothing of its own. */
function idOf(obj: unknown): string | undefined {
  const key = keyOf(obj);
  if (!key) return undefined;
  return key.uid !== '' ? key.uid : `${key.namespace}/${key.name}`;
}

function errorName(err: unknown): string | undefined {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : undefined;
}
