// The audit log as EKS, AKS and GKE export it: each record read as the Event kube-apiserver wrote,
// line by line and through the streaming scanner, and the findings made from it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuditLine, type AuditEvent } from '../../../src/controlPlane/auditEvent';
import { withoutTimePrefix } from '../../../src/controlPlane/auditEnvelope';
import { AuditLineScanner } from '../../../src/controlPlane/auditScanner';
import { AuditSummary } from '../../../src/controlPlane/auditSummary';
import { aksRecord, cloudWatchRecord, gkeEntry, legacyLine, recordedLines, s3ExportLine, staleLine, unauthorizedLine } from './auditLines';

const T0 = Date.parse('2026-12-02T16:00:00Z');

function eventOf(line: string): AuditEvent {
  const r = parseAuditLine(line);
  assert.equal(r.kind, 'event', `not read: ${line.slice(0, 120)}`);
  return (r as { kind: 'event'; event: AuditEvent }).event;
}

function scan(lines: string[]): { events: AuditEvent[]; scanner: AuditLineScanner } {
  const events: AuditEvent[] = [];
  const scanner = new AuditLineScanner((e) => events.push(e));
  const text = Buffer.from(lines.join('\n'));
  for (let i = 0; i < text.length; i += 333) scanner.push(text.subarray(i, i + 333));
  scanner.end();
  return { events, scanner };
}

const stale = staleLine({ auditID: 's1', atMs: T0, namespace: 'db', serviceAccount: 'patroni', pod: 'patroni-0', podUid: 'u0', seconds: 7200 });
const legacy = legacyLine({ auditID: 'l1', atMs: T0 + 5, subject: 'system:serviceaccount:ci:deployer', stage: 'ResponseComplete' });
const refused = unauthorizedLine({ auditID: 'r1', atMs: T0 + 9, sourceIP: '10.244.0.17', userAgent: 'apisix/3.8' });

describe('audit records of managed control planes', () => {
  it('reads the event inside an AKS kube-audit record, a CloudWatch record and an S3 export line exactly as the bare line', () => {
    for (const line of [stale, legacy, refused, ...recordedLines('audit-stale-token.jsonl'), ...recordedLines('audit-401-invalidated.jsonl')]) {
      const bare = eventOf(line);
      assert.deepEqual(eventOf(aksRecord(line)), bare, 'AKS');
      assert.deepEqual(eventOf(cloudWatchRecord(line)), bare, 'CloudWatch');
      assert.deepEqual(eventOf(s3ExportLine(line)), bare, 'S3 export');
    }
  });

  it('reads an AKS record whose properties.log is already an object', () => {
    const record = JSON.parse(aksRecord(refused)) as { properties: { log: unknown } };
    record.properties.log = JSON.parse(refused);
    assert.deepEqual(eventOf(JSON.stringify(record)), eventOf(refused));
  });

  it('reads a GKE Cloud Audit Log entry: the principal, the caller, UNAUTHENTICATED as 401 and the labels as annotations', () => {
    const staleEntry = eventOf(
      gkeEntry({
        insertId: 'g1',
        atMs: T0,
        principal: 'system:serviceaccount:db:patroni',
        callerIp: '10.8.0.12',
        userAgent: 'Patroni/3.0.2',
        rpcCode: 0,
        labels: { 'authentication.k8s.io/stale-token': 'subject: system:serviceaccount:db:patroni, seconds after warning threshold: 86400' },
      }),
    );
    assert.equal(staleEntry.auditID, 'op-g1');
    assert.equal(staleEntry.verb, 'list');
    assert.equal(staleEntry.user?.username, 'system:serviceaccount:db:patroni');
    assert.equal(staleEntry.user?.podName, undefined, 'GKE does not carry user.extra');
    assert.deepEqual(staleEntry.sourceIPs, ['10.8.0.12']);
    assert.equal(staleEntry.userAgent, 'Patroni/3.0.2');
    assert.equal(staleEntry.code, 200);
    assert.deepEqual(staleEntry.staleToken, { subject: 'system:serviceaccount:db:patroni', secondsAfterWarning: 86400 });
    assert.equal(staleEntry.requestReceivedMs, T0);

    const refusedEntry = eventOf(gkeEntry({ insertId: 'g2', atMs: T0 + 1, callerIp: '10.8.0.44', userAgent: 'apisix/3.8', rpcCode: 16 }));
    assert.equal(refusedEntry.code, 401);
    assert.equal(refusedEntry.user, undefined, 'a refused caller has no user');
    assert.deepEqual(refusedEntry.sourceIPs, ['10.8.0.44']);

    const legacyEntry = eventOf(
      gkeEntry({
        insertId: 'g3',
        atMs: T0 + 2,
        principal: 'system:serviceaccount:ci:deployer',
        callerIp: '10.8.0.5',
        userAgent: 'kubectl',
        rpcCode: 0,
        labels: { 'authentication.k8s.io/legacy-token': 'system:serviceaccount:ci:deployer' },
      }),
    );
    assert.equal(legacyEntry.legacyTokenSubject, 'system:serviceaccount:ci:deployer');
  });

  it('skips the records that concern no token, and says what is wrong with a broken one', () => {
    assert.equal(
      parseAuditLine(gkeEntry({ insertId: 'g4', atMs: T0, principal: 'alice@example.com', callerIp: '1.2.3.4', userAgent: 'kubectl', rpcCode: 0 })).kind,
      'skipped',
    );
    const broken = JSON.stringify({ category: 'kube-audit', properties: { log: '{"kind":"Event","annotations":{"authentication.k8s.io/stale-token":"subj' } });
    assert.deepEqual(parseAuditLine(broken), { kind: 'malformed', reason: 'properties.log is not JSON' });
    const notEvent = JSON.stringify({ message: JSON.stringify({ kind: 'Status', code: 401 }) });
    assert.deepEqual(parseAuditLine(notEvent), { kind: 'malformed', reason: 'message is not an audit Event' });
    const noTime = JSON.parse(gkeEntry({ insertId: 'g5', atMs: T0, callerIp: '1.2.3.4', userAgent: 'x', rpcCode: 16 })) as Record<string, unknown>;
    delete noTime.timestamp;
    assert.deepEqual(parseAuditLine(JSON.stringify(noTime)), { kind: 'malformed', reason: 'a Cloud Audit Log entry without timestamp or insertId' });
    const otherService = gkeEntry({ insertId: 'g6', atMs: T0, callerIp: '1.2.3.4', userAgent: 'x', rpcCode: 16 }).replace(
      '"serviceName":"k8s.io"',
      '"serviceName":"container.googleapis.com"',
    );
    assert.deepEqual(parseAuditLine(otherService), { kind: 'malformed', reason: 'not an audit Event' });
  });

  it('leaves a line alone unless its prefix is an RFC 3339 time and a space before the JSON', () => {
    assert.equal(withoutTimePrefix('2026-12-02T16:22:58.128Z {"a":1}'), '{"a":1}');
    assert.equal(withoutTimePrefix('2026-12-02T16:22:58+01:00 {"a":1}'), '{"a":1}');
    assert.equal(withoutTimePrefix('stdout F {"a":1}'), 'stdout F {"a":1}');
    assert.equal(withoutTimePrefix('{"a":1}'), '{"a":1}');
  });

  it('streams a file of exported records to the same events as line by line, and the findings come out of them', () => {
    const lines = [
      aksRecord(stale),
      cloudWatchRecord(legacy),
      s3ExportLine(refused),
      gkeEntry({ insertId: 'g7', atMs: T0 + 20, callerIp: '10.8.0.44', userAgent: 'apisix/3.8', rpcCode: 16 }),
      aksRecord(unauthorizedLine({ auditID: 'r2', atMs: T0 + 30, sourceIP: '10.244.0.17', userAgent: 'apisix/3.8' })),
      'not a record at all',
    ];
    const { events, scanner } = scan(lines);
    assert.deepEqual(
      events,
      lines.flatMap((l) => {
        const r = parseAuditLine(l);
        return r.kind === 'event' ? [r.event] : [];
      }),
    );
    assert.equal(scanner.stats.lines, 6);
    const summary = new AuditSummary();
    for (const e of events) summary.add(e);
    const found = summary.result();
    assert.deepEqual(
      found.stalePods.map((p) => [p.namespace, p.pod, p.maxSecondsAfterWarning]),
      [['db', 'patroni-0', 7200]],
    );
    assert.deepEqual(
      found.legacyTokens.map((l) => l.subject),
      ['system:serviceaccount:ci:deployer'],
    );
    assert.deepEqual(found.unauthorized.map((u) => [u.sourceIP, u.requests]).sort(), [
      ['10.244.0.17', 2],
      ['10.8.0.44', 1],
    ]);
  });
});
