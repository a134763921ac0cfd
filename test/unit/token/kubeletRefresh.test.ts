import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveTokenTiming } from '../../../src/cluster/inventory/tokenTiming';
import { DEFAULT_DIAGNOSE_OPTIONS } from '../../../src/diagnosis/ruleKit';
import { refreshStalledRule } from '../../../src/diagnosis/rules/refreshStalled';
import { decodeToken } from '../../../src/token/jwt';
import {
  isRefreshOverdue,
  kubeletRefreshPoint,
  refreshGraceSeconds,
  refreshOverdueAt,
  requestedLifetime,
  type RefreshTimes,
} from '../../../src/token/kubeletRefresh';
import type { DecodedToken } from '../../../src/token/types';
import { fixtureToken, type FixtureVersion } from '../../support/fixtureTokens';
import { evidenceWith, observation, pod } from '../diagnosis/builders';

function decoded(version: FixtureVersion, file: string): DecodedToken {
  const r = decodeToken(fixtureToken(version, file).raw);
  assert.ok(r.ok);
  return r.token;
}

function times(version: FixtureVersion, file: string): RefreshTimes & { requested: number | null } {
  const { iat, exp, kubernetes } = decoded(version, file).claims;
  assert.ok(iat !== undefined && exp !== undefined);
  const requested = fixtureToken(version, file).entry.expiration_seconds_requested;
  const t: RefreshTimes & { requested: number | null } = { issuedAt: iat, expiresAt: exp, requested };
  if (kubernetes?.warnAfter !== undefined) t.warnAfter = kubernetes.warnAfter;
  return t;
}

for (const version of ['v1.28', 'v1.32'] as const) {
  describe(`kubelet refresh point on ${version} tokens`, () => {
    it('an extended token: 80 % of the 3607 s the kubelet asked for, not of the one-year exp', () => {
      const t = times(version, 'api-bound-pod-3607s.jwt');
      assert.equal(t.requested, 3607);
      assert.equal(requestedLifetime(t), 3607);
      // 3607 * 20 / 100 = 721 in integer arithmetic.
      assert.equal(kubeletRefreshPoint(t), t.issuedAt + 3607 - 721);
      // Overdue only after the 120 s grace (a tenth of 3607 s is longer).
      assert.equal(refreshGraceSeconds(t), 120);
      assert.equal(isRefreshOverdue(t, t.issuedAt + 2886 + 120), false);
      assert.equal(isRefreshOverdue(t, t.issuedAt + 2886 + 121), true);
    });

    it('a 600 s token: after 480 s', () => {
      const t = times(version, 'api-bound-pod-600s.jwt');
      assert.equal(requestedLifetime(t), 600);
      assert.equal(kubeletRefreshPoint(t), t.issuedAt + 480);
      // A tenth of its life, 60 s, so a stall shows 60 s before it expires.
      assert.equal(refreshGraceSeconds(t), 60);
      assert.equal(isRefreshOverdue(t, t.issuedAt + 540), false);
      assert.equal(isRefreshOverdue(t, t.issuedAt + 541), true);
    });

    it('a 24 h token: 80 % (19.2 h) comes before 24 h', () => {
      const t = times(version, 'payments-default-24h.jwt');
      assert.equal(requestedLifetime(t), 86400);
      assert.equal(kubeletRefreshPoint(t), t.issuedAt + 69120);
    });
  });
}

describe('kubelet refresh point on hand-made lifetimes', () => {
  it('a 48 h token is refreshed 24 h after issue, before 80 %', () => {
    assert.equal(kubeletRefreshPoint({ issuedAt: 1000, expiresAt: 1000 + 48 * 3600 }), 1000 + 86400);
  });

  it('ignores a warnafter that is not after iat, and a lifetime that is not positive', () => {
    assert.equal(kubeletRefreshPoint({ issuedAt: 1000, expiresAt: 1600, warnAfter: 900 }), 1480);
    assert.equal(kubeletRefreshPoint({ issuedAt: 1000, expiresAt: 900 }), 1000);
  });
});

describe('the explorer and the diagnosis share one overdue rule', () => {
  /** Whether the explorer's live token node says "Refresh overdue", and whether refreshStalled finds a stall, at `now` (seconds). */
  function verdicts(token: DecodedToken, now: number): { tree: boolean; diagnosis: boolean } {
    const { iat, exp, kubernetes } = token.claims;
    assert.ok(iat !== undefined && exp !== undefined);
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.observations.push(observation(p, 'aaaa', iat, exp - iat, iat * 1000, now * 1000, kubernetes?.warnAfter));
    });
    return { tree: liveTokenTiming(token, now).refreshOverdue, diagnosis: refreshStalledRule(e, now * 1000, DEFAULT_DIAGNOSE_OPTIONS).length > 0 };
  }

  for (const file of ['api-bound-pod-3607s.jwt', 'api-bound-pod-600s.jwt']) {
    it(`${file}: neither before the grace ends, both one second after`, () => {
      const token = decoded('v1.32', file);
      const t = times('v1.32', file);
      const overdueAt = refreshOverdueAt(t);
      assert.ok(overdueAt > kubeletRefreshPoint(t));
      assert.deepEqual(verdicts(token, kubeletRefreshPoint(t) + 1), { tree: false, diagnosis: false });
      assert.deepEqual(verdicts(token, overdueAt), { tree: false, diagnosis: false });
      assert.deepEqual(verdicts(token, overdueAt + 1), { tree: true, diagnosis: true });
    });
  }

  it('a token 90 s past its refresh point (one late kubelet resync) is neither stalled nor overdue', () => {
    const token = decoded('v1.32', 'api-bound-pod-3607s.jwt');
    assert.deepEqual(verdicts(token, kubeletRefreshPoint(times('v1.32', 'api-bound-pod-3607s.jwt')) + 90), { tree: false, diagnosis: false });
  });
});
