// What a panel shows for its subject: the records and findings in scope, and nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeRef } from '../../../../src/shared/nodeRef';
import type { InventorySnapshot } from '../../../../src/cluster/inventory/types';
import type { ControlPlaneGauge } from '../../../../src/shared/tokenHealthProtocol';
import type { AuditUnauthorizedSpan } from '../../../../src/diagnosis/timeline';
import type { PodItem } from '../../../../src/cluster/inventory/types';
import {
  addressPodsOf,
  buildPanelState,
  goneNotice,
  inScope,
  namespaceGoneNotice,
  podGoneNotice,
  resolveSubject,
  showsControlPlane,
  subjectKey,
} from '../../../../src/ui/tokenHealth/panelData';
import { apisixRecords, HOSTILE_POD, MIN, notReloadingFinding, otherFinding, T0, unauthorized } from './evidence';

const NOW = T0 + 80 * MIN;
const podRef: NodeRef = { kind: 'pod', context: 'test', namespace: 'gateway', name: 'apisix-7d9f-x2k4q', uid: 'uid-apisix', serviceAccount: 'apisix' };
const findings = [notReloadingFinding(), otherFinding()];

describe('Token Health panel data', () => {
  it("carries the control plane's gauge on a context's panel only: the API server's counters are the whole cluster's", () => {
    const controlPlane: ControlPlaneGauge = {
      intervalSeconds: 60,
      points: [{ startMs: NOW - MIN, endMs: NOW, perMinute: { stale: 6, legacy: 1, valid: 2, failed: 0 } }],
      lastSampleMs: NOW,
      apiserverLogState: 'No kube-apiserver pod runs in kube-system.',
    };
    const context = buildPanelState({ ref: { kind: 'context', context: 'test' }, records: [], findings, nowMs: NOW, controlPlane });
    assert.deepEqual(context.controlPlane, controlPlane);
    assert.ok(showsControlPlane({ kind: 'context', context: 'test' }));
    const refs: NodeRef[] = [
      podRef,
      { kind: 'namespace', context: 'test', namespace: 'gateway' },
      { kind: 'serviceAccount', context: 'test', namespace: 'gateway', name: 'apisix' },
      { kind: 'finding', context: 'test', findingId: notReloadingFinding().id },
    ];
    for (const ref of refs) {
      assert.equal(showsControlPlane(ref), false, ref.kind);
      assert.equal(buildPanelState({ ref, records: [], findings, nowMs: NOW, controlPlane }).controlPlane, undefined, ref.kind);
    }
    assert.equal(buildPanelState({ ref: { kind: 'context', context: 'test' }, records: [], findings, nowMs: NOW }).controlPlane, undefined);
  });

  it("a pod's panel holds its tokens, its 401 lines (newest first) and its findings", () => {
    const s = buildPanelState({ ref: podRef, records: apisixRecords(), findings, nowMs: NOW });
    assert.equal(s.subject.title, 'Pod gateway/apisix-7d9f-x2k4q');
    assert.deepEqual(new Set(s.timeline.windows.map((w) => w.fingerprint)), new Set(['aaaaaaaa11111111', 'bbbbbbbb22222222']));
    assert.equal(s.timeline.refreshes.length, 1);
    assert.deepEqual(
      s.unauthorizedLines.map((l) => l.line),
      ['failed to list: Unauthorized', 'GET /apis/apisix.apache.org/v2/apisixroutes 401 Unauthorized'],
    );
    assert.equal(s.unauthorizedLines[0]?.count, 3);
    assert.equal(s.unauthorizedLines[0]?.container, 'apisix');
    assert.deepEqual(
      s.findings.map((f) => f.rule),
      ['notReloading'],
    );
    assert.equal(s.generatedAtMs, NOW);
    assert.deepEqual(
      s.actions.map((a) => a.command),
      ['clusterCredentials.scanUnauthorized'],
    );
    assert.deepEqual(s.actions[0]?.target, podRef);
  });

  it("a context's panel holds every pod of that context and no other context", () => {
    const s = buildPanelState({ ref: { kind: 'context', context: 'test' }, records: apisixRecords(), findings, nowMs: NOW });
    assert.equal(s.timeline.windows.length, 3);
    assert.equal(s.unauthorizedLines.length, 3);
    assert.ok(!s.unauthorizedLines.some((l) => l.line === 'other context'));
    assert.deepEqual(
      s.findings.map((f) => f.id),
      [notReloadingFinding().id],
    );
  });

  it("puts the audit log's 401s on the timeline of the pod they are tied to, the pod's service account and the context", () => {
    const span = (pod: string, namespace = 'gateway', context = 'test'): AuditUnauthorizedSpan => ({
      subject: { context, namespace, pod, podUid: `uid-${pod}` },
      firstSeenMs: T0 + 50 * MIN,
      lastSeenMs: T0 + 58 * MIN,
      requests: 4,
      sourceIP: '10.244.0.9',
      userAgent: 'lua-resty-http/0.17.1',
    });
    const auditSpans = [span('apisix-7d9f-x2k4q'), span('api-1', 'payments'), span('apisix-7d9f-x2k4q', 'gateway', 'prod')];
    const pod = buildPanelState({ ref: podRef, records: apisixRecords(), findings, nowMs: NOW, auditSpans });
    assert.deepEqual(
      pod.timeline.auditUnauthorized?.map((a) => [a.lane, a.requests]),
      [['gateway/apisix-7d9f-x2k4q', 4]],
    );
    const sa = buildPanelState({
      ref: { kind: 'serviceAccount', context: 'test', namespace: 'gateway', name: 'apisix' },
      records: apisixRecords(),
      findings,
      nowMs: NOW,
      auditSpans,
    });
    assert.equal(sa.timeline.auditUnauthorized?.length, 1, 'the pod its tokens were seen in');
    const context = buildPanelState({ ref: { kind: 'context', context: 'test' }, records: apisixRecords(), findings, nowMs: NOW, auditSpans });
    assert.deepEqual(context.timeline.auditUnauthorized?.map((a) => a.lane).sort(), ['gateway/apisix-7d9f-x2k4q', 'payments/api-1']);
    assert.deepEqual(buildPanelState({ ref: podRef, records: apisixRecords(), findings, nowMs: NOW }).timeline.auditUnauthorized, []);
  });

  it("ties through the inventory's pods as the audit rules see them: addresses, and start times in ms", () => {
    const item = {
      namespace: 'db',
      name: 'billing-db-0',
      uid: 'uid-billing',
      serviceAccount: 'billing-db',
      podIPs: ['10.244.0.11'],
      startedAtSec: 1_700_000_000,
    } as unknown as PodItem;
    assert.deepEqual(addressPodsOf([item]), [
      { namespace: 'db', name: 'billing-db-0', uid: 'uid-billing', serviceAccount: 'billing-db', podIPs: ['10.244.0.11'], startedAtMs: 1_700_000_000_000 },
    ]);
  });

  it("a service account's panel takes the 401 lines of the pods its tokens were seen in", () => {
    const records = apisixRecords().map((r) => (r.kind === 'unauthorized' ? { ...r, subject: { ...r.subject, serviceAccount: undefined } } : r));
    const s = buildPanelState({ ref: { kind: 'serviceAccount', context: 'test', namespace: 'gateway', name: 'apisix' }, records, findings, nowMs: NOW });
    assert.equal(s.timeline.windows.length, 2);
    assert.equal(s.unauthorizedLines.length, 2);
    assert.equal(s.subject.title, 'Service account gateway/apisix');
  });

  it("a finding's panel covers the finding's subject and highlights it", () => {
    const f = notReloadingFinding();
    const s = buildPanelState({ ref: { kind: 'finding', context: 'test', findingId: f.id }, records: apisixRecords(), findings, nowMs: NOW });
    assert.equal(s.subject.findingId, f.id);
    assert.equal(s.subject.title, 'Pod gateway/apisix-7d9f-x2k4q');
    assert.equal(s.unauthorizedLines.length, 2);
  });

  it('says so when the finding it was opened for is gone', () => {
    const r = resolveSubject({ kind: 'finding', context: 'test', findingId: 'gone' }, findings);
    assert.match(r.subject.detail, /no longer reported/);
    assert.deepEqual(r.scope, { context: 'test' });
  });

  it('passes hostile strings on as data; the webview renders them as text', () => {
    const hostile = unauthorized(T0, HOSTILE_POD, { context: 'test', namespace: 'gateway', pod: HOSTILE_POD });
    const s = buildPanelState({ ref: { kind: 'context', context: 'test' }, records: [hostile], findings: [], nowMs: NOW });
    assert.equal(s.unauthorizedLines[0]?.pod, HOSTILE_POD);
    assert.equal(s.unauthorizedLines[0]?.line, HOSTILE_POD);
  });

  it('scopes by every field it names', () => {
    assert.ok(inScope({ context: 'c', namespace: 'n', pod: 'p' }, { context: 'c', namespace: 'n' }));
    assert.ok(!inScope({ context: 'c', namespace: 'n' }, { context: 'c', namespace: 'n', pod: 'p' }));
    assert.ok(!inScope({ context: 'd', namespace: 'n', pod: 'p' }, { context: 'c' }));
  });

  it('gives one key per subject, so the same subject reuses its panel', () => {
    assert.equal(subjectKey(podRef), subjectKey({ ...podRef, uid: 'other-uid' }));
    assert.notEqual(subjectKey(podRef), subjectKey({ kind: 'context', context: 'test' }));
    assert.notEqual(subjectKey({ kind: 'namespace', context: 'a/b', namespace: 'c' }), subjectKey({ kind: 'namespace', context: 'a', namespace: 'b/c' }));
  });
});

describe("a pod's panel once the pod is gone", () => {
  const ready = new Map([['*', { state: 'ready' as const }]]);
  const pod = {
    namespace: 'gateway',
    name: 'apisix-7d9f-x2k4q',
    uid: 'uid-apisix',
    serviceAccount: 'apisix',
    phase: 'Running',
    deleting: false,
    containers: [],
  };
  function snapshot(pods: (typeof pod)[], patch: Partial<InventorySnapshot> = {}): InventorySnapshot {
    return {
      version: 1,
      namespaces: [{ name: 'gateway' }],
      serviceAccounts: [],
      pods: pods as unknown as InventorySnapshot['pods'],
      secrets: [],
      status: { namespaces: ready, serviceaccounts: ready, pods: ready, secrets: ready },
      namespacesFixed: false,
      ...patch,
    };
  }

  it('says nothing while the pod (by uid) is listed, the list has not answered, or the session is another context', () => {
    assert.equal(podGoneNotice(podRef, { context: 'test', snapshot: snapshot([pod]) }), undefined);
    const loading = new Map([['*', { state: 'loading' as const }]]);
    assert.equal(
      podGoneNotice(podRef, {
        context: 'test',
        snapshot: snapshot([], { status: { namespaces: ready, serviceaccounts: ready, pods: loading, secrets: ready } }),
      }),
      undefined,
    );
    assert.equal(podGoneNotice(podRef, { context: 'other', snapshot: snapshot([]) }), undefined);
    assert.equal(podGoneNotice(podRef, undefined), undefined);
    assert.equal(podGoneNotice({ kind: 'context', context: 'test' }, { context: 'test', snapshot: snapshot([]) }), undefined);
  });

  it('says the pod is gone once the inventory no longer has its uid, also for a successor of the same name', () => {
    assert.match(
      podGoneNotice(podRef, { context: 'test', snapshot: snapshot([]) }) ?? '',
      /^Pod gateway\/apisix-7d9f-x2k4q \(uid uid-apisix\) is gone: it was deleted from the cluster\./,
    );
    const successor = { ...pod, uid: 'uid-new' };
    assert.match(
      podGoneNotice(podRef, { context: 'test', snapshot: snapshot([successor]) }) ?? '',
      /a new pod of the same name \(uid uid-new\) took its place/,
    );
    assert.match(podGoneNotice(podRef, { context: 'test', snapshot: snapshot([], { namespaces: [] }) }) ?? '', /its namespace gateway was deleted/);
    const file: NodeRef = {
      kind: 'tokenFile',
      context: 'test',
      namespace: 'gateway',
      pod: pod.name,
      podUid: pod.uid,
      container: 'c',
      path: '/p',
      serviceAccount: 'apisix',
    };
    assert.match(podGoneNotice(file, { context: 'test', snapshot: snapshot([]) }) ?? '', /is gone/);
  });

  it("a namespace's panel says the namespace is gone once the namespace list answered without it", () => {
    const nsRef: NodeRef = { kind: 'namespace', context: 'test', namespace: 'gateway' };
    const gone = snapshot([], { namespaces: [{ name: 'payments' }] });
    assert.equal(
      namespaceGoneNotice(nsRef, { context: 'test', snapshot: gone }),
      'Namespace gateway is gone: it was deleted from the cluster. This panel shows what history recorded of it.',
    );
    assert.equal(goneNotice(nsRef, { context: 'test', snapshot: gone }), namespaceGoneNotice(nsRef, { context: 'test', snapshot: gone }));
    // Listed, another context's inventory, no inventory, or a pod's panel: nothing.
    assert.equal(namespaceGoneNotice(nsRef, { context: 'test', snapshot: snapshot([]) }), undefined);
    assert.equal(namespaceGoneNotice(nsRef, { context: 'other', snapshot: gone }), undefined);
    assert.equal(namespaceGoneNotice(nsRef, undefined), undefined);
    assert.equal(namespaceGoneNotice(podRef, { context: 'test', snapshot: gone }), undefined);
    // A list still loading or failing, or namespaces from settings, do not know what the cluster holds.
    const loading = new Map([['*', { state: 'loading' as const }]]);
    const failing = new Map([['*', { state: 'error' as const }]]);
    for (const namespaces of [loading, failing, new Map()]) {
      const status = { namespaces, serviceaccounts: ready, pods: ready, secrets: ready };
      assert.equal(namespaceGoneNotice(nsRef, { context: 'test', snapshot: snapshot([], { namespaces: [], status }) }), undefined);
    }
    assert.equal(namespaceGoneNotice(nsRef, { context: 'test', snapshot: snapshot([], { namespaces: [], namespacesFixed: true }) }), undefined);
    const s = buildPanelState({
      ref: nsRef,
      records: apisixRecords(),
      findings,
      nowMs: NOW,
      notice: goneNotice(nsRef, { context: 'test', snapshot: gone }) ?? '',
    });
    assert.match(s.notice ?? '', /^Namespace gateway is gone/);
    assert.ok(s.timeline.windows.length > 0, 'what history recorded of it is still shown');
  });

  it('the panel shows it as its notice', () => {
    const notice = podGoneNotice(podRef, { context: 'test', snapshot: snapshot([]) });
    const s = buildPanelState({ ref: podRef, records: apisixRecords(), findings, nowMs: NOW, ...(notice !== undefined ? { notice } : {}) });
    assert.match(s.notice ?? '', /is gone/);
  });
});
