// Reading the history file back. A crash while appending leaves at most one partial last line (it has
// no newline yet): that line is dropped. Anything else that does not read is corruption.
import { readFile } from 'node:fs/promises';
import { checkHeader, checkRecord, HEADER_LINE } from './recordFormat';
import type { HistoryRecord } from './types';

export type ParsedHistory =
  | { kind: 'empty' }
  | {
      kind: 'ok';
      records: HistoryRecord[];
      /** Bytes up to the end of the last whole line: where the file should end. */
      goodBytes: number;
      /** True when the file does not end there: a torn last line to cut off, or a newline to add. */
      needsRepair: boolean;
      /** True when the last record was whole but lacked its newline. */
      missingNewline: boolean;
    }
  | { kind: 'corrupt'; reason: string };

export function parseHistory(bytes: Buffer): ParsedHistory {
  if (bytes.length === 0) return { kind: 'empty' };
  const firstNl = bytes.indexOf(0x0a);
  if (firstNl === -1) {
    // Only a partial first line: a header cut short is a file that was never really started.
    const partial = bytes.toString('utf8');
    return HEADER_LINE.startsWith(partial) ? { kind: 'empty' } : { kind: 'corrupt', reason: 'its first line is not a history header' };
  }
  const header = checkHeader(bytes.toString('utf8', 0, firstNl));
  if (!header.ok) return { kind: 'corrupt', reason: header.reason };

  const records: HistoryRecord[] = [];
  let start = firstNl + 1;
  let lineNumber = 1;
  while (start < bytes.length) {
    lineNumber++;
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    const text = bytes.toString('utf8', start, end);
    if (text.trim() !== '') {
      let checked: ReturnType<typeof checkRecord>;
      try {
        checked = checkRecord(JSON.parse(text));
      } catch {
        checked = { ok: false, reason: 'it is not JSON' };
      }
      if (nl === -1) {
        // The last line, without its newline: whole if it reads, torn by a crash if it does not.
        if (checked.ok) {
          records.push(checked.record);
          return { kind: 'ok', records, goodBytes: bytes.length, needsRepair: true, missingNewline: true };
        }
        return { kind: 'ok', records, goodBytes: start, needsRepair: true, missingNewline: false };
      }
      if (!checked.ok) return { kind: 'corrupt', reason: `line ${lineNumber} is not a history record (${checked.reason})` };
      records.push(checked.record);
    } else if (nl === -1) {
      // Trailing blanks after the last newline: cut them off.
      return { kind: 'ok', records, goodBytes: start, needsRepair: true, missingNewline: false };
    }
    start = end + 1;
  }
  return { kind: 'ok', records, goodBytes: bytes.length, needsRepair: false, missingNewline: false };
}

/** The file's content, or undefined when it does not exist. */
export async function readHistoryBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
