// Line numbers for offsets in one text, built once: a table of line starts and a binary search,
// instead of counting line breaks from the start of the text for every offset. A version of a large
// document derives its table from the last version's: the lines before and after the edit are copied
// (those after it moved by the edit's length), only the edited lines are read again.
import { commonPrefix, commonSuffix } from './commonAffix';

export interface LinePosition {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column, as editors count. */
  character: number;
}

const LF = 10;
const CR = 13;

/** Whether a line starts at `at`: after `\n`, or after a `\r` that no `\n` follows, as VS Code reads them. */
function startsLine(text: string, at: number): boolean {
  if (at === 0) return true;
  const before = text.charCodeAt(at - 1);
  return before === LF || (before === CR && text.charCodeAt(at) !== LF);
}

/** First index in starts[0, count) whose value is greater than `offset`. */
function upperBound(starts: Int32Array, count: number, offset: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class LineIndex {
  /**
   * Offset of the first character of every line in [0, count); line 0 starts at 0. A typed array: its
   * memory lies outside the JavaScript heap, and 160,000 lines of a 5 MB document cost the garbage
   * collector nothing to mark or to move.
   */
  private readonly starts: Int32Array;
  private readonly count: number;
  private readonly length: number;
  private last = 0;

  /**
   * Line breaks are `\n`, `\r\n` and a lone `\r`, as VS Code reads them. `previous`: the table of an
   * earlier version of the text, and that version, from which this one is derived.
   */
  constructor(text: string, previous?: { index: LineIndex; text: string }) {
    this.length = text.length;
    const built = previous === undefined ? LineIndex.scan(text) : LineIndex.derive(previous.index, previous.text, text);
    this.starts = built.starts;
    this.count = built.count;
  }

  private static scan(text: string): { starts: Int32Array; count: number } {
    let starts = new Int32Array(Math.max(16, (text.length >> 5) + 16));
    let count = 1;
    const add = (at: number): void => {
      if (count === starts.length) {
        const grown = new Int32Array(count * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[count++] = at;
    };
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) add(i + 1);
      return { starts, count };
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) add(i + 1);
      else if (c === CR) {
        if (text.charCodeAt(i + 1) === LF) i++;
        add(i + 1);
      }
    }
    return { starts, count };
  }

  /**
   * Whether `at` starts a line depends on the characters at `at - 1` and `at` only: a start before the
   * first changed character is kept, one whose two characters both lie in the unchanged end is moved.
   */
  private static derive(old: LineIndex, oldText: string, text: string): { starts: Int32Array; count: number } {
    if (old.length !== oldText.length) return LineIndex.scan(text);
    const prefix = commonPrefix(oldText, text);
    const suffix = commonSuffix(oldText, text, Math.min(oldText.length, text.length) - prefix);
    const delta = text.length - oldText.length;
    // Old starts at or before prefix - 1 stand; those from oldText.length - suffix + 1 on move by delta.
    const kept = upperBound(old.starts, old.count, prefix - 1);
    const movedFrom = upperBound(old.starts, old.count, oldText.length - suffix);
    const changed: number[] = [];
    for (let at = prefix; at <= text.length - suffix; at++) if (startsLine(text, at)) changed.push(at);
    const count = kept + changed.length + (old.count - movedFrom);
    const starts = new Int32Array(Math.max(16, count));
    starts.set(old.starts.subarray(0, kept));
    let n = kept;
    for (const at of changed) starts[n++] = at;
    for (let i = movedFrom; i < old.count; i++) starts[n++] = (old.starts[i] ?? 0) + delta;
    return { starts, count };
  }

  get lineCount(): number {
    return this.count;
  }

  /** The line holding `offset` (clamped to the text). Offsets asked in ascending order cost almost nothing. */
  lineAt(offset: number): number {
    const at = Math.min(Math.max(0, offset), this.length);
    const starts = this.starts;
    let lo = 0;
    let hi = this.count - 1;
    if ((starts[this.last] ?? 0) <= at) {
      // Gallop from the last answer: diagnostics ask in document order.
      lo = this.last;
      let step = 1;
      while (lo + step <= hi && (starts[lo + step] ?? 0) <= at) {
        lo += step;
        step *= 2;
      }
      hi = Math.min(hi, lo + step - 1);
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
  }

  positionAt(offset: number): LinePosition {
    const at = Math.min(Math.max(0, offset), this.length);
    const line = this.lineAt(at);
    return { line, character: at - (this.starts[line] ?? 0) };
  }
}

/**
 * The line table of a document's newest version, derived from the last table asked for. It keeps that
 * version's text to compare with (the document's own locator keeps the same string).
 */
export class DocumentLines {
  private text: string | undefined;
  private index: LineIndex | undefined;

  of(text: string): LineIndex {
    if (this.index !== undefined && this.text === text) return this.index;
    const previous = this.index !== undefined && this.text !== undefined ? { index: this.index, text: this.text } : undefined;
    this.index = new LineIndex(text, previous);
    this.text = text;
    return this.index;
  }

  forget(): void {
    this.text = undefined;
    this.index = undefined;
  }
}
