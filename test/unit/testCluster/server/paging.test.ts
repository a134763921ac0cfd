// Lists read in pages: remainingItemCount where kube-apiserver sets it, pages that together are
// the list as it was at the first page (whatever changes meanwhile), and the request log's
// counts of lists, watches and gets since a mark.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Clock } from '../../../cluster/clock';
import { list, type ListBody } from '../../../cluster/listing';
import { R } from '../../../cluster/resources';
import { startTestCluster, type TestCluster } from '../../../cluster/server';
import { Store } from '../../../cluster/store';
import { isApiError } from '../../../cluster/status';
import type { KubeObject } from '../../../cluster/types';
import { send, stream, type Reply } from './support/https';

const NAMESPACES = ['a', 'b', 'c'];

function configMap(ns: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: ns, labels, uid: '', resourceVersion: '', creationTimestamp: '' },
    data: { v: '1' },
  };
}

/** 3 namespaces of 4 ConfigMaps, created out of order; every other one labelled `even`. */
function filledStore(): Store {
  const store = new Store(new Clock());
  for (const name of ['cm-3', 'cm-0', 'cm-2', 'cm-1']) {
    for (const ns of NAMESPACES) store.create(R.configMaps, configMap(ns, name, Number(name.slice(3)) % 2 === 0 ? { even: 'true' } : {}));
  }
  return store;
}

function page(store: Store, query: string, namespace?: string): ListBody {
  const body = list(store, R.configMaps, namespace, new URLSearchParams(query));
  if (isApiError(body)) throw new Error(body.body.message);
  return body;
}

function keyOf(item: Record<string, unknown>): string {
  const meta = item.metadata as { namespace: string; name: string };
  return `${meta.namespace}/${meta.name}`;
}

/** Every page of a list, following `continue`. */
function allPages(store: Store, limit: number, namespace?: string, between: (n: number) => void = () => undefined): ListBody[] {
  const pages = [page(store, `limit=${limit}`, namespace)];
  for (let token = pages[0]?.metadata.continue; token !== undefined; token = pages[pages.length - 1]?.metadata.continue) {
    between(pages.length);
    pages.push(page(store, `limit=${limit}&continue=${encodeURIComponent(token)}`, namespace));
  }
  return pages;
}

describe('list pages', () => {
  it('tells on a limit=1 list how many items remain, as kube-apiserver does', () => {
    const store = filledStore();
    const first = page(store, 'limit=1');
    assert.equal(first.items.length, 1);
    assert.equal(first.metadata.remainingItemCount, 11);
    assert.ok(first.metadata.continue !== undefined);
    assert.equal(page(store, 'limit=1', 'b').metadata.remainingItemCount, 3);
    assert.equal(page(store, 'limit=5').metadata.remainingItemCount, 7);
  });

  it('tells no count when a selector filters the list, nor when nothing remains', () => {
    const store = filledStore();
    for (const query of ['limit=1&labelSelector=even%3Dtrue', 'limit=1&fieldSelector=metadata.namespace%3Da']) {
      const filtered = page(store, query);
      assert.equal(filtered.items.length, 1);
      assert.ok(filtered.metadata.continue !== undefined, `${query} has more`);
      assert.equal(filtered.metadata.remainingItemCount, undefined, query);
    }
    for (const query of ['limit=12', 'limit=500', '']) {
      const whole = page(store, query);
      assert.equal(whole.items.length, 12);
      assert.equal(whole.metadata.continue, undefined);
      assert.equal(whole.metadata.remainingItemCount, undefined);
    }
  });

  it('gives every item once, in key order, whatever the page size', () => {
    const store = filledStore();
    const expected = store.list(R.configMaps).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    assert.deepEqual(expected.slice(0, 5), ['a/cm-0', 'a/cm-1', 'a/cm-2', 'a/cm-3', 'b/cm-0']);
    for (const limit of [1, 3, 5, 11, 12, 13]) {
      const pages = allPages(store, limit);
      assert.deepEqual(
        pages.flatMap((p) => p.items.map(keyOf)),
        expected,
        `limit ${limit}`,
      );
      let seen = 0;
      for (const p of pages) {
        seen += p.items.length;
        assert.equal(p.metadata.remainingItemCount, seen < expected.length ? expected.length - seen : undefined, `limit ${limit} after ${seen}`);
      }
    }
    assert.deepEqual(
      allPages(store, 3, 'b').flatMap((p) => p.items.map(keyOf)),
      ['b/cm-0', 'b/cm-1', 'b/cm-2', 'b/cm-3'],
    );
    assert.deepEqual(
      allPages(store, 2, 'c').map((p) => p.metadata.remainingItemCount),
      [2, undefined],
    );
  });

  it('keeps to the first page while objects are added, changed and removed between pages', () => {
    const store = filledStore();
    const expected = store.list(R.configMaps).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    const pages = allPages(store, 4, undefined, (n) => {
      if (n !== 1) return;
      store.remove(R.configMaps, 'c', 'cm-1');
      store.create(R.configMaps, configMap('b', 'cm-15'));
      store.create(R.configMaps, configMap('a', 'cm-9'));
      const changed = store.get(R.configMaps, 'b', 'cm-2');
      if (changed === undefined) throw new Error('b/cm-2 is gone');
      changed.data = { v: '2' };
      store.update(R.configMaps, changed);
    });
    assert.deepEqual(
      pages.flatMap((p) => p.items.map(keyOf)),
      expected,
    );
    assert.deepEqual(new Set(pages.map((p) => p.metadata.resourceVersion)).size, 1);
    const b2 = pages.flatMap((p) => p.items).find((i) => keyOf(i) === 'b/cm-2');
    assert.deepEqual(b2?.data, { v: '1' }, 'as it was at the first page');
    assert.deepEqual(
      pages.map((p) => p.metadata.remainingItemCount),
      [8, 4, undefined],
    );
    // A new list sees the changes.
    const now = allPages(store, 4).flatMap((p) => p.items.map(keyOf));
    assert.ok(now.includes('b/cm-15') && now.includes('a/cm-9') && !now.includes('c/cm-1'));
    assert.equal(now.length, 13);
  });
});

describe('request counts since a mark', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
  });
  after(() => cluster.stop());

  it('counts lists (every page), watches and gets per resource, and full lists apart', async () => {
    await send(cluster, { path: '/api/v1/pods' });
    const mark = cluster.requests.mark();
    let pages = 0;
    let token: string | undefined;
    do {
      const reply = await send(cluster, { path: `/api/v1/pods?limit=2${token !== undefined ? `&continue=${encodeURIComponent(token)}` : ''}` });
      pages++;
      token = (reply.json as ListBody).metadata.continue;
    } while (token !== undefined);
    assert.ok(pages > 1);
    await send(cluster, { path: '/api/v1/namespaces/payments/serviceaccounts' });
    const pod = cluster.store.list(R.pods, 'payments')[0];
    for (let i = 0; i < 2; i++) await send(cluster, { path: `/api/v1/namespaces/payments/pods/${pod?.metadata.name ?? ''}` });
    await stream(cluster, { path: '/api/v1/pods?watch=1' }, (lines) => lines.length > 0);
    await send(cluster, { path: `/api/v1/namespaces/payments/pods/${pod?.metadata.name ?? ''}/log` });

    assert.deepEqual(cluster.requests.counts(mark), {
      pods: { list: pages, get: 2, watch: 1 },
      serviceaccounts: { list: 1 },
      'pods/log': { get: 1 },
    });
    assert.equal(cluster.requests.of('list', 'pods', mark).length, pages);
    assert.equal(cluster.requests.of('list', 'pods').length, pages + 1, 'without a mark, from the start');
    assert.equal(cluster.requests.lists('pods', mark).length, 1);
    assert.equal(cluster.requests.of('watch', 'pods', mark).length, 1);
    assert.deepEqual(cluster.requests.counts(cluster.requests.mark()), {});
    assert.deepEqual(cluster.requests.paths(mark), {}, 'no request outside the resource API yet');
    await send(cluster, { path: '/version' });
    await send(cluster, { path: '/version' });
    await send(cluster, { path: '/openid/v1/jwks' });
    assert.deepEqual(cluster.requests.paths(mark), { '/version': 2, '/openid/v1/jwks': 1 });
  });
});

describe('held lists', () => {
  let cluster: TestCluster;
  before(async () => {
    cluster = await startTestCluster({ scenarios: ['healthy'] });
  });
  after(() => cluster.stop());

  it('keeps lists of a held resource unanswered until the release, and lets its gets and watches and other lists pass', { timeout: 30_000 }, async () => {
    const hold = cluster.holdLists('serviceaccounts');
    try {
      assert.throws(() => cluster.holdLists('serviceaccounts'), /held already/);
      let answered: Reply | undefined;
      const waiting = send(cluster, { path: '/api/v1/serviceaccounts?limit=500' }).then((r) => (answered = r));
      await hold.until((h) => h.waiting === 1);
      // Meanwhile: another kind's list, a get and a watch of the held kind.
      assert.equal((await send(cluster, { path: '/api/v1/namespaces' })).status, 200);
      assert.equal((await send(cluster, { path: '/api/v1/namespaces/payments/serviceaccounts/default' })).status, 200);
      await stream(cluster, { path: '/api/v1/serviceaccounts?watch=1' }, (lines) => lines.length > 0);
      assert.equal(answered, undefined, 'the held list has no answer yet');
      assert.equal(hold.waiting, 1);
      hold.release();
      const reply = await waiting;
      assert.equal(reply.status, 200);
      assert.ok((reply.json as ListBody).items.length > 0);
      // Released: the next list passes at once, and the resource may be held again.
      assert.equal((await send(cluster, { path: '/api/v1/serviceaccounts' })).status, 200);
      cluster.holdLists('serviceaccounts').release();
    } finally {
      hold.release();
    }
  });
});
