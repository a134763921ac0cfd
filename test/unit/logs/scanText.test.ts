import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compilePatterns, DEFAULT_PATTERNS, scanText } from '../../../src/logs/index';
import type { LogPattern } from '../../../src/logs/index';
import { stripAnsi } from '../../../src/logs/sanitize';
import { fixtureJwt } from '../../support/fixtureTokens';
import { logText, maxLineBytes, patternSet } from './logArbitraries';

const defaults = compilePatterns(DEFAULT_PATTERNS);

/** The obvious, slow scanner: every line (or piece of a long line) against every regex. */
function naiveScan(bytes: Buffer, patterns: LogPattern[], pieceBytes: number): Array<{ lineNumber: number; patternIds: string[] }> {
  const regexes = patterns.map((p) => new RegExp(p.regex, (p.flags ?? '').replace(/[gy]/g, '')));
  const out: Array<{ lineNumber: number; patternIds: string[] }> = [];
  let lineNumber = 0;
  for (let start = 0; start < bytes.length;) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    lineNumber++;
    for (let s = start; s < end; s += pieceBytes) {
      let e = Math.min(end, s + pieceBytes);
      if (e === end && bytes[e - 1] === 0x0d) e--;
      const text = stripAnsi(bytes.toString('utf8', s, e));
      const ids = patterns.filter((_, i) => regexes[i].test(text)).map((p) => p.id);
      if (ids.length > 0) out.push({ lineNumber, patternIds: ids });
    }
    start = end + 1;
  }
  return out;
}

describe('scanText', () => {
  it('numbers lines from 1 and reports only matching ones', () => {
    const text = 'starting\nGET /x 401 Unauthorized\n\nall good\nerror: You must be logged in to the server (Unauthorized)';
    assert.deepEqual(
      scanText(text, defaults).map((m) => [m.lineNumber, m.patternIds]),
      [
        [2, ['http-401', 'unauthorized']],
        [5, ['unauthorized', 'kubectl-logged-in']],
      ],
    );
  });

  it('returns nothing for an empty text or blank lines', () => {
    assert.deepEqual(scanText('', defaults), []);
    assert.deepEqual(scanText('\n\n\r\n', defaults), []);
  });

  it('takes the time from the line start, and leaves it out when there is none', () => {
    const [stamped, bare] = scanText('2026-11-22T03:40:01.250000000Z reason: Unauthorized\nreason: Unauthorized\n', defaults);
    assert.equal(stamped.timeMs, Date.parse('2026-11-22T03:40:01.250Z'));
    assert.equal('timeMs' in bare, false);
  });

  it('drops the CR of CRLF line ends', () => {
    const [m] = scanText('a\r\nreason: Unauthorized\r\nb\r\n', defaults);
    assert.deepEqual(m, { lineNumber: 2, patternIds: ['unauthorized'], line: 'reason: Unauthorized' });
  });

  it('matches through colour codes and stores the line without them or other control characters', () => {
    const [m] = scanText('\x1b[31mE\x1b[0m\tUnauth\x1b[1morized\x07 \x00done\x7f\n', defaults);
    assert.deepEqual(m, { lineNumber: 1, patternIds: ['unauthorized'], line: 'E\tUnauthorized done' });
  });

  it('keeps markup as plain text (escaping belongs to the webview)', () => {
    const line = '<script>alert("401 Unauthorized")</script> &amp;';
    assert.equal(scanText(line, defaults)[0].line, line);
  });

  it('masks tokens in reported lines', () => {
    const token = fixtureJwt('v1.28', 'api-bound-pod-3607s.jwt');
    const [m] = scanText(`401 Unauthorized for Authorization: Bearer ${token}\n`, defaults);
    assert.match(m.line, /^401 Unauthorized for Authorization: Bearer eyJ…\[token sha256:[0-9a-f]{8}\]$/);
    assert.ok(!m.line.includes(token.split('.')[1].slice(0, 20)));
  });

  it('caps long lines with a marker saying how much was cut', () => {
    const long = `reason: Unauthorized ${'x'.repeat(5000)}`;
    const [m] = scanText(long, defaults);
    assert.equal(m.line, `${long.slice(0, 2000)}… [${long.length - 2000} more characters]`);
    const [short] = scanText(long, defaults, { maxLineLength: 10 });
    assert.equal(short.line, `reason: Un… [${long.length - 10} more characters]`);
  });

  it('does not cut an astral character in half when capping', () => {
    const [m] = scanText(`Unauthorized ${'😀'.repeat(10)}`, defaults, { maxLineLength: 14 });
    assert.equal(m.line, 'Unauthorized … [10 more characters]');
  });

  it('scans a line longer than maxLineBytes in pieces that keep its number', () => {
    const text = `first\n${'a'.repeat(20)}Unauthorized${'b'.repeat(20)}Unauthorized\n`;
    const matches = scanText(text, defaults, { maxLineBytes: 16 });
    assert.deepEqual(
      matches.map((m) => [m.lineNumber, m.line]),
      [
        [2, 'aaaaUnauthorized'],
        [2, 'bbbbUnauthorized'],
      ],
    );
    // A literal split by a piece boundary is not seen: the pieces are scanned on their own.
    assert.deepEqual(scanText('aaaaaaaaaaUnauthorized', defaults, { maxLineBytes: 16 }), []);
  });

  it('reads a Buffer, with invalid UTF-8 decoded to U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('\xff\xfe', 'latin1'), Buffer.from(' Unauthorized é\n')]);
    assert.deepEqual(scanText(bytes, defaults)[0].line, '\ufffd\ufffd Unauthorized é');
  });

  it('tests every line with a pattern that has no literal to search for', () => {
    const compiled = compilePatterns([...DEFAULT_PATTERNS, { id: 'pair', label: 'Pair', regex: '\\d{3}\\s\\d{3}' }]);
    assert.ok(compiled.ok && compiled.everyLine);
    assert.deepEqual(
      scanText('x\n123 456\n401 Unauthorized\n', compiled).map((m) => [m.lineNumber, m.patternIds]),
      [
        [2, ['pair']],
        [3, ['http-401', 'unauthorized']],
      ],
    );
  });

  it('finds exactly the lines a naive line-by-line regex test finds (property)', () => {
    fc.assert(
      fc.property(logText, patternSet, maxLineBytes, (text, patterns, pieceBytes) => {
        const compiled = compilePatterns(patterns);
        assert.ok(compiled.ok);
        const bytes = Buffer.from(text);
        const got = scanText(bytes, compiled, pieceBytes === undefined ? undefined : { maxLineBytes: pieceBytes });
        const want = naiveScan(bytes, patterns, pieceBytes ?? Number.MAX_SAFE_INTEGER);
        assert.deepEqual(
          got.map((m) => ({ lineNumber: m.lineNumber, patternIds: m.patternIds })),
          want,
        );
      }),
      { numRuns: 1500 },
    );
  });
});
