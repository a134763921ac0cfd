// Audit evidence and pod addresses in the history file: one record per use (or pod and address), a later one
// replacing it with its time range widened; kept across a reopen and a compaction, shared with another window;
// nothing that looks like a token, and no field the format does not know.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HistoryStore, type AuditRecord, type HistoryRecord, type PodAddressRecord } from '../../../src/history/index';
import { fixtureJwt } from '../../support/fixtureTokens';

const T0 = Date.UTC(2026, 10, 22, 3, 40);
const MIN = 60_000;

function caller(at: number, requests: number, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    kind: 'audit',
    use: 'unauthorized',
    at,
    subject: { context: 'kind-test', namespace: 'db', pod: 'billing-db-0', podUid: 'uid-billing', serviceAccount: 'billing-db' },
    requests,
    userAgents: ['Patroni/2.1.4'],
    sourceIPs: ['10.244.0.11'],
    sourceIP: '10.244.0.11',
    userAgent: 'Patroni/2.1.4',
    ...over,
  };
}

function staleUse(at: number, lastAt: number, requests: number): AuditRecord {
  return {
    kind: 'audit',
    use: 'stale',
    at,
    lastAt,
    subject: { context: 'kind-test', namespace: 'db', pod: 'billing-db-0', podUid: 'uid-billing', serviceAccount: 'billing-db' },
    user: 'system:serviceaccount:db:billing-db',
    requests,
    userAgents: ['Patroni/2.1.4'],
    sourceIPs: ['10.244.0.11'],
    maxSecondsAfterWarning: 17_000_000,
  };
}

function address(at: number, lastAt: number, uid = 'uid-old'): PodAddressRecord {
  return {
    kind: 'podAddress',
    at,
    lastAt,
    subject: { context: 'kind-test', namespace: 'web', pod: 'web-0', podUid: uid, serviceAccount: 'web' },
    ip: '10.244.0.31',
  };
}

let dir: string;
const now = (): number => T0 + 10 * MIN;
const lines = (): string[] =>
  readFileSync(join(dir, 'history.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-audit-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('audit records in the history store', () => {
  it('keeps one record per use: a later one replaces it, its range widened, and so it reads back after a reopen', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([caller(T0, 2), staleUse(T0, T0 + MIN, 2), address(T0 - MIN, T0)]);
    await store.append([caller(T0 + 2 * MIN, 5, { userAgents: ['Patroni/2.1.4', 'curl/8'] }), address(T0, T0 + 5 * MIN)]);
    const expected = [
      staleUse(T0, T0 + MIN, 2),
      { ...caller(T0, 5, { userAgents: ['Patroni/2.1.4', 'curl/8'] }), lastAt: T0 + 2 * MIN },
      address(T0 - MIN, T0 + 5 * MIN),
    ];
    const order = (r: HistoryRecord): string => (r.kind === 'audit' ? `audit/${r.use}` : r.kind);
    const byKind = (rs: readonly HistoryRecord[]): HistoryRecord[] => [...rs].sort((a, b) => order(a).localeCompare(order(b)));
    assert.deepEqual(byKind(store.query({ context: 'kind-test' })), byKind(expected));
    assert.equal(store.query({ kind: 'audit' }).length, 2);
    assert.deepEqual(store.query({ kind: 'podAddress' }), [address(T0 - MIN, T0 + 5 * MIN)]);
    // Append-only on disk: the header, three records, two replacements.
    assert.equal(lines().length, 6);
    await store.close();

    const again = await HistoryStore.open(dir, { nowMs: now });
    assert.deepEqual(byKind(again.query({})), byKind(expected));
    await again.compact();
    assert.equal(lines().length, 4, 'compaction keeps one line per record');
    assert.deepEqual(byKind(again.query({})), byKind(expected));
    await again.close();
  });

  it('keeps callers, uses and pods apart by what they are', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([
      caller(T0, 1),
      caller(T0, 1, { userAgent: 'curl/8' }),
      caller(T0, 1, { sourceIP: '10.244.0.12' }),
      caller(T0, 1, { subject: { context: 'other' } }),
      address(T0, T0 + MIN),
      address(T0, T0 + MIN, 'uid-new'),
    ]);
    assert.equal(store.query({}).length, 6);
    await store.close();
  });

  it('hands out copies: changing a list it gave changes nothing stored', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    await store.append([caller(T0, 1)]);
    const [r] = store.query({ kind: 'audit' });
    assert.ok(r?.kind === 'audit');
    r.userAgents.push('changed');
    assert.deepEqual(store.query({ kind: 'audit' }), [caller(T0, 1)]);
    await store.close();
  });

  it('sees the other window’s audit records, replaced in place', async () => {
    const a = await HistoryStore.open(dir, { nowMs: now });
    const b = await HistoryStore.open(dir, { nowMs: now });
    await a.append([caller(T0, 1)]);
    await b.append([caller(T0 + MIN, 3)]);
    await a.append([]);
    assert.deepEqual(a.query({ kind: 'audit' }), [{ ...caller(T0, 3), lastAt: T0 + MIN }]);
    await a.close();
    await b.close();
  });

  it('refuses a token in any field, and a record missing what it needs', async () => {
    const store = await HistoryStore.open(dir, { nowMs: now });
    const jwt = fixtureJwt('v1.28', 'api-bound-pod-600s.jwt');
    await assert.rejects(store.append([caller(T0, 1, { userAgents: [`client ${jwt}`] })]), /'userAgents\.0' holds what looks like a raw token/);
    await assert.rejects(store.append([caller(T0, 1, { userAgent: jwt })]), /'userAgent' holds what looks like a raw token/);
    await assert.rejects(store.append([caller(T0, 0)]), /'requests' is not a positive integer/);
    await assert.rejects(store.append([{ ...staleUse(T0, T0, 1), user: undefined } as unknown as AuditRecord]), /'user' is missing/);
    await assert.rejects(store.append([{ ...caller(T0, 1), use: 'other' } as unknown as AuditRecord]), /'use' is not an audit use/);
    await assert.rejects(store.append([{ ...address(T0, T0), subject: { context: 'kind-test' } }]), /'subject' does not name a pod/);
    await assert.rejects(
      store.append([{ ...caller(T0, 1), sourceIPs: Array.from({ length: 40 }, (_, i) => `10.0.0.${i}`) }]),
      /'sourceIPs' is not a short list/,
    );
    assert.deepEqual(store.query({}), []);
    await store.close();
  });
});
