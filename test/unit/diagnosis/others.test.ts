// concurrent401, legacyToken and kubeconfigCredential on hand-built evidence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DIAGNOSE_OPTIONS } from '../../../src/diagnosis/ruleKit';
import { concurrent401Rule } from '../../../src/diagnosis/rules/concurrent401';
import { cleanupPlan, legacyTokenRule, parseLabelDate } from '../../../src/diagnosis/rules/legacyToken';
import { kubeconfigCredentialRule } from '../../../src/diagnosis/rules/kubeconfigCredential';
import { CONTEXT, HOUR, MIN, S0, T0, evidenceWith, pod, subjectOf, unauthorized } from './builders';

const opts = DEFAULT_DIAGNOSE_OPTIONS;

describe('concurrent401 rule', () => {
  it('reports a probe where some parallel requests with one token got 401', () => {
    const p = pod({ namespace: 'cattle-system', name: 'cattle-cluster-agent-1', uid: 'uid-rancher', serviceAccount: 'cattle' });
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.probes.push({ atMs: T0, tokenFingerprint: 'fp1', subject: subjectOf(p), total: 20, ok: 17, unauthorized: 3, other: 0, p50Ms: 12, p99Ms: 80 });
      ev.probes.push({ atMs: T0, tokenFingerprint: 'dead', subject: subjectOf(p), total: 20, ok: 0, unauthorized: 20, other: 0, p50Ms: 5, p99Ms: 9 });
    });
    const findings = concurrent401Rule(e, T0, opts);
    assert.equal(findings.length, 1, 'a token refused every time is not a concurrency problem');
    const [f] = findings;
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.match(f.explanation, /^3 of 20 parallel requests with token fp1 were refused with 401 while 17 passed/);
    assert.equal(f.actions[0]?.command, 'clusterCredentials.probeConcurrency');
    assert.equal(f.target?.kind, 'pod');
  });

  it('reports 401 lines interleaved with accepted requests of the same pod within seconds', () => {
    const p = pod({ namespace: 'cattle-system', name: 'cattle-cluster-agent-1', uid: 'uid-rancher', serviceAccount: 'cattle' });
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.unauthorized.push(unauthorized(p, T0 + 2_000), unauthorized(p, T0 + 4_000));
      for (const t of [0, 1_000, 3_000, 5_000]) ev.successes.push({ atMs: T0 + t, subject: subjectOf(p), source: 'log' });
    });
    const [f] = concurrent401Rule(e, T0 + MIN, opts);
    assert.ok(f);
    assert.equal(f.cause, 'concurrency');
    assert.match(
      f.explanation,
      /^2 requests were refused with 401 between 2026-01-10 08:00:02 UTC and 2026-01-10 08:00:04 UTC while 4 with the same token passed within 10 s/,
    );
  });

  it('is silent when 401s are not surrounded by successes', () => {
    const p = pod();
    const e = evidenceWith((ev) => {
      ev.pods.push(p);
      ev.unauthorized.push(unauthorized(p, T0 + HOUR));
      ev.successes.push({ atMs: T0, subject: subjectOf(p), source: 'log' });
    });
    assert.deepEqual(concurrent401Rule(e, T0 + 2 * HOUR, opts), []);
  });
});

describe('legacyToken rule', () => {
  const now = Date.UTC(2026, 5, 1);
  it('gives the invalid-since date and the deletion date one year later', () => {
    const e = evidenceWith((ev) => {
      ev.legacySecrets.push({
        namespace: 'ci',
        name: 'builder-token',
        serviceAccount: 'builder',
        lastUsed: '2024-03-01',
        invalidSince: '2025-03-02',
        referencedByServiceAccount: true,
        mountedBy: [],
        fingerprint: 'abcd',
      });
    }, now);
    const [f] = legacyTokenRule(e, now, opts);
    assert.ok(f);
    assert.equal(f.title, 'Legacy token ci/builder-token is invalid');
    assert.equal(f.severity, 'warning');
    assert.match(f.explanation, /marked invalid since 2025-03-02 \(last used 2024-03-01\)/);
    assert.match(f.explanation, /deletes it from 2026-03-02/);
    assert.deepEqual(
      f.actions.map((a) => a.command),
      ['clusterCredentials.requestToken', 'clusterCredentials.showTokenHealth'],
    );
    assert.ok(f.evidence.some((x) => x.text === 'kubernetes.io/legacy-token-invalid-since: 2025-03-02'));
  });

  it('gives last-used as a day, ordered after the Secret made earlier that same day', () => {
    const createdAtMs = Date.UTC(2026, 4, 20, 14, 30);
    const e = evidenceWith((ev) => {
      ev.legacySecrets.push({ namespace: 'ci', name: 'same-day', createdAtMs, lastUsed: '2026-05-20', referencedByServiceAccount: true, mountedBy: [] });
    }, now);
    const [f] = legacyTokenRule(e, now, opts);
    assert.ok(f);
    const texts = f.evidence.map((x) => x.text);
    const created = texts.findIndex((t) => t.startsWith('Secret ci/same-day created'));
    const used = texts.findIndex((t) => t === 'kubernetes.io/legacy-token-last-used: 2026-05-20');
    assert.ok(created >= 0 && used > created, texts.join('\n'));
    assert.equal(f.evidence[used]?.day, '2026-05-20', 'a day, not a moment');
    assert.equal(f.evidence[created]?.day, undefined, 'the creation is a moment');
  });

  it('errors when the namespace sees "service account token has been invalidated" lines', () => {
    const p = pod({ namespace: 'ci' });
    const e = evidenceWith((ev) => {
      ev.legacySecrets.push({ namespace: 'ci', name: 't', invalidSince: '2025-03-02', referencedByServiceAccount: true, mountedBy: [] });
      ev.unauthorized.push(unauthorized(p, now - HOUR, 'service account token has been invalidated', 'token-invalidated'));
    }, now);
    assert.equal(legacyTokenRule(e, now, opts)[0]?.severity, 'error');
  });

  it('dates the cleanup from last-used, and says when the cleaner will never touch it', () => {
    const used = { namespace: 'ci', name: 'a', lastUsed: '2026-02-10', referencedByServiceAccount: true, mountedBy: [] };
    const plan = cleanupPlan(used, 365);
    assert.equal(new Date(plan.invalidFrom ?? 0).toISOString().slice(0, 10), '2027-02-10');
    assert.equal(new Date(plan.deleteFrom ?? 0).toISOString().slice(0, 10), '2028-02-10');
    const e = evidenceWith((ev) => {
      ev.legacySecrets.push(used, { namespace: 'ci', name: 'mounted', referencedByServiceAccount: true, mountedBy: ['ci/runner'] });
    }, now);
    const [a, mounted] = legacyTokenRule(e, now, opts);
    assert.equal(a?.severity, 'info');
    assert.match(
      a?.explanation ?? '',
      /never expires \(last used 2026-02-10\); it is marked invalid from 2027-02-10 and deleted from 2028-02-10 if unused until then/,
    );
    assert.match(mounted?.explanation ?? '', /never cleaned up: pods mount it \(ci\/runner\)/);
    assert.equal(parseLabelDate('2026-02-30'), undefined);
    assert.equal(parseLabelDate('2026-02-28'), Date.UTC(2026, 1, 28));
    assert.equal(parseLabelDate('yesterday'), undefined);
  });
});

describe('kubeconfigCredential rule', () => {
  it('reports the active context credential expired, with Reload credentials', () => {
    const e = evidenceWith((ev) => {
      ev.kubeconfigCredentials.push({ origin: 'activeContext', context: CONTEXT, kind: 'exec', issuedAt: S0 - 3600, expiresAt: S0 - 60 });
    });
    const [f] = kubeconfigCredentialRule(e, T0, opts);
    assert.ok(f);
    assert.equal(f.severity, 'error');
    assert.equal(f.title, 'Kubeconfig exec plugin credential expired: context test');
    assert.deepEqual(
      f.actions.map((a) => a.command),
      ['clusterCredentials.reloadCredentials', 'clusterCredentials.showTokenHealth'],
    );
  });

  it('reports a copied pod token in an open kubeconfig and offers to restart the pod that wrote it', () => {
    const multus = pod({
      namespace: 'kube-system',
      name: 'kube-multus-ds-x1',
      uid: 'uid-multus',
      serviceAccount: 'multus',
      owner: { kind: 'DaemonSet', name: 'kube-multus-ds' },
      workload: { kind: 'DaemonSet', name: 'kube-multus-ds' },
    });
    const e = evidenceWith((ev) => {
      ev.pods.push(multus);
      ev.kubeconfigCredentials.push({
        origin: 'document',
        file: '/etc/cni/net.d/multus.d/multus.kubeconfig',
        path: 'users[0].user.token',
        line: 14,
        kind: 'token',
        issuedAt: S0 - 3600,
        expiresAt: S0 - 1,
        fingerprint: 'f00d',
        boundPod: { namespace: 'kube-system', name: 'kube-multus-ds-x1', uid: 'uid-multus' },
        serviceAccount: { namespace: 'kube-system', name: 'multus' },
      });
    });
    const [f] = kubeconfigCredentialRule(e, T0, opts);
    assert.ok(f);
    assert.equal(f.cause, 'copiedServiceAccountToken');
    assert.match(f.explanation, /copied into the file, which nothing refreshes/);
    assert.deepEqual(
      f.actions.map((a) => a.title),
      ['Restart the pod that wrote it', 'Rollout restart DaemonSet kube-multus-ds', 'Show Token Health'],
    );
    assert.ok(f.evidence.some((x) => x.text.includes('users[0].user.token, line 15')));
  });

  it('warns when expiring and stays silent when far from expiry', () => {
    const e = evidenceWith((ev) => {
      ev.kubeconfigCredentials.push({ origin: 'activeContext', context: CONTEXT, kind: 'clientCertificate', issuedAt: S0 - 364 * 86400, expiresAt: S0 + 3600 });
      ev.kubeconfigCredentials.push({ origin: 'activeContext', context: 'other', kind: 'token', issuedAt: S0, expiresAt: S0 + 30 * 86400 });
    });
    const findings = kubeconfigCredentialRule(e, T0, opts);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.severity, 'warning');
    assert.match(findings[0]?.title ?? '', /client certificate expires soon/);
  });
});
