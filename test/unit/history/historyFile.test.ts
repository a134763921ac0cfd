import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parseHeader, parseLines, readLines, type SkippedLines } from '../../../src/history/historyFile';
import { HEADER_LINE } from '../../../src/history/recordFormat';
import type { HistoryRecord } from '../../../src/history/types';

const record = (at: number): string => JSON.stringify({ kind: 'unauthorized', at, subject: { context: 'c' }, source: 'probe', pattern: 'whoami', line: '401' });
const none = (): SkippedLines => ({ count: 0, firstReason: undefined });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Reads a file written with `content` the way the store does. */
async function read(content: string, range?: { from: number; midLine: boolean }): Promise<{ ats: number[]; end: number; rest: string; skipped: SkippedLines }> {
  const path = join(dir, 'history.jsonl');
  writeFileSync(path, content);
  const handle = await open(path, 'r');
  try {
    const skipped = none();
    const ats: number[] = [];
    const to = Buffer.byteLength(content);
    const from = range?.from ?? Buffer.byteLength(HEADER_LINE);
    const got = await readLines(handle, { from, to, midLine: range?.midLine ?? false }, skipped, (rs: HistoryRecord[]) => ats.push(...rs.map((r) => r.at)));
    return { ats, end: got.end, rest: got.rest.toString('utf8'), skipped };
  } finally {
    await handle.close();
  }
}

describe('parseHeader', () => {
  it('says where the records begin', () => {
    assert.deepEqual(parseHeader(Buffer.from(`${HEADER_LINE}${record(1)}\n`)), { kind: 'ok', bytes: Buffer.byteLength(HEADER_LINE) });
  });

  it('treats nothing, or a header cut short, as a history never started', () => {
    assert.deepEqual(parseHeader(Buffer.alloc(0)), { kind: 'empty' });
    assert.deepEqual(parseHeader(Buffer.from(HEADER_LINE.slice(0, 10))), { kind: 'empty' });
  });

  it('calls a file of another format or a newer version unreadable', () => {
    assert.deepEqual(parseHeader(Buffer.from('{"a":1}\n')), { kind: 'corrupt', reason: 'its first line is not a history header' });
    assert.deepEqual(parseHeader(Buffer.from('plain text')), { kind: 'corrupt', reason: 'its first line is not a history header' });
    const newer = parseHeader(Buffer.from('{"format":"cluster-credentials-history","version":2}\n'));
    assert.match(newer.kind === 'corrupt' ? newer.reason : newer.kind, /format version 2, and this version reads 1/);
  });
});

describe('parseLines', () => {
  it('reads the records, passes over blank lines, and counts the lines that do not read', () => {
    const skipped = none();
    const records = parseLines(Buffer.from(`${record(1)}\n\n{oops\n${record(2)}\n{"kind":"token"}\n${record(3)}\n`), skipped);
    assert.deepEqual(
      records.map((r) => r.at),
      [1, 2, 3],
    );
    assert.deepEqual(skipped, { count: 2, firstReason: 'it is not JSON' });
  });
});

describe('readLines', () => {
  it('hands back a torn last line untouched and says where the whole lines end', async () => {
    const good = `${HEADER_LINE}${record(1)}\n`;
    for (const torn of [record(2).slice(0, 1), record(2).slice(0, -1), '\0\0\0\0', '   ', record(2)]) {
      const got = await read(good + torn);
      assert.deepEqual([got.ats, got.end, got.rest, got.skipped.count], [[1], Buffer.byteLength(good), torn, 0], JSON.stringify(torn));
    }
  });

  it('reads lines that cross the boundary between chunks', async () => {
    // About 2.5 MB: several 1 MB chunks, with lines cut at every boundary.
    const lines = Array.from({ length: 25_000 }, (_, i) => record(i));
    const got = await read(`${HEADER_LINE}${lines.join('\n')}\n`);
    assert.equal(got.ats.length, 25_000);
    assert.deepEqual(got.ats.slice(0, 3), [0, 1, 2]);
    assert.equal(got.ats.at(-1), 24_999);
    assert.equal(got.skipped.count, 0);
    assert.equal(got.rest, '');
  });

  it('starting inside a line, leaves that line out; starting on a line start, keeps it', async () => {
    const content = `${HEADER_LINE}${record(1)}\n${record(2)}\n${record(3)}\n`;
    const secondStart = Buffer.byteLength(`${HEADER_LINE}${record(1)}\n`);
    assert.deepEqual((await read(content, { from: secondStart, midLine: true })).ats, [2, 3]);
    const inside = await read(content, { from: secondStart + 5, midLine: true });
    assert.deepEqual([inside.ats, inside.skipped.count], [[3], 0]);
  });
});
