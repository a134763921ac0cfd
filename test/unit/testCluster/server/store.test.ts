// The store: one resourceVersion counter, snapshots at an older resourceVersion, and
// compaction that makes older history unanswerable.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Clock } from '../../../cluster/clock';
import { R } from '../../../cluster/resources';
import { Store } from '../../../cluster/store';
import type { KubeObject } from '../../../cluster/types';

function cm(name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: '', resourceVersion: '', creationTimestamp: '' }, data };
}

describe('store', () => {
  it('stamps uid, creationTimestamp and a rising resourceVersion; refuses duplicates', () => {
    const clock = new Clock(Date.UTC(2026, 10, 22, 3, 5, 0));
    const store = new Store(clock);
    const a = store.create(R.configMaps, cm('a'));
    const b = store.create(R.configMaps, cm('b'));
    assert.ok(a.ok && b.ok);
    assert.match(a.object.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(a.object.metadata.creationTimestamp, '2026-11-22T03:05:00Z');
    assert.equal(Number(b.object.metadata.resourceVersion), Number(a.object.metadata.resourceVersion) + 1);
    const again = store.create(R.configMaps, cm('a'));
    assert.ok(!again.ok);
    assert.equal(again.error.code, 409);
    assert.equal(again.error.body.message, 'configmaps "a" already exists');
  });

  it('answers 409 to an update with a stale resourceVersion and writes nothing for a no-op update', () => {
    const store = new Store(new Clock());
    const created = store.create(R.configMaps, cm('a', { k: '1' }));
    assert.ok(created.ok);
    const copy = store.get(R.configMaps, 'default', 'a');
    assert.ok(copy);
    const rv = store.resourceVersion();
    assert.ok(store.update(R.configMaps, copy).ok);
    assert.equal(store.resourceVersion(), rv, 'nothing changed, nothing written');
    const stale = store.update(R.configMaps, { ...cm('a', { k: '2' }) }, { expectResourceVersion: '0' });
    assert.ok(!stale.ok);
    assert.equal(stale.error.body.reason, 'Conflict');
  });

  it('rebuilds the list as it was at an older resourceVersion', () => {
    const store = new Store(new Clock());
    store.create(R.configMaps, cm('a', { v: '1' }));
    const at = store.resourceVersion();
    const a = store.get(R.configMaps, 'default', 'a');
    assert.ok(a);
    a.data = { v: '2' };
    store.update(R.configMaps, a);
    store.create(R.configMaps, cm('b'));
    store.remove(R.configMaps, 'default', 'a');
    const then = store.listAt(R.configMaps, at);
    assert.deepEqual(
      then?.map((o) => [o.metadata.name, (o.data as Record<string, string>).v]),
      [['a', '1']],
    );
    assert.deepEqual(
      store.list(R.configMaps).map((o) => o.metadata.name),
      ['b'],
    );
  });

  it('forgets history at compaction: no events or snapshots from before it', () => {
    const store = new Store(new Clock());
    store.create(R.configMaps, cm('a'));
    const old = store.resourceVersion();
    store.create(R.configMaps, cm('b'));
    assert.equal(store.eventsSince(R.configMaps, old)?.length, 1);
    store.compact();
    store.create(R.configMaps, cm('c'));
    assert.equal(store.eventsSince(R.configMaps, old), undefined);
    assert.equal(store.listAt(R.configMaps, old), undefined);
    assert.deepEqual(
      store.eventsSince(R.configMaps, store.compactedResourceVersion())?.map((e) => e.object.metadata.name),
      ['c'],
    );
  });
});
