// The audit log as `--audit-log-path` has kube-apiserver write it: one JSON line per event, rotated
// the way its log library (lumberjack) rotates: when the next line would pass the size limit, the
// file is renamed to `audit-<UTC time>.log` beside it and a new one begun; backups past the limit
// are deleted, oldest first. Until it is given a path it lives in memory (a scenario makes it before
// the CLI knows its folder); `moveTo` then writes it and its backups there, and it goes on there.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Clock } from '../clock';

export interface AuditLogOptions {
  /** `--audit-log-maxsize`, in bytes here (the flag counts megabytes). */
  maxSizeBytes?: number;
  /** `--audit-log-maxbackup`. */
  maxBackups?: number;
}

interface Backup {
  name: string;
  /** Its lines while the log is still in memory. */
  text?: string;
}

const DEFAULT_MAX_SIZE_BYTES = 100 * 1024 * 1024;
const DEFAULT_MAX_BACKUPS = 10;
const FILE_MODE = 0o600;

/** encoding/json's output: HTML-sensitive characters escaped, as the apiserver's serializer does. */
export function goJsonLine(value: unknown): string {
  return `${JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Lumberjack's backup name: `audit.log` rotated at 16:22:58.123 UTC is `audit-2026-12-02T16-22-58.123.log`. */
export function backupName(activeName: string, atMs: number): string {
  const ext = extname(activeName);
  const prefix = activeName.slice(0, activeName.length - ext.length);
  const stamp = new Date(atMs).toISOString().slice(0, 23).replace(/:/g, '-');
  return `${prefix}-${stamp}${ext}`;
}

function readIfThere(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export class AuditLog {
  private path: string | undefined;
  private fd: number | undefined;
  private size = 0;
  private memory: string[] = [];
  private readonly backups: Backup[] = [];
  private readonly maxSizeBytes: number;
  private readonly maxBackups: number;
  private rotated = 0;

  constructor(
    private readonly clock: Clock,
    opts: AuditLogOptions = {},
  ) {
    this.maxSizeBytes = opts.maxSizeBytes ?? DEFAULT_MAX_SIZE_BYTES;
    this.maxBackups = opts.maxBackups ?? DEFAULT_MAX_BACKUPS;
  }

  /** Rotations so far. */
  get rotations(): number {
    return this.rotated;
  }

  /** Where it is written, once it has been given a place. */
  get activePath(): string | undefined {
    return this.path;
  }

  /** The backups kept, oldest first: file paths once on disk, names while in memory. */
  backupPaths(): string[] {
    const dir = this.path === undefined ? undefined : dirname(this.path);
    return this.backups.map((b) => (dir === undefined ? b.name : join(dir, b.name)));
  }

  /** The active file and its backups by name, each read when asked: what its folder on the node holds. */
  filesByName(): Map<string, () => string | undefined> {
    const out = new Map<string, () => string | undefined>();
    const dir = this.path === undefined ? undefined : dirname(this.path);
    for (const b of this.backups) {
      const text = b.text;
      out.set(b.name, text !== undefined || dir === undefined ? () => text : () => readIfThere(join(dir, b.name)));
    }
    out.set(basename(this.path ?? 'audit.log'), () => this.text());
    return out;
  }

  write(event: unknown): void {
    const line = goJsonLine(event);
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxSizeBytes) this.rotate();
    if (this.fd !== undefined) writeSync(this.fd, line);
    else this.memory.push(line);
    this.size += bytes;
  }

  /** What the active file holds now. */
  text(): string {
    if (this.path === undefined) return this.memory.join('');
    return existsSync(this.path) ? readFileSync(this.path, 'utf8') : '';
  }

  rotate(): void {
    const active = basename(this.path ?? 'audit.log');
    let atMs = this.clock.nowMs();
    // Two rotations in one millisecond would share a name; lumberjack's clock would have moved on.
    while (this.backups.some((b) => b.name === backupName(active, atMs))) atMs++;
    const name = backupName(active, atMs);
    if (this.path !== undefined && this.fd !== undefined) {
      closeSync(this.fd);
      renameSync(this.path, join(dirname(this.path), name));
      this.fd = openSync(this.path, 'a', FILE_MODE);
      this.backups.push({ name });
    } else {
      this.backups.push({ name, text: this.memory.join('') });
      this.memory = [];
    }
    this.size = 0;
    this.rotated++;
    while (this.backups.length > this.maxBackups) {
      const oldest = this.backups.shift();
      if (oldest !== undefined && oldest.text === undefined && this.path !== undefined) rmSync(join(dirname(this.path), oldest.name), { force: true });
    }
  }

  /** From now on the log is the file at `path` (its backups beside it); what it held so far goes with it. */
  moveTo(path: string): void {
    const text = this.text();
    const from = this.path;
    this.close();
    mkdirSync(dirname(path), { recursive: true });
    for (const b of this.backups) {
      const target = join(dirname(path), b.name);
      if (b.text !== undefined) writeFileSync(target, b.text, { mode: FILE_MODE });
      else if (from !== undefined) renameSync(join(dirname(from), b.name), target);
      delete b.text;
    }
    writeFileSync(path, text, { mode: FILE_MODE });
    if (from !== undefined && from !== path) rmSync(from, { force: true });
    this.memory = [];
    this.path = path;
    this.fd = openSync(path, 'a', FILE_MODE);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
