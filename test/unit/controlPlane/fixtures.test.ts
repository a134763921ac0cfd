// Every file recorded from a real kube-apiserver v1.28.7 under fixtures/k8s/v1.28/control-plane is read
// with the product's own parsers, and what each parses to is checked against what the server did.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countAuthFailures, parseApiserverLogLine } from '../../../src/controlPlane/apiserverLog';
import { parseAuditLine, type AuditEvent } from '../../../src/controlPlane/auditEvent';
import { readAuditFile } from '../../../src/controlPlane/auditReader';
import { AuditSummary } from '../../../src/controlPlane/auditSummary';
import { parseMetrics, tokenCounters } from '../../../src/controlPlane/metrics';
import { decodeToken } from '../../../src/token/jwt';
import { fixturesRoot } from '../../support/fixtureTokens';

const DIR = join(fixturesRoot(), 'v1.28', 'control-plane');
const SA = 'system:serviceaccount:rec-audit:app';
const SA_UID = '3996b683-c16d-49a5-b15a-ba2ddbf02374';
const POD_UID = '834ced9e-ca93-4dd1-9021-4857a2c5214e';
const KID = 'Ub6eleJGo1flfP2zCDCst_z-4A4oxwEXinIWr4zdH48';

function text(name: string): string {
  return readFileSync(join(DIR, name), 'utf8');
}

/** The file through the streaming reader, and line by line through parseAuditLine: both must agree. */
async function auditEvents(name: string): Promise<AuditEvent[]> {
  const streamed: AuditEvent[] = [];
  const stats = await readAuditFile(join(DIR, name), (e) => streamed.push(e));
  const lines = text(name)
    .split('\n')
    .filter((l) => l !== '');
  const byLine = lines.flatMap((l) => {
    const r = parseAuditLine(l);
    return r.kind === 'event' ? [r.event] : [];
  });
  assert.deepEqual(streamed, byLine, `${name}: the reader and parseAuditLine disagree`);
  assert.equal(stats.lines, lines.length);
  assert.equal(stats.malformed, 0);
  return streamed;
}

function payloadOf(name: string): { iat?: number; exp?: number; warnAfter?: number; kid: unknown; sub?: string; pod?: string } {
  const decoded = decodeToken(text(name));
  assert.ok(decoded.ok, `${name} decodes`);
  const c = decoded.token.claims;
  return { iat: c.iat, exp: c.exp, warnAfter: c.kubernetes?.warnAfter, kid: decoded.token.header.kid, sub: c.sub, pod: c.kubernetes?.pod?.name };
}

/** What each recorded file is checked for; a file added to the folder without an entry fails the suite. */
const CHECKS: Record<string, () => void | Promise<void>> = {
  'README.md': () => {
    // The recording's notes: they name every other file, so a file the README forgets is noticed.
    const readme = text('README.md');
    for (const name of Object.keys(CHECKS).filter((n) => n !== 'README.md')) assert.ok(readme.includes(`\`${name}\``), `README mentions ${name}`);
  },

  'audit-ordinary.jsonl': async () => {
    // Three ordinary events: none is a stale, legacy or refused token, so none is even parsed.
    assert.deepEqual(await auditEvents('audit-ordinary.jsonl'), []);
    const stages = text('audit-ordinary.jsonl')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { stage: string }).stage);
    assert.deepEqual(stages, ['RequestReceived', 'ResponseComplete', 'ResponseComplete']);
  },

  'audit-stale-token.jsonl': async () => {
    const events = await auditEvents('audit-stale-token.jsonl');
    assert.deepEqual(
      events.map((e) => [e.stage, e.code]),
      [
        ['RequestReceived', undefined],
        ['ResponseComplete', 403],
      ],
    );
    for (const e of events) {
      assert.equal(e.auditID, 'd06ba919-88e6-45a0-a22e-d7d2f496c41a');
      assert.deepEqual(e.user, {
        username: SA,
        uid: SA_UID,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:rec-audit', 'system:authenticated'],
        podName: 'patroni-0',
        podUid: POD_UID,
      });
      assert.deepEqual(e.staleToken, { subject: SA, secondsAfterWarning: 3594 });
      assert.equal(e.requestReceivedMs, Date.parse('2026-12-02T16:22:58.128Z'));
      assert.equal(e.verb, 'list');
      assert.equal(e.requestURI, '/api/v1/namespaces/rec-audit/pods');
      assert.deepEqual(e.sourceIPs, ['127.0.0.1']);
      assert.equal(e.userAgent, 'curl/7.88.1');
    }
    const summary = new AuditSummary();
    events.forEach((e) => summary.add(e));
    assert.deepEqual(summary.result().stalePods, [
      {
        firstSeenMs: Date.parse('2026-12-02T16:22:58.128Z'),
        lastSeenMs: Date.parse('2026-12-02T16:22:58.128Z'),
        requests: 1,
        userAgents: ['curl/7.88.1'],
        sourceIPs: ['127.0.0.1'],
        namespace: 'rec-audit',
        pod: 'patroni-0',
        podUid: POD_UID,
        serviceAccount: 'app',
        subject: SA,
        maxSecondsAfterWarning: 3594,
      },
    ]);
  },

  'token-stale.jwt': () => {
    // The token behind audit-stale-token.jsonl: its warnafter explains the annotation's 3594 s.
    const t = payloadOf('token-stale.jwt');
    assert.equal(t.kid, KID);
    assert.equal(t.pod, 'patroni-0');
    assert.ok(t.warnAfter !== undefined && t.iat !== undefined && t.exp !== undefined);
    assert.equal(t.warnAfter - t.iat, 3607);
    assert.equal(t.exp - t.iat, 365 * 24 * 3600);
    const received = Math.floor(Date.parse('2026-12-02T16:22:58.128529Z') / 1000);
    assert.equal(received - t.warnAfter, 3594);
  },

  'token-bound-pod-deleted.jwt': () => {
    const t = payloadOf('token-bound-pod-deleted.jwt');
    assert.equal(t.kid, KID);
    assert.equal(t.pod, 'patroni-0');
    assert.ok(t.warnAfter !== undefined && t.iat !== undefined);
    assert.equal(t.warnAfter - t.iat, 3607);
  },

  'token-expired.jwt': () => {
    // Expired before the request of audit-401-expired.jsonl, and without warnafter.
    const t = payloadOf('token-expired.jwt');
    assert.equal(t.kid, KID);
    assert.equal(t.warnAfter, undefined);
    assert.ok(t.exp !== undefined && t.exp < Date.parse('2026-12-02T16:22:58Z') / 1000);
  },

  'token-legacy.jwt': () => {
    const decoded = decodeToken(text('token-legacy.jwt'));
    assert.ok(decoded.ok);
    assert.equal(decoded.token.claims.legacy, true);
    assert.equal(decoded.token.claims.sub, SA);
    assert.equal(decoded.token.claims.exp, undefined);
  },

  'jwks.json': () => {
    const jwks = JSON.parse(text('jwks.json')) as { keys: { kid: string; alg: string }[] };
    assert.deepEqual(
      jwks.keys.map((k) => [k.kid, k.alg]),
      [[KID, 'RS256']],
    );
  },

  'audit-legacy-token.jsonl': async () => {
    const events = await auditEvents('audit-legacy-token.jsonl');
    assert.deepEqual(
      events.map((e) => [e.stage, e.code, e.legacyTokenSubject, e.staleToken]),
      [
        ['RequestReceived', undefined, SA, undefined],
        ['ResponseComplete', 403, SA, undefined],
      ],
    );
    // A legacy token names no pod.
    assert.equal(events[0]?.user?.podName, undefined);
    const summary = new AuditSummary();
    events.forEach((e) => summary.add(e));
    const { legacyTokens, stalePods, unauthorized } = summary.result();
    assert.deepEqual([stalePods, unauthorized], [[], []]);
    assert.deepEqual(
      legacyTokens.map((l) => [l.subject, l.namespace, l.serviceAccount, l.requests]),
      [[SA, 'rec-audit', 'app', 1]],
    );
  },

  'audit-401-expired.jsonl': async () => {
    const events = await auditEvents('audit-401-expired.jsonl');
    assert.deepEqual(
      events.map((e) => [e.stage, e.code, e.user, e.sourceIPs, e.userAgent]),
      [['ResponseStarted', 401, undefined, ['127.0.0.1'], 'curl/7.88.1']],
    );
  },

  'audit-401-invalidated.jsonl': async () => {
    const events = await auditEvents('audit-401-invalidated.jsonl');
    assert.deepEqual(
      events.map((e) => [e.stage, e.code, e.user, e.auditID]),
      [['ResponseStarted', 401, undefined, 'c18a541e-2422-4a5e-ae3a-b396ffb98944']],
    );
    const summary = new AuditSummary();
    for (const name of ['audit-401-expired.jsonl', 'audit-401-invalidated.jsonl']) (await auditEvents(name)).forEach((e) => summary.add(e));
    assert.deepEqual(
      summary.result().unauthorized.map((u) => [u.sourceIP, u.userAgent, u.requests, u.username]),
      [['127.0.0.1', 'curl/7.88.1', 2, undefined]],
    );
  },

  'kube-apiserver-unauthenticated.log': () => {
    const log = text('kube-apiserver-unauthenticated.log');
    const reference = Date.parse('2026-12-02T18:00:00Z');
    assert.deepEqual(
      log
        .trim()
        .split('\n')
        .map((l) => parseApiserverLogLine(l, reference)),
      [
        { atMs: Date.parse('2026-12-02T16:22:58.176Z'), reason: 'expired', error: '[invalid bearer token, service account token has expired]' },
        { atMs: Date.parse('2026-12-02T16:23:27.442Z'), reason: 'invalidated', error: '[invalid bearer token, service account token has been invalidated]' },
      ],
    );
    assert.deepEqual(countAuthFailures(log, reference), {
      expired: 1,
      invalidated: 1,
      other: 0,
      total: 2,
      firstMs: Date.parse('2026-12-02T16:22:58.176Z'),
      lastMs: Date.parse('2026-12-02T16:23:27.442Z'),
      otherErrors: {},
    });
  },

  'metrics-authentication.txt': () => {
    const sample = parseMetrics(text('metrics-authentication.txt'), 1000);
    assert.equal(sample.malformed, 0);
    assert.deepEqual(sample.series, [
      { name: 'authentication_attempts', labels: { result: 'error' }, value: 2 },
      { name: 'authentication_attempts', labels: { result: 'success' }, value: 1037 },
      { name: 'serviceaccount_legacy_tokens_total', labels: {}, value: 1 },
      { name: 'serviceaccount_stale_tokens_total', labels: {}, value: 1 },
      { name: 'serviceaccount_valid_tokens_total', labels: {}, value: 1 },
    ]);
    assert.deepEqual(tokenCounters(sample), { stale: 1, legacy: 1, valid: 1, attempts: { error: 2, success: 1037 } });
  },
};

describe('control-plane fixtures (real kube-apiserver v1.28.7)', () => {
  it('has a check for every recorded file, and a file for every check', () => {
    assert.deepEqual(readdirSync(DIR).sort(), Object.keys(CHECKS).sort());
  });

  for (const [name, check] of Object.entries(CHECKS)) {
    it(`reads ${name}`, async () => {
      await check();
    });
  }
});
