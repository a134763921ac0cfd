// Following an audit log while the apiserver writes it: new lines as they are appended, and a
// rotation (the file renamed and a new one made, or the file truncated) noticed and read across.
// fs.watch on the folder says when to look (it survives the rename); a poll covers file systems
// where it stays silent. Reads are serialised, so a burst of notifications costs one read. Two
// rotations between two looks skip the file in between, as `tail -F` would; readAuditPaths reads it.

import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { AuditEvent } from './auditEvent';
import { AuditLineScanner, type AuditScanStats } from './auditScanner';

export interface AuditFollowOptions {
  /** Read what the file already holds (default) or only what is appended from now on. */
  from?: 'start' | 'end';
  /** How often to look even when no notification came, in ms (default 1000). */
  pollMs?: number;
  maxLineBytes?: number;
  /** The file was replaced (renamed away by rotation) or truncated in place. */
  onRotate?(how: 'replaced' | 'truncated'): void;
  /** A read failed; following goes on and tries again at the next notification. */
  onError?(error: Error): void;
}

export interface AuditFollower {
  readonly stats: AuditScanStats;
  /** Rotations noticed so far. */
  readonly rotations: number;
  /** Look now; resolves once everything written before the call has been read. */
  poke(): Promise<void>;
  dispose(): Promise<void>;
}

const READ_BYTES = 256 * 1024;

interface OpenFile {
  handle: FileHandle;
  ino: number;
  dev: number;
  offset: number;
}

function errorOf(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function isMissing(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ENOENT';
}

export function followAuditFile(path: string, onEvent: (event: AuditEvent) => void, opts: AuditFollowOptions = {}): AuditFollower {
  const scanner = new AuditLineScanner(onEvent, opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {});
  const buf = Buffer.allocUnsafe(READ_BYTES);
  let current: OpenFile | undefined;
  let startAtEnd = opts.from === 'end';
  let rotations = 0;
  let disposed = false;
  // One read at a time: each request is a ticket, served by the first look that starts after it.
  let requested = 0;
  let served = 0;
  let looping = false;
  const waiters: { ticket: number; resolve: () => void }[] = [];

  const readToEnd = async (file: OpenFile): Promise<void> => {
    for (;;) {
      const { bytesRead } = await file.handle.read(buf, 0, buf.length, file.offset);
      if (bytesRead === 0) return;
      file.offset += bytesRead;
      scanner.push(buf.subarray(0, bytesRead));
    }
  };

  const openCurrent = async (): Promise<OpenFile | undefined> => {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (e) {
      // Not there yet (or between rename and re-creation): the next look finds it, from its start.
      if (isMissing(e)) {
        startAtEnd = false;
        return undefined;
      }
      throw e;
    }
    const s = await handle.stat();
    const offset = startAtEnd ? s.size : 0;
    startAtEnd = false;
    return { handle, ino: s.ino, dev: s.dev, offset };
  };

  const look = async (): Promise<void> => {
    current ??= await openCurrent();
    if (current === undefined) return;
    await readToEnd(current);
    let named;
    try {
      named = await stat(path);
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    if (named.ino !== current.ino || named.dev !== current.dev) {
      // Rotated: what the writer added to the old file before letting go of it, then the new file.
      await readToEnd(current);
      scanner.end();
      await current.handle.close();
      current = undefined;
      rotations++;
      opts.onRotate?.('replaced');
      current = await openCurrent();
      if (current !== undefined) await readToEnd(current);
    } else if (named.size < current.offset) {
      // Truncated in place (copytruncate): the unfinished line went with it.
      scanner.reset();
      current.offset = 0;
      rotations++;
      opts.onRotate?.('truncated');
      await readToEnd(current);
    }
  };

  const loop = async (): Promise<void> => {
    looping = true;
    while (served < requested && !disposed) {
      const ticket = requested;
      try {
        await look();
      } catch (e) {
        opts.onError?.(errorOf(e));
      }
      served = ticket;
      for (const w of waiters.filter((x) => x.ticket <= served)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    looping = false;
    // Disposed with requests pending: nobody will serve them, so let their callers go.
    for (const w of waiters.splice(0)) w.resolve();
  };

  const pump = (): Promise<void> => {
    const ticket = ++requested;
    const done = new Promise<void>((resolve) => waiters.push({ ticket, resolve }));
    if (!looping) void loop();
    return done;
  };

  const kick = (): void => {
    void pump();
  };

  let watcher: FSWatcher | undefined;
  try {
    const name = basename(path);
    watcher = watch(dirname(path), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) kick();
    });
    watcher.on('error', (e) => opts.onError?.(errorOf(e)));
  } catch (e) {
    // No folder to watch (yet): polling alone finds the file when it appears.
    opts.onError?.(errorOf(e));
  }
  const timer = setInterval(kick, Math.max(10, opts.pollMs ?? 1000));
  timer.unref();
  kick();

  return {
    stats: scanner.stats,
    get rotations() {
      return rotations;
    },
    poke: pump,
    async dispose() {
      disposed = true;
      clearInterval(timer);
      watcher?.close();
      await pump();
      const file = current;
      current = undefined;
      await file?.handle.close();
    },
  };
}
