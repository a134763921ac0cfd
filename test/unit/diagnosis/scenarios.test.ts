// Each incident scenario of the test cluster, seen the way the extension sees it: evidence
// gathered by src/cluster/scan/collectEvidence.ts over the session's inventory (live reads every ten minutes
// into history, a log and event scan), then diagnose(). Each names its cause and action; healthy names nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probeConcurrency } from '../../../src/cluster/actions/probeConcurrency';
import { collectEvidence, type CollectOptions } from '../../../src/cluster/scan/collectEvidence';
import { loadKubeconfig } from '../../../src/cluster/auth/kubeconfig';
import { openSession } from '../../../src/cluster/auth/session';
import { diagnose } from '../../../src/diagnosis/diagnose';
import { kubeconfigDocumentEvidence } from '../../../src/diagnosis/documentCredentials';
import type { EvidenceScope } from '../../../src/diagnosis/evidence';
import type { Finding } from '../../../src/diagnosis/types';
import { probeResultOf } from '../../../src/ui/commands/probeRecord';
import { type Harness, PATTERNS, kubeletReader, startHarness } from '../cluster/scan/support';

/** Reads the scope's token files every `stepSeconds` for `steps` steps, recording them, then collects with a scan. */
async function observe(h: Harness, scope: EvidenceScope, steps: number, stepSeconds: number, extra: Partial<CollectOptions> = {}): Promise<Finding[]> {
  const session = h.evidence;
  for (let i = 0; i < steps; i++) {
    const { newObservations } = await collectEvidence(session, scope, { nowMs: h.now, readToken: kubeletReader(h.cluster) });
    await h.history.append(newObservations);
    h.cluster.advance(stepSeconds);
    await h.caughtUp();
  }
  const { evidence, newObservations, newUnauthorized } = await collectEvidence(session, scope, {
    nowMs: h.now,
    history: h.history,
    readToken: kubeletReader(h.cluster),
    scan: { patterns: PATTERNS, tailLines: 2000 },
    ...extra,
  });
  await h.history.append([...newObservations, ...newUnauthorized]);
  assert.deepEqual(evidence.problems, []);
  for (const f of evidence.observations) assert.equal(JSON.stringify(f).includes('eyJ'), false);
  return diagnose(evidence, h.now());
}

function only(findings: Finding[]): Finding {
  assert.equal(findings.length, 1, findings.map((f) => `${f.rule}: ${f.title}`).join('\n'));
  const [f] = findings;
  assert.ok(f);
  return f;
}

function noRawToken(f: Finding): void {
  const text = JSON.stringify(f);
  assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/, 'no raw JWT in a finding');
}

describe('diagnosis of the test cluster scenarios', () => {
  it('healthy: no finding', async () => {
    const h = await startHarness(['healthy']);
    try {
      assert.deepEqual(await observe(h, { kind: 'context' }, 8, 600), []);
    } finally {
      await h.close();
    }
  });

  it('apisix-not-reloading: the rotation, the 401 lines after it, restart now', async () => {
    const h = await startHarness(['apisix-not-reloading']);
    try {
      const f = only(await observe(h, { kind: 'namespace', namespace: 'ingress-apisix' }, 7, 600));
      assert.equal(f.rule, 'notReloading');
      assert.equal(f.cause, 'appNotReloading');
      assert.equal(f.severity, 'error');
      assert.match(f.title, /^ingress-apisix\/apisix-.* (does not reload its rotated token|sends an expired token it never re-read)$/);
      assert.match(f.explanation, /restart the pod now and make the app re-read its token file/);
      assert.ok(f.evidence.some((e) => e.text.startsWith('rotation: the kubelet wrote a new token')));
      assert.ok(f.evidence.some((e) => /401 log ingress-apisix\/apisix-.* \(apisix\): .*list failed, kind: Endpoints, reason: Unauthorized/.test(e.text)));
      assert.deepEqual(
        f.actions.map((a) => a.command),
        ['clusterCredentials.restartPod', 'clusterCredentials.rolloutRestart', 'clusterCredentials.showTokenHealth'],
      );
      assert.equal(f.actions[1]?.title, 'Rollout restart Deployment apisix');
      noRawToken(f);
    } finally {
      await h.close();
    }
  });

  it('patroni-expired: the token Patroni read 400 days ago expired; restart the pod', async () => {
    const h = await startHarness(['patroni-expired']);
    try {
      const f = only(await observe(h, { kind: 'pod', namespace: 'db', name: 'orders-db-0' }, 2, 600));
      assert.equal(f.rule, 'notReloading');
      assert.equal(f.title, 'db/orders-db-0 sends an expired token it never re-read');
      assert.match(f.explanation, /the token it read at start expired at about /);
      assert.ok(f.evidence.some((e) => e.text.includes("ApiException(401, 'Unauthorized')")));
      assert.equal(f.actions[0]?.command, 'clusterCredentials.restartPod');
      assert.equal(f.actions[1]?.title, 'Rollout restart StatefulSet orders-db');
      noRawToken(f);
    } finally {
      await h.close();
    }
  });

  it('kubelet-refresh-stalled: names the Terminating PVC and PR 130335', async () => {
    const h = await startHarness(['kubelet-refresh-stalled']);
    try {
      const f = only(await observe(h, { kind: 'namespace', namespace: 'reports' }, 2, 600));
      assert.equal(f.rule, 'refreshStalled');
      assert.equal(f.cause, 'pvcTerminating');
      assert.match(f.title, /^Kubelet stopped refreshing the token of reports\/report-renderer-/);
      assert.match(f.explanation, /the PVC reports\/report-archive it mounts is Terminating since /);
      assert.match(f.explanation, /Kubernetes PR 130335/);
      assert.ok(f.evidence.some((e) => e.text.startsWith('PVC deletion requested')));
      assert.ok(
        f.evidence.some((e) => e.text.startsWith('warnafter reached')),
        'the stale-token symptom is folded in',
      );
      assert.deepEqual(
        f.actions.map((a) => a.command),
        ['clusterCredentials.showTokenHealth', 'clusterCredentials.restartPod', 'clusterCredentials.rolloutRestart'],
      );
    } finally {
      await h.close();
    }
  });

  it('multus-kubeconfig-expired: the node kubeconfig open in the editor holds an expired copy of the pod token', async () => {
    const h = await startHarness(['multus-kubeconfig-expired']);
    try {
      const file = h.cluster.files.find((f) => f.path.endsWith('multus.kubeconfig'));
      assert.ok(file);
      const documents = kubeconfigDocumentEvidence(file.text, '/etc/cni/net.d/multus.d/multus.kubeconfig', Math.floor(h.now() / 1000));
      assert.equal(documents.length, 1);
      assert.equal(documents[0]?.user, 'multus');
      const f = only(await observe(h, { kind: 'namespace', namespace: 'kube-system' }, 1, 600, { documents }));
      assert.equal(f.rule, 'kubeconfigCredential');
      assert.equal(f.cause, 'copiedServiceAccountToken');
      assert.equal(f.severity, 'error');
      assert.equal(f.title, 'Kubeconfig token expired: /etc/cni/net.d/multus.d/multus.kubeconfig (user multus)');
      assert.match(f.explanation, /copied into the file, which nothing refreshes/);
      assert.deepEqual(
        f.actions.map((a) => a.title),
        ['Restart the pod that wrote it', 'Rollout restart DaemonSet kube-multus-ds', 'Show Token Health'],
      );
      assert.ok(
        f.evidence.some((e) => e.text.includes('error getting pod: Unauthorized')),
        f.evidence.map((e) => e.text).join('\n'),
      );
      noRawToken(f);
      // Without the file open, the pod's own 401 lines still lead to restarting it.
      const without = only(await observe(h, { kind: 'namespace', namespace: 'kube-system' }, 0, 0));
      assert.equal(without.rule, 'notReloading');
    } finally {
      await h.close();
    }
  });

  it('rancher-concurrent-401: a concurrency probe with the ACE token gets some 401s', async () => {
    const h = await startHarness(['rancher-concurrent-401']);
    try {
      const file = h.cluster.files.find((f) => f.path.endsWith('downstream-ace.kubeconfig'));
      assert.ok(file);
      const path = h.cluster.writeFiles(h.dir).find((p) => p.endsWith('downstream-ace.kubeconfig'));
      assert.ok(path);
      const opened = openSession(loadKubeconfig({ settingPath: path, env: {}, home: h.dir }), { trustExecPlugins: false });
      assert.ok(opened.ok);
      const outcome = await probeConcurrency(opened.session.provider, { requests: 12, credential: { kind: 'active' } });
      await opened.session.api.dispose();
      assert.ok(outcome.ok, outcome.ok ? '' : JSON.stringify(outcome));
      const probe = probeResultOf(outcome.value, { context: opened.session.context }, h.now());
      assert.ok(probe.unauthorized > 0 && probe.ok > 0, `ok ${probe.ok}, 401 ${probe.unauthorized}`);
      const f = only(await observe(h, { kind: 'namespace', namespace: 'cattle-system' }, 0, 0, { probes: [probe] }));
      assert.equal(f.rule, 'concurrent401');
      assert.equal(f.cause, 'concurrency');
      assert.match(
        f.explanation,
        new RegExp(`^${probe.unauthorized} of 12 parallel requests with token ${probe.tokenFingerprint} were refused with 401 while ${probe.ok} passed`),
      );
      assert.equal(f.actions[0]?.command, 'clusterCredentials.probeConcurrency');
    } finally {
      await h.close();
    }
  });
});
