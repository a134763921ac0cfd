import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAuditLine, type AuditEvent } from '../../../src/controlPlane/auditEvent';
import { AuditLineScanner } from '../../../src/controlPlane/auditScanner';
import { aksRecord, cloudWatchRecord, gkeEntry, legacyLine, ordinaryLine, recordedLines, s3ExportLine, staleLine, unauthorizedLine } from './auditLines';

const T0 = Date.parse('2026-12-02T16:00:00Z');

function scanChunks(chunks: Buffer[], maxLineBytes?: number): { events: AuditEvent[]; scanner: AuditLineScanner } {
  const events: AuditEvent[] = [];
  const scanner = new AuditLineScanner((e) => events.push(e), maxLineBytes !== undefined ? { maxLineBytes } : {});
  for (const c of chunks) scanner.push(c);
  scanner.end();
  return { events, scanner };
}

/** The bytes cut at the given fractions of their length. */
function cut(whole: Buffer, fractions: number[]): Buffer[] {
  const points = fractions.map((f) => Math.floor(f * whole.length)).sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, whole.length]) {
    parts.push(whole.subarray(prev, p));
    prev = p;
  }
  return parts;
}

const lineKinds = fc.oneof(
  fc
    .nat(1000)
    .map((i) =>
      staleLine({ auditID: `s${i}`, atMs: T0 + i, namespace: 'db', serviceAccount: 'patroni', pod: `patroni-${i % 3}`, podUid: `uid-${i % 3}`, seconds: i }),
    ),
  fc
    .nat(1000)
    .map((i) =>
      legacyLine({ auditID: `l${i}`, atMs: T0 + i, subject: 'system:serviceaccount:ci:deployer', stage: i % 2 === 0 ? 'RequestReceived' : 'ResponseComplete' }),
    ),
  fc
    .nat(1000)
    .map((i) => unauthorizedLine({ auditID: `u${i}`, atMs: T0 + i, sourceIP: `10.244.0.${i % 250}`, userAgent: 'Patroni/3.0.2 Python/3.10.12 Linux' })),
  fc.nat(1000).map((i) => ordinaryLine({ auditID: `o${i}`, atMs: T0 + i })),
  fc.constantFrom(
    '',
    'not json at all',
    '{"authentication.k8s.io/stale-token": broken',
    '{"kind":"Event","annotations":{"authentication.k8s.io/legacy-token":"x"}}',
  ),
  fc.constantFrom(...recordedLines('audit-ordinary.jsonl'), ...recordedLines('audit-stale-token.jsonl'), ...recordedLines('audit-401-invalidated.jsonl')),
  // The same events as the clouds export them, and GKE's own entries.
  fc
    .tuple(
      fc.constantFrom(aksRecord, cloudWatchRecord, s3ExportLine),
      fc.constantFrom(...recordedLines('audit-stale-token.jsonl'), ...recordedLines('audit-401-expired.jsonl'), ...recordedLines('audit-ordinary.jsonl')),
    )
    .map(([wrap, line]) => wrap(line)),
  fc.nat(1000).map((i) => gkeEntry({ insertId: `g${i}`, atMs: T0 + i, callerIp: `10.8.0.${i % 250}`, userAgent: 'apisix/3.8', rpcCode: i % 2 === 0 ? 16 : 0 })),
);

describe('AuditLineScanner', () => {
  it('finds in any chunking exactly the events parseAuditLine finds line by line', () => {
    fc.assert(
      fc.property(
        fc.array(lineKinds, { maxLength: 30 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        fc.boolean(),
        (lines, fractions, crlf) => {
          const text = lines.map((l) => `${l}${crlf ? '\r\n' : '\n'}`).join('');
          const { events, scanner } = scanChunks(cut(Buffer.from(text), fractions));
          const expected = lines.map(parseAuditLine);
          assert.deepEqual(
            events,
            expected.flatMap((r) => (r.kind === 'event' ? [r.event] : [])),
          );
          assert.equal(scanner.stats.malformed, expected.filter((r) => r.kind === 'malformed').length);
          assert.equal(scanner.stats.lines, lines.filter((l) => l !== '').length);
          assert.equal(scanner.stats.bytes, Buffer.byteLength(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a last line that has no newline', () => {
    const line = recordedLines('audit-401-expired.jsonl')[0] ?? '';
    const { events, scanner } = scanChunks([Buffer.from(`${ordinaryLine({ auditID: 'a', atMs: T0 })}\n${line}`)]);
    assert.deepEqual(
      events.map((e) => e.code),
      [401],
    );
    assert.equal(scanner.stats.lines, 2);
  });

  it('skips a line longer than the cap, counts it, and reads on after it, wherever the chunks fall', () => {
    const stale = staleLine({ auditID: 'x', atMs: T0, namespace: 'db', serviceAccount: 'patroni', pod: 'patroni-0', podUid: 'u0', seconds: 5 });
    const long = `{"padding":"${'p'.repeat(4000)}","annotations":{"authentication.k8s.io/stale-token":"subject: s, seconds after warning threshold: 1"}}`;
    const text = Buffer.from(`${long}\n${stale}\n${long}\n${stale}`);
    for (const size of [97, 1000, 2500, text.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
      const { events, scanner } = scanChunks(chunks, 3000);
      assert.deepEqual(
        events.map((e) => e.auditID),
        ['x', 'x'],
        `chunks of ${size}`,
      );
      assert.deepEqual([scanner.stats.lines, scanner.stats.overlong], [4, 2], `chunks of ${size}`);
    }
  });

  it('copies what it keeps, so the caller may reuse its buffer', () => {
    const line = Buffer.from(`${unauthorizedLine({ auditID: 'r', atMs: T0, sourceIP: '10.244.1.7', userAgent: 'curl/8' })}\n`);
    const events: AuditEvent[] = [];
    const scanner = new AuditLineScanner((e) => events.push(e));
    const reused = Buffer.alloc(200);
    for (let i = 0; i < line.length; i += 200) {
      const n = line.copy(reused, 0, i, Math.min(line.length, i + 200));
      scanner.push(reused.subarray(0, n));
      reused.fill(0x78);
    }
    scanner.end();
    assert.deepEqual(
      events.map((e) => [e.auditID, e.sourceIPs]),
      [['r', ['10.244.1.7']]],
    );
  });

  it('takes a 401 by where the apiserver puts its code, so a 401 deeper inside a bigger event is not one', () => {
    // A RequestResponse-level event whose responseObject follows the status: not a refused credential.
    const e = JSON.parse(recordedLines('audit-401-expired.jsonl')[0] ?? '{}') as Record<string, unknown>;
    const withObject = JSON.stringify({ ...e, responseObject: { kind: 'Status', code: 401 } });
    assert.equal(parseAuditLine(withObject).kind, 'event');
    assert.deepEqual(scanChunks([Buffer.from(`${withObject}\n`)]).events, []);
  });
});
