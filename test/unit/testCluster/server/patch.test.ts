// PATCH semantics: JSON merge patch, strategic merge patch on merge keys, JSON patch.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch, type JsonObject } from '../../../cluster/patch';

const deployment: JsonObject = {
  metadata: { name: 'api', labels: { app: 'api', tier: 'backend' } },
  spec: {
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [
          { name: 'api', image: 'api:1', env: [{ name: 'A', value: '1' }] },
          { name: 'sidecar', image: 'side:1' },
        ],
      },
    },
  },
};

describe('patch', () => {
  it('merge patch: null removes, objects merge, lists are replaced', () => {
    const r = applyPatch('application/merge-patch+json', deployment, {
      metadata: { labels: { tier: null, team: 'p' } },
      spec: { template: { spec: { containers: [{ name: 'only' }] } } },
    });
    assert.ok(r.ok);
    assert.deepEqual(r.value.metadata, { name: 'api', labels: { app: 'api', team: 'p' } });
    assert.deepEqual((r.value.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers, [{ name: 'only' }]);
  });

  it('strategic merge patch: containers merge by name, $patch: delete removes one, restartedAt lands in the template', () => {
    const r = applyPatch('application/strategic-merge-patch+json', deployment, {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-22T03:08:00Z' } },
          spec: {
            containers: [
              { name: 'api', image: 'api:2' },
              { name: 'sidecar', $patch: 'delete' },
            ],
          },
        },
      },
    });
    assert.ok(r.ok);
    const template = (
      r.value.spec as { template: { metadata: Record<string, unknown>; spec: { containers: { name: string; image: string; env?: unknown }[] } } }
    ).template;
    assert.deepEqual(template.metadata, { labels: { app: 'api' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-22T03:08:00Z' } });
    assert.deepEqual(template.spec.containers, [{ name: 'api', image: 'api:2', env: [{ name: 'A', value: '1' }] }]);
  });

  it('JSON patch: add, replace, remove and test; a failed test refuses the whole patch', () => {
    const ok = applyPatch('application/json-patch+json', deployment, [
      { op: 'add', path: '/metadata/labels/new', value: 'x' },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'api:3' },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'test', path: '/metadata/name', value: 'api' },
    ]);
    assert.ok(ok.ok);
    assert.equal((ok.value.metadata as { labels: Record<string, string> }).labels.new, 'x');
    assert.deepEqual(
      (ok.value.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers.map((c) => c.image),
      ['api:3'],
    );
    const refused = applyPatch('application/json-patch+json', deployment, [{ op: 'test', path: '/metadata/name', value: 'other' }]);
    assert.ok(!refused.ok);
    assert.equal(
      (deployment.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers.length,
      2,
      'the target is never changed in place',
    );
  });
});
