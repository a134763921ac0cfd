// Reading the history file back, a chunk at a time. A line that does not read as a record is skipped
// and counted; only a file whose first line is not our header is unreadable as a whole. Text after the
// last newline is handed back untouched: an append still being written, or one torn by a crash, which
// only the holder of the lock may repair.
import * as l10n from '@vscode/l10n';
import type { FileHandle } from 'node:fs/promises';
import { checkHeader, checkRecord, HEADER_LINE, notAHeader } from './recordFormat';
import type { HistoryRecord } from './types';

/** Bytes read per step: what a load holds at once, besides the records. */
const CHUNK_BYTES = 1024 * 1024;
/** The header is one short line; a first line longer than this is not one. */
const HEADER_PROBE_BYTES = 4096;

export type HeaderRead = { kind: 'empty' } | { kind: 'ok'; /** Where the records begin. */ bytes: number } | { kind: 'corrupt'; reason: string };

/** Reads the header from the first bytes of a file. */
export function parseHeader(start: Buffer): HeaderRead {
  if (start.length === 0) return { kind: 'empty' };
  const firstNl = start.indexOf(0x0a);
  if (firstNl === -1) {
    // Only a partial first line: a header cut short is a file that was never really started.
    return HEADER_LINE.startsWith(start.toString('utf8')) ? { kind: 'empty' } : { kind: 'corrupt', reason: notAHeader() };
  }
  const header = checkHeader(start.toString('utf8', 0, firstNl));
  return header.ok ? { kind: 'ok', bytes: firstNl + 1 } : { kind: 'corrupt', reason: header.reason };
}

export async function readHeader(handle: FileHandle, fileBytes: number): Promise<HeaderRead> {
  const start = Buffer.alloc(Math.min(fileBytes, HEADER_PROBE_BYTES));
  const { bytesRead } = await handle.read(start, 0, start.length, 0);
  return parseHeader(start.subarray(0, bytesRead));
}

export interface SkippedLines {
  count: number;
  /** Why the first of them did not read. */
  firstReason: string | undefined;
}

/** The records among whole lines (the text ends with a newline); blank lines are neither. */
export function parseLines(text: Buffer, skipped: SkippedLines): HistoryRecord[] {
  const records: HistoryRecord[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf(0x0a, start);
    const end = nl === -1 ? text.length : nl;
    const line = text.toString('utf8', start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    const checked = parseRecord(line);
    if (checked.ok) {
      records.push(checked.record);
    } else {
      skipped.count++;
      skipped.firstReason ??= checked.reason;
    }
  }
  return records;
}

export function parseRecord(line: string): ReturnType<typeof checkRecord> {
  try {
    return checkRecord(JSON.parse(line));
  } catch {
    return { ok: false, reason: l10n.t('it is not JSON') };
  }
}

export interface LinesRead {
  /** Offset just past the last newline read: where the whole lines end. */
  end: number;
  /** What followed the last newline, up to where reading stopped. */
  rest: Buffer;
}

/**
 * Reads the lines between two offsets, handing over the records of each chunk as it is read. When
 * `from` may fall inside a line (a read that starts part-way through a big file), that line is left out.
 */
export async function readLines(
  handle: FileHandle,
  range: { from: number; to: number; midLine: boolean },
  skipped: SkippedLines,
  onRecords: (records: HistoryRecord[]) => void,
): Promise<LinesRead> {
  // Starting one byte early shows whether `from` begins a line: it does when that byte is a newline.
  let position = range.midLine ? range.from - 1 : range.from;
  let seekingLineStart = range.midLine;
  let carry = Buffer.alloc(0);
  let carryStart = position;
  while (position < range.to) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, range.to - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    let text = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    if (seekingLineStart) {
      const nl = text.indexOf(0x0a);
      if (nl === -1) {
        carryStart += text.length;
        carry = Buffer.alloc(0);
        continue;
      }
      seekingLineStart = false;
      carryStart += nl + 1;
      text = text.subarray(nl + 1);
    }
    const lastNl = text.lastIndexOf(0x0a);
    if (lastNl === -1) {
      carry = text;
      continue;
    }
    const records = parseLines(text.subarray(0, lastNl + 1), skipped);
    if (records.length > 0) onRecords(records);
    carryStart += lastNl + 1;
    // A copy, so the chunk it came from can be freed.
    carry = Buffer.from(text.subarray(lastNl + 1));
  }
  return { end: carryStart, rest: seekingLineStart ? Buffer.alloc(0) : carry };
}
