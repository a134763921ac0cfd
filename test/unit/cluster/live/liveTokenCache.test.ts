// The live-token pool: bounded concurrency, one read per file at a time, auto passes that never overlap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LiveTokenReading, LiveTokenTarget } from '../../../../src/cluster/inventory/types';
import { LiveTokens } from '../../../../src/cluster/live/liveTokenCache';
import { waitFor } from '../support/session';

function target(i: number): LiveTokenTarget {
  return { namespace: 'ns', pod: `p${i}`, podUid: `uid-${i}`, container: 'c', path: '/t' };
}

function gatedReader(): {
  read: (t: LiveTokenTarget) => Promise<LiveTokenReading>;
  running: () => number;
  peak: () => number;
  calls: string[];
  release: () => void;
} {
  let running = 0;
  let peak = 0;
  const calls: string[] = [];
  const waiting: (() => void)[] = [];
  return {
    calls,
    running: () => running,
    peak: () => peak,
    release: () => waiting.splice(0).forEach((w) => w()),
    read: async (t) => {
      calls.push(t.pod);
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => waiting.push(r));
      running--;
      return { ok: false, atMs: 0, error: { kind: 'unknown', message: `not read: ${t.pod}` } };
    },
  };
}

describe('live tokens pool', () => {
  it('never runs more reads than its concurrency, and joins a read already under way', async () => {
    const r = gatedReader();
    const pool = new LiveTokens({ read: r.read, concurrency: 3, onChange: () => undefined });
    const all = pool.readAll([0, 1, 2, 3, 4, 5, 6].map(target));
    const again = pool.read(target(0));
    await waitFor('three running', () => r.running() === 3 || undefined);
    while (r.calls.length < 7 || r.running() > 0) {
      r.release();
      await new Promise((res) => setImmediate(res));
    }
    await all;
    assert.equal((await again).ok, false);
    assert.equal(r.peak(), 3);
    assert.equal(r.calls.filter((p) => p === 'p0').length, 1, 'one read of the same file at a time');
    assert.equal(pool.get(target(4))?.ok, false);
    pool.prune(new Set());
    assert.equal(pool.get(target(4)), undefined);
    pool.dispose();
  });

  it('turns a reader that throws into an error reading, and reads again on the next ask', async () => {
    let calls = 0;
    let changes = 0;
    const pool = new LiveTokens({
      read: async () => {
        calls++;
        if (calls === 1) throw new Error('socket hang up');
        return { ok: false, atMs: 2, error: { kind: 'notFound', message: 'second read' } };
      },
      concurrency: 1,
      onChange: () => changes++,
    });
    const first = await pool.read(target(1));
    assert.ok(!first.ok);
    assert.match(first.error.message, /socket hang up/);
    assert.equal(pool.isReading(target(1)), false, 'no longer "reading…"');
    assert.equal(pool.get(target(1)), first);
    assert.ok(changes >= 2, 'the view heard of the start and the failure');
    const second = await pool.read(target(1));
    assert.equal(calls, 2, 'a later read retries');
    assert.equal(second.ok ? '' : second.error.message, 'second read');
    pool.dispose();
  });

  it('a reader throwing synchronously frees its slot, and an auto pass survives it', async () => {
    const pool = new LiveTokens({
      read: (t) => {
        if (t.pod === 'p1') throw new Error('boom');
        return Promise.resolve({ ok: false, atMs: 1, error: { kind: 'unknown', message: 'x' } });
      },
      concurrency: 1,
      onChange: () => undefined,
    });
    pool.startAuto(() => [target(1), target(2), target(3)], 60_000);
    await waitFor('a pass past the throwing reader', () => (pool.get(target(3)) ? true : undefined));
    const failed = pool.get(target(1));
    assert.ok(failed && !failed.ok);
    assert.match(failed.error.message, /boom/);
    pool.dispose();
  });

  it('auto mode reads every target and keeps readings', async () => {
    const reads: string[] = [];
    const pool = new LiveTokens({
      read: async (t) => {
        reads.push(t.pod);
        return { ok: false, atMs: 1, error: { kind: 'unknown', message: 'x' } };
      },
      concurrency: 2,
      onChange: () => undefined,
    });
    pool.startAuto(() => [target(1), target(2), target(3)], 60_000);
    await waitFor('a pass', () => (pool.get(target(3)) ? true : undefined));
    assert.deepEqual([...reads].sort(), ['p1', 'p2', 'p3']);
    pool.dispose();
  });
});
