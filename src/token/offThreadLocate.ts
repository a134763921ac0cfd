// Locating a large text whole on a worker thread, so that the extension host's thread never parses
// megabytes at once (IncrementalLocator.tryLocate says when an edit needs that). One request runs at a
// time; a newer text for the same key replaces one still waiting, whose caller gets `undefined`.
// When the worker cannot start or dies, the text is located on the calling thread: slower, never lost.
import { Worker } from 'node:worker_threads';
import { locateCredentials } from './locate';
import { unpackLocated, type PackedLocated } from './packedLocated';
import type { LocatedCredential } from './types';

/** The longest text worth parsing in one go on the extension host's thread (about 15 ms of yaml). */
export const MAX_PARSE_ON_HOST_CHARS = 128 * 1024;

export interface LocateRequest {
  id: number;
  text: string;
}

/** The credentials packed (see packedLocated.ts): decoding them is the host thread's work. */
export type LocateReply = { id: number; packed: PackedLocated } | { id: number; error: string };

export interface OffThreadOptions {
  /** The worker's script: dist/locateWorker.js in the bundle, src/token/locateWorker.ts under tsx. */
  script: string;
  /** Extra Node options for the worker (`['--import', 'tsx']` to run the TypeScript source). */
  execArgv?: string[];
}

interface Job {
  key: string;
  text: string;
  resolve: (located: LocatedCredential[] | undefined) => void;
}

export class OffThreadLocator {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  /** The job on the worker now. */
  private running: (Job & { id: number }) | undefined;
  /** Waiting jobs, at most one per key, in arrival order. */
  private readonly waiting = new Map<string, Job>();
  private disposed = false;

  constructor(private readonly options: OffThreadOptions) {}

  /** Whether a worker thread does the work (false once it failed, or before the first request). */
  get onWorker(): boolean {
    return this.worker !== undefined && !this.broken;
  }

  /**
   * The credentials in `text`, located whole; undefined when a newer text for `key` came first, after
   * dispose, or when locating failed.
   */
  locate(key: string, text: string): Promise<LocatedCredential[] | undefined> {
    if (this.disposed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiting.get(key)?.resolve(undefined);
      // Delete first so that the replacement goes to the end of the line.
      this.waiting.delete(key);
      this.waiting.set(key, { key, text, resolve });
      this.pump();
    });
  }

  /** Starts the worker ahead of the first request, so that its start does not fall on an edit. */
  warm(): void {
    const worker = this.disposed ? undefined : this.ensureWorker();
    if (this.running === undefined) worker?.unref();
  }

  dispose(): void {
    this.disposed = true;
    for (const job of this.waiting.values()) job.resolve(undefined);
    this.waiting.clear();
    this.running?.resolve(undefined);
    this.running = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private pump(): void {
    if (this.running !== undefined || this.disposed) return;
    const next = this.waiting.values().next();
    if (next.done === true) return;
    const job = next.value;
    this.waiting.delete(job.key);
    const worker = this.ensureWorker();
    if (worker === undefined) {
      job.resolve(locateCredentials(job.text));
      this.pump();
      return;
    }
    const id = this.nextId++;
    this.running = { ...job, id };
    // Held open while it works for someone, not while it idles.
    worker.ref();
    worker.postMessage({ id, text: job.text } satisfies LocateRequest);
  }

  private ensureWorker(): Worker | undefined {
    if (this.broken) return undefined;
    if (this.worker !== undefined) return this.worker;
    try {
      const worker = new Worker(this.options.script, { execArgv: this.options.execArgv ?? [] });
      worker.on('message', (reply: LocateReply) => this.settle(reply));
      worker.on('error', () => this.fail(worker));
      worker.on('exit', () => this.fail(worker));
      this.worker = worker;
      return worker;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  private settle(reply: LocateReply): void {
    const job = this.running;
    if (job === undefined || job.id !== reply.id) return;
    this.running = undefined;
    // A text the worker could not locate would fail here too: its caller keeps what it had.
    job.resolve('packed' in reply ? unpackLocated(reply.packed) : undefined);
    if (this.waiting.size === 0) this.worker?.unref();
    this.pump();
  }

  /** The worker is gone: what it was doing is done here, and so is everything after. */
  private fail(worker: Worker): void {
    if (worker !== this.worker || this.disposed) return;
    this.broken = true;
    this.worker = undefined;
    const job = this.running;
    this.running = undefined;
    if (job !== undefined) job.resolve(locateCredentials(job.text));
    this.pump();
  }
}
