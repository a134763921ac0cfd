// Which bytes to search for so that every occurrence of every literal is seen, at the least cost.
// Each literal is anchored on a short piece of itself (one byte, or a few, in every letter case);
// Buffer.indexOf finds the anchors natively and JavaScript checks the literal around each hit.
// Literals share anchors where that is cheaper, since each distinct anchor is one more pass.
import type { ByteStats } from './byteFrequency';
import type { RequiredLiteral } from './types';

/** One pass over the text: each occurrence of `needle` is checked as a piece of the listed literals. */
export interface Needle {
  /** A byte (native memchr) or a byte string (native search led by memchr of its first byte). */
  needle: number | Buffer;
  checks: NeedleCheck[];
}

export interface NeedleCheck {
  literal: number;
  /** Where the needle sits inside the literal. */
  offset: number;
}

export interface SearchPlan {
  needles: Needle[];
}

// Costs on Node 24 with Buffer.indexOf over 512 KiB blocks of log text, in ns: a pass that finds
// nothing reads ~20 GB/s; each hit returned to JavaScript costs ~35; a byte-string search also pays
// ~16 inside native code at every occurrence of its first byte; checking a literal at a hit ~3.
const PASS_NS_PER_BYTE = 0.05;
const JS_HIT_NS = 35;
const NATIVE_RESTART_NS = 16;
const VERIFY_NS = 3;
// Node switches to Boyer-Moore from 8 bytes; shorter needles keep the cost model above true.
const MAX_NEEDLE = 6;
const MAX_VARIANTS = 4;
const MAX_ROUNDS = 8;

interface Option {
  offset: number;
  keys: string[];
}

interface Costing {
  keyCost(key: string): number;
  hits(key: string): number;
}

function isLowerLetter(b: number): boolean {
  return b >= 0x61 && b <= 0x7a;
}

/** Every letter-case spelling of bytes[start, start+len) (one spelling when case matters). */
function spellings(bytes: Uint8Array, start: number, len: number, caseInsensitive: boolean): string[] | null {
  let out = [Buffer.from(bytes.subarray(start, start + len)).toString('latin1')];
  if (!caseInsensitive) return out;
  for (let i = 0; i < len; i++) {
    if (!isLowerLetter(bytes[start + i])) continue;
    if (out.length * 2 > MAX_VARIANTS) return null;
    out = out.flatMap((v) => [v, v.slice(0, i) + v[i].toUpperCase() + v.slice(i + 1)]);
  }
  return out;
}

function costing(stats: ByteStats): Costing {
  const hitsCache = new Map<string, number>();
  const hits = (key: string): number => {
    let h = hitsCache.get(key);
    if (h === undefined) {
      // A Markov chain over byte pairs: P(key) = P(b0 b1) * P(b2 | b1) * ...
      h = stats.single[key.charCodeAt(0)];
      for (let i = 1; i < key.length; i++) {
        const a = key.charCodeAt(i - 1);
        const b = key.charCodeAt(i);
        h = i === 1 ? stats.pair(a, b) : (h * stats.pair(a, b)) / Math.max(stats.single[a], 1e-9);
      }
      hitsCache.set(key, h);
    }
    return h;
  };
  const keyCost = (key: string): number => {
    if (key.length === 1) return PASS_NS_PER_BYTE + hits(key) * JS_HIT_NS;
    return PASS_NS_PER_BYTE + stats.single[key.charCodeAt(0)] * NATIVE_RESTART_NS + hits(key) * JS_HIT_NS;
  };
  return { keyCost, hits };
}

function optionsFor(literal: RequiredLiteral): Option[] {
  const { bytes, caseInsensitive } = literal;
  const seen = new Set<string>();
  const options: Option[] = [];
  for (let offset = 0; offset < bytes.length; offset++) {
    for (let len = 1; len <= MAX_NEEDLE && offset + len <= bytes.length; len++) {
      const keys = spellings(bytes, offset, len, caseInsensitive);
      if (!keys) break;
      const id = keys.join('\0');
      if (seen.has(id)) continue;
      seen.add(id);
      options.push({ offset, keys });
    }
  }
  return options;
}

function standaloneCost(option: Option, c: Costing): number {
  return option.keys.reduce((sum, k) => sum + c.keyCost(k) + c.hits(k) * VERIFY_NS, 0);
}

/** Estimated nanoseconds per byte of text to find every occurrence of `literal` on its own. */
export function literalSearchCost(literal: RequiredLiteral, stats: ByteStats): number {
  const c = costing(stats);
  return Math.min(...optionsFor(literal).map((o) => standaloneCost(o, c)));
}

export function planSearch(literals: readonly RequiredLiteral[], stats: ByteStats): SearchPlan {
  const c = costing(stats);
  const options = literals.map((l) => optionsFor(l).sort((a, b) => standaloneCost(a, c) - standaloneCost(b, c)));
  const chosen = options.map((o) => o[0]);
  const uses = new Map<string, number>();
  const use = (o: Option, delta: number): void => {
    for (const k of o.keys) uses.set(k, (uses.get(k) ?? 0) + delta);
  };
  chosen.forEach((o) => use(o, 1));

  // Local search on the total: a literal moves to another option when the passes it adds or
  // frees (each distinct needle is searched once, however many literals check it) make it cheaper.
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let improved = false;
    chosen.forEach((current, i) => {
      use(current, -1);
      const marginal = (o: Option): number => o.keys.reduce((sum, k) => sum + ((uses.get(k) ?? 0) > 0 ? 0 : c.keyCost(k)) + c.hits(k) * VERIFY_NS, 0);
      let best = current;
      let bestCost = marginal(current);
      for (const o of options[i]) {
        const cost = marginal(o);
        if (cost < bestCost - 1e-12) {
          best = o;
          bestCost = cost;
        }
      }
      use(best, 1);
      if (best !== current) {
        chosen[i] = best;
        improved = true;
      }
    });
    if (!improved) break;
  }

  const byKey = new Map<string, Needle>();
  chosen.forEach((option, literal) => {
    for (const key of option.keys) {
      let needle = byKey.get(key);
      if (!needle) {
        const bytes = Buffer.from(key, 'latin1');
        needle = { needle: bytes.length === 1 ? bytes[0] : bytes, checks: [] };
        byKey.set(key, needle);
      }
      needle.checks.push({ literal, offset: option.offset });
    }
  });
  return { needles: [...byKey.values()] };
}
