// Where a large YAML text can be cut so that each piece parses alone as it parses inside the whole:
// at `---` lines, and inside one document before each of its column-0 entries (a top-level key, or a
// top-level `- ` item such as a kubeconfig user or an item of `kubectl get -o yaml`). The rules follow
// yaml's lexer: after `key:` or `- ` every scalar, quote and flow collection ends at the next non-blank
// line of column 0, so such a line starts afresh; anything the rules cannot vouch for refuses the cut.

type LineKind = 'blank' | 'comment' | 'indentedComment' | 'indented' | 'item' | 'key' | 'openKey' | 'unsafe';

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const HASH = 35;
const DASH = 45;
const COLON = 58;

/** yaml's `isEmpty`: the end of the line or input, or a blank. */
function isEmptyAt(text: string, i: number, lineEnd: number): boolean {
  if (i >= lineEnd) return true;
  const c = text.charCodeAt(i);
  return c === SPACE || c === TAB || c === CR || c === LF;
}

/** Only spaces and tabs up to the line end, or a comment after them; a CR only as the last character. */
function restIsBlankOrComment(text: string, from: number, lineEnd: number): boolean {
  let i = from;
  while (i < lineEnd && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
  if (i === lineEnd || (text.charCodeAt(i) === CR && i + 1 === lineEnd)) return true;
  return i > from && text.charCodeAt(i) === HASH;
}

// A plain scalar that cannot be an indicator, an anchor, a tag, a quote or a flow collection.
function isKeyStart(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** `key: value` or `key:` on one line, read as yaml's plain-scalar lexer reads it. */
function keyLine(text: string, from: number, lineEnd: number): LineKind {
  for (let i = from; i < lineEnd; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON && isEmptyAt(text, i + 1, lineEnd)) return restIsBlankOrComment(text, i + 1, lineEnd) ? 'openKey' : 'key';
    // ` #` ends the scalar with a comment before any colon; a lone CR is not a line break to yaml.
    if ((c === SPACE || c === TAB) && text.charCodeAt(i + 1) === HASH && i + 1 < lineEnd) return 'unsafe';
    if (c === CR && i + 1 < lineEnd) return 'unsafe';
  }
  return 'unsafe';
}

function classify(text: string, start: number, lineEnd: number): LineKind {
  if (start === lineEnd) return 'blank';
  const c = text.charCodeAt(start);
  if (c === HASH) return 'comment';
  if (c === SPACE || c === TAB || c === CR) {
    let i = start;
    let tabs = false;
    for (; i < lineEnd; i++) {
      const d = text.charCodeAt(i);
      if (d === TAB) tabs = true;
      else if (d !== SPACE) break;
    }
    if (i === lineEnd || (text.charCodeAt(i) === CR && i + 1 === lineEnd)) return 'blank';
    // A tab or CR before content can make yaml read the content at indentation 0 (after a block scalar,
    // the lexer takes the tabs into the scalar): such a line may continue what came before.
    if (c !== SPACE || tabs) return 'unsafe';
    return text.charCodeAt(i) === HASH ? 'indentedComment' : 'indented';
  }
  if (c === DASH && isEmptyAt(text, start + 1, lineEnd)) return 'item';
  return isKeyStart(c) ? keyLine(text, start, lineEnd) : 'unsafe';
}

/** After a column-0 comment yaml may read the next indented line at indentation 0: it must open with `- ` or `key:`. */
function isCleanStart(text: string, start: number, lineEnd: number): boolean {
  let i = start;
  while (i < lineEnd && text.charCodeAt(i) === SPACE) i++;
  const c = text.charCodeAt(i);
  if (c === DASH && isEmptyAt(text, i + 1, lineEnd)) return true;
  if (!isKeyStart(c)) return false;
  const kind = keyLine(text, i, lineEnd);
  return kind === 'key' || kind === 'openKey';
}

/** A `---` line at `at`: a document start marker, which ends whatever came before it. */
export function isDocumentMarker(text: string, at: number): boolean {
  return (at === 0 || text.charCodeAt(at - 1) === LF) && text.startsWith('---', at) && isEmptyAt(text, at + 3, text.length);
}

/** Offsets of every `---` line in the text, in order. */
export function documentMarkers(text: string): number[] {
  const out: number[] = [];
  if (isDocumentMarker(text, 0)) out.push(0);
  for (let i = text.indexOf('\n---'); i >= 0; i = text.indexOf('\n---', i + 1)) {
    if (isDocumentMarker(text, i + 1)) out.push(i + 1);
  }
  return out;
}

export type EntryKind = 'head' | 'key' | 'item';
export type Root = 'map' | 'seq' | undefined;

/**
 * Reads the lines of `text[from, end)`, `from` being a line start where the document's root so far is
 * `root` and the last key was open (`key:` and nothing after) if `openKey`, and calls `onEntry` at every
 * line that starts an entry, with that state before the line; `onEntry` returning true stops the scan.
 * False when a line forbids cutting the document.
 */
export function scanEntries(
  text: string,
  from: number,
  end: number,
  state: { root: Root; openKey: boolean },
  onEntry: (start: number, kind: 'key' | 'item', root: Root, openKey: boolean) => boolean,
): boolean {
  let { root, openKey } = state;
  // A column-0 comment since the last content line: yaml's indentNext may have dropped to 0.
  let lowered = false;
  let lineStart = from;
  while (lineStart < end) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 || nl >= end ? end : nl;
    const kind = classify(text, lineStart, lineEnd);
    switch (kind) {
      case 'blank':
      case 'indentedComment':
        break;
      case 'comment':
        lowered = true;
        break;
      case 'indented':
        if (root === undefined || (lowered && !isCleanStart(text, lineStart, lineEnd))) return false;
        lowered = false;
        break;
      case 'item':
        // Items belong to a root sequence, or to the compact sequence of the last `key:`.
        if (root === 'map' && !openKey) return false;
        if (onEntry(lineStart, 'item', root, openKey)) return true;
        root ??= 'seq';
        lowered = false;
        break;
      case 'key':
      case 'openKey':
        if (root === 'seq') return false;
        if (onEntry(lineStart, 'key', root, openKey)) return true;
        root = 'map';
        openKey = kind === 'openKey';
        lowered = false;
        break;
      default:
        return false;
    }
    lineStart = lineEnd + 1;
  }
  return true;
}

/** Entries of one document: where each starts (it ends where the next starts), its kind and the scan state before it. */
export interface EntryScan {
  starts: number[];
  kinds: EntryKind[];
  roots: Root[];
  opens: boolean[];
}

/**
 * The entries of the document `text[start, end)` (which starts at a `---` line or at the text's start and
 * holds no other), or undefined when the document cannot be cut safely. A key entry that ends in `key:`
 * with nothing after it is followed by the items of its compact sequence, if any.
 */
export function documentEntries(text: string, start: number, end: number): EntryScan | undefined {
  const scan: EntryScan = { starts: [], kinds: [], roots: [], opens: [] };
  let from = start;
  if (isDocumentMarker(text, start)) {
    const nl = text.indexOf('\n', start);
    const lineEnd = nl < 0 || nl >= end ? end : nl;
    if (!restIsBlankOrComment(text, start + 3, lineEnd)) return undefined;
    from = lineEnd + 1;
  }
  const complete = scanEntries(text, from, end, { root: undefined, openKey: false }, (at, kind, root, openKey) => {
    // The head: the `---` line and the comments before the first entry.
    if (scan.starts.length === 0 && at > start) pushEntry(scan, start, 'head', undefined, false);
    pushEntry(scan, at, kind, root, openKey);
    return false;
  });
  if (!complete) return undefined;
  if (scan.starts.length === 0) pushEntry(scan, start, 'head', undefined, false);
  return scan;
}

export function pushEntry(scan: EntryScan, start: number, kind: EntryKind, root: Root, openKey: boolean): void {
  scan.starts.push(start);
  scan.kinds.push(kind);
  scan.roots.push(root);
  scan.opens.push(openKey);
}
