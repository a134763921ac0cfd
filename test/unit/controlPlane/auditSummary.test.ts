import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuditLine, type AuditEvent } from '../../../src/controlPlane/auditEvent';
import { AuditSummary, serviceAccountOf } from '../../../src/controlPlane/auditSummary';
import { legacyLine, ordinaryLine, staleLine, unauthorizedLine } from './auditLines';

const T0 = Date.parse('2026-12-02T16:00:00Z');

function event(line: string): AuditEvent {
  const r = parseAuditLine(line);
  if (r.kind !== 'event') throw new Error(`not an interesting event: ${line.slice(0, 80)}`);
  return r.event;
}

function summarize(lines: string[]): ReturnType<AuditSummary['result']> {
  const s = new AuditSummary();
  for (const l of lines) {
    const r = parseAuditLine(l);
    if (r.kind === 'event') s.add(r.event);
  }
  return s.result();
}

describe('AuditSummary', () => {
  it('counts each request once across its stages, per pod, with the furthest past warnafter', () => {
    const patroni = { namespace: 'db', serviceAccount: 'patroni', pod: 'patroni-0', podUid: 'p0' };
    const apisix = {
      namespace: 'ingress-apisix',
      serviceAccount: 'apisix',
      pod: 'apisix-7d9f',
      podUid: 'a1',
      sourceIP: '10.244.1.9',
      userAgent: 'lua-resty-http/0.17.1 (Lua) ngx_lua/10025',
    };
    const result = summarize([
      staleLine({ ...patroni, auditID: 'r1', atMs: T0, seconds: 100 }),
      staleLine({ ...patroni, auditID: 'r1', atMs: T0, seconds: 100, stage: 'ResponseComplete' }),
      ordinaryLine({ auditID: 'o1', atMs: T0 + 5 }),
      staleLine({ ...apisix, auditID: 'r2', atMs: T0 + 10, seconds: 7000 }),
      staleLine({ ...patroni, auditID: 'r3', atMs: T0 + 60_000, seconds: 160 }),
      staleLine({ ...patroni, auditID: 'r3', atMs: T0 + 60_000, seconds: 160, stage: 'ResponseComplete' }),
    ]);
    assert.deepEqual(
      result.stalePods.map((p) => [
        p.namespace,
        p.pod,
        p.podUid,
        p.serviceAccount,
        p.requests,
        p.firstSeenMs - T0,
        p.lastSeenMs - T0,
        p.maxSecondsAfterWarning,
        p.sourceIPs,
        p.userAgents,
      ]),
      [
        ['db', 'patroni-0', 'p0', 'patroni', 2, 0, 60_000, 160, ['127.0.0.1'], ['curl/7.88.1']],
        ['ingress-apisix', 'apisix-7d9f', 'a1', 'apisix', 1, 10, 10, 7000, ['10.244.1.9'], ['lua-resty-http/0.17.1 (Lua) ngx_lua/10025']],
      ],
    );
    assert.deepEqual([result.legacyTokens, result.unauthorized], [[], []]);
  });

  it('keeps two pods of one service account apart, and a restarted pod (new uid) apart from its predecessor', () => {
    const base = { namespace: 'db', serviceAccount: 'patroni', seconds: 5 };
    const result = summarize([
      staleLine({ ...base, auditID: 'a', atMs: T0, pod: 'patroni-0', podUid: 'old' }),
      staleLine({ ...base, auditID: 'b', atMs: T0, pod: 'patroni-1', podUid: 'x' }),
      staleLine({ ...base, auditID: 'c', atMs: T0, pod: 'patroni-0', podUid: 'new' }),
    ]);
    assert.deepEqual(result.stalePods.map((p) => `${p.pod}/${p.podUid ?? ''}`).sort(), ['patroni-0/new', 'patroni-0/old', 'patroni-1/x']);
  });

  it('gathers legacy-token use per subject and 401s per source IP and user agent', () => {
    const result = summarize([
      legacyLine({ auditID: 'l1', atMs: T0, subject: 'system:serviceaccount:ci:deployer' }),
      legacyLine({ auditID: 'l1', atMs: T0, subject: 'system:serviceaccount:ci:deployer', stage: 'ResponseComplete' }),
      legacyLine({ auditID: 'l2', atMs: T0 + 3000, subject: 'system:serviceaccount:ci:deployer' }),
      unauthorizedLine({ auditID: 'u1', atMs: T0, sourceIP: '10.244.0.7', userAgent: 'Patroni/3.0.2' }),
      unauthorizedLine({ auditID: 'u2', atMs: T0 + 10_000, sourceIP: '10.244.0.7', userAgent: 'Patroni/3.0.2' }),
      unauthorizedLine({ auditID: 'u3', atMs: T0 + 20_000, sourceIP: '10.244.0.7', userAgent: 'Patroni/3.0.2' }),
      unauthorizedLine({ auditID: 'u4', atMs: T0 + 5, sourceIP: '10.244.2.2', userAgent: 'curl/8' }),
    ]);
    assert.deepEqual(
      result.legacyTokens.map((l) => [l.subject, l.namespace, l.serviceAccount, l.requests, l.lastSeenMs - l.firstSeenMs]),
      [['system:serviceaccount:ci:deployer', 'ci', 'deployer', 2, 3000]],
    );
    assert.deepEqual(
      result.unauthorized.map((u) => [u.sourceIP, u.userAgent, u.requests, u.firstSeenMs - T0, u.lastSeenMs - T0]),
      [
        ['10.244.0.7', 'Patroni/3.0.2', 3, 0, 20_000],
        ['10.244.2.2', 'curl/8', 1, 5, 5],
      ],
    );
  });

  it('ignores events that show nothing it gathers', () => {
    const s = new AuditSummary();
    s.add({ ...event(legacyLine({ auditID: 'z', atMs: T0, subject: 's' })), legacyTokenSubject: undefined });
    assert.deepEqual(s.result(), { stalePods: [], legacyTokens: [], unauthorized: [] });
  });

  it('splits service-account user names, and nothing else', () => {
    assert.deepEqual(serviceAccountOf('system:serviceaccount:db:patroni'), { namespace: 'db', name: 'patroni' });
    assert.equal(serviceAccountOf('system:node:node-1'), undefined);
    assert.equal(serviceAccountOf('alice@example.com'), undefined);
  });
});
