// The 401 table's filter and copy text, and the panel's time formats.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UnauthorizedLine } from '../../../../src/shared/tokenHealthProtocol';
import { formatDuration, formatRelative, formatTick, formatTimestamp } from '../../../../webview/format';
import { copyRow, copyText, filterLines, podLabel } from '../../../../webview/lineFilter';
import { HOSTILE_LINES, T0 } from './evidence';

const lines: UnauthorizedLine[] = [
  { atMs: T0, source: 'log', namespace: 'gateway', pod: 'apisix-0', container: 'apisix', pattern: 'http-401', line: 'GET /apis 401 Unauthorized', count: 1 },
  {
    atMs: T0 + 1000,
    source: 'log',
    namespace: 'db',
    pod: 'patroni-0',
    container: 'patroni',
    pattern: 'unauthorized',
    line: 'kubernetes: Unauthorized\twhile\nwatching',
    count: 2,
  },
  { atMs: T0 + 2000, source: 'event', namespace: 'db', pattern: 'event', line: HOSTILE_LINES[1] ?? '', count: 1 },
];

describe('401 line filter', () => {
  it('keeps everything for an empty filter', () => {
    assert.equal(filterLines(lines, '  ').length, 3);
  });

  it('matches every word in any column, ignoring case', () => {
    assert.deepEqual(
      filterLines(lines, 'PATRONI').map((l) => l.pod),
      ['patroni-0'],
    );
    assert.deepEqual(
      filterLines(lines, 'db unauthorized').map((l) => l.pod),
      ['patroni-0'],
    );
    assert.deepEqual(
      filterLines(lines, 'http-401 apisix').map((l) => l.pod),
      ['apisix-0'],
    );
    assert.deepEqual(
      filterLines(lines, '</script>').map((l) => l.source),
      ['event'],
    );
    assert.equal(filterLines(lines, 'nothing-like-this').length, 0);
  });

  it('copies tab-separated rows with a header, tabs and newlines inside a field flattened', () => {
    const text = copyText(lines.slice(0, 2));
    const rows = text.split('\n');
    assert.equal(rows.length, 3);
    assert.equal(rows[0], 'time\tpod\tcontainer\tpattern\tline');
    assert.equal(rows[2]?.split('\t').length, 5);
    assert.ok(rows[2]?.endsWith('kubernetes: Unauthorized while watching'));
    assert.equal(copyRow(lines[0]).split('\t')[1], 'gateway/apisix-0');
    assert.equal(podLabel(lines[2]), 'db');
  });
});

describe('formats', () => {
  it('writes timestamps and durations', () => {
    assert.match(formatTimestamp(T0), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(formatTimestamp(Number.NaN), '—');
    assert.equal(formatDuration(45_000), '45 s');
    assert.equal(formatDuration(5 * 60_000), '5 min');
    assert.equal(formatDuration(3 * 3600_000 + 20 * 60_000), '3 h 20 min');
    assert.equal(formatDuration(3 * 24 * 3600_000), '3 days');
    assert.equal(formatRelative(T0 + 3600_000, T0), 'in 1 h');
    assert.equal(formatRelative(T0 - 120_000, T0), '2 min ago');
    assert.equal(formatRelative(T0, T0), 'now');
  });

  it('writes a year or more in years and months, as the host does', () => {
    const day = 24 * 3600_000;
    assert.equal(formatDuration(364 * day), '364 days');
    assert.equal(formatDuration(365 * day), '1 year');
    assert.equal(formatDuration((365 + 61) * day), '1 year 2 months');
    assert.equal(formatDuration(3649 * day), '9 years 11 months');
    assert.equal(formatDuration(3650 * day), '10 years');
    assert.equal(formatRelative(T0 + 3650 * day, T0), 'in 10 years');
  });

  it('labels ticks by their step', () => {
    const d = new Date(2026, 10, 22, 14, 30, 15).getTime();
    assert.equal(formatTick(d, 15 * 60_000), '14:30');
    assert.equal(formatTick(d, 10_000), '14:30:15');
    assert.equal(formatTick(new Date(2026, 10, 22).getTime(), 24 * 3600_000), 'Nov 22');
    assert.equal(formatTick(new Date(2026, 10, 22).getTime(), 3600_000), 'Nov 22 00:00');
  });
});
