import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HistoryStore } from '../../../src/history/index';
import type { HistoryRecord, TokenObservation, UnauthorizedEvent } from '../../../src/history/index';
import { fixtureJwt } from '../../support/fixtureTokens';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 22, 3, 40);
const HEADER = '{"format":"cluster-credentials-history","version":1}\n';

function token(at: number, fingerprint: string, over: Partial<TokenObservation> = {}): TokenObservation {
  return {
    kind: 'token',
    at,
    subject: {
      context: 'kind-test',
      namespace: 'payments',
      pod: 'api-0',
      podUid: 'uid-0',
      serviceAccount: 'api',
      container: 'app',
      path: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    },
    source: 'liveRead',
    fingerprint,
    iat: Math.floor(at / 1000),
    exp: Math.floor(at / 1000) + 3607,
    jti: `jti-${fingerprint}`,
    ...over,
  };
}

function event(at: number, over: Partial<UnauthorizedEvent> = {}): UnauthorizedEvent {
  return {
    kind: 'unauthorized',
    at,
    subject: { context: 'kind-test', namespace: 'gateway', pod: 'apisix-0', serviceAccount: 'apisix' },
    source: 'log',
    pattern: 'unauthorized',
    line: 'list failed, kind: Endpoints, reason: Unauthorized',
    ...over,
  };
}

let dir: string;
let clock: number;
const now = (): number => clock;
const file = (): string => join(dir, 'history.jsonl');
const lines = (): string[] =>
  readFileSync(file(), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-test-'));
  clock = T0;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('HistoryStore append and query', () => {
  it('starts a file with a version header', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.close();
    assert.equal(readFileSync(file(), 'utf8'), HEADER);
  });

  it('returns what was appended, oldest first, and filters on every field', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    const a = token(T0 + 3000, 'aaaaaaaaaaaaaaaa');
    const b = event(T0 + 1000);
    const c = token(T0 + 2000, 'cccccccccccccccc', {
      subject: { context: 'prod', namespace: 'db', pod: 'patroni-0', podUid: 'uid-p', serviceAccount: 'patroni' },
    });
    await store.append([a, b]);
    await store.append([c]);
    assert.deepEqual(store.query({}), [b, c, a]);
    assert.deepEqual(store.query({ context: 'prod' }), [c]);
    assert.deepEqual(store.query({ namespace: 'gateway' }), [b]);
    assert.deepEqual(store.query({ pod: 'api-0' }), [a]);
    assert.deepEqual(store.query({ podUid: 'uid-p' }), [c]);
    assert.deepEqual(store.query({ serviceAccount: 'apisix' }), [b]);
    assert.deepEqual(store.query({ kind: 'token' }), [c, a]);
    assert.deepEqual(store.query({ sinceMs: T0 + 2000 }), [c, a]);
    assert.deepEqual(store.query({ kind: 'token', context: 'kind-test', sinceMs: T0 + 2500 }), [a]);
    assert.deepEqual(store.query({ pod: 'nobody' }), []);
    await store.close();
  });

  it('keeps the records across a restart', async () => {
    const first = await HistoryStore.open(dir, { nowMs: now });
    await first.append([token(T0, 'aaaaaaaaaaaaaaaa'), event(T0 + 1)]);
    await first.close();
    const second = await HistoryStore.open(dir, { nowMs: now });
    assert.deepEqual(second.query({}), [token(T0, 'aaaaaaaaaaaaaaaa'), event(T0 + 1)]);
    await second.close();
  });

  it('hands out copies and keeps only known fields', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    const extra = { ...event(T0), raw: { anything: 1 } };
    await store.append([extra]);
    const [got] = store.query({});
    assert.deepEqual(got, event(T0));
    got.subject.context = 'changed';
    assert.equal(store.query({})[0].subject.context, 'kind-test');
    await store.close();
  });

  it('only ever appends to the file, one line per stored record', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([event(T0), event(T0 + 1)]);
    const before = readFileSync(file(), 'utf8');
    await store.append([event(T0 + 2)]);
    const after = readFileSync(file(), 'utf8');
    assert.ok(after.startsWith(before));
    assert.deepEqual(JSON.parse(after.slice(before.length)), event(T0 + 2));
    await store.close();
  });

  it('writes a whole batch with one write call', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const original = proto.write;
    let calls = 0;
    proto.write = function (this: unknown, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    };
    try {
      await store.append(Array.from({ length: 50 }, (_, i) => event(T0 + i)));
    } finally {
      proto.write = original;
    }
    assert.equal(calls, 1);
    assert.equal(lines().length, 51);
    await store.close();
  });

  it('refuses a record holding a raw JWT, says which field, and writes nothing', async () => {
    const jwt = fixtureJwt('v1.28', 'api-bound-pod-600s.jwt');
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([event(T0)]);
    const before = readFileSync(file(), 'utf8');
    const leaks: Array<[HistoryRecord, string]> = [
      [event(T0, { line: `Authorization: Bearer ${jwt}` }), 'line'],
      [token(T0, 'aaaaaaaaaaaaaaaa', { jti: jwt }), 'jti'],
      [token(T0, 'aaaaaaaaaaaaaaaa', { subject: { context: 'c', path: jwt } }), 'subject.path'],
      [event(T0, { line: `data.token: ${Buffer.from(jwt).toString('base64')}` }), 'line'],
    ];
    for (const [record, field] of leaks) {
      await assert.rejects(store.append([event(T0 + 5), record]), (err: Error) => {
        assert.match(err.message, new RegExp(`'${field.replace('.', '\\.')}' holds what looks like a raw token`));
        assert.ok(!err.message.includes(jwt.split('.')[1].slice(0, 16)));
        return true;
      });
    }
    await assert.rejects(store.append([token(T0, jwt)]), /fingerprint/);
    assert.equal(readFileSync(file(), 'utf8'), before);
    assert.equal(store.query({}).length, 1);
    await store.close();
  });

  it('refuses malformed records', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    const bad = [
      { ...event(T0), subject: { context: '' } },
      { ...event(T0), at: Number.NaN },
      { ...event(T0), source: 'guess' },
      { ...event(T0), count: 0 },
      { ...token(T0, 'aaaaaaaaaaaaaaaa'), lastAt: T0 - 1 },
    ] as unknown as HistoryRecord[];
    for (const record of bad) await assert.rejects(store.append([record]), /^Error: history: record 0 refused/);
    assert.deepEqual(store.query({}), []);
    await store.close();
  });

  it('refuses work after close', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.close();
    await store.close();
    await assert.rejects(store.append([event(T0)]), /closed/);
  });
});

describe('HistoryStore deduplication', () => {
  it('folds repeated observations of the same token into one record with first and last seen', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([token(T0, 'aaaaaaaaaaaaaaaa')]);
    await store.append([token(T0 + 60_000, 'aaaaaaaaaaaaaaaa')]);
    await store.append([token(T0 + 120_000, 'aaaaaaaaaaaaaaaa'), token(T0 + 180_000, 'aaaaaaaaaaaaaaaa')]);
    const expected = { ...token(T0, 'aaaaaaaaaaaaaaaa'), lastAt: T0 + 180_000 };
    assert.deepEqual(store.query({}), [expected]);
    await store.close();
    const again = await HistoryStore.open(dir, { nowMs: now });
    assert.deepEqual(again.query({}), [expected]);
    await again.close();
  });

  it('starts a new record when the token changes, and again when an old one comes back', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([
      token(T0, 'aaaaaaaaaaaaaaaa'),
      token(T0 + 1, 'aaaaaaaaaaaaaaaa'),
      token(T0 + 2, 'bbbbbbbbbbbbbbbb'),
      token(T0 + 3, 'aaaaaaaaaaaaaaaa'),
    ]);
    assert.deepEqual(
      store.query({}).map((r) => [r.at, r.kind === 'token' ? [r.fingerprint, r.lastAt] : undefined]),
      [
        [T0, ['aaaaaaaaaaaaaaaa', T0 + 1]],
        [T0 + 2, ['bbbbbbbbbbbbbbbb', undefined]],
        [T0 + 3, ['aaaaaaaaaaaaaaaa', undefined]],
      ],
    );
    await store.close();
  });

  it('folds per subject, however subjects interleave', async () => {
    const other = { context: 'kind-test', namespace: 'db', pod: 'patroni-0' };
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([
      token(T0, 'aaaaaaaaaaaaaaaa'),
      token(T0 + 1, 'aaaaaaaaaaaaaaaa', { subject: other }),
      token(T0 + 2, 'aaaaaaaaaaaaaaaa'),
      event(T0 + 3),
      token(T0 + 4, 'aaaaaaaaaaaaaaaa', { subject: other }),
    ]);
    assert.deepEqual(
      store.query({ kind: 'token' }).map((r) => [r.subject.pod, r.at, r.kind === 'token' && r.lastAt]),
      [
        ['api-0', T0, T0 + 2],
        ['patroni-0', T0 + 1, T0 + 4],
      ],
    );
    await store.close();
  });

  it('never folds 401 events', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([event(T0), event(T0)]);
    assert.equal(store.query({}).length, 2);
    await store.close();
  });

  it('rewrites the file once repeats outnumber the records, so polling does not grow it forever', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    for (let i = 0; i < 10; i++) await store.append([token(T0 + i, 'aaaaaaaaaaaaaaaa')]);
    assert.equal(lines().length, 1 + 10);
    await store.close();
    const again = await HistoryStore.open(dir, { nowMs: now });
    assert.deepEqual(lines(), [HEADER.trim(), JSON.stringify({ ...token(T0, 'aaaaaaaaaaaaaaaa'), lastAt: T0 + 9 })]);
    await again.close();
  });
});

describe('HistoryStore bounds', () => {
  it('drops records last seen more than maxDays ago, on open and on compact', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now, maxDays: 7 });
    await store.append([event(T0), token(T0, 'aaaaaaaaaaaaaaaa'), event(T0 + 5 * DAY)]);
    await store.append([token(T0 + 6 * DAY, 'aaaaaaaaaaaaaaaa')]);
    clock = T0 + 8 * DAY;
    await store.compact();
    // The token was first seen 8 days ago but last seen 2 days ago: it stays.
    assert.deepEqual(
      store.query({}).map((r) => r.at),
      [T0, T0 + 5 * DAY],
    );
    assert.equal(store.query({ kind: 'unauthorized' }).length, 1);
    await store.close();
    clock = T0 + 14 * DAY;
    const later = await HistoryStore.open(dir, { nowMs: now, maxDays: 7 });
    assert.deepEqual(later.query({}), []);
    assert.deepEqual(lines(), [HEADER.trim()]);
    await later.close();
  });

  it('keeps the file under maxBytes, dropping the oldest records', async () => {
    const maxBytes = 4096;
    const store = await HistoryStore.open(dir, { nowMs: now, maxBytes });
    for (let i = 0; i < 200; i++) {
      await store.append([event(T0 + i * 1000, { line: `attempt ${i} Unauthorized` })]);
      assert.ok(statSync(file()).size <= maxBytes, `after append ${i}: ${statSync(file()).size} bytes`);
    }
    const kept = store.query({});
    assert.ok(kept.length > 10 && kept.length < 200);
    // The newest survive, without gaps.
    assert.deepEqual(
      kept.map((r) => r.at),
      Array.from({ length: kept.length }, (_, i) => T0 + (200 - kept.length + i) * 1000),
    );
    await store.close();
    const again = await HistoryStore.open(dir, { nowMs: now, maxBytes });
    assert.deepEqual(again.query({}), kept);
    await again.close();
  });

  it('compacts a file found bigger than maxBytes when it opens', async () => {
    const big = await HistoryStore.open(dir, { nowMs: now });
    await big.append(Array.from({ length: 100 }, (_, i) => event(T0 + i)));
    await big.close();
    const small = await HistoryStore.open(dir, { nowMs: now, maxBytes: 2000 });
    assert.ok(statSync(file()).size <= 2000);
    assert.equal(small.query({}).at(-1)?.at, T0 + 99);
    await small.close();
  });
});

describe('HistoryStore damage', () => {
  it('drops a torn last line (crash mid-write), keeps the rest and repairs the file', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([event(T0), token(T0 + 1, 'aaaaaaaaaaaaaaaa')]);
    await store.close();
    const whole = readFileSync(file(), 'utf8');
    const torn = JSON.stringify(event(T0 + 2));
    writeFileSync(file(), whole + torn.slice(0, 37));
    const notices: string[] = [];
    const again = await HistoryStore.open(dir, { nowMs: now, onNotice: (m) => notices.push(m) });
    assert.deepEqual(notices, []);
    assert.deepEqual(again.query({}), [event(T0), token(T0 + 1, 'aaaaaaaaaaaaaaaa')]);
    assert.equal(readFileSync(file(), 'utf8'), whole);
    await again.append([event(T0 + 3)]);
    await again.close();
    const third = await HistoryStore.open(dir, { nowMs: now });
    assert.equal(third.query({}).length, 3);
    await third.close();
  });

  it('keeps a whole last record that only lacks its newline', async () => {
    writeFileSync(file(), HEADER + JSON.stringify(event(T0)));
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([event(T0 + 1)]);
    assert.equal(store.query({}).length, 2);
    assert.deepEqual(
      lines()
        .slice(1)
        .map((l) => JSON.parse(l) as UnauthorizedEvent),
      [event(T0), event(T0 + 1)],
    );
    await store.close();
  });

  const unreadable: Array<[string, string, RegExp]> = [
    ['a file of another format', '{"hello":"world"}\n{"a":1}\n', /first line is not a history header/],
    ['plain text', 'not json at all\n', /first line is not a history header/],
    ['a newer format version', '{"format":"cluster-credentials-history","version":2}\n', /format version 2/],
  ];
  for (const [what, content, reason] of unreadable) {
    it(`sets aside ${what}, says where once, and starts afresh`, async () => {
      writeFileSync(file(), content);
      const notices: string[] = [];
      const store = await HistoryStore.open(dir, { nowMs: now, onNotice: (m) => notices.push(m) });
      assert.equal(notices.length, 1);
      const aside = readdirSync(dir).filter((f) => f.startsWith('history.corrupt-'));
      assert.deepEqual(aside, ['history.corrupt-2026-11-22T03-40-00-000Z.jsonl']);
      assert.equal(readFileSync(join(dir, aside[0]), 'utf8'), content);
      assert.match(notices[0], reason);
      assert.ok(notices[0].includes(join(dir, aside[0])), notices[0]);
      assert.match(notices[0], /new history was started/);
      assert.deepEqual(store.query({}), []);
      assert.equal(readFileSync(file(), 'utf8'), HEADER);
      await store.append([event(T0)]);
      await store.close();
      const again = await HistoryStore.open(dir, { nowMs: now, onNotice: (m) => notices.push(m) });
      assert.equal(notices.length, 1);
      assert.equal(again.query({}).length, 1);
      await again.close();
    });
  }

  it('skips unreadable lines, says how many once, keeps every other record and sets nothing aside', async () => {
    const good = [event(T0), event(T0 + 1), token(T0 + 2, 'aaaaaaaaaaaaaaaa')];
    const content = [
      HEADER.trim(),
      JSON.stringify(good[0]),
      '{"kind":"token","at":',
      JSON.stringify(good[1]),
      '{"kind":"mystery","at":1}',
      '',
      'not json at all',
      JSON.stringify(good[2]),
    ].join('\n');
    writeFileSync(file(), `${content}\n`);
    const notices: string[] = [];
    const store = await HistoryStore.open(dir, { nowMs: now, onNotice: (m) => notices.push(m) });
    assert.deepEqual(notices, ['3 unreadable lines in the credential history were skipped (the first: it is not JSON).']);
    assert.deepEqual(store.query({}), good);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('history.corrupt-')),
      [],
    );
    await store.append([event(T0 + 3)]);
    await store.close();
    // The file was rewritten without them, so the next window is not told again.
    const again = await HistoryStore.open(dir, { nowMs: now, onNotice: (m) => notices.push(m) });
    assert.equal(notices.length, 1);
    assert.deepEqual(again.query({}), [...good, event(T0 + 3)]);
    await again.close();
  });

  it('says so for a single unreadable line too', async () => {
    writeFileSync(file(), `${HEADER}${JSON.stringify(event(T0))}\n{"kind":"mystery","at":1}\n`);
    const notices: string[] = [];
    const store = await HistoryStore.open(dir, { nowMs: now, onNotice: (m) => notices.push(m) });
    assert.deepEqual(notices, [
      "1 unreadable line in the credential history was skipped ('kind' is not one of 'token', 'unauthorized', 'audit', 'podAddress').",
    ]);
    assert.deepEqual(store.query({}), [event(T0)]);
    await store.close();
  });

  it('does not overwrite an earlier file set aside at the same moment', async () => {
    writeFileSync(file(), 'junk 1\n');
    await (await HistoryStore.open(dir, { nowMs: now })).close();
    writeFileSync(file(), 'junk 2\n');
    await (await HistoryStore.open(dir, { nowMs: now })).close();
    const aside = readdirSync(dir)
      .filter((f) => f.startsWith('history.corrupt-'))
      .sort();
    assert.deepEqual(aside.map((f) => readFileSync(join(dir, f), 'utf8')).sort(), ['junk 1\n', 'junk 2\n']);
  });

  it('treats an empty file as a new history, without a notice', async () => {
    writeFileSync(file(), '');
    const notices: string[] = [];
    const store = await HistoryStore.open(dir, { nowMs: now, onNotice: (m) => notices.push(m) });
    assert.deepEqual(notices, []);
    assert.equal(readFileSync(file(), 'utf8'), HEADER);
    await store.close();
  });
});

describe('HistoryStore shared by two windows', () => {
  it('sees the other window’s appends and survives its compaction', async () => {
    const a = await HistoryStore.open(dir, { nowMs: now });
    const b = await HistoryStore.open(dir, { nowMs: now });
    await a.append([event(T0)]);
    await b.append([event(T0 + 1)]);
    assert.equal(b.query({}).length, 2);
    await a.append([event(T0 + 2)]);
    await a.compact(); // replaces the file b has open
    await b.append([event(T0 + 3)]);
    await a.close();
    await b.close();
    const c = await HistoryStore.open(dir, { nowMs: now });
    assert.deepEqual(
      c.query({}).map((r) => r.at),
      [T0, T0 + 1, T0 + 2, T0 + 3],
    );
    await c.close();
  });
});

describe('HistoryStore compaction is atomic', () => {
  it('never leaves the history file missing or partial while compacting, nor a temp file after', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now, maxBytes: 1024 * 1024 });
    await store.append(Array.from({ length: 2000 }, (_, i) => event(T0 + i)));
    clock = T0 + 40 * DAY;
    await store.append([event(clock)]);
    let done = false;
    let looks = 0;
    const compaction = store.compact().finally(() => {
      done = true;
    });
    while (!done) {
      // Between every step of the compaction the file is there and whole: old or new, never half.
      assert.ok(existsSync(file()));
      const text = readFileSync(file(), 'utf8');
      assert.ok(text.startsWith(HEADER) && text.endsWith('\n'));
      const count = text.split('\n').length - 2;
      assert.ok(count === 2001 || count === 1, `${count} records`);
      looks++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await compaction;
    assert.ok(looks > 3);
    assert.deepEqual(readdirSync(dir), ['history.jsonl']);
    assert.equal(store.query({}).length, 1);
    await store.close();
  });
});

describe('HistoryStore reads a bounded part of a big file', () => {
  it('reads at most the newest maxBytes of a file many times that size, and keeps those records', async () => {
    const maxBytes = 64 * 1024;
    const all = Array.from({ length: 20_000 }, (_, i) => event(T0 + i, { line: `attempt ${i} Unauthorized` }));
    writeFileSync(file(), HEADER + all.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const fileBytes = statSync(file()).size;
    assert.ok(fileBytes > 30 * maxBytes);
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<{ bytesRead: number }> };
    await probe.close();
    const original = proto.read;
    let bytesRead = 0;
    proto.read = async function (this: unknown, ...args: unknown[]) {
      const result = await original.apply(this, args);
      bytesRead += result.bytesRead;
      return result;
    };
    let store: HistoryStore;
    try {
      store = await HistoryStore.open(dir, { nowMs: now, maxBytes });
    } finally {
      proto.read = original;
    }
    // The newest maxBytes, the header, and the one byte that shows where a line starts.
    assert.ok(bytesRead <= maxBytes + 4096 + 1, `${bytesRead} bytes read`);
    const kept = store.query({});
    assert.ok(kept.length > 100, `${kept.length} records`);
    assert.deepEqual(kept, all.slice(-kept.length));
    assert.ok(statSync(file()).size <= maxBytes);
    await store.close();
  });
});

describe('HistoryStore opens in the background', () => {
  it('is usable at once: queries answer from what has loaded, appends wait until the file is open', async () => {
    writeFileSync(file(), HEADER + [event(T0), event(T0 + 1)].map((r) => `${JSON.stringify(r)}\n`).join(''));
    const store = HistoryStore.start(dir, { nowMs: now });
    assert.deepEqual(store.query({}), []);
    const appended = store.append([event(T0 + 2)]);
    assert.deepEqual(await store.ready, { dir });
    await appended;
    assert.deepEqual(store.query({}), [event(T0), event(T0 + 1), event(T0 + 2)]);
    assert.deepEqual(JSON.parse(lines().at(-1) ?? ''), event(T0 + 2));
    await store.close();
  });

  it('keeps the session going in the fallback folder when the folder asked for cannot be used', async () => {
    writeFileSync(join(dir, 'not-a-folder'), '');
    const unusable = join(dir, 'not-a-folder', 'history');
    const fallbackDir = join(dir, 'fallback');
    const store = HistoryStore.start(unusable, { nowMs: now, fallbackDir });
    await store.append([event(T0)]);
    const opened = await store.ready;
    assert.equal(opened.dir, fallbackDir);
    assert.match(opened.problem ?? '', /^Could not open the credential history in .*not-a-folder.history \(ENOTDIR\)\.$/);
    assert.deepEqual(store.query({}), [event(T0)]);
    assert.equal(readFileSync(join(fallbackDir, 'history.jsonl'), 'utf8'), `${HEADER}${JSON.stringify(event(T0))}\n`);
    await store.close();
  });

  it('without a fallback, refuses every write with the reason it could not open', async () => {
    writeFileSync(join(dir, 'not-a-folder'), '');
    const unusable = join(dir, 'not-a-folder', 'history');
    await assert.rejects(HistoryStore.open(unusable, { nowMs: now }), /Could not open the credential history in .* \(ENOTDIR\)/);
    const store = HistoryStore.start(unusable, { nowMs: now });
    await assert.rejects(store.append([event(T0)]), /Could not open the credential history in .* \(ENOTDIR\)/);
    await assert.rejects(store.ready, /ENOTDIR/);
    await store.close();
  });
});

describe('HistoryStore and the lock shared by windows', () => {
  it('takes over at once a lock left behind by a process of this machine that died', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const lock = `${file()}.lock`;
    writeFileSync(lock, JSON.stringify({ nonce: 'left-behind', pid: Number(gone.stdout), host: hostname() }));
    await store.append([event(T0)]);
    assert.deepEqual(store.query({}), [event(T0)]);
    assert.equal(existsSync(lock), false);
    await store.close();
  });

  it('takes over a lock from another machine once it has not been refreshed for a while', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    const lock = `${file()}.lock`;
    writeFileSync(lock, JSON.stringify({ nonce: 'elsewhere', pid: process.pid, host: 'another-machine' }));
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, minuteAgo, minuteAgo);
    await store.append([event(T0)]);
    assert.deepEqual(store.query({}), [event(T0)]);
    assert.deepEqual(readdirSync(dir), ['history.jsonl']);
    await store.close();
  });

  it('compacts from the file as it is under the lock: records another window appended meanwhile are kept', async () => {
    const a = await HistoryStore.open(dir, { nowMs: now });
    const b = await HistoryStore.open(dir, { nowMs: now });
    await a.append([event(T0)]);
    // a has not seen these when it starts compacting.
    await b.append([event(T0 + 1), event(T0 + 2)]);
    await a.compact();
    assert.deepEqual(
      a.query({}).map((r) => r.at),
      [T0, T0 + 1, T0 + 2],
    );
    await b.append([event(T0 + 3)]);
    await a.close();
    await b.close();
    assert.deepEqual(
      lines()
        .slice(1)
        .map((l) => (JSON.parse(l) as HistoryRecord).at),
      [T0, T0 + 1, T0 + 2, T0 + 3],
    );
  });

  it('after a failed write, removes only its own partial line, never what another writer appended', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([event(T0)]);
    const others = event(T0 + 1, { subject: { context: 'kind-test', pod: 'other-window' } });
    const other = `${JSON.stringify(others)}\n`;
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<{ bytesWritten: number }> };
    await probe.close();
    rmSync(join(dir, 'probe'));
    const original = proto.write;
    proto.write = async function (this: unknown, ...args: unknown[]) {
      // A writer that does not take the lock (an older version) appends between this store's look at the
      // file and its write; then the disk fills up half-way through the write.
      appendFileSync(file(), other);
      const [buffer, offset, length] = args as [Buffer, number, number];
      await original.call(this, buffer, offset, Math.floor(length / 3));
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    try {
      await assert.rejects(store.append([event(T0 + 2), event(T0 + 3)]), /Could not save the credential history to .*history\.jsonl \(ENOSPC\)\./);
    } finally {
      proto.write = original;
    }
    assert.ok(readFileSync(file(), 'utf8').includes(other), 'the other writer’s record is still there');
    await store.append([event(T0 + 4)]);
    await store.close();
    const again = await HistoryStore.open(dir, { nowMs: now });
    assert.deepEqual(again.query({}), [event(T0), others, event(T0 + 4)]);
    await again.close();
  });
});
