// Finds credentials in YAML or JSON text by walking yaml's CST: source offsets come for free
// and it is faster than the Document API. (Cutting long base64 runs before parsing does not help:
// the parser's cost is per token, not per character.)
import { Parser, type CST } from 'yaml';
import { childPath, pathToString, type PathNode } from './locatePath';
import { EKS_TOKEN_PREFIX } from './eksToken';
import { CREDENTIAL_MARKERS, examineScalar, findEksTokens, findJwts, scalarValue, worthExamining, type ScalarContext, type ScalarToken } from './locateScalar';
import type { LocatedCredential } from './types';

const SA_TOKEN_SECRET_TYPE = 'kubernetes.io/service-account-token';

interface Frame {
  token: CST.Token;
  path: PathNode | undefined;
  key: string | undefined;
  inSaSecretData: boolean;
}

type Item = CST.CollectionItem;

function isScalarToken(t: CST.Token | null | undefined): t is ScalarToken {
  return t != null && (t.type === 'scalar' || t.type === 'single-quoted-scalar' || t.type === 'double-quoted-scalar' || t.type === 'block-scalar');
}

class Walker {
  readonly out: LocatedCredential[] = [];
  private documentIndex = -1;
  /** A parse error, or a flow collection cut short, somewhere in the text. */
  errors = false;
  /** Quote characters of quoted scalars that run to a line break instead of a closing quote. */
  openQuotes = '';

  /** `limit`: where the text being located ends; past it lies only a sentinel (see parsePiece). */
  constructor(private readonly limit = Infinity) {}

  private context(path: PathNode | undefined, key: string | undefined, inSaSecretData: boolean): ScalarContext {
    return { path: () => pathToString(path), key, inSaSecretData, documentIndex: Math.max(0, this.documentIndex) };
  }

  // Comments and parse errors are not values, but a token pasted there is still a token.
  private sideTokens(tokens: readonly CST.Token[] | undefined, path: PathNode | undefined): void {
    if (tokens === undefined) return;
    for (const t of tokens) {
      if (t.type === 'error') this.errors ||= t.offset < this.limit;
      // A quoted scalar can end up anywhere after a parse error, even among comments.
      if ((t.type === 'error' || t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') && 'source' in t) this.noteQuote(t);
      if ((t.type === 'comment' || t.type === 'error') && t.source.includes('eyJ')) {
        findJwts(t.source, t.offset, this.context(path, undefined, false), this.out, false);
      }
      if ((t.type === 'comment' || t.type === 'error') && t.source.includes(EKS_TOKEN_PREFIX)) {
        findEksTokens(t.source, t.offset, this.context(path, undefined, false), this.out, false);
      }
    }
  }

  topLevel(token: CST.Token): void {
    if (token.type === 'document') {
      this.documentIndex++;
      this.sideTokens(token.start, undefined);
      if (token.value !== undefined) this.walk({ token: token.value, path: undefined, key: undefined, inSaSecretData: false });
      this.sideTokens(token.end, undefined);
    } else if (token.type === 'doc-end') {
      this.sideTokens(token.end, undefined);
    } else {
      this.sideTokens([token], undefined);
    }
  }

  /** Iterative, so deeply nested input cannot overflow the stack. */
  private walk(root: Frame): void {
    const stack: Frame[] = [root];
    for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
      const { token, path } = frame;
      switch (token.type) {
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
          this.scalar(token, frame);
          this.sideTokens(token.end, path);
          break;
        case 'block-scalar':
          this.sideTokens(token.props, path);
          this.scalar(token, frame);
          break;
        case 'block-map':
          this.pushMap(token.items, frame, stack);
          break;
        case 'block-seq':
          this.pushSeq(token.items, frame, stack);
          break;
        case 'flow-collection':
          if (token.start.source === '[') this.pushSeq(token.items, frame, stack);
          else this.pushMap(token.items, frame, stack);
          this.sideTokens(token.end, path);
          // Cut short by a line with less indentation, after which yaml reads that line at indentation 0.
          if (!token.end.some((t) => t.type === 'flow-seq-end' || t.type === 'flow-map-end')) this.errors ||= token.offset < this.limit;
          break;
        case 'comment':
        case 'error':
          this.sideTokens([token], path);
          break;
        default:
          // Aliases, directives and stray source tokens hold no credential of their own.
          break;
      }
    }
  }

  private noteQuote(token: { type: string; offset: number; source: string }): void {
    const quote = token.type === 'double-quoted-scalar' ? '"' : token.type === 'single-quoted-scalar' ? "'" : token.type === 'error' ? token.source[0] : '';
    if (quote !== '"' && quote !== "'") return;
    if (token.offset < this.limit && !isClosedQuote(token.source, quote) && !this.openQuotes.includes(quote)) this.openQuotes += quote;
  }

  private scalar(token: ScalarToken, frame: Frame): void {
    this.noteQuote(token);
    // The context (and its closure) is built only for the few scalars worth a look.
    if (worthExamining(token.source, frame.key)) examineScalar(token, this.context(frame.path, frame.key, frame.inSaSecretData), this.out);
  }

  private pushMap(items: readonly Item[], frame: Frame, stack: Frame[]): void {
    const saSecret = isServiceAccountTokenSecret(items);
    // Pushed in reverse so the stack visits items in document order.
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item === undefined) continue;
      const keyToken = item.key;
      let key: string | undefined;
      if (isScalarToken(keyToken)) {
        this.noteQuote(keyToken);
        key = scalarValue(keyToken);
        // A broken line often parses as a key with no value: look inside it too.
        if (keyToken.source.includes('eyJ')) examineScalar(keyToken, this.context(frame.path, undefined, false), this.out);
      } else if (keyToken != null) {
        stack.push({ token: keyToken, path: childPath(frame.path, undefined), key: undefined, inSaSecretData: false });
      }
      const path = childPath(frame.path, key);
      this.sideTokens(item.start, frame.path);
      // Comments after `key:` and before its value belong to that key.
      this.sideTokens(item.sep, path);
      if (item.value !== undefined) {
        // Inside data/stringData of a token Secret, and anything under it.
        const inData = frame.inSaSecretData || (saSecret && (key === 'data' || key === 'stringData'));
        stack.push({ token: item.value, path, key, inSaSecretData: inData });
      }
    }
  }

  private pushSeq(items: readonly Item[], frame: Frame, stack: Frame[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item === undefined) continue;
      this.sideTokens(item.start, frame.path);
      if (item.key != null || item.sep !== undefined) {
        // `[a: b]`: a single-pair map as a sequence item.
        this.pushMap([item], { ...frame, path: childPath(frame.path, i) }, stack);
      } else if (item.value !== undefined) {
        stack.push({ token: item.value, path: childPath(frame.path, i), key: undefined, inSaSecretData: false });
      }
    }
  }
}

/** A map's `type` and `kind` scalars, the last of each when repeated. */
export interface TypeAndKind {
  type?: string;
  kind?: string;
}

export function typeAndKind(items: readonly Item[]): TypeAndKind {
  const into: TypeAndKind = {};
  for (const item of items) {
    if (!isScalarToken(item.key) || !isScalarToken(item.value)) continue;
    const k = item.key.source.length <= 6 ? scalarValue(item.key) : '';
    if (k === 'type') into.type = scalarValue(item.value);
    else if (k === 'kind') into.kind = scalarValue(item.value);
  }
  return into;
}

/** `type: kubernetes.io/service-account-token`, and `kind: Secret` when a kind is given (list items have none). */
export function isTokenSecretType({ type, kind }: TypeAndKind): boolean {
  return type === SA_TOKEN_SECRET_TYPE && (kind === undefined || kind === 'Secret');
}

function isServiceAccountTokenSecret(items: readonly Item[]): boolean {
  return isTokenSecretType(typeAndKind(items));
}

/** As the lexer reads it: the source ends with its own closing quote, not at a line break. */
function isClosedQuote(source: string, quote: '"' | "'"): boolean {
  if (source.length < 2 || !source.endsWith(quote)) return false;
  let run = 0;
  if (quote === '"') {
    // A closing quote is preceded by an even number of backslashes.
    for (let i = source.length - 2; i >= 1 && source.charCodeAt(i) === 92; i--) run++;
    return run % 2 === 0;
  }
  // Inside single quotes `''` is an escaped quote: the closing one leaves the run of quotes odd.
  for (let i = source.length - 1; i >= 1 && source.charCodeAt(i) === 39; i--) run++;
  return run % 2 === 1;
}

/** Keeps the list sorted by start and free of overlaps, so a binary search finds the one under an offset. */
function sortAndDisjoin(found: LocatedCredential[]): LocatedCredential[] {
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: LocatedCredential[] = [];
  for (const c of found) {
    const last = out[out.length - 1];
    if (last === undefined || c.start >= last.end) out.push(c);
  }
  return out;
}

// Most YAML files hold no credential at all: they skip the parse.
export function mayHoldCredential(text: string): boolean {
  return CREDENTIAL_MARKERS.some((m) => text.includes(m));
}

// The last resort when the parser itself fails: raw JWTs and EKS tokens anywhere in the rest of the text.
function scanRest(text: string, from: number, out: LocatedCredential[]): void {
  const ctx: ScalarContext = { path: () => '', key: undefined, inSaSecretData: false, documentIndex: 0 };
  const rest = text.slice(from);
  findJwts(rest, from, ctx, out, false);
  findEksTokens(rest, from, ctx, out, false);
}

function finish(found: LocatedCredential[], limit: number): LocatedCredential[] {
  return sortAndDisjoin(found.filter((c) => c.start >= 0 && c.end <= limit && c.start < c.end));
}

/**
 * Every credential in a YAML or JSON text (all documents), sorted by start, with the exact range of
 * its value text. Never throws: broken YAML yields what the parts that parse hold.
 */
export function locateCredentials(text: string): LocatedCredential[] {
  if (typeof text !== 'string' || text === '' || !mayHoldCredential(text)) return [];
  const walker = new Walker();
  let resumeAt = 0;
  try {
    for (const token of new Parser().parse(text)) {
      walker.topLevel(token);
      resumeAt = token.offset;
    }
  } catch {
    try {
      scanRest(text, resumeAt, walker.out);
    } catch {
      // Nothing more can be found; what was found stands.
    }
  }
  return finish(walker.out, text.length);
}

/** One piece of a larger text, parsed alone: its credentials and what the incremental locator checks. */
export interface PieceParse {
  located: LocatedCredential[];
  /** The top-level CST tokens that start inside the piece. */
  tokens: CST.Token[];
  errors: boolean;
  /** Quote characters of quoted scalars cut at a line break, whose extent depends on the text after the piece. */
  openQuotes: string;
  /** The parser threw: only a whole-text locate says what the text holds. */
  threw: boolean;
}

/**
 * Locates the credentials of `text.slice(0, limit)`; what lies past `limit` is a sentinel that stands in
 * for the text that follows the piece in its document, and yields nothing.
 */
export function parsePiece(text: string, limit: number): PieceParse {
  const walker = new Walker(limit);
  const tokens: CST.Token[] = [];
  let threw = false;
  try {
    for (const token of new Parser().parse(text)) {
      if (token.offset >= limit) continue;
      walker.topLevel(token);
      tokens.push(token);
    }
  } catch {
    threw = true;
  }
  return { located: finish(walker.out, limit), tokens, errors: walker.errors, openQuotes: walker.openQuotes, threw };
}

/** The credential whose range [start, end) holds `offset`. `located` must come from locateCredentials. */
export function credentialAt(located: readonly LocatedCredential[], offset: number): LocatedCredential | undefined {
  let lo = 0;
  let hi = located.length - 1;
  let candidate = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = located[mid];
    if (c === undefined) break;
    if (c.start <= offset) {
      candidate = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const found = candidate >= 0 ? located[candidate] : undefined;
  return found !== undefined && offset < found.end ? found : undefined;
}
