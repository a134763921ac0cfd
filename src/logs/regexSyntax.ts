// A reader for JavaScript regular expression syntax, as far as finding required literals needs: which
// parts are fixed characters, which are sequences, alternatives, repetitions, and which match text we
// cannot know in advance. Syntax it does not read (modifiers, \c, \0, the v flag) yields null, and
// then no literal is assumed.

export type RegexNode =
  | { type: 'char'; code: number }
  /** A character class listing a few characters. */
  | { type: 'set'; codes: number[] }
  /** Text we cannot know: `.`, \d, \w, \s, wide or negated classes, \p{...}, back-references. */
  | { type: 'unknown' }
  /** Matches without consuming: ^ $ \b \B and lookarounds. */
  | { type: 'empty' }
  | { type: 'seq'; items: RegexNode[] }
  | { type: 'alt'; branches: RegexNode[] }
  | { type: 'repeat'; node: RegexNode; min: number; max: number };

// A range in a class is expanded into its characters up to this width.
const MAX_RANGE = 16;

class Unsupported extends Error {}

const UNKNOWN: RegexNode = { type: 'unknown' };
const EMPTY: RegexNode = { type: 'empty' };
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S']);
const CONTROL_ESCAPES: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

/** The syntax tree of a pattern V8 accepted with these flags, or null when it uses syntax not read here. */
export function parseRegex(source: string, flags: string): RegexNode | null {
  if (flags.includes('v')) return null;
  try {
    const reader = new Reader(source, flags.includes('u'));
    return reader.read();
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}

class Reader {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
  ) {}

  read(): RegexNode {
    const node = this.disjunction();
    if (this.pos !== this.src.length) throw new Unsupported();
    return node;
  }

  private peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  private disjunction(): RegexNode {
    const branches = [this.alternative()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.alternative());
    }
    return branches.length === 1 ? branches[0] : { type: 'alt', branches };
  }

  private alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.term());
    return { type: 'seq', items };
  }

  private term(): RegexNode {
    const node = this.atom();
    const q = this.quantifier();
    return q ? { type: 'repeat', node, min: q[0], max: q[1] } : node;
  }

  private quantifier(): [number, number] | null {
    const c = this.peek();
    let q: [number, number] | null = null;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return null; // a literal brace (Annex B): the next atom() reads it
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
      q = [min, max];
    }
    if (!q) return null;
    this.pos++;
    if (this.peek() === '?') this.pos++; // lazy: matches the same texts
    return q;
  }

  private atom(): RegexNode {
    const c = this.peek();
    this.pos++;
    switch (c) {
      case '^':
      case '$':
        return EMPTY;
      case '.':
        return UNKNOWN;
      case '(':
        return this.group();
      case '[':
        return this.charClass();
      case '\\':
        return this.escape();
      case '*':
      case '+':
      case '?':
      case ')':
      case '|':
        throw new Unsupported();
      case '{':
        if (this.unicode) throw new Unsupported();
        return { type: 'char', code: c.charCodeAt(0) };
      default:
        return { type: 'char', code: this.codePointAt(c) };
    }
  }

  /** The character just read; with the u flag an astral character is one code point (two units). */
  private codePointAt(c: string): number {
    const code = c.charCodeAt(0);
    if (this.unicode && code >= 0xd800 && code <= 0xdbff) {
      const low = this.src.charCodeAt(this.pos);
      if (low >= 0xdc00 && low <= 0xdfff) {
        this.pos++;
        return (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
      }
    }
    return code;
  }

  private group(): RegexNode {
    let lookaround = false;
    if (this.peek() === '?') {
      const rest = this.src.slice(this.pos, this.pos + 3);
      if (rest.startsWith('?:')) this.pos += 2;
      else if (rest.startsWith('?=') || rest.startsWith('?!')) {
        this.pos += 2;
        lookaround = true;
      } else if (rest === '?<=' || rest === '?<!') {
        this.pos += 3;
        lookaround = true;
      } else if (rest.startsWith('?<')) {
        const end = this.src.indexOf('>', this.pos);
        if (end < 0) throw new Unsupported();
        this.pos = end + 1;
      } else throw new Unsupported(); // modifiers such as (?i:...)
    }
    const inner = this.disjunction();
    if (this.peek() !== ')') throw new Unsupported();
    this.pos++;
    // A lookaround consumes nothing: the text around it is still contiguous.
    return lookaround ? EMPTY : inner;
  }

  private escape(): RegexNode {
    const e = this.peek();
    this.pos++;
    if (e === 'b' || e === 'B') return EMPTY;
    if (e === 'k') {
      if (this.peek() === '<') this.pos = Math.max(this.pos, this.src.indexOf('>', this.pos) + 1);
      return UNKNOWN; // a named back-reference (or, without named groups, a plain k: unknown is safe)
    }
    if (e >= '1' && e <= '9') return UNKNOWN; // a back-reference matches text we cannot know
    const code = this.escapedChar(e);
    return code === null ? UNKNOWN : { type: 'char', code };
  }

  /** The character an escape stands for (shared by atoms and classes), or null for a class escape. */
  private escapedChar(e: string): number | null {
    if (CLASS_ESCAPES.has(e)) return null;
    if (e in CONTROL_ESCAPES) return CONTROL_ESCAPES[e];
    if (e === 'x' || e === 'u') return this.hexEscape(e);
    if (e === 'p' || e === 'P') {
      if (!this.unicode) return e.charCodeAt(0);
      this.skipBraces();
      return null;
    }
    // Control letters and NUL/octal escapes (Annex B) are rare in log patterns: not worth reading.
    if (e === 'c' || e === '0' || e === '') throw new Unsupported();
    return this.codePointAt(e);
  }

  private hexEscape(kind: string): number {
    if (kind === 'u' && this.peek() === '{') {
      const end = this.src.indexOf('}', this.pos);
      const code = end < 0 ? NaN : parseInt(this.src.slice(this.pos + 1, end), 16);
      if (!this.unicode || !Number.isFinite(code)) throw new Unsupported();
      this.pos = end + 1;
      return code;
    }
    const len = kind === 'x' ? 2 : 4;
    const digits = this.src.slice(this.pos, this.pos + len);
    if (digits.length !== len || !/^[0-9a-fA-F]+$/.test(digits)) throw new Unsupported();
    this.pos += len;
    return parseInt(digits, 16);
  }

  private skipBraces(): void {
    const end = this.peek() === '{' ? this.src.indexOf('}', this.pos) : -1;
    if (end < 0) throw new Unsupported();
    this.pos = end + 1;
  }

  private charClass(): RegexNode {
    const negated = this.peek() === '^';
    if (negated) this.pos++;
    const codes: number[] = [];
    let known = !negated;
    while (this.pos < this.src.length && this.peek() !== ']') {
      const start = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '') {
        this.pos++;
        const end = this.classAtom();
        if (start === null || end === null || end - start >= MAX_RANGE) known = false;
        else for (let c = start; c <= end; c++) codes.push(c);
      } else if (start === null) known = false;
      else codes.push(start);
    }
    if (this.peek() !== ']') throw new Unsupported();
    this.pos++;
    return known && codes.length > 0 ? { type: 'set', codes } : UNKNOWN;
  }

  /** One character of a class, or null for a class escape such as \d. */
  private classAtom(): number | null {
    const c = this.peek();
    this.pos++;
    if (c !== '\\') return this.codePointAt(c);
    const e = this.peek();
    this.pos++;
    if (e === 'b') return 8; // backspace, inside a class
    if (e >= '1' && e <= '9') throw new Unsupported();
    return this.escapedChar(e);
  }
}
