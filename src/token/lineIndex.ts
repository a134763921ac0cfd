// Line numbers for offsets in one text, built once: a table of line starts and a binary search,
// instead of counting line breaks from the start of the text for every offset.

export interface LinePosition {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column, as editors count. */
  character: number;
}

const LF = 10;
const CR = 13;

export class LineIndex {
  /** Offset of the first character of every line; line 0 starts at 0. */
  private readonly starts: number[] = [0];
  private readonly length: number;
  private last = 0;

  /** Line breaks are `\n`, `\r\n` and a lone `\r`, as VS Code reads them. */
  constructor(text: string) {
    this.length = text.length;
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) this.starts.push(i + 1);
      else if (c === CR) {
        if (text.charCodeAt(i + 1) === LF) i++;
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** The line holding `offset` (clamped to the text). Offsets asked in ascending order cost almost nothing. */
  lineAt(offset: number): number {
    const at = Math.min(Math.max(0, offset), this.length);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
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
