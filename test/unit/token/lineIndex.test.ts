import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineIndex } from '../../../src/token/lineIndex';

/** Lines and columns the slow way: every line break counted from the start, as VS Code reads them. */
function naive(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

describe('LineIndex', () => {
  it('gives the line and column of offsets in LF, CRLF and CR texts', () => {
    const lf = new LineIndex('ab\ncd\n\nef');
    assert.deepEqual(
      [0, 2, 3, 6, 7, 9].map((o) => lf.positionAt(o)),
      [
        { line: 0, character: 0 },
        { line: 0, character: 2 },
        { line: 1, character: 0 },
        { line: 2, character: 0 },
        { line: 3, character: 0 },
        { line: 3, character: 2 },
      ],
    );
    assert.equal(lf.lineCount, 4);
    const crlf = new LineIndex('ab\r\ncd\rx');
    assert.deepEqual([crlf.lineAt(1), crlf.lineAt(4), crlf.lineAt(7), crlf.lineAt(8)], [0, 1, 2, 2]);
    assert.equal(crlf.lineCount, 3);
  });

  it('clamps offsets outside the text', () => {
    const index = new LineIndex('a\nb');
    assert.deepEqual(index.positionAt(-5), { line: 0, character: 0 });
    assert.deepEqual(index.positionAt(99), { line: 1, character: 1 });
    assert.deepEqual(new LineIndex('').positionAt(3), { line: 0, character: 0 });
  });

  it('agrees with counting from the start, for offsets asked in any order', () => {
    const text = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '\t'), { maxLength: 200 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 40 }), fc.boolean(), (t, offsets, sorted) => {
        const index = new LineIndex(t);
        const asked = offsets.map((o) => o % (t.length + 1));
        if (sorted) asked.sort((a, b) => a - b);
        for (const o of asked) assert.deepEqual(index.positionAt(o), naive(t, o), `offset ${o}`);
      }),
      { numRuns: 500 },
    );
  });
});
