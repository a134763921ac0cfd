// Pieces of a large text, each parsed alone inside a stand-in for what surrounds it in its document,
// and the cache that finds a piece again by its text. yaml decides where comments go, and where what
// a broken line leaves open ends, by what comes next: the stand-ins give it the same next thing.
import type { CST } from 'yaml';
import { parsePiece, typeAndKind, type TypeAndKind } from './locate';
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
  /** For an item: the path of its sequence as parsed (`_` under the stand-in key, `` at the root), and of the item. */
  readonly sequencePath: string;
  readonly itemPath: string;
  /** Every credential of an item lies in it, in its sequence or at the document level. */
  readonly fitsItem: boolean;
  readonly errors: boolean;
  readonly openQuotes: string;
  readonly threw: boolean;
}

const STAND_IN_KEY = '_:\n';
const FOLLOWERS: Record<Follower, string> = { key: STAND_IN_KEY, item: '-\n', end: '' };
// Ends every piece but the text's last: `---` ends the document as the real one would be ended, and
// the quotes close a quoted scalar cut short as a later quote in the text would.
const SENTINEL = '---\n"\'';

// One string per mode, not one per piece: twenty thousand pieces stay in memory.
const MODES = new Map<string, string>();
for (const underKey of ['', 'u'])
  for (const follower of ['key', 'item', 'end']) for (const last of ['', '$']) MODES.set(underKey + follower + last, underKey + follower + last);

function modeOf(context: PieceContext): string {
  const mode = `${context.underKey ? 'u' : ''}${context.follower}${context.last ? '$' : ''}`;
  return MODES.get(mode) ?? mode;
}

// `key: a: b` nests a map at indentation 0, which takes the column-0 keys that follow as its own.
function atColumnZero(value: CST.Token | undefined): boolean {
  return value !== undefined && (value.type === 'block-map' || value.type === 'block-seq') && value.indent === 0;
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

/** The follower's first token sits at `limit`: did it land where the next entry of an unbroken document would? */
function followerLanded(doc: CST.Document, shape: Shape, context: PieceContext, limit: number): boolean {
  if (context.follower === 'end' || context.last) return true;
  const root = doc.value;
  if (root === undefined) return false;
  const seqAt = (seq: CST.Token | undefined): boolean =>
    seq?.type === 'block-seq' && seq.indent === 0 && seq.items.some((it) => it.start.some((t) => t.type === 'seq-item-ind' && t.offset === limit));
  if (context.follower === 'key') {
    return (
      root.type === 'block-map' && root.indent === 0 && root.items.some((it) => it.key?.offset === limit && it.key.type === 'scalar' && it.key.source === '_')
    );
  }
  // An item goes into the sequence of the open key, of the stand-in key, or of the root.
  if (shape === 'openMap' && root.type === 'block-map') return seqAt(root.items[0]?.value);
  if (context.underKey && root.type === 'block-map') return seqAt(root.items[0]?.value);
  return seqAt(root);
}

function itemShape(sequence: CST.Token | undefined, from: number, limit: number): Shape {
  if (sequence === undefined || sequence.type !== 'block-seq' || sequence.indent !== 0) return 'other';
  const own = itemsIn(sequence.items, from, limit);
  if (own.length !== 1 || itemsIn(sequence.items, 0, from).length > 0) return 'other';
  return atColumnZero(own[0]?.value) ? 'other' : 'item';
}

function shapeOf(
  doc: CST.Document | undefined,
  stray: boolean,
  underKey: boolean,
  from: number,
  limit: number,
): Pick<Piece, 'shape' | 'rootPath' | 'typeKind'> {
  const other = { shape: 'other' as const, rootPath: '' };
  if (doc === undefined) return stray ? other : { shape: 'none', rootPath: '' };
  if (stray) return other;
  const marker = doc.start.some((t) => t.type === 'doc-start');
  // What starts past the piece is the follower's.
  const value = doc.value !== undefined && doc.value.offset < limit ? doc.value : undefined;
  if (value === undefined) return marker ? { shape: 'marker', rootPath: '' } : other;
  if (marker) return other;
  if (value.type === 'block-seq' && !underKey) return { shape: itemShape(value, from, limit), rootPath: '' };
  if (value.type !== 'block-map' || value.indent !== 0) return other;
  const own = itemsIn(value.items, 0, limit);
  const item = own[0];
  if (own.length !== 1 || item === undefined) return other;
  if (underKey) return { shape: item === value.items[0] ? itemShape(item.value, from, limit) : 'other', rootPath: '' };
  const key = item.key;
  if (key == null || key.type !== 'scalar') return other;
  const rootPath = pathToString(childPath(undefined, scalarValue(key)));
  if (item.value === undefined || item.value.offset >= limit) return { shape: 'openMap', rootPath, typeKind: typeAndKind(own) };
  return atColumnZero(item.value) ? other : { shape: 'map', rootPath, typeKind: typeAndKind(own) };
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
  // Where the stand-in for the next entry went says whether that entry starts afresh, as it does parsed alone.
  const shape = doc === undefined || followerLanded(doc, found.shape, context, limit) ? found : { ...found, shape: 'other' as const };
  const located = stub === '' ? parsed.located : parsed.located.map((c) => ({ ...c, start: c.start - stub.length, end: c.end - stub.length }));
  const sequencePath = context.underKey ? '_' : '';
  const itemPath = context.underKey ? '_[0]' : '[0]';
  return {
    key,
    mode: modeOf(context),
    last: context.last,
    located,
    documents,
    ...shape,
    sequencePath,
    itemPath,
    fitsItem: located.every((c) => c.path === '' || c.path === sequencePath || c.path.startsWith(itemPath)),
    errors: parsed.errors,
    openQuotes: parsed.openQuotes,
    threw: parsed.threw,
  };
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

  /** Whether the piece with this text in this context is known (parsed and not forgotten). */
  has(text: string, context: PieceContext): boolean {
    return this.byMode.get(modeOf(context))?.has(text) ?? false;
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
