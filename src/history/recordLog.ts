// The records in memory, in file order, with repeated token observations folded together: when a
// subject's token is seen again with the same fingerprint, its latest record gains `lastAt` instead of
// a new record. On disk that fold is one more line (the updated record), so the file stays append-only
// and replaying the lines through the same fold rebuilds the same records.
import { serialize } from './recordFormat';
import type { HistoryRecord, Subject, TokenObservation } from './types';

export function subjectKey(s: Subject): string {
  return JSON.stringify([s.context, s.namespace, s.pod, s.podUid, s.serviceAccount, s.container, s.path]);
}

export function lastSeen(r: HistoryRecord): number {
  return r.kind === 'token' && r.lastAt !== undefined ? r.lastAt : r.at;
}

type Step = { kind: 'add'; record: HistoryRecord } | { kind: 'fold'; key: string; at: number; lastAt: number };

/** What appending a batch will do: the lines to write, then commit() once they are written. */
export interface AppendPlan {
  lines: string;
  commit(): void;
}

export class RecordLog {
  private readonly list: HistoryRecord[] = [];
  private readonly latest = new Map<string, TokenObservation>();
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
    const steps: Step[] = [];
    let lines = '';
    for (const record of incoming) {
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
