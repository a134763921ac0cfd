import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHistory } from '../../../src/history/historyFile';
import { HEADER_LINE } from '../../../src/history/recordFormat';

const record = JSON.stringify({ kind: 'unauthorized', at: 1, subject: { context: 'c' }, source: 'probe', pattern: 'whoami', line: '401' });

describe('parseHistory', () => {
  it('reads the header and the records', () => {
    const parsed = parseHistory(Buffer.from(`${HEADER_LINE}${record}\n${record}\n`));
    assert.equal(parsed.kind, 'ok');
    if (parsed.kind !== 'ok') return;
    assert.equal(parsed.records.length, 2);
    assert.equal(parsed.needsRepair, false);
  });

  it('treats nothing, or a header cut short, as a history never started', () => {
    assert.deepEqual(parseHistory(Buffer.alloc(0)), { kind: 'empty' });
    assert.deepEqual(parseHistory(Buffer.from(HEADER_LINE.slice(0, 10))), { kind: 'empty' });
  });

  it('drops a torn last line and says where the file should end', () => {
    const good = `${HEADER_LINE}${record}\n`;
    for (const torn of [record.slice(0, 1), record.slice(0, -1), '\0\0\0\0', '   ']) {
      const parsed = parseHistory(Buffer.from(good + torn));
      assert.deepEqual(parsed.kind === 'ok' && [parsed.records.length, parsed.goodBytes, parsed.needsRepair, parsed.missingNewline], [1, Buffer.byteLength(good), true, false], JSON.stringify(torn));
    }
  });

  it('skips blank lines between records', () => {
    const parsed = parseHistory(Buffer.from(`${HEADER_LINE}\n${record}\n\n${record}\n`));
    assert.equal(parsed.kind === 'ok' && parsed.records.length, 2);
  });

  it('calls a bad line that is followed by others corruption, with its line number', () => {
    assert.deepEqual(parseHistory(Buffer.from(`${HEADER_LINE}${record}\n{oops\n${record}\n`)), {
      kind: 'corrupt',
      reason: 'line 3 is not a history record (it is not JSON)',
    });
    assert.deepEqual(parseHistory(Buffer.from(`${HEADER_LINE}${record}\n{"kind":"token"}\n`)), {
      kind: 'corrupt',
      reason: "line 3 is not a history record ('at' is not a time in milliseconds)",
    });
  });
});
