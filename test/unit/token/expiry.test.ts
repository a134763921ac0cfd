import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_EXPIRY_OPTIONS,
  certificateExpiry,
  expiryOf,
  nextStateChange,
  stateSeverityRank,
  tokenExpiry,
  type ExpiryTimes,
} from '../../../src/token/expiry';
import { decodeToken } from '../../../src/token/jwt';
import type { CertificateInfo, CredentialState, DecodedToken } from '../../../src/token/types';
import { fixtureToken, type FixtureVersion } from '../../support/fixtureTokens';

function decoded(version: FixtureVersion, file: string): DecodedToken {
  const r = decodeToken(fixtureToken(version, file).raw);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.token;
}

function num(v: number | undefined): number {
  assert.equal(typeof v, 'number');
  return v ?? Number.NaN;
}

describe('expiry defaults', () => {
  it('warns 24 h ahead, or 20 % of the lifetime when that is shorter', () => {
    assert.deepEqual({ ...DEFAULT_EXPIRY_OPTIONS }, { windowSeconds: 86400, windowFraction: 0.2 });
  });
});

for (const version of ['v1.28', 'v1.32'] as const) {
  describe(`tokenExpiry on ${version} tokens`, () => {
    it('a 600 s token: valid, expiring for its last 120 s, expired at exp', () => {
      const t = decoded(version, 'api-bound-pod-600s.jwt');
      const iat = num(t.claims.iat);
      const exp = num(t.claims.exp);
      assert.equal(exp - iat, 600);
      const atIat = tokenExpiry(t, iat);
      assert.equal(atIat.state, 'valid');
      assert.equal(atIat.lifetimeSeconds, 600);
      assert.equal(atIat.secondsLeft, 600);
      assert.equal(atIat.expiringFrom, exp - 120);
      assert.equal(nextStateChange(atIat), exp - 120);
      assert.equal(tokenExpiry(t, exp - 121).state, 'valid');
      const expiring = tokenExpiry(t, exp - 120);
      assert.equal(expiring.state, 'expiring');
      assert.equal(nextStateChange(expiring), exp);
      assert.equal(tokenExpiry(t, exp - 1).state, 'expiring');
      const expired = tokenExpiry(t, exp);
      assert.equal(expired.state, 'expired');
      assert.equal(expired.secondsLeft, 0);
      assert.equal(nextStateChange(expired), undefined);
      assert.equal(tokenExpiry(t, exp + 3 * 86400).secondsLeft, -3 * 86400);
    });

    it('before nbf a token is not yet valid, and becomes valid at nbf', () => {
      const t = decoded(version, 'api-bound-pod-600s.jwt');
      const nbf = num(t.claims.nbf);
      const early = tokenExpiry(t, nbf - 30);
      assert.equal(early.state, 'notYetValid');
      assert.equal(nextStateChange(early), nbf);
      assert.equal(tokenExpiry(t, nbf).state, 'valid');
    });

    it('a 24 h token: the 20 % window (4.8 h) is shorter than 24 h and wins', () => {
      const t = decoded(version, 'payments-default-24h.jwt');
      const exp = num(t.claims.exp);
      const info = tokenExpiry(t, num(t.claims.iat));
      assert.equal(info.expiringFrom, exp - 17280);
      assert.equal(tokenExpiry(t, exp - 17281).state, 'valid');
      assert.equal(tokenExpiry(t, exp - 17280).state, 'expiring');
    });

    it('an extended 3607 s token: valid until warnafter, then stale for a year, then expired', () => {
      const t = decoded(version, 'api-bound-pod-3607s.jwt');
      const iat = num(t.claims.iat);
      const exp = num(t.claims.exp);
      const warnAfter = num(t.claims.kubernetes?.warnAfter);
      const fresh = tokenExpiry(t, iat + 60);
      assert.equal(fresh.state, 'valid');
      assert.equal(fresh.warnAfter, warnAfter);
      assert.equal(fresh.expiringFrom, exp - 86400);
      assert.equal(nextStateChange(fresh), warnAfter);
      assert.equal(tokenExpiry(t, warnAfter - 1).state, 'valid');
      const stale = tokenExpiry(t, warnAfter);
      assert.equal(stale.state, 'stale');
      assert.equal(nextStateChange(stale), exp);
      // Inside the expiring window it is still reported stale: the worse of the two.
      assert.equal(tokenExpiry(t, exp - 3600).state, 'stale');
      assert.equal(tokenExpiry(t, exp).state, 'expired');
    });

    it('the legacy Secret token never expires', () => {
      const t = decoded(version, 'patroni-legacy-secret.jwt');
      const info = tokenExpiry(t, 1_795_316_797);
      assert.equal(info.state, 'noExpiry');
      assert.equal(info.secondsLeft, undefined);
      assert.equal(info.lifetimeSeconds, undefined);
      assert.equal(nextStateChange(info), undefined);
    });
  });
}

describe('expiryOf', () => {
  it('uses the absolute window when the lifetime is unknown', () => {
    const info = expiryOf({ expiresAtSec: 2_000_000 }, 1_000_000);
    assert.equal(info.lifetimeSeconds, undefined);
    assert.equal(info.expiringFrom, 2_000_000 - 86400);
    assert.equal(expiryOf({ expiresAtSec: 2_000_000 }, 2_000_000 - 86400).state, 'expiring');
  });

  it('takes options: a shorter absolute window or another fraction', () => {
    const times = { issuedAtSec: 0, expiresAtSec: 600 };
    assert.equal(expiryOf(times, 0, { windowSeconds: 60 }).expiringFrom, 540);
    assert.equal(expiryOf(times, 0, { windowFraction: 0.5 }).expiringFrom, 300);
    // Nonsense options fall back to sane bounds instead of throwing.
    assert.equal(expiryOf(times, 0, { windowSeconds: -5, windowFraction: Number.NaN }).expiringFrom, 600);
  });

  it('falls back to nbf for the lifetime when iat is missing', () => {
    assert.equal(expiryOf({ notBeforeSec: 100, expiresAtSec: 1100 }, 200).lifetimeSeconds, 1000);
  });

  it('ignores non-finite times', () => {
    const info = expiryOf({ issuedAtSec: Number.NaN, expiresAtSec: Number.POSITIVE_INFINITY }, 5);
    assert.equal(info.state, 'noExpiry');
    assert.equal(info.issuedAt, undefined);
  });

  it('nextStateChange is the first second of the next state, for any times', () => {
    const times = fc.record(
      {
        issuedAtSec: fc.integer({ min: 0, max: 1_000_000 }),
        notBeforeSec: fc.integer({ min: 0, max: 1_000_000 }),
        expiresAtSec: fc.integer({ min: 0, max: 2_000_000 }),
        warnAfterSec: fc.integer({ min: 0, max: 2_000_000 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(times, fc.integer({ min: 0, max: 2_100_000 }), (t: ExpiryTimes, now) => {
        const info = expiryOf(t, now);
        const next = nextStateChange(info);
        if (next === undefined) {
          // Nothing changes any more: a year later the state is the same.
          assert.equal(expiryOf(t, now + 365 * 86400).state, info.state);
          return;
        }
        assert.ok(next > now);
        assert.equal(expiryOf(t, next - 1 >= now ? next - 1 : now).state, info.state);
        assert.notEqual(expiryOf(t, next).state, info.state);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('certificateExpiry', () => {
  const cert: CertificateInfo = {
    subject: 'CN=admin',
    issuer: 'CN=ca',
    commonName: 'admin',
    organizations: ['system:masters'],
    notBeforeSec: 1_000_000,
    notAfterSec: 1_000_000 + 365 * 86400,
    serialNumber: '01',
    isCA: false,
    fingerprint256: 'AA',
  };
  it('uses not-before and not-after, with the 24 h window for a one-year certificate', () => {
    const info = certificateExpiry(cert, 1_000_000);
    assert.equal(info.state, 'valid');
    assert.equal(info.lifetimeSeconds, 365 * 86400);
    assert.equal(info.expiringFrom, cert.notAfterSec - 86400);
    assert.equal(certificateExpiry(cert, cert.notAfterSec - 10).state, 'expiring');
    assert.equal(certificateExpiry(cert, cert.notAfterSec).state, 'expired');
    assert.equal(certificateExpiry(cert, cert.notBeforeSec - 1).state, 'notYetValid');
  });
});

describe('stateSeverityRank', () => {
  it('sorts worst first: expired, stale, expiring, notYetValid, noExpiry, valid', () => {
    const states: CredentialState[] = ['valid', 'noExpiry', 'expiring', 'expired', 'notYetValid', 'stale'];
    const sorted = [...states].sort((a, b) => stateSeverityRank(b) - stateSeverityRank(a));
    assert.deepEqual(sorted, ['expired', 'stale', 'expiring', 'notYetValid', 'noExpiry', 'valid']);
  });
});
