import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Clock } from '../../../cluster/clock';
import { AuditLog, backupName, goJsonLine } from '../../../cluster/controlPlane/auditLog';

const T0 = Date.parse('2026-12-02T16:22:58.123Z');
const dirs: string[] = [];

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'audit-log-'));
  dirs.push(d);
  return d;
}

/** An event of about 100 bytes. */
function event(i: number): Record<string, unknown> {
  return { kind: 'Event', auditID: `id-${String(i).padStart(4, '0')}`, padding: 'x'.repeat(50) };
}

describe('the test cluster audit log', () => {
  it('names backups as lumberjack does, in UTC with milliseconds', () => {
    assert.equal(backupName('audit.log', T0), 'audit-2026-12-02T16-22-58.123.log');
  });

  it('escapes what Go escapes', () => {
    assert.equal(goJsonLine({ ua: 'a<b>&c' }), '{"ua":"a\\u003cb\\u003e\\u0026c"}\n');
  });

  it('rotates before a line would pass the limit, and deletes only the backups past the limit', () => {
    const clock = new Clock(T0);
    const log = new AuditLog(clock, { maxSizeBytes: 350, maxBackups: 2 });
    const dir = tempDir();
    log.moveTo(join(dir, 'audit.log'));
    for (let i = 0; i < 12; i++) {
      log.write(event(i));
      clock.advance(1);
    }
    // Three lines fit in 350 bytes: twelve lines make four files, of which the oldest backup went.
    assert.equal(log.rotations, 3);
    const names = readdirSync(dir).sort();
    assert.deepEqual(names, ['audit-2026-12-02T16-23-04.123.log', 'audit-2026-12-02T16-23-07.123.log', 'audit.log']);
    for (const n of names) assert.ok(statSync(join(dir, n)).size <= 350);
    const ids = names.flatMap((n) =>
      readFileSync(join(dir, n), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { auditID: string }).auditID),
    );
    assert.deepEqual(
      ids.sort(),
      Array.from({ length: 9 }, (_, i) => `id-${String(i + 3).padStart(4, '0')}`),
    );
    assert.deepEqual(
      log.backupPaths(),
      names.slice(0, 2).map((n) => join(dir, n)),
    );
  });

  it('keeps what it wrote in memory until it is given a file, then writes it and its backups there', () => {
    const clock = new Clock(T0);
    const log = new AuditLog(clock, { maxSizeBytes: 250 });
    for (let i = 0; i < 3; i++) log.write(event(i));
    assert.equal(log.rotations, 1);
    assert.equal(log.activePath, undefined);
    assert.match(log.text(), /id-0002/);
    const dir = tempDir();
    const path = join(dir, 'audit', 'audit.log');
    log.moveTo(path);
    log.write(event(3));
    assert.deepEqual(readdirSync(join(dir, 'audit')).sort(), ['audit-2026-12-02T16-22-58.123.log', 'audit.log']);
    assert.match(readFileSync(join(dir, 'audit', 'audit-2026-12-02T16-22-58.123.log'), 'utf8'), /id-0000[^]*id-0001/);
    assert.deepEqual(
      readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { auditID: string }).auditID),
      ['id-0002', 'id-0003'],
    );
    log.close();
  });
});
