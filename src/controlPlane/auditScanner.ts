// Audit log bytes in, events out, at close to grep's speed. Per line the only native call is the
// newline search; stale- and legacy-token lines are found with one native search per chunk for the
// annotation keys' common prefix, and a 401 by its `"code":401}` at the fixed distance from the line's
// end that kube-apiserver's event layout gives (microsecond timestamps always have six digits). Only
// those candidate lines are decoded, then parsed by parseAuditLine. A line that is not the
// apiserver's own Event (a cloud export's record, see auditEnvelope) has no fixed layout: it is
// always decoded and left to parseAuditLine's literal search, slower but only for those files.

import { parseAuditLine, type AuditEvent } from './auditEvent';

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export interface AuditScanStats {
  /** Non-empty lines read: the events in the log, interesting or not. */
  lines: number;
  /** Events handed on. */
  events: number;
  /** Interesting lines that were not audit events (counted, never thrown). */
  malformed: number;
  /** Lines longer than the cap, skipped whole. */
  overlong: number;
  bytes: number;
}

export function emptyStats(): AuditScanStats {
  return { lines: 0, events: 0, malformed: 0, overlong: 0, bytes: 0 };
}

export function addStats(into: AuditScanStats, more: AuditScanStats): void {
  into.lines += more.lines;
  into.events += more.events;
  into.malformed += more.malformed;
  into.overlong += more.overlong;
  into.bytes += more.bytes;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
/** Both token annotation keys start so; the quote keeps URIs such as /apis/authentication.k8s.io/ out. */
const ANNOTATION_PREFIX = Buffer.from('"authentication.k8s.io/', 'utf8');
/**
 * A failed authentication's event ends `"code":401},"requestReceivedTimestamp":"<27>","stageTimestamp":"<27>"}`:
 * the `4` of 401 is this many bytes before the line's end.
 */
const CODE_401_FROM_END = 109;
const DIGIT_4 = 0x34;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const CLOSE_BRACE = 0x7d;
const COLON = 0x3a;

/** Every event kube-apiserver writes starts so; anything else is an export's record. */
const NATIVE_START = Buffer.from('{"kind":"Event"', 'utf8');

function isNative(view: Buffer, start: number, end: number): boolean {
  const n = NATIVE_START.length;
  if (end - start < n) return false;
  for (let i = 0; i < n; i++) if (view[start + i] !== NATIVE_START[i]) return false;
  return true;
}

/** The cheap test for a 401 event: five bytes at a fixed distance from the end of the line. */
function mayBe401(view: Buffer, start: number, end: number): boolean {
  const at = end - CODE_401_FROM_END;
  return at > start && view[at] === DIGIT_4 && view[at + 1] === DIGIT_0 && view[at + 2] === DIGIT_1 && view[at + 3] === CLOSE_BRACE && view[at - 1] === COLON;
}

export class AuditLineScanner {
  readonly stats = emptyStats();
  readonly maxLineBytes: number;
  /** The unfinished last line of the chunks pushed so far (push/end only). */
  private carry: Buffer = Buffer.alloc(0);
  /** Inside a line longer than the cap: drop bytes until its newline. */
  private skipping = false;
  /** The next annotation-prefix hit in the current view, or +Infinity when there is none. */
  private hit = -1;

  constructor(
    private readonly onEvent: (event: AuditEvent) => void,
    opts: { maxLineBytes?: number } = {},
  ) {
    const cap = opts.maxLineBytes;
    this.maxLineBytes = cap !== undefined && Number.isFinite(cap) && cap >= 1 ? Math.floor(cap) : DEFAULT_MAX_LINE_BYTES;
  }

  /**
   * Scans the complete lines of `view` and returns where its unfinished last line starts; the
   * caller keeps those bytes and puts them in front of the next view. A last line already longer
   * than the cap is consumed (and skipped up to its newline), so what is kept never exceeds it.
   */
  scan(view: Buffer): number {
    const end = view.length;
    let pos = 0;
    if (this.skipping) {
      const nl = view.indexOf(NEWLINE);
      if (nl === -1) return end;
      this.skipping = false;
      pos = nl + 1;
    }
    this.hit = -1;
    let hit = this.nextHit(view, pos);
    for (;;) {
      const nl = view.indexOf(NEWLINE, pos);
      if (nl === -1) break;
      const stop = nl > pos && view[nl - 1] === CR ? nl - 1 : nl;
      if (stop > pos) {
        this.stats.lines++;
        if (nl - pos > this.maxLineBytes) this.stats.overlong++;
        else if (hit < nl || mayBe401(view, pos, stop) || !isNative(view, pos, stop)) this.candidate(view, pos, stop);
        if (hit < nl) hit = this.nextHit(view, nl + 1);
      }
      pos = nl + 1;
    }
    if (end - pos > this.maxLineBytes) {
      // Counted now; its newline, whenever it comes, ends the skip.
      this.stats.lines++;
      this.stats.overlong++;
      this.skipping = true;
      return end;
    }
    return pos;
  }

  /** A chunk of the stream (copied where kept, so the caller may reuse its buffer). */
  push(chunk: Buffer): void {
    this.stats.bytes += chunk.length;
    const view = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    const rest = this.scan(view);
    this.carry = rest === view.length ? Buffer.alloc(0) : Buffer.from(view.subarray(rest));
  }

  /** The stream ended: its last line counts even without a newline. */
  end(): void {
    if (this.carry.length > 0 && !this.skipping) {
      this.flushLine(this.carry);
    }
    this.reset();
  }

  /** Drop an unfinished line (the file it came from was truncated or replaced). */
  reset(): void {
    this.carry = Buffer.alloc(0);
    this.skipping = false;
  }

  /** The last line of a view that the caller's stream ended on. */
  flushLine(line: Buffer): void {
    const stop = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
    if (stop === 0) return;
    this.stats.lines++;
    if (line.length > this.maxLineBytes) {
      this.stats.overlong++;
      return;
    }
    if (line.indexOf(ANNOTATION_PREFIX) !== -1 || mayBe401(line, 0, stop) || !isNative(line, 0, stop)) this.candidate(line, 0, stop);
  }

  /** The first annotation-prefix hit at or after `from`; the view is searched once per hit. */
  private nextHit(view: Buffer, from: number): number {
    if (this.hit !== Number.POSITIVE_INFINITY && this.hit < from) {
      const found = view.indexOf(ANNOTATION_PREFIX, from);
      this.hit = found === -1 ? Number.POSITIVE_INFINITY : found;
    }
    return this.hit;
  }

  private candidate(view: Buffer, start: number, end: number): void {
    const parsed = parseAuditLine(view.toString('utf8', start, end));
    if (parsed.kind === 'event') {
      this.stats.events++;
      this.onEvent(parsed.event);
    } else if (parsed.kind === 'malformed') {
      this.stats.malformed++;
    }
  }
}
