import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expiryOf } from '../../../src/token/expiry';
import { describeDuration, describeExpiry, formatInstant, localInstant, localOffsetMinutes } from '../../../src/token/relativeTime';

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;
const YEAR = 365 * DAY;

describe('describeDuration', () => {
  const cases: [number, string, string][] = [
    [0, '0 s', '0s'],
    [42, '42 s', '42s'],
    [42 * MIN + 59, '42 min', '42m'],
    [3 * HOUR, '3 h', '3h'],
    [3 * HOUR + 5 * MIN + 30, '3 h 5 min', '3h'],
    [DAY, '1 day', '1d'],
    [DAY + 4 * HOUR, '1 day 4 h', '1d'],
    [2 * DAY + 23 * HOUR, '2 days', '2d'],
    [3 * DAY, '3 days', '3d'],
    [364 * DAY + 23 * HOUR, '364 days', '364d'],
    // A year or more reads in years: kubeadm's 8760 h certificate is "1 year", its 87600 h CA "10 years".
    [365 * DAY, '1 year', '1y'],
    [8760 * HOUR, '1 year', '1y'],
    [YEAR + 31 * DAY, '1 year 1 month', '1y'],
    [YEAR + 61 * DAY, '1 year 2 months', '1y'],
    [2 * YEAR + 30 * DAY, '2 years', '2y'],
    [3649 * DAY, '9 years 11 months', '9y'],
    [87600 * HOUR, '10 years', '10y'],
    [10 * YEAR + 364 * DAY, '10 years 11 months', '10y'],
  ];
  for (const [seconds, long, short] of cases) {
    it(`${seconds} s → "${long}" / "${short}"`, () => {
      assert.equal(describeDuration(seconds, 'long'), long);
      assert.equal(describeDuration(seconds, 'short'), short);
    });
  }
  it('ignores the sign and survives non-numbers', () => {
    assert.equal(describeDuration(-42 * MIN, 'long'), '42 min');
    assert.equal(describeDuration(Number.NaN, 'short'), '0s');
  });
});

describe('describeExpiry', () => {
  const now = 1_795_316_797;
  it('a credential that expires later', () => {
    const info = expiryOf({ issuedAtSec: now - HOUR, expiresAtSec: now + 42 * MIN }, now);
    assert.equal(describeExpiry(info, now, 'long'), 'expires in 42 min');
    assert.equal(describeExpiry(info, now, 'short'), 'expires in 42 min');
    const later = expiryOf({ expiresAtSec: now + 3 * HOUR + 5 * MIN }, now);
    assert.equal(describeExpiry(later, now, 'long'), 'expires in 3 h 5 min');
    assert.equal(describeExpiry(later, now, 'short'), 'expires in 3 h');
  });

  it('a credential that expires years from now says years, in sentences and labels', () => {
    const ca = expiryOf({ issuedAtSec: now - DAY, expiresAtSec: now + 3649 * DAY }, now);
    assert.equal(describeExpiry(ca, now, 'long'), 'expires in 9 years 11 months');
    assert.equal(describeExpiry(ca, now, 'short'), 'expires in 9 y');
    const old = expiryOf({ expiresAtSec: now - 2 * YEAR - 5 * DAY }, now);
    assert.equal(describeExpiry(old, now, 'long'), 'expired 2 years ago');
  });

  it('an expired credential', () => {
    const info = expiryOf({ expiresAtSec: now - 2 * DAY - 5 * HOUR }, now);
    assert.equal(describeExpiry(info, now, 'long'), 'expired 2 days ago');
    assert.equal(describeExpiry(info, now, 'short'), 'expired 2 d ago');
    assert.equal(describeExpiry(expiryOf({ expiresAtSec: now }, now), now, 'long'), 'expired just now');
  });

  it('no expiry, and not yet valid', () => {
    assert.equal(describeExpiry(expiryOf({}, now), now, 'long'), 'no expiry');
    const early = expiryOf({ notBeforeSec: now + 5 * MIN, expiresAtSec: now + HOUR }, now);
    assert.equal(describeExpiry(early, now, 'long'), 'not valid for another 5 min');
  });

  it('measures from the now it is given, not the one the info was made at', () => {
    const info = expiryOf({ expiresAtSec: now + HOUR }, now);
    assert.equal(describeExpiry(info, now + 30 * MIN, 'long'), 'expires in 30 min');
  });
});

describe('formatInstant', () => {
  it('gives UTC as ISO without milliseconds', () => {
    assert.equal(formatInstant(1_795_316_797).utc, '2026-11-22T03:06:37 UTC');
  });
  it('gives local time with the offset, naming the same instant', () => {
    for (const s of [1_795_316_797, 0, 1_782_000_000]) {
      const { local } = formatInstant(s);
      assert.match(local, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
      assert.equal(Date.parse(local), s * 1000);
    }
  });
  it('gives the local time at the offset it is given, the same instant', () => {
    assert.equal(formatInstant(1_795_316_797, 60).local, '2026-11-22T04:06:37+01:00');
    assert.equal(formatInstant(1_795_316_797, -330).local, '2026-11-21T21:36:37-05:30');
    assert.equal(formatInstant(1_795_316_797, 0).local, '2026-11-22T03:06:37+00:00');
    assert.equal(Date.parse(formatInstant(1_795_316_797, 345).local), 1_795_316_797_000);
  });
  it('gives a local time only where local time is not UTC at that instant', () => {
    assert.equal(localInstant(1_795_316_797, 0), undefined);
    assert.equal(localInstant(1_795_316_797, 60), '2026-11-22T04:06:37+01:00');
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      assert.equal(localOffsetMinutes(1_795_316_797), 0);
      assert.equal(localInstant(1_795_316_797), undefined);
      // London is UTC in winter and UTC+1 in summer: the offset is the one at that instant.
      process.env.TZ = 'Europe/London';
      assert.equal(localInstant(Date.UTC(2026, 0, 15, 12) / 1000), undefined);
      assert.equal(localInstant(Date.UTC(2026, 6, 15, 12) / 1000), '2026-07-15T13:00:00+01:00');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
  it('does not throw on times a Date cannot hold', () => {
    assert.deepEqual(formatInstant(Number.NaN), { utc: 'invalid time', local: 'invalid time' });
    assert.deepEqual(formatInstant(1e20), { utc: 'invalid time', local: 'invalid time' });
    assert.equal(localOffsetMinutes(Number.NaN), 0);
  });
});
