import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expiryOf } from '../../../src/token/expiry';
import { describeDuration, describeExpiry, formatInstant } from '../../../src/token/relativeTime';

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

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
    [365 * DAY, '365 days', '365d'],
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
  it('does not throw on times a Date cannot hold', () => {
    assert.deepEqual(formatInstant(Number.NaN), { utc: 'invalid time', local: 'invalid time' });
    assert.deepEqual(formatInstant(1e20), { utc: 'invalid time', local: 'invalid time' });
  });
});
