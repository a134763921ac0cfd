// Scanning a whole text, or a stream of chunks, for lines that match the 401 patterns.
import { LineScanner, readyPatterns } from './lineScanner';
import type { CompiledPatterns, LogMatch, ScanOptions } from './types';

export function scanText(text: string | Buffer, patterns: CompiledPatterns, opts?: ScanOptions): LogMatch[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const matches: LogMatch[] = [];
  new LineScanner(readyPatterns(patterns), opts, (m) => matches.push(m)).scanLines(bytes, 0, bytes.length);
  return matches;
}

/**
 * Scans text that arrives in chunks (a followed log) and reports exactly what scanText would report
 * on the joined text. Chunks may split lines and UTF-8 characters anywhere; a chunk's bytes are
 * copied where kept, so the caller may reuse its buffer.
 */
export class StreamScanner {
  private readonly core: LineScanner;
  // The unfinished current line (since its last scanned piece), as received.
  private carry: Buffer[] = [];
  private carryBytes = 0;
  // A high surrogate that ended a string chunk: its pair starts the next one.
  private pendingSurrogate = '';
  private ended = false;

  constructor(patterns: CompiledPatterns, opts: ScanOptions | undefined, onMatch: (m: LogMatch) => void) {
    this.core = new LineScanner(readyPatterns(patterns), opts, onMatch);
  }

  push(chunk: string | Buffer): void {
    if (this.ended) throw new Error('StreamScanner.push after end()');
    if (chunk.length === 0) return;
    if (typeof chunk !== 'string' && this.pendingSurrogate) this.flushSurrogate();
    const buf = typeof chunk === 'string' ? this.encode(chunk) : chunk;
    if (buf.length === 0) return;
    const firstNl = buf.indexOf(0x0a);
    if (firstNl === -1) {
      this.keep(buf);
      return;
    }
    let pos = 0;
    if (this.carryBytes > 0) {
      const head = Buffer.concat([...this.carry, buf.subarray(0, firstNl + 1)]);
      this.carry = [];
      this.carryBytes = 0;
      this.core.scanLines(head, 0, head.length);
      pos = firstNl + 1;
    }
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl >= pos) this.core.scanLines(buf, pos, lastNl + 1);
    this.keep(buf.subarray(lastNl + 1));
  }

  end(): void {
    if (this.ended) return;
    if (this.pendingSurrogate) this.flushSurrogate();
    this.ended = true;
    if (this.carryBytes === 0) return;
    const last = Buffer.concat(this.carry);
    this.carry = [];
    this.carryBytes = 0;
    this.core.scanLines(last, 0, last.length);
  }

  /** A lone high surrogate encodes as U+FFFD, as it would at that place in the joined text. */
  private flushSurrogate(): void {
    const lone = this.pendingSurrogate;
    this.pendingSurrogate = '';
    this.keep(Buffer.from(lone, 'utf8'));
  }

  private encode(chunk: string): Buffer {
    let text = this.pendingSurrogate + chunk;
    this.pendingSurrogate = '';
    const lastCode = text.charCodeAt(text.length - 1);
    if (lastCode >= 0xd800 && lastCode <= 0xdbff) {
      this.pendingSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    return Buffer.from(text, 'utf8');
  }

  /** Keeps bytes of the unfinished line; scans whole pieces once more than a piece is held. */
  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.carry.push(Buffer.from(bytes));
    this.carryBytes += bytes.length;
    const piece = this.core.maxLineBytes;
    // Strictly more than a piece: the piece is then surely not the line's end (where '\r' is dropped).
    if (this.carryBytes <= piece) return;
    let joined = Buffer.concat(this.carry);
    while (joined.length > piece) {
      this.core.scanPiece(joined.subarray(0, piece));
      joined = joined.subarray(piece);
    }
    this.carry = [Buffer.from(joined)];
    this.carryBytes = joined.length;
  }
}
