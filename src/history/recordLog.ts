// The records in memory, in file order, with repeated token observations folded together: when a
// subject's token is seen again with the same fingerprint, its latest record gains `lastAt` instead of
// a new record. Audit uses and pod addresses are kept one per use (or pod and address): a later record
// of the same replaces it, its time range widened to both. On disk a fold is one more line (the updated
// record), so the file stays append-only and replaying the lines through the same fold rebuilds the same records.
import { serialize } from './recordFormat';
import type { AuditRecord, HistoryRecord, PodAddressRecord, Subject, TokenObservation } from './types';

export function subjectKey(s: Subject): string {
  return JSON.stringify([s.context, s.namespace, s.pod, s.podUid, s.serviceAccount, s.container, s.path]);
}

export function lastSeen(r: HistoryRecord): number {
  return r.kind !== 'unauthorized' && r.lastAt !== undefined ? r.lastAt : r.at;
}

/** A record kept one per key: a later one of the same key replaces it. */
type KeyedRecord = AuditRecord | PodAddressRecord;

/** Which use (audit) or which pod and address (podAddress) a record is about; undefined for the other kinds. */
export function recordKey(r: HistoryRecord): string | undefined {
  if (r.kind === 'podAddress') return JSON.stringify(['podAddress', r.subject.context, r.subject.podUid, r.ip]);
  if (r.kind !== 'audit') return undefined;
  const s = r.subject;
  switch (r.use) {
    case 'stale':
      return JSON.stringify(['audit', r.use, s.context, r.user, s.namespace, s.pod, s.podUid]);
    case 'legacy':
      return JSON.stringify(['audit', r.use, s.context, r.user]);
    case 'unauthorized':
      return JSON.stringify(['audit', r.use, s.context, r.sourceIP, r.userAgent]);
  }
}

/** The newer record, its time range widened to cover the older one's. */
function widened(older: KeyedRecord, newer: KeyedRecord): KeyedRecord {
  const at = Math.min(older.at, newer.at);
  const lastAt = Math.max(lastSeen(older), lastSeen(newer));
  const out: KeyedRecord = { ...newer, at };
  if (lastAt > at) out.lastAt = lastAt;
  else delete out.lastAt;
  return out;
}

type Step =
  { kind: 'add'; record: HistoryRecord } | { kind: 'fold'; key: string; at: number; lastAt: number } | { kind: 'replace'; key: string; record: KeyedRecord };

/** What appending a batch will do: the lines to write, then commit() once they are written. */
export interface AppendPlan {
  lines: string;
  commit(): void;
}

export class RecordLog {
  private readonly list: HistoryRecord[] = [];
  private readonly latest = new Map<string, TokenObservation>();
  /** The one record of each audit use and pod address. */
  private readonly keyed = new Map<string, KeyedRecord>();
  /** Lines that only updated an earlier record. */
  private foldedLines = 0;

  get records(): readonly HistoryRecord[] {
    return this.list;
  }

  /** Lines on disk that no longer stand for a record of their own. */
  get wastedLines(): number {
    return this.foldedLines;
  }

  plan(incoming: readonly HistoryRecord[]): AppendPlan {
    // The batch's own view of each subject's latest token, so repeats inside one batch fold too.
    const pending = new Map<string, TokenObservation>();
    const pendingKeyed = new Map<string, KeyedRecord>();
    const steps: Step[] = [];
    let lines = '';
    for (const record of incoming) {
      if (record.kind === 'audit' || record.kind === 'podAddress') {
        const key = recordKey(record) ?? '';
        const base = pendingKeyed.get(key) ?? this.keyed.get(key);
        if (base) {
          const merged = widened(base, record);
          pendingKeyed.set(key, merged);
          steps.push({ kind: 'replace', key, record: merged });
          lines += serialize(merged);
        } else {
          pendingKeyed.set(key, record);
          steps.push({ kind: 'add', record });
          lines += serialize(record);
        }
        continue;
      }
      if (record.kind !== 'token') {
        steps.push({ kind: 'add', record });
        lines += serialize(record);
        continue;
      }
      const key = subjectKey(record.subject);
      const base = pending.get(key) ?? this.latest.get(key);
      if (base && base.fingerprint === record.fingerprint) {
        const at = Math.min(base.at, record.at);
        const lastAt = Math.max(lastSeen(base), lastSeen(record));
        const folded: TokenObservation = { ...base, at };
        if (lastAt > at) folded.lastAt = lastAt;
        else delete folded.lastAt;
        pending.set(key, folded);
        steps.push({ kind: 'fold', key, at, lastAt });
        lines += serialize(folded);
      } else {
        pending.set(key, record);
        steps.push({ kind: 'add', record });
        lines += serialize(record);
      }
    }
    return { lines, commit: () => this.apply(steps) };
  }

  /** Replays records read from the file. */
  load(records: readonly HistoryRecord[]): void {
    this.plan(records).commit();
  }

  private apply(steps: readonly Step[]): void {
    for (const step of steps) {
      if (step.kind === 'add') {
        this.list.push(step.record);
        if (step.record.kind === 'token') this.latest.set(subjectKey(step.record.subject), step.record);
        else if (step.record.kind === 'audit' || step.record.kind === 'podAddress') this.keyed.set(recordKey(step.record) ?? '', step.record);
        continue;
      }
      if (step.kind === 'replace') {
        const target = this.keyed.get(step.key);
        if (!target) throw new Error('history: a replaced record lost its original');
        // In place: the list holds the same object, so its position (file order) is kept.
        for (const field of Object.keys(target)) delete (target as unknown as Record<string, unknown>)[field];
        Object.assign(target, { ...step.record, subject: { ...step.record.subject } });
        this.foldedLines++;
        continue;
      }
      const target = this.latest.get(step.key);
      // plan() folded into this subject's latest record, which the earlier steps have put in place.
      if (!target) throw new Error('history: a folded observation lost its record');
      target.at = step.at;
      if (step.lastAt > step.at) target.lastAt = step.lastAt;
      else delete target.lastAt;
      this.foldedLines++;
    }
  }
}
