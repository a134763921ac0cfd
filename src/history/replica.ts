// This process's copy of the shared history file: the records read so far and how far into which file
// they were read. Under the lock, sync() brings it level with the file (reading only what others appended,
// or all again when another window replaced the file), so nothing is ever written from an older view.
import { open, rename, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import type { HeldLock } from './fileLock';
import { parseRecord, readHeader, readLines, type LinesRead, type SkippedLines } from './historyFile';
import { HEADER_LINE } from './recordFormat';
import { RecordLog } from './recordLog';
import type { HistoryRecord } from './types';

export const FILE_NAME = 'history.jsonl';

interface FileIdentity {
  dev: number;
  ino: number;
}

/** Something the user should hear about, found while reading. */
export type ReplicaEvent = { kind: 'setAside'; path: string; reason: string };

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

async function statOrUndefined(path: string): Promise<{ dev: number; ino: number; size: number } | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export class HistoryReplica {
  readonly path: string;
  private records = new RecordLog();
  /** The file the records were read from, and the offset they were read up to (always a line start). */
  private identity: FileIdentity | undefined;
  private readTo = 0;
  /** Opened for reading and appending; only while the file at `path` is the one in `identity`. */
  private handle: FileHandle | undefined;
  private unreported: SkippedLines = { count: 0, firstReason: undefined };

  constructor(
    readonly dir: string,
    /** At most this many of the newest bytes are read: anything older the next compaction drops anyway. */
    private readonly readCap: number,
    private readonly nowMs: () => number,
  ) {
    this.path = join(dir, FILE_NAME);
  }

  get log(): RecordLog {
    return this.records;
  }

  /** Size of the file as far as it was read. */
  get size(): number {
    return this.readTo;
  }

  /** Unreadable lines met since the last call. */
  takeSkipped(): SkippedLines {
    const skipped = this.unreported;
    this.unreported = { count: 0, firstReason: undefined };
    return skipped;
  }

  /** Reads what is on disk now, without the lock, so that the lock is later held only for what follows. */
  async preload(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const info = await handle.stat();
      const header = await readHeader(handle, info.size);
      // An empty or foreign file is dealt with under the lock, by sync().
      if (header.kind !== 'ok') return;
      // Filled as it is read, so queries answer from what has loaded so far.
      const read = await this.readWindow(handle, header.bytes, info.size, this.records);
      this.identity = { dev: info.dev, ino: info.ino };
      this.readTo = read.end;
    } finally {
      await handle.close();
    }
  }

  /** Under the lock: reads what others appended, or everything again when the file was replaced; repairs a torn end. */
  async sync(held: HeldLock): Promise<ReplicaEvent | undefined> {
    const onDisk = await statOrUndefined(this.path);
    if (!onDisk || !this.identity || !sameFile(onDisk, this.identity) || onDisk.size < this.readTo) return this.reload(held);
    const handle = await this.openHandle();
    const info = await handle.stat();
    if (!sameFile(info, onDisk)) return this.reload(held);
    if (info.size === this.readTo) return undefined;
    const read = await readLines(handle, { from: this.readTo, to: info.size, midLine: false }, this.unreported, (rs) => this.records.load(rs));
    this.readTo = read.end;
    await this.repairEnd(handle, read, this.records, held);
    return undefined;
  }

  /** Under the lock, right after sync(): appends text in one write. */
  async append(text: string, held: HeldLock): Promise<void> {
    if (text === '') return;
    await held.check();
    const handle = await this.openHandle();
    const bytes = Buffer.from(text, 'utf8');
    const start = this.readTo;
    try {
      let done = 0;
      // One write call; the loop only finishes a write the OS cut short.
      while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
    } catch (err) {
      await undoPartialWrite(handle, start, bytes).catch(() => undefined);
      throw err;
    }
    this.readTo += bytes.length;
  }

  /** Under the lock, right after sync(): replaces the file with text, which holds exactly `records`. */
  async replace(text: string, records: readonly HistoryRecord[], held: HeldLock): Promise<void> {
    await writeFileAtomic(this.path, text, async (step) => {
      // The last moment to back out: after the rename, the file another window appends to is ours.
      if (step === 'tempSynced') await held.check();
    });
    await this.closeHandle();
    const info = await stat(this.path);
    this.identity = { dev: info.dev, ino: info.ino };
    this.readTo = info.size;
    this.records = new RecordLog();
    this.records.load(records);
  }

  async close(): Promise<void> {
    await this.closeHandle();
  }

  /** Reads the whole file again (its newest readCap bytes); creates it, or sets an unreadable one aside. */
  private async reload(held: HeldLock): Promise<ReplicaEvent | undefined> {
    await this.closeHandle();
    this.identity = undefined;
    this.unreported = { count: 0, firstReason: undefined };
    let handle = await this.openHandle();
    let info = await handle.stat();
    const header = await readHeader(handle, info.size);
    let event: ReplicaEvent | undefined;
    if (header.kind !== 'ok') {
      await this.closeHandle();
      if (header.kind === 'corrupt') event = { kind: 'setAside', path: await this.setAside(), reason: header.reason };
      await held.check();
      await writeFileAtomic(this.path, HEADER_LINE);
      handle = await this.openHandle();
      info = await handle.stat();
    }
    const records = new RecordLog();
    const headerBytes = header.kind === 'ok' ? header.bytes : Buffer.byteLength(HEADER_LINE);
    const read = await this.readWindow(handle, headerBytes, info.size, records);
    this.identity = { dev: info.dev, ino: info.ino };
    this.readTo = read.end;
    await this.repairEnd(handle, read, records, held);
    // Swapped in whole, so a query during a reload answers from the previous view rather than a part.
    this.records = records;
    return event;
  }

  /** Reads from the header on, or only the newest readCap bytes of a bigger file. */
  private readWindow(handle: FileHandle, headerBytes: number, fileBytes: number, into: RecordLog): Promise<LinesRead> {
    const from = Math.max(headerBytes, fileBytes - this.readCap);
    return readLines(handle, { from, to: fileBytes, midLine: from > headerBytes }, this.unreported, (rs) => into.load(rs));
  }

  /**
   * Text after the last newline, found while holding the lock, was left by a writer that stopped: a whole
   * record that only lacks its newline is kept, anything else is a torn line and is cut off.
   */
  private async repairEnd(handle: FileHandle, read: LinesRead, into: RecordLog, held: HeldLock): Promise<void> {
    if (read.rest.length === 0) return;
    await held.check();
    const text = read.rest.toString('utf8');
    const checked = text.trim() === '' ? undefined : parseRecord(text);
    if (checked?.ok) {
      await handle.write('\n');
      into.load([checked.record]);
      this.readTo = read.end + read.rest.length + 1;
    } else {
      await handle.truncate(read.end);
    }
  }

  private async openHandle(): Promise<FileHandle> {
    this.handle ??= await open(this.path, 'a+', 0o600);
    return this.handle;
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  /** Renames the unreadable file to history.corrupt-<time>.jsonl and returns the new path. */
  private async setAside(): Promise<string> {
    const stamp = new Date(this.nowMs()).toISOString().replace(/[:.]/g, '-');
    for (let n = 0; ; n++) {
      const aside = join(this.dir, `history.corrupt-${stamp}${n === 0 ? '' : `-${n}`}.jsonl`);
      if ((await statOrUndefined(aside)) === undefined) {
        await rename(this.path, aside);
        return aside;
      }
    }
  }
}

/**
 * After a failed write, removes what of it reached the file, and only that: the bytes after `start` are
 * cut off only when they are a beginning of ours, so nothing another process wrote is ever removed.
 */
async function undoPartialWrite(handle: FileHandle, start: number, bytes: Buffer): Promise<void> {
  const size = (await handle.stat()).size;
  const written = size - start;
  if (written <= 0 || written > bytes.length) return;
  const found = Buffer.alloc(written);
  const { bytesRead } = await handle.read(found, 0, written, start);
  if (bytesRead === written && found.equals(bytes.subarray(0, written))) await handle.truncate(start);
}
