// Token observations and 401 events over time, kept in an append-only JSON-lines file in the
// extension's global storage. Several VS Code windows (processes) share that file: every append and every
// compaction is made under a cross-process lock, after reading what the others wrote meanwhile. The store
// is usable at once: it loads in the background, queries answer from what has loaded so far, and appends
// wait in its queue until the file is open.
import * as l10n from '@vscode/l10n';
import { mkdir } from 'node:fs/promises';
import { compactRecords, needsCompaction, type CompactionLimits } from './compaction';
import { withFileLock, type HeldLock } from './fileLock';
import type { SkippedLines } from './historyFile';
import { checkRecord } from './recordFormat';
import { lastSeen } from './recordLog';
import { HistoryReplica } from './replica';
import type { HistoryFilter, HistoryOpened, HistoryOptions, HistoryRecord } from './types';
import { errorMessage } from '../shared/values';

const DEFAULT_MAX_DAYS = 30;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

interface Settings {
  maxDays: number;
  maxBytes: number;
  now: () => number;
  onNotice: (message: string) => void;
  fallbackDir: string | undefined;
}

/** A setting when it is a positive number, the default otherwise. */
function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function copyRecord(r: HistoryRecord): HistoryRecord {
  if (r.kind === 'audit') return { ...r, subject: { ...r.subject }, userAgents: [...r.userAgents], sourceIPs: [...r.sourceIPs] };
  return { ...r, subject: { ...r.subject } };
}

function matches(r: HistoryRecord, f: HistoryFilter): boolean {
  const s = r.subject;
  return (
    (f.kind === undefined || r.kind === f.kind) &&
    (f.context === undefined || s.context === f.context) &&
    (f.namespace === undefined || s.namespace === f.namespace) &&
    (f.pod === undefined || s.pod === f.pod) &&
    (f.podUid === undefined || s.podUid === f.podUid) &&
    (f.serviceAccount === undefined || s.serviceAccount === f.serviceAccount) &&
    (f.sinceMs === undefined || lastSeen(r) >= f.sinceMs)
  );
}

function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? errorMessage(err);
}

function skippedNotice(skipped: SkippedLines): string {
  const reason = skipped.firstReason ?? l10n.t('unknown reason');
  return skipped.count === 1
    ? l10n.t('1 unreadable line in the credential history was skipped ({0}).', reason)
    : l10n.t('{0} unreadable lines in the credential history were skipped (the first: {1}).', skipped.count, reason);
}

export class HistoryStore {
  private replica: HistoryReplica;
  private queue: Promise<void>;
  private closed = false;
  /** Why the history could not be opened anywhere; every write is refused with it. */
  private broken: Error | undefined;
  /** Settles once the history is open, or could not be opened anywhere. */
  readonly ready: Promise<HistoryOpened>;

  private constructor(
    dir: string,
    private readonly settings: Settings,
  ) {
    this.replica = this.replicaIn(dir);
    const opening = this.openFirst(dir);
    this.ready = opening;
    this.queue = opening.then(
      () => undefined,
      () => undefined,
    );
    // Nobody has to wait for the opening: a failure also reaches every later write.
    void opening.catch(() => undefined);
  }

  /** A store that can be used at once, while it loads the history in the background. */
  static start(dir: string, opts?: HistoryOptions): HistoryStore {
    return new HistoryStore(dir, {
      maxDays: positive(opts?.maxDays, DEFAULT_MAX_DAYS),
      maxBytes: positive(opts?.maxBytes, DEFAULT_MAX_BYTES),
      now: opts?.nowMs ?? Date.now,
      onNotice: opts?.onNotice ?? (() => undefined),
      fallbackDir: opts?.fallbackDir,
    });
  }

  /** A store whose history has loaded. */
  static async open(dir: string, opts?: HistoryOptions): Promise<HistoryStore> {
    const store = HistoryStore.start(dir, opts);
    await store.ready;
    return store;
  }

  /**
   * Adds records in one write. A record holding a raw token or an invalid field is a caller bug: the
   * call rejects with an Error and nothing is written.
   */
  append(records: HistoryRecord[]): Promise<void> {
    const clean: HistoryRecord[] = [];
    for (const [i, r] of records.entries()) {
      const checked = checkRecord(r);
      if (!checked.ok) return Promise.reject(new Error(`history: record ${i} refused: ${checked.reason}`));
      clean.push(checked.record);
    }
    return this.enqueue(() =>
      withFileLock(this.replica.path, async (held) => {
        const unreadable = await this.syncLocked(held);
        if (clean.length > 0) {
          const plan = this.replica.log.plan(clean);
          try {
            await this.replica.append(plan.lines, held);
          } catch (err) {
            throw new Error(`Could not save the credential history to ${this.replica.path} (${describeError(err)}).`, { cause: err });
          }
          plan.commit();
        }
        if (!unreadable && this.replica.size <= this.settings.maxBytes) return;
        try {
          await this.compactLocked(held);
        } catch (err) {
          // The records are saved; the next append tries the compaction again.
          throw new Error(`The credential history was saved, but compacting it failed (${describeError(err)}).`, { cause: err });
        }
      }),
    );
  }

  /** Matching records, oldest first (by first seen), from what has loaded so far. Copies: changing them changes nothing here. */
  query(filter: HistoryFilter): HistoryRecord[] {
    return this.replica.log.records
      .filter((r) => matches(r, filter))
      .sort((a, b) => a.at - b.at)
      .map(copyRecord);
  }

  /** Drops records older than maxDays and, past maxBytes, the oldest; rewrites the file atomically. */
  compact(): Promise<void> {
    return this.enqueue(() =>
      withFileLock(this.replica.path, async (held) => {
        await this.syncLocked(held);
        await this.compactLocked(held);
      }),
    );
  }

  close(): Promise<void> {
    if (this.closed) return this.queue;
    const done = this.enqueue(() => this.replica.close(), true);
    this.closed = true;
    return done;
  }

  private enqueue(task: () => Promise<void>, evenIfBroken = false): Promise<void> {
    if (this.closed) return Promise.reject(new Error('history: the store is closed'));
    const run = this.queue.then(() => {
      if (this.broken && !evenIfBroken) throw this.broken;
      return task();
    });
    // The queue goes on after a failure; the caller of the failed task gets the error.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private replicaIn(dir: string): HistoryReplica {
    // The history never holds more than maxBytes: reading further back would only read what compaction drops.
    return new HistoryReplica(dir, this.settings.maxBytes, this.settings.now);
  }

  /** Opens the folder asked for or, failing that, the fallback folder. */
  private async openFirst(dir: string): Promise<HistoryOpened> {
    let problem: string;
    try {
      await this.openIn(dir);
      return { dir };
    } catch (err) {
      await this.replica.close().catch(() => undefined);
      problem = `Could not open the credential history in ${dir} (${describeError(err)}).`;
      if (this.settings.fallbackDir === undefined) {
        this.broken = new Error(problem, { cause: err });
        throw this.broken;
      }
    }
    const fallback = this.settings.fallbackDir;
    this.replica = this.replicaIn(fallback);
    try {
      await this.openIn(fallback);
      return { dir: fallback, problem };
    } catch (err) {
      await this.replica.close().catch(() => undefined);
      this.broken = new Error(`${problem} Nor in ${fallback} (${describeError(err)}).`, { cause: err });
      throw this.broken;
    }
  }

  private async openIn(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    // Read without the lock: other windows go on appending while a big history loads.
    await this.replica.preload();
    await withFileLock(this.replica.path, async (held) => {
      const unreadable = await this.syncLocked(held);
      // Compacting drops the unreadable lines, so they are reported once rather than on every start.
      if (unreadable || this.needsCompaction()) await this.compactLocked(held);
    });
  }

  /** Under the lock: catches up with the file and says what the user should hear. True when lines were skipped. */
  private async syncLocked(held: HeldLock): Promise<boolean> {
    const event = await this.replica.sync(held);
    if (event) {
      this.settings.onNotice(
        l10n.t('The credential history could not be read ({0}), so it was moved to {1} and a new history was started.', event.reason, event.path),
      );
    }
    const skipped = this.replica.takeSkipped();
    if (skipped.count > 0) this.settings.onNotice(skippedNotice(skipped));
    return skipped.count > 0;
  }

  /** Under the lock, right after syncLocked: rewrites the file from a view that holds everything on disk. */
  private async compactLocked(held: HeldLock): Promise<void> {
    const { kept, text } = compactRecords(this.replica.log.records, this.limits());
    await this.replica.replace(text, kept, held);
  }

  private limits(): CompactionLimits {
    return { nowMs: this.settings.now(), maxDays: this.settings.maxDays, maxBytes: this.settings.maxBytes };
  }

  private needsCompaction(): boolean {
    return needsCompaction(this.replica.log.records, this.replica.size, this.replica.log.wastedLines, this.limits());
  }
}
