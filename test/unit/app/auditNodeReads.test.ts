// What a node's audit log showed, read on demand, joins the audit evidence of its context only: merged with the
// setting's files by pod, subject and caller (requests added up, the widest range and the worst staleness kept),
// announced at once, and never shown for another context.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AuditEvidence, type AuditPathSettings } from '../../../src/app/auditEvidence';
import { Emitter } from '../../../src/app/events';
import { AuditSummary, mergeAuditInputs, type AuditFindingsInput } from '../../../src/controlPlane/auditSummary';
import { parseAuditLine } from '../../../src/controlPlane/auditEvent';
import { legacyLine, staleLine, unauthorizedLine } from '../controlPlane/auditLines';
import { MemoryLog } from './support';

const T0 = Date.parse('2026-12-02T16:00:00Z');

function summaryOf(lines: string[]): AuditFindingsInput {
  const s = new AuditSummary();
  for (const line of lines) {
    const parsed = parseAuditLine(line);
    assert.equal(parsed.kind, 'event', line.slice(0, 80));
    if (parsed.kind === 'event') s.add(parsed.event);
  }
  return s.result();
}

const stale = (id: string, atMs: number, seconds: number, ua = 'Patroni/2.1.4'): string =>
  staleLine({
    auditID: id,
    atMs,
    namespace: 'db',
    serviceAccount: 'billing-db',
    pod: 'billing-db-0',
    podUid: 'uid-0',
    seconds,
    sourceIP: '10.244.0.11',
    userAgent: ua,
  });

describe('merging audit evidence from several sources', () => {
  it('makes one use per pod, adding requests, widening the range, keeping the worst staleness and every user agent', () => {
    const a = summaryOf([stale('a1', T0, 100), stale('a2', T0 + 60_000, 200)]);
    const b = summaryOf([stale('b1', T0 - 60_000, 900, 'python-requests/2.31')]);
    const [use, ...rest] = mergeAuditInputs(a, b).stalePods;
    assert.equal(rest.length, 0);
    assert.equal(use?.requests, 3);
    assert.equal(use?.firstSeenMs, T0 - 60_000);
    assert.equal(use?.lastSeenMs, T0 + 60_000);
    assert.equal(use?.maxSecondsAfterWarning, 900);
    assert.deepEqual(use?.userAgents, ['Patroni/2.1.4', 'python-requests/2.31']);
    // The inputs are not changed.
    assert.equal(a.stalePods[0]?.requests, 2);
  });

  it('keeps different subjects and callers apart, the busiest caller first', () => {
    const a = summaryOf([
      legacyLine({ auditID: 'l1', atMs: T0, subject: 'system:serviceaccount:ci:release-bot', sourceIP: '10.0.0.9', userAgent: 'kubectl/v1.21.14' }),
      unauthorizedLine({ auditID: 'u1', atMs: T0, sourceIP: '10.244.1.5', userAgent: 'apisix/3.2' }),
    ]);
    const b = summaryOf([
      unauthorizedLine({ auditID: 'u2', atMs: T0, sourceIP: '10.244.9.9', userAgent: 'curl/8' }),
      unauthorizedLine({ auditID: 'u3', atMs: T0 + 1, sourceIP: '10.244.9.9', userAgent: 'curl/8' }),
    ]);
    const merged = mergeAuditInputs(a, b);
    assert.deepEqual(
      merged.legacyTokens.map((l) => l.subject),
      ['system:serviceaccount:ci:release-bot'],
    );
    assert.deepEqual(
      merged.unauthorized.map((u) => `${u.sourceIP} ${u.requests}`),
      ['10.244.9.9 2', '10.244.1.5 1'],
    );
  });
});

describe('a node read in the audit evidence', () => {
  const services: AuditEvidence[] = [];
  after(() => {
    for (const s of services) s.dispose();
  });

  function service(): AuditEvidence {
    const emitter = new Emitter<void>();
    const settings: { auditPaths: AuditPathSettings; onDidChange: typeof emitter.event } = {
      auditPaths: { paths: [], trusted: true, workspaceFolders: [] },
      onDidChange: emitter.event,
    };
    const audit = new AuditEvidence({ settings, log: new MemoryLog(), home: '/home/someone', debounceMs: 10, pollMs: 60_000 });
    services.push(audit);
    return audit;
  }

  it('is the evidence of its context alone, even with the setting off, and is announced at once', () => {
    const audit = service();
    audit.start();
    let changes = 0;
    audit.onDidChange(() => changes++);
    assert.equal(audit.summary('prod'), undefined);
    audit.addNodeRead('prod', summaryOf([stale('n1', T0, 300)]));
    assert.equal(changes, 1);
    assert.equal(audit.summary('prod')?.stalePods[0]?.pod, 'billing-db-0');
    assert.equal(audit.summary('staging'), undefined);
    assert.equal(audit.summary(), undefined);
  });

  it('adds a second read of the same context to the first', () => {
    const audit = service();
    audit.addNodeRead('prod', summaryOf([stale('n1', T0, 300)]));
    audit.addNodeRead('prod', summaryOf([stale('n2', T0 + 1000, 400)]));
    const use = audit.summary('prod')?.stalePods[0];
    assert.equal(use?.requests, 2);
    assert.equal(use?.maxSecondsAfterWarning, 400);
  });
});
