import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DocumentLines, LineIndex } from '../../../src/token/lineIndex';

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

  it("derives a version's table from the last one: the same lines as built afresh, whatever the edit", () => {
    const piece = fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '\t');
    const text = fc.array(piece, { maxLength: 120 }).map((parts) => parts.join(''));
    // Edits that split or join a CRLF pair, add or remove breaks, at the start, the end or inside.
    const edit = fc.record({ at: fc.nat(), removed: fc.nat({ max: 6 }), inserted: fc.array(piece, { maxLength: 4 }).map((p) => p.join('')) });
    fc.assert(
      fc.property(text, fc.array(edit, { minLength: 1, maxLength: 4 }), (first, edits) => {
        const lines = new DocumentLines();
        let t = first;
        lines.of(t);
        for (const e of edits) {
          const at = e.at % (t.length + 1);
          t = t.slice(0, at) + e.inserted + t.slice(Math.min(t.length, at + e.removed));
          const derived = lines.of(t);
          const fresh = new LineIndex(t);
          assert.equal(derived.lineCount, fresh.lineCount, JSON.stringify(t));
          for (let o = 0; o <= t.length; o++) assert.deepEqual(derived.positionAt(o), naive(t, o), `offset ${o} of ${JSON.stringify(t)}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('reads again only the lines an edit touched, and gives the same table for the same text', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `line ${i}`).join('\n');
    const lines = new DocumentLines();
    const first = lines.of(text);
    assert.equal(lines.of(text), first, 'the same text: the same table');
    const at = text.indexOf('line 25000');
    const edited = `${text.slice(0, at)}x\ny${text.slice(at)}`;
    const derived = lines.of(edited);
    assert.notEqual(derived, first);
    assert.equal(derived.lineCount, 50_001);
    assert.deepEqual(derived.positionAt(edited.indexOf('line 25000')), { line: 25_001, character: 1 });
    assert.deepEqual(derived.positionAt(edited.indexOf('line 49999')), { line: 50_000, character: 0 });
    assert.deepEqual(derived.positionAt(edited.indexOf('line 24999')), { line: 24_999, character: 0 });
  });
});
