// refreshStalled and notReloading on hand-built evidence, and diagnose() folding the symptoms
// (expired, expiring, stale) of a token into the finding that names their cause.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../../src/diagnosis/diagnose';
import { DEFAULT_DIAGNOSE_OPTIONS } from '../../../src/diagnosis/ruleKit';
import { notReloadingRule } from '../../../src/diagnosis/rules/notReloading';
import { refreshStalledRule } from '../../../src/diagnosis/rules/refreshStalled';
import { HOUR, MIN, S0, T0, evidenceWith, observation, pod, unauthorized } from './builders';

const opts = DEFAULT_DIAGNOSE_OPTIONS;
const patroni = (): ReturnType<typeof pod> =>
  pod({
    namespace: 'db',
    name: 'patroni-0',
    uid: 'uid-patroni',
    serviceAccount: 'patroni',
    owner: { kind: 'StatefulSet', name: 'patroni' },
    workload: { kind: 'StatefulSet', name: 'patroni' },
    containers: [{ name: 'patroni', restartCount: 0, ready: true }],
    claims: [{ volume: 'data', claimName: 'data-patroni-0', terminating: true, deletionRequestedAtMs: T0 + 10 * MIN, found: true }],
  });

describe('refreshStalled rule', () => {
  it('names the Terminating PVC and the upstream fix when the token outlives its refresh point', () => {
    const p = patroni();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      // 3607 s token: refresh point at 80 % = 2885 s after issue.
      ev.observations.push(observation(p, 'aaaa', S0, 3607, T0, T0 + 55 * MIN));
    });
    const [f, ...rest] = refreshStalledRule(e, T0 + 55 * MIN, opts);
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.rule, 'refreshStalled');
    assert.equal(f.cause, 'pvcTerminating');
    assert.equal(f.severity, 'warning');
    assert.match(f.explanation, /PVC db\/data-patroni-0 it mounts is Terminating since 2026-01-10 08:10:00 UTC/);
    assert.match(f.explanation, /Kubernetes PR 130335/);
    assert.match(f.explanation, /should have been replaced at 2026-01-10 08:48:06 UTC/);
    assert.ok(f.evidence.some((x) => x.text.includes('kubelet refresh point')));
    assert.deepEqual(
      f.actions.map((a) => a.command),
      ['clusterCredentials.showTokenHealth', 'clusterCredentials.restartPod', 'clusterCredentials.rolloutRestart'],
    );
    assert.match(f.actions[1]?.title ?? '', /Terminating PVC is then deleted/);
  });

  it('names a terminating pod, and errors once the token expired', () => {
    const p = pod({ deletionRequestedAtMs: T0 + 5 * MIN });
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'aaaa', S0, 3607, T0, T0 + 2 * HOUR));
    });
    const [f] = refreshStalledRule(e, T0 + 2 * HOUR, opts);
    assert.ok(f);
    assert.equal(f.cause, 'podTerminating');
    assert.equal(f.severity, 'error');
    assert.match(f.explanation, /has expired: the pod is Terminating since 2026-01-10 08:05:00 UTC/);
  });

  it('sees an exp that stayed the same across observations spanning the refresh point', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'aaaa', S0, 3607, T0 + 10 * MIN), observation(p, 'aaaa', S0, 3607, T0 + 52 * MIN));
    });
    const [f] = refreshStalledRule(e, T0 + 52 * MIN, opts);
    assert.ok(f);
    assert.equal(f.cause, 'unknown');
    assert.match(f.explanation, /kubelet log on node-1/);
  });

  it('is silent when the kubelet refreshed on time, within the grace, or a newer token ended the stall', () => {
    const p = pod();
    const onTime = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'a', S0, 3607, T0, T0 + 48 * MIN), observation(p, 'b', S0 + 2886, 3607, T0 + 48 * MIN + 10_000, T0 + 90 * MIN));
    });
    assert.deepEqual(refreshStalledRule(onTime, T0 + 90 * MIN, opts), []);
    const grace = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'a', S0, 3607, T0, T0 + 48 * MIN + 30_000));
    });
    assert.deepEqual(refreshStalledRule(grace, T0 + 49 * MIN, opts), []);
  });
});

describe('notReloading rule', () => {
  it('says restart now and re-read the file when 401 lines go on after a rotation', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(
        observation(p, 'aaaa1111', S0, 3607, T0, T0 + 48 * MIN),
        observation(p, 'bbbb2222', S0 + 2886, 3607, T0 + 48 * MIN + 6_000, T0 + 70 * MIN),
      );
      ev.unauthorized.push(
        unauthorized(p, T0 + 30 * MIN, 'unrelated 401 before'),
        unauthorized(p, T0 + 61 * MIN, 'GET /apis 401 Unauthorized Bearer eyJ…[token sha256:aaaa1111]'),
        unauthorized(p, T0 + 62 * MIN),
      );
    });
    const [f, ...rest] = notReloadingRule(e, T0 + 70 * MIN, opts);
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.equal(f.cause, 'appNotReloading');
    assert.equal(f.title, 'gateway/apisix-7d9f-abcde does not reload its rotated token');
    assert.match(
      f.explanation,
      /new token to \/var\/run\/secrets\/kubernetes.io\/serviceaccount\/token at 2026-01-10 08:48:06 UTC, yet 2 401 lines followed \(from 2026-01-10 09:01:00 UTC to 2026-01-10 09:02:00 UTC\), naming the old token/,
    );
    assert.match(f.explanation, /restart the pod now and make the app re-read its token file/);
    assert.equal(f.actions[0]?.title, 'Restart pod now');
    assert.equal(f.actions[0]?.command, 'clusterCredentials.restartPod');
    assert.ok(f.evidence.some((x) => x.text.startsWith('rotation: the kubelet wrote a new token bbbb2222')));
    assert.ok(f.evidence.some((x) => x.text.includes('the old token expired at 2026-01-10 09:00:07 UTC')));
  });

  it('is silent without a rotation, without 401s after it, or when the 401s name the new token', () => {
    const p = pod();
    const base = (): ReturnType<typeof evidenceWith> =>
      evidenceWith((ev) => {
        ev.pods.push(p);
        ev.observations.push(observation(p, 'aaaa1111', S0, 3607, T0, T0 + 48 * MIN), observation(p, 'bbbb2222', S0 + 2886, 3607, T0 + 48 * MIN + 6_000));
      });
    assert.deepEqual(notReloadingRule(base(), T0 + 70 * MIN, opts), []);
    const before = base();
    before.unauthorized.push(unauthorized(p, T0 + 40 * MIN));
    assert.deepEqual(notReloadingRule(before, T0 + 70 * MIN, opts), []);
    const newer = base();
    newer.unauthorized.push(unauthorized(p, T0 + 60 * MIN, '401 Bearer eyJ…[token sha256:bbbb2222]'));
    assert.deepEqual(notReloadingRule(newer, T0 + 70 * MIN, opts), []);
  });
});

describe('diagnose', () => {
  it('folds the expired symptom into the stalled refresh that caused it, worst first', () => {
    const p = patroni();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'aaaa', S0, 3607, T0, T0 + 2 * HOUR));
      ev.legacySecrets.push({ namespace: 'db', name: 'old-token', referencedByServiceAccount: true, mountedBy: [], lastUsed: '2025-12-01' });
    });
    const findings = diagnose(e, T0 + 2 * HOUR);
    assert.deepEqual(
      findings.map((f) => f.rule),
      ['refreshStalled', 'legacyToken'],
    );
    assert.equal(findings[0]?.severity, 'error');
    assert.ok(
      findings[0]?.evidence.some((x) => x.text.startsWith('exp reached at')),
      'the expired evidence moved into the cause',
    );
  });

  it('finds nothing in healthy evidence', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'a', S0, 3607, T0, T0 + 48 * MIN), observation(p, 'b', S0 + 2886, 3607, T0 + 48 * MIN + 5_000, T0 + 60 * MIN));
    });
    assert.deepEqual(diagnose(e, T0 + 60 * MIN), []);
  });
});
