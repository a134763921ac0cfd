// Finds literals at least one of which every match of a regex contains (`token (has|is) expired` needs
// "token has expired" or "token is expired"). Lines without any of them cannot match, so the scanner
// runs the regex only on lines around those literals. When no such set is certain: null, "test every line".
import { parseRegex, type RegexNode } from './regexSyntax';

const MAX_SET = 64;
const MAX_LITERAL = 256;
const MAX_CLASS = 8;

/** What a piece of regex says about the text it matches. Strings are lower case under the `i` flag. */
interface Facts {
  /** Every string the piece can match, when there are few; `['']` for assertions. */
  exact: string[] | null;
  /** Literals of which every match contains at least one. */
  required: string[] | null;
}

const UNKNOWN: Facts = { exact: null, required: null };

/** Minimal set of literals for `source`, or null when a line could match without containing any literal. */
export function requiredLiterals(source: string, flags: string, cost: (literal: string) => number): string[] | null {
  const tree = parseRegex(source, flags);
  if (!tree) return null;
  const analysis = new Analysis(flags.includes('i'), flags.includes('u'), cost);
  const facts = analysis.facts(tree);
  return analysis.best([facts.required, facts.exact]);
}

/** Drops members that contain another member: a line containing the longer one contains the shorter. */
function minimal(set: string[]): string[] {
  const unique = [...new Set(set)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const s of unique) if (!kept.some((k) => s.includes(k))) kept.push(s);
  return kept;
}

function cross(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_SET) return null;
  const out = new Set<string>();
  for (const x of a) {
    for (const y of b) {
      if (x.length + y.length > MAX_LITERAL) return null;
      out.add(x + y);
    }
  }
  return [...out];
}

function union(a: string[], b: string[]): string[] | null {
  const out = [...new Set([...a, ...b])];
  return out.length > MAX_SET ? null : out;
}

class Analysis {
  constructor(
    private readonly ignoreCase: boolean,
    private readonly unicode: boolean,
    private readonly cost: (literal: string) => number,
  ) {}

  /** The cheapest usable set among candidates (a set holding '' requires nothing). */
  best(candidates: Array<string[] | null>): string[] | null {
    let winner: string[] | null = null;
    let winnerCost = Number.POSITIVE_INFINITY;
    for (const c of candidates) {
      if (!c || c.length === 0 || c.includes('')) continue;
      const set = minimal(c);
      const total = set.reduce((sum, s) => sum + this.cost(s), 0);
      if (total < winnerCost) {
        winner = set;
        winnerCost = total;
      }
    }
    return winner;
  }

  facts(node: RegexNode): Facts {
    switch (node.type) {
      case 'char': {
        const ch = this.normalise(node.code);
        return ch === null ? UNKNOWN : { exact: [ch], required: null };
      }
      case 'set': {
        const chars = node.codes.map((c) => this.normalise(c));
        if (chars.some((c) => c === null)) return UNKNOWN;
        const exact = [...new Set(chars as string[])];
        return exact.length > MAX_CLASS ? UNKNOWN : { exact, required: null };
      }
      case 'unknown':
        return UNKNOWN;
      case 'empty':
        return { exact: [''], required: null };
      case 'seq':
        return this.sequence(node.items.map((n) => this.facts(n)));
      case 'alt':
        return this.alternation(node.branches.map((n) => this.facts(n)));
      case 'repeat':
        return this.repeat(this.facts(node.node), node.min, node.max);
    }
  }

  /** How the byte search sees one character, or null when it cannot stand for it. */
  private normalise(code: number): string | null {
    // Surrogates, astral characters and U+FFFD (what undecodable bytes become) are not searched as bytes.
    if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfffd || code > 0xffff) return null;
    const ch = String.fromCharCode(code);
    if (!this.ignoreCase) return ch;
    if (code >= 0x80) return null; // non-ASCII case folding is not byte-for-byte
    // With `iu`, k and s also match the Kelvin sign and the long s.
    if (this.unicode && /[ksKS]/.test(ch)) return null;
    return ch.toLowerCase();
  }

  private sequence(items: Facts[]): Facts {
    let run: string[] = [''];
    let allExact = true;
    const candidates: Array<string[] | null> = [];
    for (const item of items) {
      const joined = item.exact && cross(run, item.exact);
      if (joined) {
        run = joined;
        continue;
      }
      // The run of fixed text ends here; it is one candidate, and the item's own literals another.
      allExact = false;
      candidates.push(run, item.required);
      run = item.exact ?? [''];
    }
    candidates.push(run);
    return { exact: allExact ? run : null, required: this.best(candidates) };
  }

  private alternation(branches: Facts[]): Facts {
    let exact: string[] | null = [];
    let required: string[] | null = [];
    for (const b of branches) {
      exact = exact && b.exact && union(exact, b.exact);
      const own = this.best([b.required, b.exact]);
      required = required && own && union(required, own);
    }
    return { exact, required };
  }

  private repeat(inner: Facts, min: number, max: number): Facts {
    if (min === 0) {
      return { exact: max === 1 && inner.exact ? union(inner.exact, ['']) : null, required: null };
    }
    let exact: string[] | null = null;
    if (min === max && inner.exact) {
      exact = [''];
      for (let i = 0; i < min && exact; i++) exact = cross(exact, inner.exact);
    }
    return { exact, required: this.best([inner.required, inner.exact]) };
  }
}
