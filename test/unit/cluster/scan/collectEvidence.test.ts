// collectEvidence against the test cluster, over the session's inventory: pods with their token sources,
// PVCs and owners; live reads recorded as observations; legacy token Secrets with their labels; the
// active context's credential. Healthy gives no finding; a stalled kubelet under a Terminating PVC gives one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectEvidence } from '../../../../src/cluster/scan/collectEvidence';
import { diagnose } from '../../../../src/diagnosis/diagnose';
import { R } from '../../../cluster/resources';
import { type Harness, PATTERNS, kubeletReader, onePod, startHarness } from './support';

describe('collectEvidence on the healthy scenario', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['healthy']);
  });
  after(() => h.close());

  it('describes pods, their token files, PVCs, owners and workloads', async () => {
    const { evidence, newObservations } = await collectEvidence(
      { ...h.evidence, describeCredential: () => h.session.provider.describe() },
      { kind: 'context' },
      { nowMs: h.now, history: h.history, readToken: kubeletReader(h.cluster) },
    );
    assert.deepEqual(evidence.problems, []);
    const api = evidence.pods.find((p) => p.namespace === 'payments' && p.name.startsWith('api-'));
    assert.ok(api);
    assert.equal(api.phase, 'Running');
    assert.deepEqual(api.workload, { kind: 'Deployment', name: 'api' });
    assert.equal(api.owner?.kind, 'ReplicaSet');
    assert.deepEqual(
      api.tokenSources.map((s) => [s.path, s.containers, s.expirationSeconds]),
      [['/var/run/secrets/kubernetes.io/serviceaccount/token', ['api'], 3607]],
    );
    const vault = evidence.pods.find((p) => p.name === 'vault-client');
    assert.ok(vault?.tokenSources.some((s) => s.audience === 'vault' && s.path === '/var/run/secrets/vault/token'));
    const patroni = evidence.pods.find((p) => p.name === 'patroni-0');
    assert.deepEqual(patroni?.workload, { kind: 'StatefulSet', name: 'patroni' });
    // Its token refreshes: the PVC it mounts is named, not read (`found` left out).
    assert.deepEqual(
      patroni?.claims.map((c) => [c.claimName, c.terminating, c.found]),
      [['data-patroni-0', false, undefined]],
    );
    assert.ok(newObservations.length >= 5, 'one live read per token file of each running pod');
    for (const o of newObservations) {
      assert.match(o.fingerprint, /^[0-9a-f]{16}$/);
      assert.equal(JSON.stringify(o).includes('eyJ'), false, 'never a raw token');
    }
    assert.equal(evidence.kubeconfigCredentials[0]?.origin, 'activeContext');
    assert.deepEqual(diagnose(evidence, h.now()), [], 'healthy: no finding');
  });

  it('gives no finding over three hours of refreshes observed every ten minutes', async () => {
    const session = h.evidence;
    for (let i = 0; i < 18; i++) {
      const { newObservations } = await collectEvidence(
        session,
        { kind: 'namespace', namespace: 'payments' },
        { nowMs: h.now, readToken: kubeletReader(h.cluster) },
      );
      await h.history.append(newObservations);
      h.cluster.advance(600);
      await h.caughtUp();
    }
    const { evidence } = await collectEvidence(
      session,
      { kind: 'namespace', namespace: 'payments' },
      { nowMs: h.now, history: h.history, readToken: kubeletReader(h.cluster), scan: { patterns: PATTERNS } },
    );
    const fingerprints = new Set(evidence.observations.filter((o) => o.subject.pod?.startsWith('api-')).map((o) => o.fingerprint));
    assert.ok(fingerprints.size >= 3, `the kubelet refreshed the api token (${fingerprints.size} tokens seen)`);
    assert.deepEqual(
      diagnose(evidence, h.now()).map((f) => f.title),
      [],
    );
  });

  it('lists legacy token Secrets with their tracking labels and fingerprint', async () => {
    const created = h.cluster.api.create(R.secrets, 'payments', {
      metadata: {
        name: 'api-legacy',
        annotations: { 'kubernetes.io/service-account.name': 'api' },
        labels: { 'kubernetes.io/legacy-token-last-used': '2025-01-05' },
      },
      type: 'kubernetes.io/service-account-token',
    });
    assert.ok(created.ok);
    await h.caughtUp();
    const { evidence } = await collectEvidence(h.evidence, { kind: 'serviceAccount', namespace: 'payments', name: 'api' }, { nowMs: h.now });
    assert.deepEqual(
      evidence.legacySecrets.map((s) => [s.name, s.serviceAccount, s.lastUsed, s.referencedByServiceAccount, s.mountedBy]),
      [['api-legacy', 'api', '2025-01-05', false, []]],
    );
    assert.match(evidence.legacySecrets[0]?.fingerprint ?? '', /^[0-9a-f]{16}$/);
    const [finding] = diagnose(evidence, h.now());
    assert.equal(finding?.rule, 'legacyToken');
    assert.match(finding?.explanation ?? '', /never cleaned up: its ServiceAccount does not list it in \.secrets/);
  });
});

describe('collectEvidence when the kubelet stops refreshing under a Terminating PVC', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['healthy']);
  });
  after(() => h.close());

  it('names the Terminating PVC as the cause', async () => {
    const pod = onePod(h.cluster, 'db', 'patroni-0');
    const session = h.evidence;
    const scope = { kind: 'pod', namespace: 'db', name: 'patroni-0' } as const;
    const first = await collectEvidence(session, scope, { nowMs: h.now, readToken: kubeletReader(h.cluster) });
    await h.history.append(first.newObservations);
    // Someone deletes the PVC; the pod still uses it, so it stays Terminating, and the kubelet stalls.
    const deleted = h.cluster.api.delete(R.persistentVolumeClaims, 'db', 'data-patroni-0');
    assert.ok(deleted.ok);
    h.cluster.kubelet.stall(pod.metadata.uid, true);
    for (let i = 0; i < 6; i++) {
      h.cluster.advance(600);
      await h.caughtUp();
      const next = await collectEvidence(session, scope, { nowMs: h.now, readToken: kubeletReader(h.cluster) });
      await h.history.append(next.newObservations);
    }
    const { evidence } = await collectEvidence(session, scope, { nowMs: h.now, history: h.history });
    assert.equal(evidence.pods[0]?.claims[0]?.terminating, true);
    const findings = diagnose(evidence, h.now());
    assert.deepEqual(
      findings.map((f) => [f.rule, f.cause]),
      [['refreshStalled', 'pvcTerminating']],
    );
    assert.match(findings[0]?.explanation ?? '', /PVC db\/data-patroni-0 it mounts is Terminating/);
    assert.match(findings[0]?.explanation ?? '', /Kubernetes PR 130335/);
    assert.equal(findings[0]?.severity, 'warning', 'the extended token is still accepted');
  });
});
