import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeToken } from '../../../src/token/jwt';
import { isRefreshOverdue, kubeletRefreshPoint, requestedLifetime, type RefreshTimes } from '../../../src/token/kubeletRefresh';
import { fixtureToken, type FixtureVersion } from '../../support/fixtureTokens';

function times(version: FixtureVersion, file: string): RefreshTimes & { requested: number | null } {
  const fixture = fixtureToken(version, file);
  const r = decodeToken(fixture.raw);
  assert.ok(r.ok);
  const { iat, exp, kubernetes } = r.token.claims;
  assert.ok(iat !== undefined && exp !== undefined);
  const t: RefreshTimes & { requested: number | null } = { issuedAt: iat, expiresAt: exp, requested: fixture.entry.expiration_seconds_requested };
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
      assert.equal(isRefreshOverdue(t, t.issuedAt + 2886), false);
      assert.equal(isRefreshOverdue(t, t.issuedAt + 2887), true);
    });

    it('a 600 s token: after 480 s', () => {
      const t = times(version, 'api-bound-pod-600s.jwt');
      assert.equal(requestedLifetime(t), 600);
      assert.equal(kubeletRefreshPoint(t), t.issuedAt + 480);
      assert.equal(isRefreshOverdue(t, t.issuedAt + 480), false);
      assert.equal(isRefreshOverdue(t, t.issuedAt + 481), true);
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
