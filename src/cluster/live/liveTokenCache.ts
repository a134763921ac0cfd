// The live tokens read so far, by token file: read on demand or, in `auto` mode, all of them on an
// interval; never more than `concurrency` execs at once, never two reads of the same file at once.
import * as l10n from '@vscode/l10n';
import { errorMessage } from '../../shared/values';
import { liveTokenKey, type LiveTokenReading, type LiveTokenTarget } from '../inventory/types';

export type LiveTokenMode = 'off' | 'onDemand' | 'auto';

export interface LiveTokensOptions {
  read: (target: LiveTokenTarget) => Promise<LiveTokenReading>;
  concurrency: number;
  onChange: () => void;
  /** Every reading, for history. */
  onReading?: (target: LiveTokenTarget, reading: LiveTokenReading) => void;
}

export class LiveTokens {
  private readonly readings = new Map<string, LiveTokenReading>();
  private readonly inFlight = new Map<string, Promise<LiveTokenReading>>();
  private readonly queue: (() => void)[] = [];
  private running = 0;
  private autoTimer: NodeJS.Timeout | undefined;
  private autoPass: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly opts: LiveTokensOptions) {}

  get(target: Pick<LiveTokenTarget, 'podUid' | 'container' | 'path'>): LiveTokenReading | undefined {
    return this.readings.get(liveTokenKey(target));
  }

  isReading(target: Pick<LiveTokenTarget, 'podUid' | 'container' | 'path'>): boolean {
    return this.inFlight.has(liveTokenKey(target));
  }

  /** Reads one token file (joining a read already under way). */
  read(target: LiveTokenTarget): Promise<LiveTokenReading> {
    const key = liveTokenKey(target);
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const started = this.limited(() => this.opts.read(target))
      // The reader should never throw; if it does, the file shows the failure instead of "reading…" forever.
      .catch((err: unknown): LiveTokenReading => ({
        ok: false,
        atMs: Date.now(),
        error: { kind: 'unknown', message: l10n.t('reading the token failed: {0}; try again', errorMessage(err)) },
      }))
      .then((reading) => {
        this.inFlight.delete(key);
        if (!this.disposed) {
          this.readings.set(key, reading);
          this.opts.onReading?.(target, reading);
          this.opts.onChange();
        }
        return reading;
      });
    this.inFlight.set(key, started);
    this.opts.onChange();
    return started;
  }

  /** Reads every target once, within the concurrency bound. */
  async readAll(targets: readonly LiveTokenTarget[]): Promise<void> {
    await Promise.all(targets.map((t) => this.read(t)));
  }

  /** `auto` mode: a pass over `targets()` now and then every `intervalMs`, a pass never overlapping the last. */
  startAuto(targets: () => readonly LiveTokenTarget[], intervalMs: number): void {
    this.stopAuto();
    const tick = (): void => {
      if (this.disposed || this.autoPass) return;
      // Each file keeps its own failure as a reading; a pass itself has nothing left to report.
      this.autoPass = Promise.resolve()
        .then(() => this.readAll(targets()))
        .catch(() => undefined)
        .finally(() => {
          this.autoPass = undefined;
        });
    };
    tick();
    this.autoTimer = setInterval(tick, Math.max(1000, intervalMs));
    this.autoTimer.unref();
  }

  stopAuto(): void {
    if (this.autoTimer) clearInterval(this.autoTimer);
    this.autoTimer = undefined;
  }

  /** Forgets readings of token files that no longer exist (deleted pods). */
  prune(alive: ReadonlySet<string>): void {
    let changed = false;
    for (const key of this.readings.keys()) {
      if (!alive.has(key)) {
        this.readings.delete(key);
        changed = true;
      }
    }
    if (changed) this.opts.onChange();
  }

  dispose(): void {
    this.disposed = true;
    this.stopAuto();
    this.queue.length = 0;
  }

  private limited<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = (): void => {
        this.running++;
        // Through a promise, so a reader throwing synchronously still frees its slot.
        Promise.resolve()
          .then(fn)
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.queue.shift()?.();
          });
      };
      if (this.running < Math.max(1, this.opts.concurrency)) run();
      else this.queue.push(run);
    });
  }
}
