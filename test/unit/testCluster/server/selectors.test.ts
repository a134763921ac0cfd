// labelSelector and fieldSelector parsing as list and watch take them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFieldSelector, parseLabelSelector } from '../../../cluster/selectors';
import type { KubeObject } from '../../../cluster/types';

function pod(name: string, labels: Record<string, string>, nodeName?: string, serviceAccountName?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'p', uid: '', resourceVersion: '', creationTimestamp: '', labels },
    spec: { containers: [], nodeName, serviceAccountName },
  };
}

const pods = [pod('a', { app: 'api', tier: 'web' }, 'n1', 'api'), pod('b', { app: 'db' }, 'n2', 'default'), pod('c', {}, undefined, 'api')];

function names(sel: ReturnType<typeof parseLabelSelector>): string[] {
  assert.ok(sel.ok);
  return pods.filter(sel.match).map((p) => p.metadata.name);
}

describe('selectors', () => {
  it('label selectors: equality, inequality, set membership and existence', () => {
    assert.deepEqual(names(parseLabelSelector('app=api')), ['a']);
    assert.deepEqual(names(parseLabelSelector('app==db')), ['b']);
    assert.deepEqual(names(parseLabelSelector('app!=api')), ['b', 'c']);
    assert.deepEqual(names(parseLabelSelector('app in (api, db)')), ['a', 'b']);
    assert.deepEqual(names(parseLabelSelector('app notin (api)')), ['b', 'c']);
    assert.deepEqual(names(parseLabelSelector('tier')), ['a']);
    assert.deepEqual(names(parseLabelSelector('!tier,app')), ['b']);
    assert.deepEqual(names(parseLabelSelector('')), ['a', 'b', 'c']);
    assert.equal(parseLabelSelector('app in (api').ok, false);
  });

  it('field selectors: metadata.name, spec.nodeName and spec.serviceAccountName; others are refused', () => {
    assert.deepEqual(names(parseFieldSelector('metadata.name=b', 'Pod')), ['b']);
    assert.deepEqual(names(parseFieldSelector('spec.nodeName=n1', 'Pod')), ['a']);
    assert.deepEqual(names(parseFieldSelector('spec.nodeName=', 'Pod')), ['c']);
    assert.deepEqual(names(parseFieldSelector('spec.serviceAccountName=api,spec.nodeName!=n1', 'Pod')), ['c']);
    const refused = parseFieldSelector('spec.bogus=x', 'Pod');
    assert.ok(!refused.ok);
    assert.equal(refused.message, 'field label not supported: spec.bogus');
  });
});
