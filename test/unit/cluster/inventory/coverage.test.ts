// What the inventory could not read, from list statuses: one cause for the session, the rest per list, and
// the words that say what the user cannot see.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gapsOf, inventoryCoverage, isComplete, sessionBrief, unreadableBrief, unreadablePhrases } from '../../../../src/cluster/inventory/coverage';
import type { InventorySnapshot, ResourceKind, ResourceStatus } from '../../../../src/cluster/inventory/types';
import { classifyError, classifyResponse } from '../../../../src/cluster/errors';

function snapshot(status: Partial<Record<ResourceKind, [string, ResourceStatus][]>>, namespaces: string[] = [], fixed = false): InventorySnapshot {
  const m = (k: ResourceKind): Map<string, ResourceStatus> => new Map(status[k] ?? [['*', { state: 'ready' }]]);
  return {
    version: 1,
    namespaces: namespaces.map((name) => ({ name })),
    serviceAccounts: [],
    pods: [],
    secrets: [],
    status: { namespaces: m('namespaces'), serviceaccounts: m('serviceaccounts'), pods: m('pods'), secrets: m('secrets') },
    namespacesFixed: fixed,
  };
}

function forbidden(resource: string, namespace?: string): ResourceStatus {
  const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const error = classifyResponse(403, {
    kind: 'Status',
    code: 403,
    reason: 'Forbidden',
    message: `${resource} is forbidden: User "system:serviceaccount:ui-demo:viewer" cannot list resource "${resource}" in API group "" ${where}`,
  });
  return { state: 'error', error };
}

const unauthorized = classifyResponse(401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
const refused = classifyError(Object.assign(new Error('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), { server: 'https://10.0.0.1:6443' });

describe('inventoryCoverage', () => {
  it('is complete when every list answered', () => {
    const c = inventoryCoverage(snapshot({}));
    assert.equal(isComplete(c), true);
    assert.deepEqual(unreadablePhrases(c), []);
    assert.equal(unreadableBrief(c), undefined);
  });

  it('folds every list a session cause stopped into one, with the soonest retry, the 401 before the unreachable server', () => {
    const c = inventoryCoverage(
      snapshot({
        namespaces: [['*', { state: 'error', error: refused, retryAtMs: 5_000 }]],
        pods: [['*', { state: 'error', error: unauthorized, retryAtMs: 9_000 }]],
        secrets: [['*', { state: 'error', error: unauthorized, retryAtMs: 3_000 }]],
        serviceaccounts: [['*', forbidden('serviceaccounts')]],
      }),
    );
    assert.equal(c.session?.error, unauthorized);
    assert.equal(c.session?.retryAtMs, 3_000);
    assert.deepEqual(
      c.session?.lists.map((l) => l.kind),
      ['namespaces', 'pods', 'secrets'],
    );
    assert.deepEqual(
      c.gaps.map((g) => g.kind),
      ['serviceaccounts'],
      'a 403 stays with its list',
    );
    assert.equal(sessionBrief(unauthorized), 'credential rejected (401)');
    assert.equal(sessionBrief(refused), 'API server unreachable');
  });

  it('says what a user with no RBAC cannot see, naming the missing verbs', () => {
    const fallback = forbidden('pods').error;
    assert.ok(fallback);
    const c = inventoryCoverage(
      snapshot(
        {
          namespaces: [['*', { state: 'error', error: fallback }]],
          serviceaccounts: [['ui-demo', forbidden('serviceaccounts', 'ui-demo')]],
          pods: [['ui-demo', forbidden('pods', 'ui-demo')]],
          secrets: [['ui-demo', forbidden('secrets', 'ui-demo')]],
        },
        ['ui-demo'],
        true,
      ),
      fallback,
    );
    assert.equal(c.session, undefined);
    assert.deepEqual(c.narrowed?.namespaces, ['ui-demo']);
    assert.deepEqual(unreadablePhrases(c), [
      'only namespace ui-demo is read: listing across the cluster is forbidden (missing list on pods across the cluster)',
      'cannot list service accounts, pods and token Secrets in namespace ui-demo: forbidden (missing list on serviceaccounts, pods, secrets)',
    ]);
    assert.equal(unreadableBrief(c), 'cannot list service accounts, pods, token Secrets in ui-demo');
    assert.deepEqual(
      gapsOf(c, 'ui-demo').map((g) => g.kind),
      ['serviceaccounts', 'pods', 'secrets'],
    );
    assert.equal(isComplete(c), false);
  });

  it('keeps causes of one scope apart, and the cluster-wide gaps apply to every namespace', () => {
    const failed: ResourceStatus = { state: 'error', error: classifyResponse(500, { kind: 'Status', code: 500, message: 'etcdserver: request timed out' }) };
    const c = inventoryCoverage(snapshot({ secrets: [['*', forbidden('secrets')]], pods: [['*', failed]] }));
    assert.deepEqual(unreadablePhrases(c), [
      'cannot list pods across the cluster: the cluster failed to answer (500)',
      'cannot list token Secrets across the cluster: forbidden (missing list on secrets)',
    ]);
    assert.equal(unreadableBrief(c), 'cannot list pods across the cluster (+1 more)');
    assert.deepEqual(
      gapsOf(c, 'payments').map((g) => g.kind),
      ['pods', 'secrets'],
    );
  });

  it('names only the narrowing when the namespace the user may read answered in full', () => {
    const fallback = forbidden('pods').error;
    assert.ok(fallback);
    const c = inventoryCoverage(
      snapshot(
        {
          namespaces: [['*', { state: 'error', error: fallback }]],
          pods: [['payments', { state: 'ready' }]],
          serviceaccounts: [['payments', { state: 'ready' }]],
          secrets: [['payments', { state: 'ready' }]],
        },
        ['payments'],
        true,
      ),
      fallback,
    );
    assert.deepEqual(c.gaps, []);
    assert.equal(unreadableBrief(c), 'only namespace payments');
  });
});
