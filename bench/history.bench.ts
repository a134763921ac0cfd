// history.lost_records: records missing after three processes append 1,000 records each (one append call
// per record) while a fourth compacts the same file in a loop; counted in the file afterwards.
// history.duplicated_records: extra copies in the same run. history.compactions: compactions during it.
// history.open_50mb_ms: time until a store on a 50 MB history is usable (start() and a first query).
// history.load_50mb_ms / history.load_50mb_rss_mb: until that store has loaded in the background, and the
// resident memory it took.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../src/history';
import type { HistoryRecord } from '../src/history';
import { appendWhileCompacting } from '../test/unit/history/sharedWriters';
import { timeMsAsync } from './stats';

type Report = (name: string, value: number, unit: string) => void;

const HEADER = '{"format":"cluster-credentials-history","version":1}\n';
const MB = 1024 * 1024;

/** A history file of about `bytes`, token observations and 401 events over the last days. */
function writeBigHistory(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, HEADER);
    let written = HEADER.length;
    const now = Date.now();
    for (let i = 0; written < bytes;) {
      let chunk = '';
      for (let j = 0; j < 1000; j++, i++) {
        const at = now - 20 * 24 * 3600 * 1000 + i * 5000;
        const subject = { context: 'prod', namespace: `ns-${i % 40}`, pod: `api-${i % 400}`, podUid: `uid-${i % 400}`, serviceAccount: 'api' };
        const record: HistoryRecord =
          i % 3 === 0
            ? { kind: 'unauthorized', at, subject, source: 'log', pattern: 'unauthorized', line: `${i} list failed, kind: Endpoints, reason: Unauthorized` }
            : {
                kind: 'token',
                at,
                subject,
                source: 'liveRead',
                fingerprint: i.toString(16).padStart(16, '0'),
                iat: Math.floor(at / 1000),
                exp: Math.floor(at / 1000) + 3607,
                jti: `jti-${i}`,
              };
        chunk += `${JSON.stringify(record)}\n`;
      }
      writeSync(fd, chunk);
      written += Buffer.byteLength(chunk);
    }
  } finally {
    closeSync(fd);
  }
}

export async function run(report: Report): Promise<void> {
  const shared = mkdtempSync(join(tmpdir(), 'bench-history-shared-'));
  try {
    const result = await appendWhileCompacting(shared, 3, 1000);
    report('history.lost_records', result.lost, 'records');
    report('history.duplicated_records', result.duplicated, 'records');
    report('history.compactions', result.compactions, 'compactions');
  } finally {
    rmSync(shared, { recursive: true, force: true });
  }

  const big = mkdtempSync(join(tmpdir(), 'bench-history-50mb-'));
  try {
    writeBigHistory(join(big, 'history.jsonl'), 50 * MB);
    const fileMb = statSync(join(big, 'history.jsonl')).size / MB;
    const rssBefore = process.memoryUsage().rss;
    const t0 = process.hrtime.bigint();
    const started = HistoryStore.start(big);
    started.query({});
    const openMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const loadMs = await timeMsAsync(async () => {
      await started.ready;
    });
    const rssMb = (process.memoryUsage().rss - rssBefore) / MB;
    const loaded = started.query({}).length;
    await started.close();
    if (loaded === 0) throw new Error('the 50 MB history loaded no records');
    report('history.open_50mb_ms', openMs, 'ms');
    report('history.load_50mb_ms', loadMs, 'ms');
    report('history.load_50mb_rss_mb', rssMb, 'MB');
    report('history.file_mb', fileMb, 'MB');
  } finally {
    rmSync(big, { recursive: true, force: true });
  }
}
