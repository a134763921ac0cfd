// Tells when any of a set of files changes, is replaced (editors and kubectl write a new file and
// rename it over the old one), appears or disappears. Directory watches answer at once; a stat poll
// every two seconds backs them up where file events are not delivered (network and container mounts).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface FileWatchOptions {
  debounceMs?: number;
  pollMs?: number;
}

export class FileWatch {
  private readonly dirWatchers: fs.FSWatcher[] = [];
  private readonly polled: { file: string; listener: (cur: fs.Stats, prev: fs.Stats) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly files: string[];
  // What the files looked like when onChange last ran: the directory event and the stat poll see the same write.
  private seen: string;
  // Their contents then: a rewrite of the same size inside the file system's timestamp granularity keeps size,
  // time and inode, and only the bytes tell. Read when a change event comes (debounced), not on every poll tick.
  private seenContents: string;

  constructor(
    files: readonly string[],
    private readonly onChange: () => void,
    private readonly opts: FileWatchOptions = {},
  ) {
    this.files = files.map((f) => path.resolve(f));
    this.seen = this.signature();
    this.seenContents = this.contents();
    const byDir = new Map<string, Set<string>>();
    for (const f of files) {
      const abs = path.resolve(f);
      const dir = path.dirname(abs);
      const names = byDir.get(dir) ?? new Set<string>();
      names.add(path.basename(abs));
      byDir.set(dir, names);
      const listener = (cur: fs.Stats, prev: fs.Stats): void => {
        if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) this.fire();
      };
      fs.watchFile(abs, { interval: opts.pollMs ?? 2000, persistent: false }, listener);
      this.polled.push({ file: abs, listener });
    }
    for (const [dir, names] of byDir) {
      try {
        const w = fs.watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || names.has(name.toString())) this.fire();
        });
        w.on('error', () => undefined);
        this.dirWatchers.push(w);
      } catch {
        // A folder that does not exist yet is covered by the stat poll.
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.dirWatchers) w.close();
    for (const p of this.polled) fs.unwatchFile(p.file, p.listener);
  }

  private fire(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.disposed) return;
      const now = this.signature();
      const contents = this.contents();
      if (now === this.seen && contents === this.seenContents) return;
      this.seen = now;
      this.seenContents = contents;
      this.onChange();
    }, this.opts.debounceMs ?? 200);
  }

  /** A digest of each file's bytes (or its absence). */
  private contents(): string {
    return this.files
      .map((f) => {
        try {
          return createHash('sha256').update(fs.readFileSync(f)).digest('base64');
        } catch {
          return '-';
        }
      })
      .join('|');
  }

  /** Size, modification time and inode of each file (or its absence), so one write is reported once. */
  private signature(): string {
    return this.files
      .map((f) => {
        try {
          const st = fs.statSync(f);
          return `${st.ino}:${st.size}:${st.mtimeMs}`;
        } catch {
          return '-';
        }
      })
      .join('|');
  }
}
