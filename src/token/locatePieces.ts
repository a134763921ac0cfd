// Pieces of a large text, each parsed alone inside a stand-in for what surrounds it in its document,
// and the cache that finds a piece again by its text. yaml decides where comments go, and where what
// a broken line leaves open ends, by what comes next: the stand-ins give it the same next thing.
import type { CST } from 'yaml';
import { isScalarToken, parsePiece, typeAndKind, type TypeAndKind } from './locate';
import { detachedCopy } from './detachedCopy';
import { childPath, pathToString } from './locatePath';
import { scalarValue } from './locateScalar';
import type { LocatedCredential } from './types';

/** What follows a piece in its document: another top-level key, another item, or the document's end. */
export type Follower = 'key' | 'item' | 'end';

export interface PieceContext {
  /** An item of a top-level key's compact sequence (`users:` then `- ` items), parsed under a stand-in key. */
  underKey: boolean;
  follower: Follower;
  /** The piece ends the text: parsed with nothing after it, as the whole text ends. */
  last: boolean;
}

/** How a piece parsed, as one entry of a document. */
export type Shape = 'none' | 'marker' | 'map' | 'openMap' | 'item' | 'other';

export interface Piece {
  /** The piece's text, copied so that it does not hold the whole document it was cut from. */
  readonly key: string;
  readonly mode: string;
  readonly last: boolean;
  /** Offsets from the piece's start; paths as parsed (an item's content under `_[0]` or `[0]`). */
  readonly located: LocatedCredential[];
  readonly documents: number;
  readonly shape: Shape;
  /** Path of a map entry's key. */
  readonly rootPath: string;
  readonly typeKind?: TypeAndKind;
  /** For an item: the path of its sequence as parsed (`_` under the stand-in key, `` at the root). */
  readonly sequencePath: string;
  /** Sequence items the piece made: one, or more when a broken line starts another. */
  readonly items: number;
  /** Every credential of an item lies in one of its items, in its sequence, or at the document level. */
  readonly fitsItem: boolean;
  readonly openQuotes: string;
  readonly threw: boolean;
}

const STAND_IN_KEY = '_:\n';
const FOLLOWERS: Record<Follower, string> = { key: STAND_IN_KEY, item: '-\n', end: '' };
// Ends every piece but the text's last: `---` ends the document as the real one would be ended, and
// the quotes close a quoted scalar cut short as a later quote in the text would.
const SENTINEL = '---\n"\'';

function modeOf(context: PieceContext): string {
  return `${context.underKey ? 'u' : ''}${context.follower}${context.last ? '$' : ''}`;
}

/** Where an item's own content starts; undefined for an item of comments only, waiting for its content. */
function contentOffset(item: CST.CollectionItem): number | undefined {
  const indicator = item.start.find((t) => t.type === 'seq-item-ind' || t.type === 'explicit-key-ind');
  return indicator?.offset ?? item.key?.offset ?? item.sep?.[0]?.offset ?? item.value?.offset;
}

/** Items whose content starts in [from, limit): the piece's own, not the stand-ins'. */
function itemsIn(items: readonly CST.CollectionItem[], from: number, limit: number): CST.CollectionItem[] {
  return items.filter((it) => {
    const at = contentOffset(it);
    return at !== undefined && at >= from && at < limit;
  });
}

/**
 * The follower's first token sits at `limit`: did it land where the next entry of an unbroken document
 * would, a key in the root map, an item in the sequence of the root or of the last key? Then the next
 * entry starts as it starts parsed alone, whatever the piece held (broken lines included).
 */
function followerLanded(doc: CST.Document, context: PieceContext, limit: number): boolean {
  if (context.follower === 'end' || context.last) return true;
  const root = doc.value;
  if (root === undefined) return false;
  if (context.follower === 'key') {
    return root.type === 'block-map' && root.indent === 0 && root.items.some((it) => it.key?.offset === limit && it.key.type === 'scalar' && it.key.source === '_');
  }
  const own = root.type === 'block-map' ? itemsIn(root.items, 0, limit) : [];
  const sequence = root.type === 'block-map' ? own[own.length - 1]?.value : root;
  return (
    sequence?.type === 'block-seq' &&
    sequence.indent === 0 &&
    sequence.items.some((it) => it.start.some((t) => t.type === 'seq-item-ind' && t.offset === limit))
  );
}

/** Items of a root sequence, or of the stand-in key's: the first starts the piece (at `from`). */
function itemShape(sequence: CST.Token | undefined, from: number, limit: number): Pick<Piece, 'shape' | 'rootPath' | 'items'> {
  const other = { shape: 'other' as const, rootPath: '', items: 0 };
  if (sequence === undefined || sequence.type !== 'block-seq' || sequence.indent !== 0) return other;
  const own = itemsIn(sequence.items, from, limit);
  const first = own[0];
  if (first === undefined || contentOffset(first) !== from || itemsIn(sequence.items, 0, from).length > 0) return other;
  return { shape: 'item', rootPath: '', items: own.length };
}

function shapeOf(
  doc: CST.Document | undefined,
  stray: boolean,
  underKey: boolean,
  from: number,
  limit: number,
): Pick<Piece, 'shape' | 'rootPath' | 'typeKind' | 'items'> {
  const other = { shape: 'other' as const, rootPath: '', items: 0 };
  if (doc === undefined) return stray ? other : { shape: 'none', rootPath: '', items: 0 };
  if (stray) return other;
  const marker = doc.start.some((t) => t.type === 'doc-start');
  // What starts past the piece is the follower's.
  const value = doc.value !== undefined && doc.value.offset < limit ? doc.value : undefined;
  if (value === undefined) return marker ? { shape: 'marker', rootPath: '', items: 0 } : other;
  if (marker) return other;
  if (value.type === 'block-seq' && !underKey) return itemShape(value, from, limit);
  if (value.type !== 'block-map' || value.indent !== 0) return other;
  const own = itemsIn(value.items, 0, limit);
  const last = own[own.length - 1];
  if (last === undefined) return other;
  if (underKey) return own.length === 1 && last === value.items[0] ? itemShape(last.value, from, limit) : other;
  // Keys past the first are the piece's too (a broken line can make one): their paths stand as parsed.
  const key = last.key;
  const rootPath = pathToString(childPath(undefined, isScalarToken(key) ? scalarValue(key) : undefined));
  const open = last.value === undefined || last.value.offset >= limit;
  return { shape: open ? 'openMap' : 'map', rootPath, typeKind: typeAndKind(own), items: 0 };
}

function parse(key: string, context: PieceContext): Piece {
  const stub = context.underKey ? STAND_IN_KEY : '';
  const limit = stub.length + key.length;
  const parsed = parsePiece(context.last ? stub + key : stub + key + FOLLOWERS[context.follower] + SENTINEL, limit);
  let documents = 0;
  let doc: CST.Document | undefined;
  let stray = false;
  for (const t of parsed.tokens) {
    if (t.type === 'document') {
      documents++;
      doc = t;
    } else if (t.type !== 'comment' && t.type !== 'newline' && t.type !== 'space') stray = true;
  }
  const found = shapeOf(doc, stray || documents > 1, context.underKey, stub.length, limit);
  const shape = doc === undefined || followerLanded(doc, context, limit) ? found : { ...found, shape: 'other' as const };
  const located = stub === '' ? parsed.located : parsed.located.map((c) => ({ ...c, start: c.start - stub.length, end: c.end - stub.length }));
  const sequencePath = context.underKey ? '_' : '';
  return {
    key,
    mode: modeOf(context),
    last: context.last,
    located,
    documents,
    ...shape,
    sequencePath,
    fitsItem: located.every((c) => c.path === '' || c.path === sequencePath || (itemOf(c.path, sequencePath)?.index ?? Infinity) < shape.items),
    openQuotes: parsed.openQuotes,
    threw: parsed.threw,
  };
}

/** `sequence[3].rest` → index 3 and `.rest`; undefined for a path not in an item of that sequence. */
export function itemOf(path: string, sequencePath: string): { index: number; rest: string } | undefined {
  if (!path.startsWith(sequencePath) || path.charCodeAt(sequencePath.length) !== 91) return undefined;
  let i = sequencePath.length + 1;
  let index = 0;
  for (; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 48 || c > 57) break;
    index = index * 10 + (c - 48);
  }
  return i > sequencePath.length + 1 && path.charCodeAt(i) === 93 ? { index, rest: path.slice(i + 1) } : undefined;
}

/** Pieces by their text, per context: only text no piece had before is parsed. */
export class PieceCache {
  /** Pieces parsed, their characters, and pieces found by text, since `resetCounts`. */
  parsed = 0;
  parsedChars = 0;
  reused = 0;
  private byMode = new Map<string, Map<string, Piece>>();
  private size = 0;

  resetCounts(): void {
    this.parsed = 0;
    this.parsedChars = 0;
    this.reused = 0;
  }

  /** The piece with this text in this context. */
  get(text: string, context: PieceContext): Piece {
    const mode = modeOf(context);
    let byText = this.byMode.get(mode);
    const known = byText?.get(text);
    if (known !== undefined) {
      this.reused++;
      return known;
    }
    this.parsed++;
    this.parsedChars += text.length;
    const piece = parse(detachedCopy(text), context);
    if (byText === undefined) this.byMode.set(mode, (byText = new Map<string, Piece>()));
    byText.set(piece.key, piece);
    this.size++;
    return piece;
  }

  /** Forgets pieces no longer in use once they outnumber those in use (their hashes are kept, so refilling is cheap). */
  retain(inUse: () => Iterable<Piece>, count: number): void {
    if (this.size <= 2 * count + 64) return;
    this.byMode = new Map();
    this.size = 0;
    for (const piece of inUse()) {
      let byText = this.byMode.get(piece.mode);
      if (byText === undefined) this.byMode.set(piece.mode, (byText = new Map<string, Piece>()));
      if (!byText.has(piece.key)) this.size++;
      byText.set(piece.key, piece);
    }
  }

  clear(): void {
    this.byMode = new Map();
    this.size = 0;
  }
}
