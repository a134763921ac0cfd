// Locates credentials in a large text piece by piece, so one edit of a 5 MB document re-parses the
// entry it touched. Each version is compared with the last: documents before and after the change are
// kept (moved if need be), the changed document is re-cut around the change only, and a piece is
// parsed only when its text is new. The result equals locateCredentials(text): what a piece alone
// cannot vouch for (a broken entry, a Secret whose `type` decides its data, a quote whose end lies
// further on) is located the slow way, as a whole document or the whole text.
import { commonPrefix, commonSuffix } from './commonAffix';
import { isTokenSecretType, locateCredentials, mayHoldCredential, type TypeAndKind } from './locate';
import { PieceCache, type Piece, type PieceContext } from './locatePieces';
import { documentEntries, documentMarkers, isDocumentMarker, scanEntries, type EntryKind, type Root } from './locateSegments';
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
 * One entry of a large document: its kind and the scan state before it, its piece, and its credentials
 * in the text with the sequence path and index they were placed under. The credential objects belong to
 * the entry: when it moves they are updated, not made again, and so is the entry, which the versions
 * that hold it share (what it says always describes its credential objects as they are).
 */
interface Entry {
  readonly kind: EntryKind;
  readonly root: Root;
  readonly open: boolean;
  readonly piece: Piece;
  out: LocatedCredential[] | undefined;
  parent: string | undefined;
  index: number;
}

/**
 * A large document cut into entries, each ending where the next starts. An edit copies two arrays
 * (not one per field of an entry): with eighteen thousand entries each copy costs a share of a millisecond.
 */
interface EntryPlan {
  starts: number[];
  entries: Entry[];
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

/** Thrown inside `tryLocate` when the exact result needs a parse longer than the caller allows. */
class TooLongToParse extends Error {
  constructor(readonly chars: number) {
    super(`${chars} more characters to parse than allowed`);
  }
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
  // Joined: one flat string, not a chain of concatenations kept with the credential.
  if (c.path.startsWith(piece.itemPath)) return [parent, '[', index, ']', c.path.slice(piece.itemPath.length)].join('');
  return c.path;
}

/** New objects for the piece's credentials at their place. (Apart from `place`: a closure there would cost every call a context.) */
function placedAnew(piece: Piece, at: number, documentBase: number, parent: string | undefined, index: number): LocatedCredential[] {
  return piece.located.map((c) => ({
    ...c,
    start: c.start + at,
    end: c.end + at,
    path: pathIn(c, piece, parent, index),
    documentIndex: (c.documentIndex ?? 0) + documentBase,
  }));
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
  if (out === undefined || out.length !== located.length) return placedAnew(piece, at, documentBase, parent, index);
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

/** Copies `items` into `into` from index `at`; the index past the last one copied. */
function copyInto<T>(into: T[], at: number, items: readonly T[]): number {
  let n = at;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item !== undefined) into[n++] = item;
  }
  return n;
}

/** `starts` from index `from` on, moved by `shift`. */
function shifted(starts: readonly number[], from: number, shift: number): number[] {
  const out = new Array<number>(Math.max(0, starts.length - from));
  for (let i = from; i < starts.length; i++) out[i - from] = (starts[i] ?? 0) + shift;
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
    // Sized once and filled by index, with no iterator: garbage made per version brings on the
    // collections that move each version's text (megabytes) to the old space, to be freed by a full one.
    let count = 0;
    for (const plan of plans) {
      if (plan.wholeOut !== undefined) count += plan.wholeOut.length;
      else {
        const entries = plan.entries?.entries ?? [];
        for (let i = 0; i < entries.length; i++) count += entries[i]?.out?.length ?? 0;
      }
    }
    const out = new Array<LocatedCredential>(count);
    let n = 0;
    for (const plan of plans) {
      if (plan.wholeOut !== undefined) n = copyInto(out, n, plan.wholeOut);
      else {
        const entries = plan.entries?.entries ?? [];
        for (let i = 0; i < entries.length; i++) {
          const placed = entries[i]?.out;
          if (placed !== undefined) n = copyInto(out, n, placed);
        }
      }
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
    const entries: EntryPlan | undefined = was === undefined ? undefined : { starts: shifted(was.starts, 0, shift), entries: was.entries };
    return this.stitch(text, start, old.end + shift, documentBase, entries, old);
  }

  private stillExact(text: string, plan: DocumentPlan): boolean {
    if (plan.whole !== undefined) return exactAt(plan.whole, text, plan.end);
    const entries = plan.entries;
    if (entries === undefined) return true;
    for (let i = 0; i < entries.entries.length; i++) {
      const piece = entries.entries[i]?.piece;
      if (piece !== undefined && !exactAt(piece, text, entries.starts[i + 1] ?? plan.end)) return false;
    }
    return true;
  }

  /** The document cut afresh, every piece found by its text. */
  private cut(text: string, start: number, end: number): EntryPlan | undefined {
    const scan = documentEntries(text, start, end);
    if (scan === undefined) return undefined;
    const { starts, kinds, roots, opens } = scan;
    const entries: Entry[] = [];
    for (let i = 0; i < starts.length; i++) {
      const kind = kinds[i] ?? 'head';
      const root = roots[i];
      const piece = this.entryPiece(text, starts[i] ?? 0, starts[i + 1] ?? end, kind, root, kinds[i + 1]);
      entries.push({ kind, root, open: opens[i] ?? false, piece, out: undefined, parent: undefined, index: 0 });
    }
    return { starts, entries };
  }

  /** The piece of the entry [s, e), parsed as if under its key and before what follows it. */
  private entryPiece(text: string, s: number, e: number, kind: EntryKind, root: Root, next: EntryKind | undefined): Piece {
    const context: PieceContext = {
      underKey: kind === 'item' && root === 'map',
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
    // The entries cut again: from `from` to where the cut meets the old one (`resume`), or to the end.
    const starts: number[] = [];
    const kinds: ('key' | 'item')[] = [];
    const roots: Root[] = [];
    const opens: boolean[] = [];
    let resume = -1;
    const first = old.entries[from];
    const state = { root: first?.root, openKey: first?.open ?? false };
    const complete = scanEntries(text, old.starts[from] ?? start, end, state, (at, kind, root, openKey) => {
      if (at >= newEnd && oldEnd + delta === end) {
        const j = firstAtOrAfter(old.starts, at - delta, from);
        const was = old.entries[j];
        if (old.starts[j] === at - delta && was !== undefined && was.kind === kind && was.root === root && was.open === openKey) {
          resume = j;
          return true;
        }
      }
      starts.push(at);
      kinds.push(kind);
      roots.push(root);
      opens.push(openKey);
      return false;
    });
    if (!complete) return undefined;
    // Entries before `from` and from the resumed one on keep their text, context, piece and credentials.
    const resumed = resume < 0 ? 0 : old.entries.length - resume;
    const total = from + starts.length + resumed;
    const newStarts = new Array<number>(total);
    const entries = new Array<Entry>(total);
    for (let i = 0; i < from; i++) {
      newStarts[i] = old.starts[i] ?? 0;
      const e = old.entries[i];
      if (e !== undefined) entries[i] = e;
    }
    for (let i = 0; i < starts.length; i++) {
      const at = starts[i] ?? 0;
      const kind = kinds[i] ?? 'item';
      const next = i + 1 < starts.length ? kinds[i + 1] : old.entries[resume]?.kind;
      const nextAt = i + 1 < starts.length ? starts[i + 1] : resume < 0 ? undefined : (old.starts[resume] ?? 0) + delta;
      const piece = this.entryPiece(text, at, nextAt ?? end, kind, roots[i], next);
      newStarts[from + i] = at;
      entries[from + i] = { kind, root: roots[i], open: opens[i] ?? false, piece, out: undefined, parent: undefined, index: 0 };
    }
    for (let j = 0; j < resumed; j++) {
      newStarts[from + starts.length + j] = (old.starts[resume + j] ?? 0) + delta;
      const e = old.entries[resume + j];
      if (e !== undefined) entries[from + starts.length + j] = e;
    }
    return { starts: newStarts, entries };
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
  private placeEntries(text: string, end: number, plan: EntryPlan, documentBase: number): { fits: boolean; exact: boolean } {
    const { starts, entries } = plan;
    const secret: TypeAndKind = {};
    let fits = true;
    let exact = true;
    let parent = '';
    let index = 0;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry === undefined) continue;
      const piece = entry.piece;
      const at = starts[i] ?? 0;
      exact &&= piece.openQuotes === '' || exactAt(piece, text, starts[i + 1] ?? end);
      fits &&= !piece.errors && !piece.threw;
      const next = entries[i + 1]?.kind;
      switch (entry.kind) {
        case 'head':
          fits &&= piece.shape === (isDocumentMarker(text, at) ? 'marker' : 'none');
          entry.out = place(entry.out, piece, at, documentBase, undefined, 0, false);
          break;
        case 'key':
          // A key followed by items must be `key:` alone, so that the items are its sequence.
          fits &&= next === 'item' ? piece.shape === 'openMap' : piece.shape === 'map' || piece.shape === 'openMap';
          if (piece.typeKind?.type !== undefined) secret.type = piece.typeKind.type;
          if (piece.typeKind?.kind !== undefined) secret.kind = piece.typeKind.kind;
          parent = piece.rootPath;
          index = 0;
          entry.out = place(entry.out, piece, at, documentBase, undefined, 0, false);
          break;
        default:
          fits &&= piece.shape === 'item' && piece.fitsItem;
          entry.out = place(entry.out, piece, at, documentBase, parent, index, entry.parent !== parent || entry.index !== index);
          entry.parent = parent;
          entry.index = index;
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
    for (const plan of this.plans) n += (plan.entries?.entries.length ?? 0) + (plan.whole !== undefined ? 1 : 0);
    return n;
  }

  private *pieces(): Iterable<Piece> {
    for (const plan of this.plans) {
      if (plan.entries !== undefined) for (const entry of plan.entries.entries) yield entry.piece;
      if (plan.whole !== undefined) yield plan.whole;
    }
  }
}
