// The projections keep what the diagnosis needs (PVC names, Secret volumes, container statuses, an SA's
// `.secrets`, the legacy-token labels) and no more; a scope's view of a snapshot says what it could not see.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectLegacySecret, projectPod, projectServiceAccount } from '../../../../src/cluster/inventory/projection';
import { viewOfScope } from '../../../../src/cluster/inventory/scopeView';
import type { InventorySnapshot, PodItem, ResourceStatus } from '../../../../src/cluster/inventory/types';
import type { ClusterError } from '../../../../src/cluster/errors';

const segment = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const RAW_TOKEN = `${segment({ alg: 'RS256', kid: 'k1' })}.${segment({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:db:patroni' })}.c2lnbmF0dXJl`;

const POD = {
  metadata: {
    namespace: 'db',
    name: 'patroni-0',
    uid: 'p1',
    deletionTimestamp: '2026-01-02T03:04:05Z',
    ownerReferences: [{ kind: 'StatefulSet', name: 'patroni', controller: true }],
  },
  spec: {
    serviceAccountName: 'patroni',
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data-patroni-0' } },
      { name: 'legacy', secret: { secretName: 'patroni-token-abcde' } },
      { name: 'kube-api-access-x', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } },
    ],
    initContainers: [{ name: 'init' }],
    containers: [{ name: 'patroni', volumeMounts: [{ name: 'kube-api-access-x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
    ephemeralContainers: [{ name: 'debugger' }],
  },
  status: {
    phase: 'Running',
    startTime: '2026-01-01T00:00:00Z',
    initContainerStatuses: [{ name: 'init', restartCount: 0, ready: false, lastState: {} }],
    containerStatuses: [{ name: 'patroni', restartCount: 2, ready: true, lastState: { terminated: { exitCode: 137 } } }],
  },
};

describe('projections', () => {
  it('keep a pod’s PVCs, Secret volumes, container statuses and deletion time', () => {
    const pod = projectPod(POD);
    assert.ok(pod);
    assert.deepEqual(pod.claims, [{ volume: 'data', claimName: 'data-patroni-0' }]);
    assert.deepEqual(pod.secretVolumes, ['patroni-token-abcde']);
    assert.deepEqual(pod.ephemeralContainers, ['debugger']);
    assert.deepEqual(pod.statuses, [
      { name: 'init', kind: 'init', restartCount: 0, ready: false },
      { name: 'patroni', kind: 'app', restartCount: 2, ready: true, lastExitCode: 137 },
    ]);
    assert.equal(pod.deleting, true);
    assert.equal(pod.deletingSinceSec, Date.parse('2026-01-02T03:04:05Z') / 1000);
    assert.equal(pod.startedAtSec, Date.parse('2026-01-01T00:00:00Z') / 1000);
  });

  it("keep a service account's .secrets names and a legacy Secret's labels, never its token", () => {
    const sa = projectServiceAccount({
      metadata: { namespace: 'db', name: 'patroni', uid: 's1' },
      secrets: [{ name: 'patroni-token-abcde' }, { kind: 'Secret' }],
    });
    assert.deepEqual(sa?.secrets, ['patroni-token-abcde']);
    const secret = projectLegacySecret({
      type: 'kubernetes.io/service-account-token',
      metadata: {
        namespace: 'db',
        name: 'patroni-token-abcde',
        uid: 'x1',
        creationTimestamp: '2025-01-01T00:00:00Z',
        annotations: { 'kubernetes.io/service-account.name': 'patroni' },
        labels: { 'kubernetes.io/legacy-token-last-used': '2025-06-01', 'kubernetes.io/legacy-token-invalid-since': '2025-07-01' },
      },
      data: { token: Buffer.from(RAW_TOKEN).toString('base64') },
    });
    assert.ok(secret);
    assert.deepEqual(
      [secret.serviceAccount, secret.lastUsed, secret.invalidSince, secret.createdAtSec],
      ['patroni', '2025-06-01', '2025-07-01', Date.parse('2025-01-01T00:00:00Z') / 1000],
    );
    assert.match(secret.fingerprint ?? '', /^[0-9a-f]{16}$/);
    assert.equal(secret.fingerprint, secret.token?.fingerprint);
    assert.ok(!JSON.stringify(secret).includes(RAW_TOKEN.split('.')[1] ?? RAW_TOKEN), 'no raw token kept');
  });
});

function snapshotOf(
  pods: PodItem[],
  status: Partial<Record<'pods' | 'serviceaccounts' | 'secrets', [string, ResourceStatus][]>>,
  fixed?: string[],
): InventorySnapshot {
  const m = (k: 'pods' | 'serviceaccounts' | 'secrets'): Map<string, ResourceStatus> =>
    new Map(status[k] ?? (fixed ?? ['*']).map((n) => [n, { state: 'ready' }]));
  return {
    version: 1,
    namespaces: (fixed ?? ['payments', 'db']).map((name) => ({ name })),
    serviceAccounts: [],
    pods,
    secrets: [],
    status: { namespaces: new Map(), serviceaccounts: m('serviceaccounts'), pods: m('pods'), secrets: m('secrets') },
    namespacesFixed: fixed !== undefined,
  };
}

const FORBIDDEN: ClusterError = { kind: 'forbidden', status: 403, message: 'you cannot list pods across the cluster (403)' };

describe('viewOfScope', () => {
  const pod = projectPod(POD);
  assert.ok(pod);
  const other: PodItem = { ...pod, namespace: 'payments', name: 'api-1', uid: 'p2', serviceAccount: 'api' };

  it('narrows to a namespace, a pod or a service account', () => {
    const snap = snapshotOf([pod, other], {});
    assert.deepEqual(viewOfScope(snap, undefined, { kind: 'context' }).pods.length, 2);
    assert.deepEqual(
      viewOfScope(snap, undefined, { kind: 'namespace', namespace: 'db' }).pods.map((p) => p.name),
      ['patroni-0'],
    );
    assert.deepEqual(
      viewOfScope(snap, undefined, { kind: 'serviceAccount', namespace: 'payments', name: 'api' }).pods.map((p) => p.name),
      ['api-1'],
    );
    const missing = viewOfScope(snap, undefined, { kind: 'pod', namespace: 'db', name: 'gone' });
    assert.deepEqual(missing.pods, []);
    assert.match(missing.problems[0] ?? '', /^pod db\/gone is not in the cluster's pod list/);
  });

  it("says when a context-wide look came down to the context's namespace, and what failed there", () => {
    const error: ClusterError = { kind: 'forbidden', status: 403, message: 'you cannot list secrets in namespace payments (403)' };
    const snap = snapshotOf([other], { secrets: [['payments', { state: 'error', error }]] }, ['payments']);
    const view = viewOfScope(snap, FORBIDDEN, { kind: 'context' });
    assert.deepEqual(view.namespaces, ['payments']);
    assert.deepEqual(view.problems, [
      "listing pods across the cluster is forbidden (you cannot list pods across the cluster (403)); looking only in namespace payments, the context's namespace",
      'listing service-account token Secrets in namespace payments: you cannot list secrets in namespace payments (403)',
    ]);
    const outside = viewOfScope(snap, FORBIDDEN, { kind: 'namespace', namespace: 'db' });
    assert.deepEqual(outside.pods, []);
    assert.match(outside.problems[0] ?? '', /^namespace db is outside the namespaces the extension lists \(payments\)/);
  });

  it('reports a cluster-wide list that failed, and one that has not answered', () => {
    const snap = snapshotOf([], { pods: [['*', { state: 'error', error: FORBIDDEN }]], secrets: [['*', { state: 'loading' }]] });
    assert.deepEqual(viewOfScope(snap, undefined, { kind: 'namespace', namespace: 'payments' }).problems, [
      'listing pods: you cannot list pods across the cluster (403)',
      'listing service-account token Secrets: the cluster has not answered yet',
    ]);
  });
});
