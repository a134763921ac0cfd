import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Clock, rfc3339Seconds } from '../../../cluster/clock';

const START = Date.UTC(2026, 10, 22, 3, 18, 51, 250);

describe('Clock', () => {
  it('stands still unless advanced', () => {
    let wall = 1_000;
    const clock = new Clock(START, { realNowMs: () => wall });
    wall += 20;
    assert.equal(clock.nowMs(), START);
    assert.equal(clock.nowSeconds(), Math.floor(START / 1000));
  });

  it('advance moves by whole and fractional seconds', () => {
    const clock = new Clock(START);
    clock.advance(3607);
    assert.equal(clock.nowMs(), START + 3_607_000);
    clock.advance(0.001);
    assert.equal(clock.nowMs(), START + 3_607_001);
    assert.equal(clock.nowRfc3339(), '2026-11-22T04:18:58Z');
  });

  it('refuses to go backwards', () => {
    const clock = new Clock(START);
    assert.throws(() => clock.advance(-1), RangeError);
    assert.throws(() => clock.advance(Number.NaN), RangeError);
    assert.equal(clock.nowMs(), START);
  });

  it('tells listeners the new time after each advance until they unsubscribe', () => {
    const clock = new Clock(START);
    const seen: number[] = [];
    const stop = clock.onAdvance((now) => seen.push(now));
    clock.advance(10);
    clock.advance(5);
    stop();
    clock.advance(1);
    assert.deepEqual(seen, [START + 10_000, START + 15_000]);
  });

  it('in realTime mode adds the wall-clock time that passed to the advances', () => {
    let wall = 5_000;
    const clock = new Clock(START, { realTime: true, realNowMs: () => wall });
    clock.advance(100);
    wall += 30;
    assert.equal(clock.nowMs(), START + 100_000 + 30);
  });

  it('in realTime mode follows performance.now by default, never going back', () => {
    const clock = new Clock(START, { realTime: true });
    const first = clock.nowMs();
    assert.ok(first >= START);
    assert.ok(clock.nowMs() >= first);
  });

  it('defaults to the current time', () => {
    const before = Date.now();
    const clock = new Clock();
    assert.ok(clock.nowMs() >= before && clock.nowMs() <= Date.now());
  });

  it('rfc3339Seconds drops the fraction the way metav1.Time serialises', () => {
    assert.equal(rfc3339Seconds(1795403932), '2026-11-23T03:18:52Z');
  });
});
