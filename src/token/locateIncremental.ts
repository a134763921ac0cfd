// Locates credentials in a large text piece by piece, so one edit of a 5 MB document re-parses the
// entry it touched. Each version is compared with the last: documents before and after the change are
// kept (moved if need be), the changed document is re-cut around the change only, and a piece is
// parsed only when its text is new. The result equals locateCredentials(text): what a piece alone
// cannot vouch for (a broken entry, a Secret whose `type` decides its data, a quote whose end lies
// further on) is located the slow way, as a whole document or the whole text.
import { isTokenSecretType, locateCredentials, mayHoldCredential, type TypeAndKind } from './locate';
import { PieceCache, type Piece, type PieceContext } from './locatePieces';
import { documentEntries, documentMarkers, isDocumentMarker, pushEntry, scanEntries, type EntryScan } from './locateSegments';
import type { LocatedCredential } from './types';

export interface IncrementalOptions {
  /** Texts shorter than this are located whole, every time. */
  minTextChars?: number;
  /** Documents shorter than this are located whole (and kept as one piece). */
  minDocumentChars?: number;
}

/** What the last `locate` did: tests and the bench read it to see that an edit stays local. */
export interface LocateRun {
  /** Pieces parsed because their text was new, and their characters. */
  parsed: number;
  parsedChars: number;
  /** Pieces found again by their text. */
  reused: number;
  /** Large documents located whole, not entry by entry. */
  wholeDocuments: number;
  /** The text had to be located whole. */
  wholeText: boolean;
}

const MIN_TEXT_CHARS = 64 * 1024;
const MIN_DOCUMENT_CHARS = 16 * 1024;
/** Longer than any of the strings mayHoldCredential looks for: an edit can complete one this far back. */
const MARKER_REACH = 32;

/**
 * A large document cut into entries (each ends where the next starts): per entry its piece, and its
 * credentials in the text with the sequence path and index they were placed under. The credential
 * objects belong to the entry: when it moves they are updated, not made again.
 */
interface EntryPlan extends EntryScan {
  pieces: Piece[];
  outs: (LocatedCredential[] | undefined)[];
  parents: (string | undefined)[];
  indices: number[];
}

interface DocumentPlan {
  start: number;
  end: number;
  documentBase: number;
  /** YAML documents in it, which the next document's indexes count on. */
  documents: number;
  /** Its entries, kept even when they do not serve, so that the next version is re-cut around its change only. */
  entries: EntryPlan | undefined;
  /** The piece of the whole document, when the entries do not serve, and its credentials in the text. */
  whole: Piece | undefined;
  wholeOut: LocatedCredential[] | undefined;
  /** False when only a locate of the whole text is exact (a quote left open runs past the document). */
  exact: boolean;
}

/** Where two versions of the text differ: [prefix, newEnd) in the new one, [prefix, newEnd - delta) in the old. */
interface Change {
  prefix: number;
  newEnd: number;
  delta: number;
}

const BLOCKS = [65_536, 4_096, 256, 16, 1];

/** Thrown inside `tryLocate` when the exact result needs a parse longer than the caller allows. */
class TooLongToParse extends Error {
  constructor(readonly chars: number) {
    super(`${chars} more characters to parse than allowed`);
  }
}

/** Length of the common start of two texts, compared a block at a time. */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (const step of BLOCKS) while (i + step <= n && a.slice(i, i + step) === b.slice(i, i + step)) i += step;
  return i;
}

/** Length of the common end of two texts, at most `limit`. */
function commonSuffix(a: string, b: string, limit: number): number {
  let i = 0;
  for (const step of BLOCKS) {
    while (i + step <= limit && a.slice(a.length - i - step, a.length - i) === b.slice(b.length - i - step, b.length - i)) i += step;
  }
  return i;
}

/** As yaml's lexer searches: is there a closing quote at or after `from`? */
function closingQuoteAfter(text: string, quote: string, from: number): boolean {
  let end = text.indexOf(quote, from);
  if (quote === "'") {
    while (end !== -1 && text.charCodeAt(end + 1) === 39) end = text.indexOf("'", end + 2);
    return end !== -1;
  }
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return true;
    end = text.indexOf('"', end + 1);
  }
  return false;
}

/** A piece parsed alone reads as in the whole text unless it threw or left a quote open that nothing later closes. */
function exactAt(piece: Piece, text: string, end: number): boolean {
  if (piece.threw) return false;
  // The text's last piece was parsed without a sentinel, as the whole text ends.
  if (piece.last || piece.openQuotes === '') return true;
  for (const quote of piece.openQuotes) if (!closingQuoteAfter(text, quote, end)) return false;
  return true;
}

/** An item's content goes under `parent[index]`, comments between items to the sequence; the rest stands. */
function pathIn(c: LocatedCredential, piece: Piece, parent: string | undefined, index: number): string {
  if (parent === undefined) return c.path;
  if (c.path === piece.sequencePath) return parent;
  if (c.path.startsWith(piece.itemPath)) return `${parent}[${index}]${c.path.slice(piece.itemPath.length)}`;
  return c.path;
}

/**
 * The piece's credentials at their place in the text: `out`, the objects made for this entry in the
 * last version, updated in place (the entry moved, or its index changed), or new objects.
 */
function place(
  out: LocatedCredential[] | undefined,
  piece: Piece,
  at: number,
  documentBase: number,
  parent: string | undefined,
  index: number,
  pathsChanged: boolean,
): LocatedCredential[] {
  const located = piece.located;
  if (out === undefined || out.length !== located.length) {
    return located.map((c) => ({
      ...c,
      start: c.start + at,
      end: c.end + at,
      path: pathIn(c, piece, parent, index),
      documentIndex: (c.documentIndex ?? 0) + documentBase,
    }));
  }
  const first = located[0];
  const placedFirst = out[0];
  if (first === undefined || placedFirst === undefined) return out;
  if (!pathsChanged && placedFirst.start === first.start + at && placedFirst.documentIndex === (first.documentIndex ?? 0) + documentBase) return out;
  for (let j = 0; j < located.length; j++) {
    const c = located[j];
    const o = out[j];
    if (c === undefined || o === undefined) continue;
    o.start = c.start + at;
    o.end = c.end + at;
    o.documentIndex = (c.documentIndex ?? 0) + documentBase;
    if (pathsChanged) o.path = pathIn(c, piece, parent, index);
  }
  return out;
}

/** First index whose start is at least `start`. */
function firstAtOrAfter(starts: readonly number[], start: number, from = 0): number {
  let lo = from;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((starts[mid] ?? 0) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One per document: `locate(text)` equals locateCredentials(text) and does the work of the change
 * since the last text it was given. Small texts are located whole; large YAML is cut at `---` lines
 * and inside a large document at its column-0 entries.
 */
export class IncrementalLocator {
  private readonly minText: number;
  private readonly minDocument: number;
  private readonly cache = new PieceCache();
  private previous = '';
  /** The previous text holds none of the strings a credential needs. */
  private markerFree = false;
  private plans: DocumentPlan[] = [];
  private run: LocateRun = { parsed: 0, parsedChars: 0, reused: 0, wholeDocuments: 0, wholeText: false };
  /** During `tryLocate`: the most characters this call may parse. */
  private maxParseChars = Infinity;

  constructor(options: IncrementalOptions = {}) {
    this.minText = options.minTextChars ?? MIN_TEXT_CHARS;
    this.minDocument = options.minDocumentChars ?? MIN_DOCUMENT_CHARS;
  }

  get lastRun(): Readonly<LocateRun> {
    return this.run;
  }

  locate(text: string): LocatedCredential[] {
    return this.tryLocate(text, Infinity) ?? locateCredentials(text);
  }

  /**
   * As `locate`, unless the exact result needs more than `maxParseChars` characters parsed (an edit
   * broke the structure of a large document from there on, so that its entries read differently or it
   * reads only whole): then undefined, as soon as that is known, and the locator stays at the last text
   * it located, so the next version is again compared with that one. The caller locates such a text
   * whole elsewhere (off the extension host's thread). The first text is always located: its pieces
   * are what makes the next edits cheap.
   */
  tryLocate(text: string, maxParseChars: number): LocatedCredential[] | undefined {
    this.maxParseChars = this.previous === '' ? Infinity : maxParseChars;
    try {
      return this.locateWithin(text);
    } catch (err) {
      if (err instanceof TooLongToParse) return undefined;
      throw err;
    } finally {
      this.maxParseChars = Infinity;
    }
  }

  private locateWithin(text: string): LocatedCredential[] {
    this.run = { parsed: 0, parsedChars: 0, reused: 0, wholeDocuments: 0, wholeText: false };
    this.cache.resetCounts();
    if (text.length < this.minText) {
      this.allowParse(text.length);
      this.forget();
      this.run.wholeText = true;
      return locateCredentials(text);
    }
    const prefix = commonPrefix(this.previous, text);
    const suffix = commonSuffix(this.previous, text, Math.min(this.previous.length, text.length) - prefix);
    const change: Change = { prefix, newEnd: text.length - suffix, delta: text.length - this.previous.length };
    // Most large YAML holds no credential: after the first look, only the changed part is looked at.
    const window = this.markerFree ? text.slice(Math.max(0, prefix - MARKER_REACH), change.newEnd + MARKER_REACH) : text;
    if (!mayHoldCredential(window)) {
      this.forget();
      this.previous = text;
      this.markerFree = true;
      return [];
    }
    this.markerFree = false;
    const markers = documentMarkers(text);
    const starts = markers[0] === 0 ? markers : [0, ...markers];
    // Nothing below changes what is kept until the plans are complete: a TooLongToParse leaves the last version's.
    const plans: DocumentPlan[] = [];
    let documentBase = 0;
    let exact = true;
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i] ?? 0;
      const end = starts[i + 1] ?? text.length;
      if (end <= start) continue;
      const plan = this.document(text, start, end, documentBase, change);
      plans.push(plan);
      if (plan.whole !== undefined && end - start >= this.minDocument) this.run.wholeDocuments++;
      // Keep going after a miss, so that every document stays known for the next version.
      exact &&= plan.exact;
      documentBase += plan.documents;
    }
    if (!exact) this.allowParse(text.length);
    this.plans = plans;
    this.previous = text;
    this.cache.retain(() => this.pieces(), this.pieceCount());
    this.run.parsed = this.cache.parsed;
    this.run.parsedChars = this.cache.parsedChars;
    this.run.reused = this.cache.reused;
    this.run.wholeText = !exact;
    if (!exact) return locateCredentials(text);
    const out: LocatedCredential[] = [];
    for (const plan of plans) {
      if (plan.wholeOut !== undefined) for (const c of plan.wholeOut) out.push(c);
      else for (const list of plan.entries?.outs ?? []) for (const c of list ?? []) out.push(c);
    }
    return out;
  }

  /** Drops everything kept (the document was closed). */
  forget(): void {
    this.cache.clear();
    this.previous = '';
    this.markerFree = false;
    this.plans = [];
  }

  private document(text: string, start: number, end: number, documentBase: number, change: Change): DocumentPlan {
    const { prefix, newEnd, delta } = change;
    // A document wholly before or after the change is the same text as before, maybe moved.
    const before = end <= prefix ? this.oldPlan(start, end) : undefined;
    const same = before ?? (start >= newEnd ? this.oldPlan(start - delta, end - delta) : undefined);
    if (same !== undefined) return this.moved(text, same, start, documentBase);
    const old = start <= prefix ? this.oldPlan(start) : undefined;
    let entries: EntryPlan | undefined;
    if (end - start >= this.minDocument) {
      entries = old?.entries !== undefined ? this.rescan(text, start, end, old.entries, old.end, change) : this.cut(text, start, end);
      if (entries !== undefined && entries.starts.length < 2) entries = undefined;
    }
    return this.stitch(text, start, end, documentBase, entries);
  }

  /** The previous version's plan of the document at `start` (and ending at `end`, when given). */
  private oldPlan(start: number, end?: number): DocumentPlan | undefined {
    let lo = 0;
    let hi = this.plans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.plans[mid]?.start ?? 0) < start) lo = mid + 1;
      else hi = mid;
    }
    const plan = this.plans[lo];
    return plan !== undefined && plan.start === start && (end === undefined || plan.end === end) ? plan : undefined;
  }

  /** An unchanged document in its new place: the same plan when nothing moved, else its pieces placed anew. */
  private moved(text: string, old: DocumentPlan, start: number, documentBase: number): DocumentPlan {
    const shift = start - old.start;
    if (shift === 0 && documentBase === old.documentBase) {
      // What follows it may have changed: an open quote may now find its end, or lose it.
      const exact = this.stillExact(text, old);
      return exact === old.exact ? old : { ...old, exact };
    }
    const was = old.entries;
    const entries: EntryPlan | undefined = was === undefined ? undefined : { ...was, starts: was.starts.map((s) => s + shift) };
    return this.stitch(text, start, old.end + shift, documentBase, entries, old);
  }

  private stillExact(text: string, plan: DocumentPlan): boolean {
    if (plan.whole !== undefined) return exactAt(plan.whole, text, plan.end);
    const entries = plan.entries;
    if (entries === undefined) return true;
    for (let i = 0; i < entries.pieces.length; i++) {
      const piece = entries.pieces[i];
      if (piece !== undefined && !exactAt(piece, text, entries.starts[i + 1] ?? plan.end)) return false;
    }
    return true;
  }

  /** The document cut afresh, every piece found by its text. */
  private cut(text: string, start: number, end: number): EntryPlan | undefined {
    const scan = documentEntries(text, start, end);
    if (scan === undefined) return undefined;
    const pieces = scan.starts.map((_, i) => this.entryPiece(text, end, scan, i));
    return { ...scan, pieces, outs: pieces.map(() => undefined), parents: pieces.map(() => undefined), indices: pieces.map(() => 0) };
  }

  /** The piece of entry `i`, parsed as if under its key and before what follows it. */
  private entryPiece(text: string, end: number, scan: EntryScan, i: number): Piece {
    const s = scan.starts[i] ?? 0;
    const e = scan.starts[i + 1] ?? end;
    const next = scan.kinds[i + 1];
    const context: PieceContext = {
      underKey: scan.kinds[i] === 'item' && scan.roots[i] === 'map',
      follower: next === 'key' || next === 'item' ? next : 'end',
      last: e === text.length,
    };
    const entryText = text.slice(s, e);
    if (!this.cache.has(entryText, context)) this.allowParse(entryText.length);
    return this.cache.get(entryText, context);
  }

  /**
   * The document's entries, cut again from the entry before the first changed line until the cut meets
   * an old entry boundary past the change in the same state: from there on it is the old cut, moved,
   * with the old pieces. `oldEnd` is where the document ended in the old text.
   */
  private rescan(text: string, start: number, end: number, old: EntryPlan, oldEnd: number, change: Change): EntryPlan | undefined {
    const { prefix, newEnd, delta } = change;
    const firstChanged = prefix === 0 ? 0 : text.lastIndexOf('\n', prefix - 1) + 1;
    let from = firstAtOrAfter(old.starts, firstChanged + 1) - 1;
    // If the changed line started an entry, it may start none now: the entry before it may grow.
    if (from > 0 && old.starts[from] === firstChanged) from--;
    if (from <= 0) return this.cut(text, start, end);
    const scan: EntryScan = {
      starts: old.starts.slice(0, from),
      kinds: old.kinds.slice(0, from),
      roots: old.roots.slice(0, from),
      opens: old.opens.slice(0, from),
    };
    let resume = -1;
    const state = { root: old.roots[from], openKey: old.opens[from] ?? false };
    const complete = scanEntries(text, old.starts[from] ?? start, end, state, (at, kind, root, openKey) => {
      if (at >= newEnd && oldEnd + delta === end) {
        const j = firstAtOrAfter(old.starts, at - delta, from);
        if (old.starts[j] === at - delta && old.kinds[j] === kind && old.roots[j] === root && old.opens[j] === openKey) {
          resume = j;
          return true;
        }
      }
      pushEntry(scan, at, kind, root, openKey);
      return false;
    });
    if (!complete) return undefined;
    const changed = scan.starts.length;
    const whole: EntryScan =
      resume < 0
        ? scan
        : {
            starts: scan.starts.concat(old.starts.slice(resume).map((s) => s + delta)),
            kinds: scan.kinds.concat(old.kinds.slice(resume)),
            roots: scan.roots.concat(old.roots.slice(resume)),
            opens: scan.opens.concat(old.opens.slice(resume)),
          };
    // Entries before `from` and from the resumed one on keep their text, context, piece and credentials.
    const pieces = old.pieces.slice(0, from);
    const outs = old.outs.slice(0, from);
    const parents = old.parents.slice(0, from);
    const indices = old.indices.slice(0, from);
    for (let i = from; i < changed; i++) {
      pieces.push(this.entryPiece(text, end, whole, i));
      outs.push(undefined);
      parents.push(undefined);
      indices.push(0);
    }
    if (resume < 0) return { ...whole, pieces, outs, parents, indices };
    return {
      ...whole,
      pieces: pieces.concat(old.pieces.slice(resume)),
      outs: outs.concat(old.outs.slice(resume)),
      parents: parents.concat(old.parents.slice(resume)),
      indices: indices.concat(old.indices.slice(resume)),
    };
  }

  /** Places the entries when each reads alone as in the whole document, else locates the document whole. */
  private stitch(text: string, start: number, end: number, documentBase: number, entries: EntryPlan | undefined, same?: DocumentPlan): DocumentPlan {
    if (entries !== undefined) {
      const split = this.placeEntries(text, end, entries, documentBase);
      if (split.fits) return { start, end, documentBase, documents: 1, entries, whole: undefined, wholeOut: undefined, exact: split.exact };
    }
    // `same` is this document's plan for the same text, moved.
    const context: PieceContext = { underKey: false, follower: 'end', last: end === text.length };
    const documentText = text.slice(start, end);
    if (same?.whole === undefined && !this.cache.has(documentText, context)) this.allowParse(end - start);
    const piece = same?.whole ?? this.cache.get(documentText, context);
    const wholeOut = place(same?.wholeOut, piece, start, documentBase, undefined, 0, false);
    return { start, end, documentBase, documents: piece.documents, entries, whole: piece, wholeOut, exact: exactAt(piece, text, end) };
  }

  /** Places every entry, and says whether each reads alone as it reads in the whole document. */
  private placeEntries(text: string, end: number, entries: EntryPlan, documentBase: number): { fits: boolean; exact: boolean } {
    const { starts, kinds, pieces, outs, parents, indices } = entries;
    const secret: TypeAndKind = {};
    let fits = true;
    let exact = true;
    let parent = '';
    let index = 0;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      const at = starts[i] ?? 0;
      if (piece === undefined) continue;
      exact &&= piece.openQuotes === '' || exactAt(piece, text, starts[i + 1] ?? end);
      fits &&= !piece.errors && !piece.threw;
      const next = kinds[i + 1];
      switch (kinds[i]) {
        case 'head':
          fits &&= piece.shape === (isDocumentMarker(text, at) ? 'marker' : 'none');
          outs[i] = place(outs[i], piece, at, documentBase, undefined, 0, false);
          break;
        case 'key':
          // A key followed by items must be `key:` alone, so that the items are its sequence.
          fits &&= next === 'item' ? piece.shape === 'openMap' : piece.shape === 'map' || piece.shape === 'openMap';
          if (piece.typeKind?.type !== undefined) secret.type = piece.typeKind.type;
          if (piece.typeKind?.kind !== undefined) secret.kind = piece.typeKind.kind;
          parent = piece.rootPath;
          index = 0;
          outs[i] = place(outs[i], piece, at, documentBase, undefined, 0, false);
          break;
        default:
          fits &&= piece.shape === 'item' && piece.fitsItem;
          outs[i] = place(outs[i], piece, at, documentBase, parent, index, parents[i] !== parent || indices[i] !== index);
          parents[i] = parent;
          indices[i] = index;
          index++;
      }
    }
    // A Secret's `type` decides how its `data` reads: such a document is located whole.
    return { fits: fits && !isTokenSecretType(secret), exact };
  }

  /** Before parsing `chars` more characters in this call. */
  private allowParse(chars: number): void {
    if (this.cache.parsedChars + chars > this.maxParseChars) throw new TooLongToParse(chars);
  }

  private pieceCount(): number {
    let n = 0;
    for (const plan of this.plans) n += (plan.entries?.pieces.length ?? 0) + (plan.whole !== undefined ? 1 : 0);
    return n;
  }

  private *pieces(): Iterable<Piece> {
    for (const plan of this.plans) {
      if (plan.entries !== undefined) yield* plan.entries.pieces;
      if (plan.whole !== undefined) yield plan.whole;
    }
  }
}
