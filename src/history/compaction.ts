// Which records a compacted history keeps: those seen within maxDays and, when the file has outgrown
// maxBytes, the most recently seen ones that fit in a part of it, so that compaction does not come back
// with every following append.
import { HEADER_LINE, serialize } from './recordFormat';
import { lastSeen } from './recordLog';
import type { HistoryRecord } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** After trimming for size, the file holds at most this share of maxBytes. */
export const TRIM_TO = 0.75;

export interface CompactionLimits {
  nowMs: number;
  maxDays: number;
  maxBytes: number;
}

/** The records to keep, oldest first, and the file text that holds them. */
export function compactRecords(records: readonly HistoryRecord[], limits: CompactionLimits): { kept: HistoryRecord[]; text: string } {
  const cutoff = limits.nowMs - limits.maxDays * DAY_MS;
  let kept = records.filter((r) => lastSeen(r) >= cutoff);
  const lines = new Map(kept.map((r) => [r, serialize(r)]));
  const size = (rs: readonly HistoryRecord[]): number => rs.reduce((sum, r) => sum + Buffer.byteLength(lines.get(r) ?? ''), Buffer.byteLength(HEADER_LINE));
  let total = size(kept);
  if (total > limits.maxBytes) {
    const budget = limits.maxBytes * TRIM_TO;
    const newestFirst = [...kept].sort((a, b) => lastSeen(b) - lastSeen(a) || b.at - a.at);
    const keep = new Set<HistoryRecord>();
    total = Buffer.byteLength(HEADER_LINE);
    for (const r of newestFirst) {
      const bytes = Buffer.byteLength(lines.get(r) ?? '');
      if (total + bytes > budget) break;
      keep.add(r);
      total += bytes;
    }
    kept = kept.filter((r) => keep.has(r));
  }
  kept = [...kept].sort((a, b) => a.at - b.at);
  return { kept, text: HEADER_LINE + kept.map((r) => lines.get(r) ?? '').join('') };
}

/** True when the history would lose something or shrink noticeably by being compacted. */
export function needsCompaction(records: readonly HistoryRecord[], fileBytes: number, wastedLines: number, limits: CompactionLimits): boolean {
  const cutoff = limits.nowMs - limits.maxDays * DAY_MS;
  return fileBytes > limits.maxBytes || wastedLines > records.length || records.some((r) => lastSeen(r) < cutoff);
}
