// A generated log answers every query exactly as the same lines stored would, makes only the lines
// it sends, and streams in chunks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Clock } from '../../../cluster/clock';
import { ContainerLogs, type GeneratedLog, type LogQuery } from '../../../cluster/podLogs';

const START = Date.UTC(2026, 10, 22, 3, 18, 51, 123);

/** 1,000 lines, one a second, the last at START; some lines share a time, as a burst does. */
function lines(): GeneratedLog & { made: number } {
  const log = {
    lineCount: 1000,
    made: 0,
    line(i: number) {
      log.made++;
      return { atMs: START - (999 - i - (i % 7 === 0 ? 1 : 0)) * 1000, text: `line ${i} ${'é'.repeat(i % 5)}` };
    },
  };
  return log;
}

function pair(): { generated: ContainerLogs; stored: ContainerLogs; source: ReturnType<typeof lines>; clock: Clock } {
  const clock = new Clock(START);
  const source = lines();
  const generated = new ContainerLogs(clock);
  generated.generate(source);
  const stored = new ContainerLogs(clock);
  for (let i = 0; i < source.lineCount; i++) {
    const l = source.line(i);
    stored.append(l.text, l.atMs);
  }
  source.made = 0;
  return { generated, stored, source, clock };
}

const QUERIES: LogQuery[] = [
  {},
  { tailLines: 0 },
  { tailLines: 1 },
  { tailLines: 250, timestamps: true },
  { tailLines: 5000 },
  { sinceSeconds: 1 },
  { sinceSeconds: 120, timestamps: true },
  { sinceTime: new Date(START - 500_000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
  { tailLines: 100, sinceSeconds: 30 },
  { limitBytes: 1 },
  { limitBytes: 1000, timestamps: true },
  // Cut inside a two-byte character, as kubelet cuts bytes.
  { tailLines: 3, limitBytes: 14 },
  { tailLines: 10, sinceSeconds: 5, limitBytes: 40 },
];

describe('ContainerLogs.generate', () => {
  it('answers every query as the same lines stored would', () => {
    const { generated, stored } = pair();
    for (const q of QUERIES) assert.deepEqual(generated.read(q), stored.read(q), JSON.stringify(q));
  });

  it('makes only the lines it sends, plus a binary search for a since window', () => {
    const { generated, source } = pair();
    generated.read({ tailLines: 10 });
    assert.equal(source.made, 10);
    source.made = 0;
    generated.read({ sinceSeconds: 20 });
    assert.ok(source.made <= 21 + 2 * 10, String(source.made));
    source.made = 0;
    generated.read({ limitBytes: 100 });
    assert.ok(source.made <= 12, String(source.made));
  });

  it('puts appended lines after the generated ones, and streams them to a follower', () => {
    const { generated, stored, clock } = pair();
    clock.advance(1);
    generated.append('fresh line');
    stored.append('fresh line');
    assert.deepEqual(generated.read({ tailLines: 2 }), stored.read({ tailLines: 2 }));
    const seen: string[] = [];
    const stop = generated.follow({ tailLines: 1 }, (t) => seen.push(t));
    generated.append('newer line');
    stop();
    assert.deepEqual(seen, ['fresh line\n', 'newer line\n']);
  });

  it('hands a read over in chunks that join to the read, and forgets it all on clear', () => {
    const { generated } = pair();
    const chunks = generated.readChunks({});
    assert.ok(chunks.ok);
    const all = [...chunks.chunks];
    const read = generated.read({});
    assert.ok(read.ok);
    assert.equal(all.join(''), read.text);
    assert.ok(generated.isGenerated());
    generated.clear();
    assert.equal(generated.isGenerated(), false);
    assert.deepEqual(generated.read({}), { ok: true, text: '' });
  });

  it('refuses an invalid query as a stored log does', () => {
    const { generated, stored } = pair();
    assert.deepEqual(generated.readChunks({ tailLines: -1 }), stored.read({ tailLines: -1 }));
  });
});
