// Reading audit logs once: a file (plain, or gzip as lumberjack compresses rotated backups), or
// every audit file of a folder, oldest first. Streamed with a reused buffer; a file that cannot be
// read is a value in the report, not an exception.

import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { AuditEvent } from './auditEvent';
import { addStats, AuditLineScanner, emptyStats, type AuditScanStats } from './auditScanner';
import { errorMessage } from '../shared/values';

export interface AuditReadOptions {
  maxLineBytes?: number;
  /** Bytes asked of the file per read. */
  chunkBytes?: number;
  /** Stops between chunks (a cancelled progress notification). */
  signal?: AbortSignal;
}

export type AuditFileReport = { path: string; ok: true; stats: AuditScanStats } | { path: string; ok: false; error: string };

export interface AuditReadReport {
  files: AuditFileReport[];
  totals: AuditScanStats;
  cancelled: boolean;
}

const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** Lumberjack's backup names: `audit-2026-12-02T16-22-58.123.log`, gzipped or not. */
const BACKUP_TIME = /-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(?:\.(\d{3}))?\.[^.]+(?:\.gz)?$/;

/** Reads one file to its end; a name ending in `.gz` is gunzipped on the way. */
export async function readAuditFile(path: string, onEvent: (event: AuditEvent) => void, opts: AuditReadOptions = {}): Promise<AuditScanStats> {
  const scanner = new AuditLineScanner(onEvent, opts.maxLineBytes !== undefined ? { maxLineBytes: opts.maxLineBytes } : {});
  if (path.endsWith('.gz')) await readGzip(path, scanner, opts.signal);
  else await readPlain(path, scanner, opts);
  return scanner.stats;
}

/** The file is read into one buffer, the unfinished last line moved to its front before each read. */
async function readPlain(path: string, scanner: AuditLineScanner, opts: AuditReadOptions): Promise<void> {
  const chunk = Math.max(4096, Math.floor(opts.chunkBytes ?? DEFAULT_CHUNK_BYTES));
  const buf = Buffer.allocUnsafe(scanner.maxLineBytes + chunk);
  const file = await open(path, 'r');
  try {
    let kept = 0;
    for (;;) {
      if (opts.signal?.aborted === true) return;
      const { bytesRead } = await file.read(buf, kept, chunk, null);
      if (bytesRead === 0) break;
      scanner.stats.bytes += bytesRead;
      const view = buf.subarray(0, kept + bytesRead);
      const rest = scanner.scan(view);
      kept = view.length - rest;
      if (kept > 0) buf.copyWithin(0, rest, view.length);
    }
    scanner.flushLine(buf.subarray(0, kept));
  } finally {
    await file.close();
  }
}

async function readGzip(path: string, scanner: AuditLineScanner, signal: AbortSignal | undefined): Promise<void> {
  // pipeline, not pipe: a missing or corrupt file rejects instead of leaving the read waiting.
  try {
    await pipeline(createReadStream(path), createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        if (signal?.aborted === true) return;
        scanner.push(chunk);
      }
      scanner.end();
    });
  } catch (e) {
    // Leaving early (cancelled) ends the streams still reading: that is no failure.
    if (signal?.aborted !== true) throw e;
  }
}

/** Whether a name in a folder is an audit log: `audit.log`, a rotated `audit-*.log`, or gzip. */
export function isAuditFileName(name: string): boolean {
  return name === 'audit.log' || (name.startsWith('audit-') && name.endsWith('.log')) || name.endsWith('.gz');
}

/** When a backup was rotated, from its name; undefined for the active file. */
export function backupTimeMs(name: string): number | undefined {
  const m = BACKUP_TIME.exec(name);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1] ?? ''}T${m[2] ?? ''}:${m[3] ?? ''}:${m[4] ?? ''}.${m[5] ?? '000'}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The audit files of a folder, oldest first: backups by the time in their names (else their
 * modification time), the active file last. A backup that exists both plain and gzipped (lumberjack
 * compressing it right now) is read plain, once.
 */
export async function auditFilesIn(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && isAuditFileName(e.name)).map((e) => e.name);
  const present = new Set(names);
  const keyed = await Promise.all(
    names
      .filter((n) => !(n.endsWith('.gz') && present.has(n.slice(0, -3))))
      .map(async (name) => {
        const rotated = backupTimeMs(name);
        const mtime = rotated ?? (await stat(join(dir, name))).mtimeMs;
        // The active file (no rotation time in its name) is newer than every backup it left.
        return { name, rank: rotated === undefined && !name.endsWith('.gz') ? 1 : 0, mtime };
      }),
  );
  keyed.sort((a, b) => a.rank - b.rank || a.mtime - b.mtime || a.name.localeCompare(b.name));
  return keyed.map((k) => join(dir, k.name));
}

/** The files the setting names: folders expanded to their audit files; missing paths are reported. */
export async function expandAuditPaths(paths: readonly string[]): Promise<{ files: string[]; missing: AuditFileReport[] }> {
  const files: string[] = [];
  const missing: AuditFileReport[] = [];
  for (const path of paths) {
    try {
      const s = await stat(path);
      if (s.isDirectory()) files.push(...(await auditFilesIn(path)));
      else files.push(path);
    } catch (e) {
      missing.push({ path, ok: false, error: errorMessage(e) });
    }
  }
  return { files: [...new Set(files)], missing };
}

/** Every file of `clusterCredentials.audit.paths`, oldest first within each folder, into one sink. */
export async function readAuditPaths(paths: readonly string[], onEvent: (event: AuditEvent) => void, opts: AuditReadOptions = {}): Promise<AuditReadReport> {
  const { files, missing } = await expandAuditPaths(paths);
  const report: AuditReadReport = { files: [...missing], totals: emptyStats(), cancelled: false };
  for (const path of files) {
    if (opts.signal?.aborted === true) {
      report.cancelled = true;
      break;
    }
    try {
      const stats = await readAuditFile(path, onEvent, opts);
      addStats(report.totals, stats);
      report.files.push({ path, ok: true, stats });
    } catch (e) {
      report.files.push({ path, ok: false, error: errorMessage(e) });
    }
  }
  if (opts.signal?.aborted === true) report.cancelled = true;
  return report;
}
