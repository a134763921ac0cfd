import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { AuditEvent } from '../../../src/controlPlane/auditEvent';
import { auditFilesIn, backupTimeMs, readAuditFile, readAuditPaths } from '../../../src/controlPlane/auditReader';
import { ordinaryLine, staleLine, unauthorizedLine } from './auditLines';

const T0 = Date.parse('2026-12-02T16:00:00Z');
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-reader-'));
  dirs.push(dir);
  return dir;
}

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function stale(id: string, atMs: number): string {
  return staleLine({ auditID: id, atMs, namespace: 'db', serviceAccount: 'patroni', pod: 'patroni-0', podUid: 'u0', seconds: 60 });
}

/** Many lines, a few of them interesting, some longer than a small read. */
function logText(prefix: string, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 50 === 7) lines.push(stale(`${prefix}-${i}`, T0 + i));
    else if (i % 70 === 3) lines.push(unauthorizedLine({ auditID: `${prefix}-${i}`, atMs: T0 + i, sourceIP: '10.244.3.4', userAgent: 'apisix' }));
    else lines.push(ordinaryLine({ auditID: `${prefix}-${i}`, atMs: T0 + i }));
  }
  return `${lines.join('\n')}\n`;
}

async function collect(path: string, chunkBytes?: number): Promise<{ ids: string[]; lines: number }> {
  const events: AuditEvent[] = [];
  const stats = await readAuditFile(path, (e) => events.push(e), chunkBytes !== undefined ? { chunkBytes } : {});
  return { ids: events.map((e) => e.auditID), lines: stats.lines };
}

describe('readAuditFile', () => {
  it('reads a plain file and its gzip copy alike, with any read size', async () => {
    const dir = tempDir();
    const text = logText('a', 500);
    writeFileSync(join(dir, 'audit.log'), text);
    writeFileSync(join(dir, 'audit-2026-12-02T16-00-00.000.log.gz'), gzipSync(text));
    const plain = await collect(join(dir, 'audit.log'));
    assert.equal(plain.lines, 500);
    assert.equal(plain.ids.length, 10 + 8);
    assert.deepEqual(await collect(join(dir, 'audit.log'), 4096), plain);
    assert.deepEqual(await collect(join(dir, 'audit-2026-12-02T16-00-00.000.log.gz')), plain);
  });
});

describe('auditFilesIn', () => {
  it('orders backups by the time in their names, the active file last, and reads a backup being compressed once', async () => {
    const dir = tempDir();
    const names = [
      'audit.log',
      'audit-2026-12-02T16-00-00.000.log',
      'audit-2026-12-01T10-00-00.000.log.gz',
      'audit-2026-12-02T09-30-00.500.log',
      'audit-2026-12-02T09-30-00.500.log.gz',
      'notes.txt',
      'kube-apiserver.log',
    ];
    for (const n of names) writeFileSync(join(dir, n), '');
    // Modification times that disagree with the names: the names win.
    utimesSync(join(dir, 'audit-2026-12-02T16-00-00.000.log'), new Date(T0 - 1e9), new Date(T0 - 1e9));
    assert.deepEqual(
      (await auditFilesIn(dir)).map((p) => basename(p)),
      ['audit-2026-12-01T10-00-00.000.log.gz', 'audit-2026-12-02T09-30-00.500.log', 'audit-2026-12-02T16-00-00.000.log', 'audit.log'],
    );
    assert.equal(backupTimeMs('audit-2026-12-02T09-30-00.500.log.gz'), Date.parse('2026-12-02T09:30:00.500Z'));
    assert.equal(backupTimeMs('audit.log'), undefined);
  });
});

describe('readAuditPaths', () => {
  it('reads folders oldest first and files as named, and reports a path it cannot read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'audit-2026-12-02T10-00-00.000.log.gz'), gzipSync(`${stale('old', T0)}\n`));
    writeFileSync(join(dir, 'audit.log'), `${stale('new', T0 + 5000)}\nnot json "authentication.k8s.io/stale-token"\n`);
    const other = join(tempDir(), 'elsewhere.jsonl');
    writeFileSync(other, `${stale('single', T0 + 9000)}\n`);
    const missing = join(dir, 'gone');
    const ids: string[] = [];
    const report = await readAuditPaths([dir, missing, other], (e) => ids.push(e.auditID));
    assert.deepEqual(ids, ['old', 'new', 'single']);
    assert.deepEqual(
      report.files.map((f) => [basename(f.path), f.ok]),
      [
        ['gone', false],
        ['audit-2026-12-02T10-00-00.000.log.gz', true],
        ['audit.log', true],
        ['elsewhere.jsonl', true],
      ],
    );
    assert.deepEqual([report.totals.lines, report.totals.events, report.totals.malformed, report.cancelled], [4, 3, 1, false]);
  });

  it('reports a gzip file it cannot inflate and reads the others', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'audit-2026-12-01T10-00-00.000.log.gz'), 'not gzip at all');
    writeFileSync(join(dir, 'audit.log'), `${stale('fine', T0)}\n`);
    const ids: string[] = [];
    const report = await readAuditPaths([dir], (e) => ids.push(e.auditID));
    assert.deepEqual(ids, ['fine']);
    assert.deepEqual(
      report.files.map((f) => [basename(f.path), f.ok ? 'ok' : f.error]),
      [
        ['audit-2026-12-01T10-00-00.000.log.gz', 'incorrect header check'],
        ['audit.log', 'ok'],
      ],
    );
  });

  it('stops when cancelled', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'audit.log'), logText('c', 10));
    const controller = new AbortController();
    controller.abort();
    const report = await readAuditPaths([dir], () => assert.fail('nothing is read'), { signal: controller.signal });
    assert.equal(report.cancelled, true);
  });
});
