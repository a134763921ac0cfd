// The audit evidence as history keeps it: one record per use (never a token or an audit line), written only
// when new or changed, read back as the rules read a summary; the pods' addresses, so that a 401 still names a
// pod deleted since; and the audit 401s a pod's timeline shows, live or from history.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuditLine } from '../../../src/controlPlane/auditEvent';
import { AuditSummary, type AuditFindingsInput } from '../../../src/controlPlane/auditSummary';
import {
  ADDRESS_REFRESH_MS,
  auditInputOf,
  auditRecordsOf,
  auditRecordsToWrite,
  auditSpansOf,
  podAddressesOf,
  podAddressRecordsToWrite,
} from '../../../src/diagnosis/auditHistory';
import type { AddressBook } from '../../../src/diagnosis/auditSources';
import type { PodEvidence } from '../../../src/diagnosis/evidence';
import { checkRecord, MAX_AUDIT_TEXT } from '../../../src/history/recordFormat';
import type { HistoryRecord } from '../../../src/history/types';
import { legacyLine, staleLine, unauthorizedLine } from '../controlPlane/auditLines';
import { CONTEXT, HOUR, MIN, pod, T0 } from './builders';

const DAY = 24 * HOUR;
const PATRONI_UA = 'Patroni/2.1.4 Python/3.10.6 Linux';
const billing = pod({
  namespace: 'db',
  name: 'billing-db-0',
  uid: 'uid-billing',
  serviceAccount: 'billing-db',
  startedAtMs: T0 - 200 * DAY,
  podIPs: ['10.244.0.11'],
});

function summaryOf(lines: string[]): AuditFindingsInput {
  const s = new AuditSummary();
  for (const l of lines) {
    const r = parseAuditLine(l);
    if (r.kind === 'event') s.add(r.event);
  }
  return s.result();
}

function stale(auditID: string, atMs: number, seconds: number): string {
  return staleLine({
    auditID,
    atMs,
    namespace: 'db',
    serviceAccount: 'billing-db',
    pod: 'billing-db-0',
    podUid: 'uid-billing',
    seconds,
    sourceIP: '10.244.0.11',
    userAgent: PATRONI_UA,
  });
}

const lines = [
  stale('s1', T0, 100),
  stale('s2', T0 + MIN, 160),
  legacyLine({ auditID: 'l1', atMs: T0, subject: 'system:serviceaccount:ci:release-bot', sourceIP: '10.244.0.15', userAgent: 'kubectl/v1.21.14' }),
  unauthorizedLine({ auditID: 'u1', atMs: T0, sourceIP: '10.244.0.11', userAgent: PATRONI_UA }),
  unauthorizedLine({ auditID: 'u2', atMs: T0 + 2 * MIN, sourceIP: '10.244.0.11', userAgent: PATRONI_UA }),
  unauthorizedLine({ auditID: 'u3', atMs: T0, sourceIP: '10.244.0.31', userAgent: 'gone/1' }),
  unauthorizedLine({ auditID: 'u4', atMs: T0, sourceIP: '192.168.7.20', userAgent: 'curl/8.5.0' }),
];

/** The listed billing pod, and a pod deleted since that held 10.244.0.31. */
const book: AddressBook = {
  pods: [billing],
  podAddresses: [
    { namespace: 'web', name: 'old-web-0', uid: 'uid-old', serviceAccount: 'web', ip: '10.244.0.31', sinceMs: T0 - DAY, lastSeenMs: T0 + 5 * MIN },
  ],
};

describe('audit evidence in history', () => {
  const input = summaryOf(lines);
  const records = auditRecordsOf(CONTEXT, input, book);

  it('keeps each use as one record of counts, times, addresses and user agents, each 401 caller with the pod it was tied to', () => {
    assert.deepEqual(
      records.map((r) => [r.use, r.subject.pod ?? r.subject.serviceAccount ?? r.sourceIP, r.requests]),
      [
        ['stale', 'billing-db-0', 2],
        ['legacy', 'release-bot', 1],
        ['unauthorized', 'billing-db-0', 2],
        ['unauthorized', 'old-web-0', 1],
        ['unauthorized', '192.168.7.20', 1],
      ],
    );
    const [staleUse, , tied, deleted, unknown] = records;
    assert.deepEqual(staleUse, {
      kind: 'audit',
      use: 'stale',
      subject: { context: CONTEXT, namespace: 'db', serviceAccount: 'billing-db', pod: 'billing-db-0', podUid: 'uid-billing' },
      user: 'system:serviceaccount:db:billing-db',
      at: T0,
      lastAt: T0 + MIN,
      requests: 2,
      userAgents: [PATRONI_UA],
      sourceIPs: ['10.244.0.11'],
      maxSecondsAfterWarning: 160,
    });
    assert.deepEqual(tied?.subject, { context: CONTEXT, namespace: 'db', pod: 'billing-db-0', podUid: 'uid-billing', serviceAccount: 'billing-db' });
    assert.equal(tied?.podDeleted, undefined);
    assert.equal(deleted?.podDeleted, true);
    assert.deepEqual(unknown?.subject, { context: CONTEXT });
    assert.equal(unknown?.sourceIP, '192.168.7.20');
    // Every record is one the history takes as it is.
    for (const r of records) assert.deepEqual(checkRecord(r), { ok: true, record: r });
  });

  it('cuts a user agent longer than the history keeps, rather than have the record refused', () => {
    const long = summaryOf([unauthorizedLine({ auditID: 'x', atMs: T0, sourceIP: '192.168.7.21', userAgent: 'a'.repeat(MAX_AUDIT_TEXT + 50) })]);
    const [r] = auditRecordsOf(CONTEXT, long, book);
    assert.equal(r?.userAgent?.length, MAX_AUDIT_TEXT);
    assert.ok(checkRecord(r).ok);
  });

  it('writes a use once; the same evidence again writes nothing, a use with new requests writes that use only', () => {
    assert.equal(auditRecordsToWrite([], records).length, records.length);
    assert.deepEqual(auditRecordsToWrite(records, auditRecordsOf(CONTEXT, summaryOf(lines), book)), [], 'the same log read again after a reload');
    const more = summaryOf([...lines, unauthorizedLine({ auditID: 'u5', atMs: T0 + 9 * MIN, sourceIP: '192.168.7.20', userAgent: 'curl/8.5.0' })]);
    const changed = auditRecordsToWrite(records, auditRecordsOf(CONTEXT, more, book));
    assert.deepEqual(
      changed.map((r) => [r.sourceIP, r.requests, r.at, r.lastAt]),
      [['192.168.7.20', 2, T0, T0 + 9 * MIN]],
    );
  });

  it('keeps what was counted once when the log read later holds less (rotated away), and writes nothing for it', () => {
    const rotated = summaryOf([stale('s2', T0 + MIN, 160)]);
    const seen = auditRecordsOf(CONTEXT, rotated, book);
    assert.deepEqual(auditRecordsToWrite(records, seen), []);
  });

  it('reads back as the summary it was written from, for the rules', () => {
    const back = auditInputOf(
      [...records, { kind: 'audit', use: 'legacy', at: T0, subject: { context: 'other' }, user: 'x', requests: 1, userAgents: [], sourceIPs: [] }],
      CONTEXT,
    );
    assert.deepEqual(back, input);
    assert.equal(auditInputOf([], CONTEXT), undefined);
    // A later record of a use stands for it: history folds them, a plain list may not.
    const later = { ...records[0], requests: 7 } as HistoryRecord;
    assert.equal(auditInputOf([...records, later], CONTEXT)?.stalePods[0]?.requests, 7);
  });
});

describe('pod addresses in history', () => {
  const web = pod({ namespace: 'web', name: 'web-0', uid: 'uid-web', serviceAccount: 'web', startedAtMs: T0 - HOUR, podIPs: ['10.244.0.20', 'fd00::20'] });
  const pending: PodEvidence = pod({ name: 'pending-0', uid: 'uid-pending', podIPs: [] });

  it('records a pod and each of its addresses once, since it started, and again only after a day', () => {
    const first = podAddressRecordsToWrite(CONTEXT, [web, pending], [], T0);
    assert.deepEqual(
      first.map((r) => [r.ip, r.at, r.lastAt, r.subject.podUid, r.subject.serviceAccount]),
      [
        ['10.244.0.20', T0 - HOUR, T0, 'uid-web', 'web'],
        ['fd00::20', T0 - HOUR, T0, 'uid-web', 'web'],
      ],
    );
    assert.deepEqual(podAddressRecordsToWrite(CONTEXT, [web], first, T0 + 5 * MIN), [], 'not on every diagnosis');
    const dayLater = podAddressRecordsToWrite(CONTEXT, [web], first, T0 + ADDRESS_REFRESH_MS);
    assert.equal(dayLater.length, 2);
    assert.equal(dayLater[0]?.lastAt, T0 + ADDRESS_REFRESH_MS);
    for (const r of first) assert.ok(checkRecord(r).ok);
    assert.deepEqual(podAddressesOf(first, CONTEXT)[0], {
      namespace: 'web',
      name: 'web-0',
      uid: 'uid-web',
      serviceAccount: 'web',
      ip: '10.244.0.20',
      sinceMs: T0 - HOUR,
      lastSeenMs: T0,
    });
    assert.deepEqual(podAddressesOf(first, 'other'), []);
  });
});

describe('audit 401s on the timeline', () => {
  const input = summaryOf(lines);

  it('from the audit log read now: the callers tied to a pod, listed or deleted since; not the others', () => {
    const spans = auditSpansOf([], CONTEXT, { input, book });
    assert.deepEqual(
      spans.map((s) => [s.subject.pod, s.sourceIP, s.userAgent, s.requests, s.firstSeenMs, s.lastSeenMs, s.podDeleted]),
      [
        ['billing-db-0', '10.244.0.11', PATRONI_UA, 2, T0, T0 + 2 * MIN, undefined],
        ['old-web-0', '10.244.0.31', 'gone/1', 1, T0, T0, true],
      ],
    );
  });

  it('from history, with the pod each was tied to when written, until the audit log is read again', () => {
    const records = auditRecordsOf(CONTEXT, input, book);
    assert.deepEqual(auditSpansOf(records, CONTEXT), auditSpansOf([], CONTEXT, { input, book }));
    assert.deepEqual(auditSpansOf(records, 'other'), []);
  });
});
