import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AuditEvent } from '../../../src/controlPlane/auditEvent';
import { followAuditFile, type AuditFollowOptions, type AuditFollower } from '../../../src/controlPlane/auditFollower';
import { staleLine } from './auditLines';

const T0 = Date.parse('2026-12-02T16:00:00Z');
const dirs: string[] = [];
const followers: AuditFollower[] = [];

after(async () => {
  for (const f of followers) await f.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function line(id: string): string {
  return `${staleLine({ auditID: id, atMs: T0, namespace: 'db', serviceAccount: 'patroni', pod: 'patroni-0', podUid: 'u0', seconds: 1 })}\n`;
}

interface Followed {
  path: string;
  ids: string[];
  rotations: string[];
  /** Start following (the file may be written first). */
  start(): AuditFollower;
  /** Resolves once n events have come. */
  next(n: number): Promise<void>;
}

/** A follower on DIR/audit.log whose events arrive as ids; polling is slowed so the tests see the watch or their own pokes. */
function follow(opts: AuditFollowOptions = {}): Followed {
  const dir = mkdtempSync(join(tmpdir(), 'audit-follow-'));
  dirs.push(dir);
  const path = join(dir, 'audit.log');
  const ids: string[] = [];
  const rotations: string[] = [];
  let waiting: { n: number; resolve: () => void } | undefined;
  const onEvent = (e: AuditEvent): void => {
    ids.push(e.auditID);
    if (waiting !== undefined && ids.length >= waiting.n) waiting.resolve();
  };
  return {
    path,
    ids,
    rotations,
    start() {
      const f = followAuditFile(path, onEvent, { pollMs: 60_000, ...opts, onRotate: (how) => rotations.push(how) });
      followers.push(f);
      return f;
    },
    next: (n) =>
      ids.length >= n
        ? Promise.resolve()
        : new Promise((resolve) => {
            waiting = { n, resolve };
          }),
  };
}

describe('followAuditFile', () => {
  it('reads what the file holds, then lines as they are appended, holding back an unfinished one', async () => {
    const t = follow();
    writeFileSync(t.path, line('a'));
    const f = t.start();
    await f.poke();
    assert.deepEqual(t.ids, ['a']);
    const b = line('b');
    appendFileSync(t.path, b.slice(0, 100));
    await f.poke();
    assert.deepEqual(t.ids, ['a']);
    appendFileSync(t.path, b.slice(100) + line('c'));
    await f.poke();
    assert.deepEqual(t.ids, ['a', 'b', 'c']);
  });

  it('notices appended lines by itself (the folder watch, or else its poll), without being poked', async () => {
    const t = follow({ pollMs: 500 });
    writeFileSync(t.path, '');
    const f = t.start();
    await f.poke();
    appendFileSync(t.path, line('w1') + line('w2'));
    await t.next(2);
    assert.deepEqual(t.ids, ['w1', 'w2']);
  });

  it('reads across a rotation: the rest of the renamed file, then the new one', async () => {
    const t = follow();
    writeFileSync(t.path, line('1'));
    const f = t.start();
    await f.poke();
    // The writer adds to the old file, renames it away, and opens a new one, as lumberjack does.
    appendFileSync(t.path, line('2'));
    renameSync(t.path, join(t.path, '..', 'audit-2026-12-02T16-00-00.000.log'));
    await f.poke();
    writeFileSync(t.path, line('3'));
    await f.poke();
    appendFileSync(t.path, line('4'));
    await f.poke();
    assert.deepEqual(t.ids, ['1', '2', '3', '4']);
    assert.deepEqual(t.rotations, ['replaced']);
    assert.equal(f.rotations, 1);
  });

  it('starts over when the file is truncated in place (copytruncate)', async () => {
    const t = follow();
    writeFileSync(t.path, line('x1') + line('x2'));
    const f = t.start();
    await f.poke();
    truncateSync(t.path, 0);
    appendFileSync(t.path, line('y'));
    await f.poke();
    assert.deepEqual(t.ids, ['x1', 'x2', 'y']);
    assert.deepEqual(t.rotations, ['truncated']);
  });

  it('from the end: only what is appended after it started', async () => {
    const t = follow({ from: 'end' });
    writeFileSync(t.path, line('before'));
    const f = t.start();
    await f.poke();
    appendFileSync(t.path, line('after'));
    await f.poke();
    assert.deepEqual(t.ids, ['after']);
  });

  it('waits for a file that does not exist yet, and reads it whole once it does', async () => {
    const t = follow({ from: 'end' });
    const f = t.start();
    await f.poke();
    writeFileSync(t.path, line('first'));
    await f.poke();
    assert.deepEqual(t.ids, ['first']);
  });

  it('reads nothing more once disposed', async () => {
    const t = follow();
    writeFileSync(t.path, line('kept'));
    const f = t.start();
    await f.poke();
    await f.dispose();
    appendFileSync(t.path, line('ignored'));
    await f.poke();
    assert.deepEqual(t.ids, ['kept']);
  });
});
