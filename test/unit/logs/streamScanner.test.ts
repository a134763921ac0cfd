import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePatterns, DEFAULT_PATTERNS, scanText, StreamScanner } from '../../../src/logs/index';
import type { LogMatch, ScanOptions } from '../../../src/logs/index';
import { logText, maxLineBytes, patternSet } from './logArbitraries';

const defaults = compilePatterns(DEFAULT_PATTERNS);

function streamed(chunks: Array<string | Buffer>, compiled = defaults, opts?: ScanOptions): LogMatch[] {
  const out: LogMatch[] = [];
  const scanner = new StreamScanner(compiled, opts, (m) => out.push(m));
  for (const c of chunks) scanner.push(c);
  scanner.end();
  return out;
}

/** Cuts `whole` at the given fractions of its length (duplicates give empty chunks). */
function cut<T extends string | Buffer>(whole: T, fractions: number[]): T[] {
  const points = fractions.map((f) => Math.floor(f * whole.length)).sort((a, b) => a - b);
  const parts: T[] = [];
  let prev = 0;
  for (const p of [...points, whole.length]) {
    parts.push(whole.slice(prev, p) as T);
    prev = p;
  }
  return parts;
}

describe('StreamScanner', () => {
  it('finds a match whose line arrives in pieces', () => {
    const matches = streamed(['ok\nerror: You must be lo', 'gged in to the server (Unauth', 'orized)\nok\n']);
    assert.deepEqual(
      matches.map((m) => [m.lineNumber, m.patternIds]),
      [[2, ['unauthorized', 'kubectl-logged-in']]],
    );
  });

  it('reports the last line when end() comes without a final newline', () => {
    const matches = streamed(['a\nb\n401 Unauth', 'orized']);
    assert.deepEqual(
      matches.map((m) => m.lineNumber),
      [3],
    );
  });

  it('joins a UTF-8 character split across Buffer chunks, and a surrogate pair across string chunks', () => {
    const bytes = Buffer.from('é Unauthorized\n😀 Unauthorized\n');
    assert.deepEqual(streamed([bytes.subarray(0, 1), bytes.subarray(1, 19), bytes.subarray(19)]), scanText(bytes, defaults));
    const text = '😀 Unauthorized\n';
    assert.deepEqual(streamed([text.slice(0, 1), text.slice(1)]), scanText(text, defaults));
    assert.equal(streamed([text.slice(0, 1), text.slice(1)])[0].line, '😀 Unauthorized');
  });

  it('copies what it keeps, so the caller may reuse its buffer', () => {
    const out: LogMatch[] = [];
    const scanner = new StreamScanner(defaults, undefined, (m) => out.push(m));
    const buf = Buffer.alloc(8);
    for (const piece of ['x Unaut', 'horized', '\nplain\n']) {
      buf.fill(0);
      const n = buf.write(piece);
      scanner.push(buf.subarray(0, n));
    }
    scanner.end();
    assert.deepEqual(
      out.map((m) => m.line),
      ['x Unauthorized'],
    );
  });

  it('keeps memory bounded on a line without end, scanning it in pieces', () => {
    const out: LogMatch[] = [];
    const scanner = new StreamScanner(defaults, { maxLineBytes: 64 }, (m) => out.push(m));
    for (let i = 0; i < 1000; i++) scanner.push(i === 500 ? 'Unauthorized' : 'x'.repeat(50));
    const held = (scanner as unknown as { carryBytes: number }).carryBytes;
    assert.ok(held <= 64 + 50, `holds ${held} bytes`);
    scanner.end();
    assert.equal(out.length, 1);
    assert.equal(out[0].lineNumber, 1);
  });

  it('drops a CR only at the line end, also when the line fills a piece exactly', () => {
    const compiled = compilePatterns([{ id: 'end', label: 'End', regex: 'denied$' }]);
    const opts = { maxLineBytes: 7 };
    const want = scanText('denied\r\n', compiled, opts);
    assert.equal(want.length, 1);
    assert.deepEqual(streamed(['denied\r', '\n'], compiled, opts), want);
    assert.deepEqual(streamed(['denied', '\r', '\n'], compiled, opts), want);
  });

  it('refuses push after end (a caller bug)', () => {
    const scanner = new StreamScanner(defaults, undefined, () => undefined);
    scanner.end();
    assert.throws(() => scanner.push('x'), /after end/);
  });

  it('reports exactly what scanText reports on the joined bytes, however they are cut (property)', () => {
    fc.assert(
      fc.property(
        logText,
        patternSet,
        maxLineBytes,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        (text, patterns, pieceBytes, fractions) => {
          const compiled = compilePatterns(patterns);
          const opts = pieceBytes === undefined ? undefined : { maxLineBytes: pieceBytes };
          const bytes = Buffer.from(text);
          assert.deepEqual(streamed(cut(bytes, fractions), compiled, opts), scanText(bytes, compiled, opts));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('reports exactly what scanText reports on the joined string, cut anywhere, even inside a surrogate pair (property)', () => {
    fc.assert(
      fc.property(
        logText,
        patternSet,
        maxLineBytes,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
        fc.boolean(),
        (text, patterns, pieceBytes, fractions, mixBuffers) => {
          const compiled = compilePatterns(patterns);
          const opts = pieceBytes === undefined ? undefined : { maxLineBytes: pieceBytes };
          // Mixing in Buffer chunks only where the string cut falls between whole characters.
          const chunks = cut(text, fractions).map((c, i) => {
            const whole = !/^[\udc00-\udfff]/.test(c) && !/[\ud800-\udbff]$/.test(c);
            return mixBuffers && i % 2 === 1 && whole ? Buffer.from(c) : c;
          });
          assert.deepEqual(streamed(chunks, compiled, opts), scanText(text, compiled, opts));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
