// The scanning engine shared by scanText and StreamScanner. It works on bytes: native searches find the
// rare anchors of the patterns' literals, and only lines holding a literal (or an escape sequence that
// could hide one) are decoded and tested with the regexes. Every other line costs one newline search.
import { priorStats, sampleStats } from './byteFrequency';
import { maskCapped, maskSecrets } from './maskSecrets';
import { stripAnsi, stripControl } from './sanitize';
import { planSearch, type SearchPlan } from './searchPlan';
import { leadingTimestamp } from './timestamp';
import type { CompiledPatterns, LogMatch, ScanOptions } from './types';

export type ReadyPatterns = Extract<CompiledPatterns, { ok: true }>;

const NEWLINE = 0x0a;
const CR = 0x0d;
const ESC = 0x1b;
// Blocks small enough that the anchor passes reread them from cache, not memory.
const BLOCK_BYTES = 512 * 1024;
// How often the byte statistics behind the search plan are refreshed, and the least text worth
// sampling: smaller texts (an event message, a short log) use a plan made once from the prior.
const REPLAN_BYTES = 16 * 1024 * 1024;
const MIN_SAMPLE_BYTES = 16 * 1024;
// A candidate is encoded as position * SLOTS + literal index, so one numeric sort orders them.
const SLOTS = 65536;
const ESC_SLOT = SLOTS - 1;
// Literal hits past one per this many bytes (a user literal such as `a` in a line of a's) cost more in
// JavaScript than testing every line: the block is then tested line by line, which finds the same lines.
const BYTES_PER_HIT = 64;
const MIN_HIT_BUDGET = 1024;

export const DEFAULT_MAX_LINE_LENGTH = 2000;
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export function readyPatterns(patterns: CompiledPatterns): ReadyPatterns {
  // Scanning with patterns that failed to compile is a caller bug: the errors were theirs to show.
  if (!patterns.ok) throw new Error(`cannot scan with invalid patterns: ${patterns.errors.join('; ')}`);
  if (patterns.literals.length >= ESC_SLOT) throw new Error('too many pattern literals');
  return patterns;
}

/** A whole number >= 1 from a setting, or the default when the setting is missing or nonsense. */
function atLeastOne(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** A planned needle, flattened for the hot loop. */
interface PlannedNeedle {
  needle: number | Buffer;
  literals: number[];
  offsets: number[];
}

function flatten(plan: SearchPlan): PlannedNeedle[] {
  return plan.needles.map((n) => ({
    needle: n.needle,
    literals: n.checks.map((c) => c.literal),
    offsets: n.checks.map((c) => c.offset),
  }));
}

const priorPlans = new WeakMap<ReadyPatterns, PlannedNeedle[]>();

function priorPlan(patterns: ReadyPatterns): PlannedNeedle[] {
  let plan = priorPlans.get(patterns);
  if (!plan) {
    plan = flatten(planSearch(patterns.literals, priorStats()));
    priorPlans.set(patterns, plan);
  }
  return plan;
}

/** A reported line's text: no control characters, no secrets. */
function cleanAndMask(text: string): string {
  return maskSecrets(stripControl(text));
}

export class LineScanner {
  /** Lines finished so far; the current line is number lines + 1. */
  private lines = 0;
  private needles: PlannedNeedle[] | undefined;
  private sampled = false;
  private sincePlan = 0;
  private readonly wanted: Uint8Array;
  private readonly folds: Uint8Array[];
  private readonly maxLineLength: number;
  readonly maxLineBytes: number;

  constructor(
    private readonly compiled: ReadyPatterns,
    opts: ScanOptions | undefined,
    private readonly onMatch: (m: LogMatch) => void,
  ) {
    this.maxLineLength = atLeastOne(opts?.maxLineLength, DEFAULT_MAX_LINE_LENGTH);
    this.maxLineBytes = atLeastOne(opts?.maxLineBytes, DEFAULT_MAX_LINE_BYTES);
    this.wanted = new Uint8Array(compiled.patterns.length);
    // OR-ing 0x20 into a text byte folds A-Z onto a-z, for the case-insensitive letters of a literal.
    this.folds = compiled.literals.map((l) => l.bytes.map((b) => (l.caseInsensitive && b >= 0x61 && b <= 0x7a ? 0x20 : 0)));
  }

  /** Scans buf[start, end): whole lines, each ending in '\n' except perhaps the last, which then ends the text. */
  scanLines(buf: Buffer, start: number, end: number): void {
    let s = start;
    while (s < end) {
      let e = end;
      if (end - s > BLOCK_BYTES) {
        const nl = buf.indexOf(NEWLINE, s + BLOCK_BYTES);
        if (nl !== -1 && nl < end) e = nl + 1;
      }
      this.scanBlock(buf.subarray(s, e));
      s = e;
    }
  }

  /** Scans maxLineBytes bytes of the current line, which goes on after them. */
  scanPiece(piece: Buffer): void {
    if (this.compiled.everyLine) {
      this.wanted.fill(1);
      this.testSegment(piece, 0, piece.length, false);
      return;
    }
    const candidates = this.candidates(piece);
    if (candidates === undefined) this.wanted.fill(1);
    else if (candidates.length === 0) return;
    else this.markWanted(candidates, 0, candidates.length);
    this.testSegment(piece, 0, piece.length, false);
  }

  private scanBlock(view: Buffer): void {
    if (this.compiled.everyLine) {
      this.scanEveryLine(view);
      return;
    }
    const candidates = this.candidates(view);
    if (candidates === undefined) {
      this.scanEveryLine(view);
      return;
    }
    const n = view.length;
    let cursor = 0;
    let next = 0;
    while (next < candidates.length) {
      const pos = Math.floor(candidates[next] / SLOTS);
      let nl = view.indexOf(NEWLINE, cursor);
      while (nl !== -1 && nl < pos) {
        this.lines++;
        cursor = nl + 1;
        nl = view.indexOf(NEWLINE, cursor);
      }
      const lineEnd = nl === -1 ? n : nl;
      const first = next;
      while (next < candidates.length && Math.floor(candidates[next] / SLOTS) < lineEnd) next++;
      this.testLine(view, cursor, lineEnd, candidates, first, next);
      this.lines++;
      cursor = nl === -1 ? n : nl + 1;
    }
    for (let nl = view.indexOf(NEWLINE, cursor); nl !== -1; nl = view.indexOf(NEWLINE, cursor)) {
      this.lines++;
      cursor = nl + 1;
    }
    if (cursor < n) this.lines++; // the text's last line, without '\n'
  }

  private scanEveryLine(view: Buffer): void {
    const n = view.length;
    let cursor = 0;
    while (cursor < n) {
      const nl = view.indexOf(NEWLINE, cursor);
      const lineEnd = nl === -1 ? n : nl;
      // Empty lines are skipped: compilePatterns refuses patterns that match an empty line.
      for (let s = cursor; s < lineEnd; s += this.maxLineBytes) {
        const e = Math.min(lineEnd, s + this.maxLineBytes);
        this.wanted.fill(1);
        this.testSegment(view, s, e, e === lineEnd);
      }
      this.lines++;
      cursor = lineEnd + 1;
    }
  }

  /**
   * Positions of literal occurrences and escape bytes in view, sorted, as position * SLOTS + literal;
   * undefined when the literals are so dense that every line is better tested.
   */
  private candidates(view: Buffer): number[] | undefined {
    if (view.length >= MIN_SAMPLE_BYTES && (!this.sampled || this.sincePlan >= REPLAN_BYTES)) {
      this.needles = flatten(planSearch(this.compiled.literals, sampleStats(view, 0, view.length)));
      this.sampled = true;
      this.sincePlan = 0;
    }
    this.needles ??= priorPlan(this.compiled);
    this.sincePlan += view.length;
    const out: number[] = [];
    const n = view.length;
    const literals = this.compiled.literals;
    let budget = Math.max(MIN_HIT_BUDGET, Math.floor(n / BYTES_PER_HIT));
    for (const { needle, literals: checked, offsets } of this.needles) {
      for (let p = view.indexOf(needle); p !== -1; p = view.indexOf(needle, p + 1)) {
        if (--budget < 0) return undefined;
        for (let k = 0; k < checked.length; k++) {
          const literal = checked[k];
          const start = p - offsets[k];
          const bytes = literals[literal].bytes;
          if (start < 0 || start + bytes.length > n) continue;
          const fold = this.folds[literal];
          let j = 0;
          while (j < bytes.length && (view[start + j] | fold[j]) === bytes[j]) j++;
          if (j === bytes.length) out.push(start * SLOTS + literal);
        }
      }
    }
    // An escape sequence inside a literal hides it from the byte search, so such lines are tested too.
    for (let p = view.indexOf(ESC); p !== -1; p = view.indexOf(ESC, p + 1)) {
      if (--budget < 0) return undefined;
      out.push(p * SLOTS + ESC_SLOT);
    }
    if (out.length > 1) out.sort((a, b) => a - b);
    return out;
  }

  private markWanted(candidates: number[], from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const literal = candidates[k] % SLOTS;
      if (literal === ESC_SLOT) {
        this.wanted.fill(1);
        return;
      }
      for (const p of this.compiled.literals[literal].patterns) this.wanted[p] = 1;
    }
  }

  /** Tests line [start, end) (without its '\n') where candidates[from, to) fall. */
  private testLine(view: Buffer, start: number, end: number, candidates: number[], from: number, to: number): void {
    if (end - start <= this.maxLineBytes) {
      this.markWanted(candidates, from, to);
      this.testSegment(view, start, end, true);
      return;
    }
    // A long line is scanned in pieces of maxLineBytes from its start; only pieces with candidates.
    let k = from;
    while (k < to) {
      // max(0): a literal that begins with '\n' is filed under the line after that newline.
      const piece = Math.max(0, Math.floor((Math.floor(candidates[k] / SLOTS) - start) / this.maxLineBytes));
      const pieceStart = start + piece * this.maxLineBytes;
      const pieceEnd = Math.min(end, pieceStart + this.maxLineBytes);
      const first = k;
      while (k < to && Math.floor(candidates[k] / SLOTS) < pieceEnd) k++;
      this.markWanted(candidates, first, k);
      this.testSegment(view, pieceStart, pieceEnd, pieceEnd === end);
    }
  }

  /** Runs the wanted regexes on view[start, end) and reports a match. Clears `wanted`. */
  private testSegment(view: Buffer, start: number, end: number, endsLine: boolean): void {
    let stop = end;
    if (endsLine && stop > start && view[stop - 1] === CR) stop--;
    const text = stripAnsi(view.toString('utf8', start, stop));
    const ids: string[] = [];
    const patterns = this.compiled.patterns;
    for (let i = 0; i < patterns.length; i++) {
      if (this.wanted[i] === 1 && patterns[i].matcher.test(text)) ids.push(patterns[i].id);
    }
    this.wanted.fill(0);
    if (ids.length === 0) return;
    const match: LogMatch = {
      lineNumber: this.lines + 1,
      patternIds: ids,
      // Capped before it is cleaned and masked: a reported 1 MiB line costs what its first few KiB cost.
      line: maskCapped(text, this.maxLineLength, cleanAndMask),
    };
    const time = leadingTimestamp(text);
    if (time !== undefined) match.timeMs = time;
    this.onMatch(match);
  }
}
