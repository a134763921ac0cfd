// Token observations and 401 events over time, kept in an append-only JSON-lines file in the
// extension's global storage. Appends are one write each; compaction rewrites the file atomically.
// Several VS Code windows share that storage: before writing, the store notices when another window
// appended to or replaced the file, and reads it again.
import { mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import { compactRecords, needsCompaction, type CompactionLimits } from './compaction';
import { parseHistory, readHistoryBytes } from './historyFile';
import { checkRecord, HEADER_LINE } from './recordFormat';
import { lastSeen, RecordLog } from './recordLog';
import type { HistoryFilter, HistoryOptions, HistoryRecord } from './types';

const FILE_NAME = 'history.jsonl';
const DEFAULT_MAX_DAYS = 30;
const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

interface Settings {
  maxDays: number;
  maxBytes: number;
  now: () => number;
  onNotice: (message: string) => void;
}

interface FileIdentity {
  dev: number;
  ino: number;
}

/** A setting when it is a positive number, the default otherwise. */
function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function copyRecord(r: HistoryRecord): HistoryRecord {
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
    (f.since === undefined || lastSeen(r) >= f.since)
  );
}

function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? (err instanceof Error ? err.message : String(err));
}

export class HistoryStore {
  private log = new RecordLog();
  private handle: FileHandle | undefined;
  private identity: FileIdentity | undefined;
  /** Size of the file as this store last wrote or read it. */
  private fileBytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly path: string,
    private readonly settings: Settings,
  ) {}

  static async open(dir: string, opts?: HistoryOptions): Promise<HistoryStore> {
    const settings: Settings = {
      maxDays: positive(opts?.maxDays, DEFAULT_MAX_DAYS),
      maxBytes: positive(opts?.maxBytes, DEFAULT_MAX_BYTES),
      now: opts?.now ?? Date.now,
      onNotice: opts?.onNotice ?? (() => undefined),
    };
    const store = new HistoryStore(dir, join(dir, FILE_NAME), settings);
    try {
      await mkdir(dir, { recursive: true });
      await store.load();
      if (store.needsCompaction()) await store.compactNow();
    } catch (err) {
      await store.handle?.close().catch(() => undefined);
      throw new Error(`Could not open the credential history in ${dir} (${describeError(err)}).`, { cause: err });
    }
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
    return this.enqueue(async () => {
      if (clean.length === 0) return;
      await this.followDisk();
      const plan = this.log.plan(clean);
      await this.write(plan.lines);
      plan.commit();
      if (this.fileBytes <= this.settings.maxBytes) return;
      try {
        await this.compactNow();
      } catch (err) {
        // The records are saved; the next append tries the compaction again.
        throw new Error(`The credential history was saved, but compacting it failed (${describeError(err)}).`, { cause: err });
      }
    });
  }

  /** Matching records, oldest first (by first seen). Copies: changing them changes nothing here. */
  query(filter: HistoryFilter): HistoryRecord[] {
    return this.log.records
      .filter((r) => matches(r, filter))
      .sort((a, b) => a.at - b.at)
      .map(copyRecord);
  }

  /** Drops records older than maxDays and, past maxBytes, the oldest; rewrites the file atomically. */
  compact(): Promise<void> {
    return this.enqueue(async () => {
      await this.followDisk();
      await this.compactNow();
    });
  }

  close(): Promise<void> {
    if (this.closed) return this.queue;
    const done = this.enqueue(async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
    this.closed = true;
    return done;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('history: the store is closed'));
    const run = this.queue.then(task);
    // The queue goes on after a failure; the caller of the failed task gets the error.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private limits(): CompactionLimits {
    return { now: this.settings.now(), maxDays: this.settings.maxDays, maxBytes: this.settings.maxBytes };
  }

  private needsCompaction(): boolean {
    return needsCompaction(this.log.records, this.fileBytes, this.log.wastedLines, this.limits());
  }

  /** Reads the file (setting it aside when unreadable) and opens it for appending. */
  private async load(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    this.log = new RecordLog();
    const bytes = await readHistoryBytes(this.path);
    const parsed = bytes ? parseHistory(bytes) : ({ kind: 'empty' } as const);
    if (parsed.kind === 'corrupt') {
      const aside = await this.setAside();
      this.settings.onNotice(
        `The credential history could not be read (${parsed.reason}), so it was moved to ${aside} and a new history was started.`,
      );
    }
    if (parsed.kind !== 'ok') {
      await writeFileAtomic(this.path, HEADER_LINE);
      this.fileBytes = Buffer.byteLength(HEADER_LINE);
    } else {
      this.log.load(parsed.records);
      this.fileBytes = parsed.goodBytes;
    }
    this.handle = await open(this.path, 'a', 0o600);
    const info = await this.handle.stat();
    this.identity = { dev: info.dev, ino: info.ino };
    if (parsed.kind === 'ok' && parsed.needsRepair) {
      // Cut off a torn last line (or add the newline a whole one lacks) before anything is appended.
      await this.handle.truncate(parsed.goodBytes);
      if (parsed.missingNewline) await this.write('\n');
    }
  }

  /** Reloads when another window appended to the file or replaced it since this store last saw it. */
  private async followDisk(): Promise<void> {
    let same = false;
    try {
      const info = await stat(this.path);
      same = this.identity !== undefined && info.dev === this.identity.dev && info.ino === this.identity.ino && info.size === this.fileBytes;
    } catch {
      same = false;
    }
    if (!same) await this.load();
  }

  /** Appends text in one write; on failure, cuts the file back so no partial line stays. */
  private async write(text: string): Promise<void> {
    if (text === '') return;
    const handle = this.handle;
    if (!handle) throw new Error('history: the file is not open');
    const bytes = Buffer.from(text, 'utf8');
    try {
      let done = 0;
      // One write call; the loop only finishes a write the OS cut short.
      while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    } catch (err) {
      await handle.truncate(this.fileBytes).catch(() => undefined);
      throw new Error(`Could not save the credential history to ${this.path} (${describeError(err)}).`, { cause: err });
    }
    this.fileBytes += bytes.length;
  }

  private async compactNow(): Promise<void> {
    const { kept, text } = compactRecords(this.log.records, this.limits());
    await this.handle?.close();
    this.handle = undefined;
    try {
      await writeFileAtomic(this.path, text);
    } finally {
      // Whether or not the rewrite happened, the file at this.path is whole: reopen what is there.
      this.handle = await open(this.path, 'a', 0o600);
      const info = await this.handle.stat();
      this.identity = { dev: info.dev, ino: info.ino };
    }
    this.log = new RecordLog();
    this.log.load(kept);
    this.fileBytes = Buffer.byteLength(text);
  }

  /** Renames the unreadable file to history.corrupt-<time>.jsonl and returns the new path. */
  private async setAside(): Promise<string> {
    const stamp = new Date(this.settings.now()).toISOString().replace(/[:.]/g, '-');
    for (let n = 0; ; n++) {
      const aside = join(this.dir, `history.corrupt-${stamp}${n === 0 ? '' : `-${n}`}.jsonl`);
      try {
        await stat(aside);
      } catch {
        await rename(this.path, aside);
        return aside;
      }
    }
  }
}
