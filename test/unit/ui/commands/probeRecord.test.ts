// A probe's traces: the ProbeResult, the 401 event for history, and the "401 under concurrency" finding
// the diagnosis draws from it; a later clean probe of the same token withdraws the finding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeOutcome } from '../../../../src/cluster/actions/probeConcurrency';
import { ProbeFindings, probeFindings, probeHistoryEvent, probeResultOf } from '../../../../src/ui/commands/probeRecord';

const outcome: ProbeOutcome = {
  fingerprint: '0123456789abcdef',
  path: '/version',
  total: 20,
  ok: 16,
  unauthorized: 4,
  other: 0,
  cancelled: 0,
  statuses: { '200': 16, '401': 4 },
  failures: [],
  p50Ms: 10.2,
  p99Ms: 55.7,
};
const subject = { context: 'rancher', namespace: 'cattle', serviceAccount: 'agent' };

describe('probe record', () => {
  it('maps the outcome onto the diagnosis ProbeResult', () => {
    assert.deepEqual(probeResultOf(outcome, subject, 1000), {
      atMs: 1000,
      tokenFingerprint: '0123456789abcdef',
      subject,
      total: 20,
      ok: 16,
      unauthorized: 4,
      other: 0,
      p50Ms: 10,
      p99Ms: 56,
    });
  });

  it('records a probe 401 event, and none for a clean probe', () => {
    const r = probeResultOf(outcome, subject, 1000);
    assert.deepEqual(probeHistoryEvent(r, '/version'), {
      kind: 'unauthorized',
      at: 1000,
      subject,
      source: 'probe',
      pattern: 'probe',
      line: 'concurrency probe: 4 of 20 parallel requests to /version with token sha256:0123456789abcdef got 401, 16 passed',
      count: 4,
    });
    assert.equal(probeHistoryEvent(probeResultOf({ ...outcome, ok: 20, unauthorized: 0 }, subject, 1000), '/version'), undefined);
  });

  it('401s among successes become a "401 under concurrency" finding; all-401 does not', () => {
    const [f, ...rest] = probeFindings(probeResultOf(outcome, subject, 1000), 'rancher', 2000);
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.rule, 'concurrent401');
    assert.match(f.title, /401 under concurrency/);
    assert.match(f.explanation, /4 of 20 parallel requests/);
    assert.deepEqual(f.target, { kind: 'serviceAccount', context: 'rancher', namespace: 'cattle', name: 'agent' });
    assert.deepEqual(probeFindings(probeResultOf({ ...outcome, ok: 0, unauthorized: 20 }, subject, 1000), 'rancher', 2000), []);
  });

  it('keeps one set of findings per token; a clean probe of it withdraws them', () => {
    const findings = new ProbeFindings();
    findings.record(probeResultOf(outcome, subject, 1000), 'rancher', 1000);
    findings.record(probeResultOf({ ...outcome, fingerprint: 'ffff' }, subject, 1000), 'rancher', 1000);
    assert.equal(findings.all().length, 2);
    findings.record(probeResultOf({ ...outcome, ok: 20, unauthorized: 0 }, subject, 2000), 'rancher', 2000);
    assert.equal(findings.all().length, 1);
  });
});
