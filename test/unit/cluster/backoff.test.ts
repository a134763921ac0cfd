import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff, REFLECTOR_BACKOFF, retryAfterMs } from '../../../src/cluster/backoff';

function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('the reflector backoff', () => {
  it('doubles from 0.8 s to 30 s while failures come close together (no jitter drawn)', () => {
    const c = clock();
    const b = new Backoff(REFLECTOR_BACKOFF, () => 0, c.now);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const w = b.next();
      waits.push(w);
      c.advance(w);
    }
    assert.deepEqual(waits, [800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
  });

  it('stretches each wait by up to itself (jitter 1.0): between d and 2d', () => {
    const c = clock();
    const high = new Backoff(REFLECTOR_BACKOFF, () => 0.999, c.now);
    assert.equal(high.next(), Math.round(800 + 0.999 * 800));
    const draws = [0, 0.5, 0.25];
    const mixed = new Backoff(REFLECTOR_BACKOFF, () => draws.shift() ?? 0, c.now);
    assert.deepEqual([mixed.next(), mixed.next(), mixed.next()], [800, 2400, 4000]);
  });

  it('starts again from 0.8 s after two minutes without a failure, not before', () => {
    const c = clock();
    const b = new Backoff(REFLECTOR_BACKOFF, () => 0, c.now);
    b.next();
    c.advance(1000);
    assert.equal(b.next(), 1600);
    c.advance(119_999);
    assert.equal(b.next(), 3200);
    c.advance(120_000);
    assert.equal(b.next(), 800);
  });

  it("waits at least what the server's Retry-After asks, up to ten minutes", () => {
    const c = clock();
    const b = new Backoff(REFLECTOR_BACKOFF, () => 0, c.now);
    assert.equal(b.next(5000), 5000);
    assert.equal(b.next(100), 1600);
    assert.equal(b.next(3_600_000), 600_000);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 11, 3, 12, 0, 0);
  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    assert.equal(retryAfterMs('120', now), 120_000);
    assert.equal(retryAfterMs(' 7 ', now), 7000);
    assert.equal(retryAfterMs('Thu, 03 Dec 2026 12:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Thu, 03 Dec 2026 11:00:00 GMT', now), 0, 'a date past is no wait');
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs('-5', now), undefined);
    assert.equal(retryAfterMs(undefined, now), undefined);
  });
});
