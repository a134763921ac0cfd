// The audit rules on summaries of audit lines in the recorded apiserver's shapes: a pod that keeps a stale
// token, and not one that re-reads its file; a legacy token's use joined with its Secret's last-used label;
// 401s tied to the pod holding the caller's IP, and the other addresses grouped with their user agents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAuditLine } from '../../../src/controlPlane/auditEvent';
import { AuditSummary, type AuditFindingsInput } from '../../../src/controlPlane/auditSummary';
import { describeAddress, holderName, holdersOfIP } from '../../../src/diagnosis/auditSources';
import { diagnose } from '../../../src/diagnosis/diagnose';
import type { Evidence, LegacySecretEvidence } from '../../../src/diagnosis/evidence';
import { resolveOptions } from '../../../src/diagnosis/ruleKit';
import { auditLegacyTokenRule } from '../../../src/diagnosis/rules/auditLegacyToken';
import { auditStaleTokenRule } from '../../../src/diagnosis/rules/auditStaleToken';
import { auditUnauthorizedRule, MAX_UNKNOWN_ADDRESSES } from '../../../src/diagnosis/rules/auditUnauthorized';
import type { Finding } from '../../../src/diagnosis/types';
import { COMMAND } from '../../../src/shared/commandIds';
import { gkeEntry, legacyLine, ordinaryLine, staleLine, unauthorizedLine } from '../controlPlane/auditLines';
import { CONTEXT, evidenceWith, HOUR, MIN, observation, pod, S0, T0, unauthorized } from './builders';

const DAY = 24 * HOUR;
const OPTIONS = resolveOptions();

function summaryOf(lines: string[]): AuditFindingsInput {
  const s = new AuditSummary();
  for (const l of lines) {
    const r = parseAuditLine(l);
    if (r.kind === 'event') s.add(r.event);
  }
  return s.result();
}

const patroni = pod({
  namespace: 'db',
  name: 'billing-db-0',
  uid: 'uid-billing',
  serviceAccount: 'billing-db',
  owner: { kind: 'StatefulSet', name: 'billing-db' },
  workload: { kind: 'StatefulSet', name: 'billing-db' },
  startedAtMs: T0 - 200 * DAY,
  podIPs: ['10.244.0.11'],
});
const worker = pod({
  namespace: 'payments',
  name: 'statement-worker-6c9d-x2x4q',
  uid: 'uid-worker',
  serviceAccount: 'statement-worker',
  startedAtMs: T0 - 30 * DAY,
  podIPs: ['10.244.0.14'],
});
const PATRONI_UA = 'Patroni/2.1.4 Python/3.10.6 Linux';

function stale(auditID: string, atMs: number, seconds: number, over: Partial<Parameters<typeof staleLine>[0]> = {}): string {
  return staleLine({
    auditID,
    atMs,
    namespace: 'db',
    serviceAccount: 'billing-db',
    pod: 'billing-db-0',
    podUid: 'uid-billing',
    seconds,
    sourceIP: '10.244.0.11',
    userAgent: PATRONI_UA,
    ...over,
  });
}

function refused(auditID: string, atMs: number, sourceIP: string, userAgent: string): string {
  return unauthorizedLine({ auditID, atMs, sourceIP, userAgent });
}

function only(findings: Finding[]): Finding {
  assert.equal(findings.length, 1, findings.map((f) => f.title).join('; '));
  const f = findings[0];
  assert.ok(f);
  return f;
}

describe('auditStaleTokenRule', () => {
  // 200 days of running, warnafter an hour after start: each request is that far past it.
  const past = 200 * 24 * 3600 - 3607;
  const audit = summaryOf([
    stale('a', T0 - 10_000, past - 10),
    stale('a', T0 - 10_000, past - 10, { stage: 'ResponseComplete' }),
    stale('b', T0, past),
    stale('b', T0, past, { stage: 'ResponseComplete' }),
    // The pod that re-reads its file sends a fresh token: its requests carry no annotation.
    ordinaryLine({ auditID: 'w1', atMs: T0 - 5000 }),
    ordinaryLine({ auditID: 'w1', atMs: T0 - 5000, stage: 'ResponseComplete' }),
  ]);

  it('ties a GKE entry, which names no pod, to the one pod of its service account holding the caller address', () => {
    const sibling = pod({
      namespace: 'db',
      name: 'billing-db-1',
      uid: 'uid-billing-1',
      serviceAccount: 'billing-db',
      startedAtMs: T0 - 9 * DAY,
      podIPs: ['10.244.0.12'],
    });
    const gke = (id: string, ip: string): string =>
      gkeEntry({
        insertId: id,
        atMs: T0,
        principal: 'system:serviceaccount:db:billing-db',
        callerIp: ip,
        userAgent: PATRONI_UA,
        rpcCode: 0,
        labels: { 'authentication.k8s.io/stale-token': `subject: system:serviceaccount:db:billing-db, seconds after warning threshold: ${past}` },
      });
    const evidence = evidenceWith((e) => {
      e.pods.push(patroni, sibling, worker);
      e.audit = summaryOf([gke('g1', '10.244.0.11'), gke('g2', '10.244.0.11'), gke('g3', '10.9.9.9')]);
    });
    const findings = auditStaleTokenRule(evidence, T0, OPTIONS);
    assert.deepEqual(
      findings.map((f) => f.title),
      ['db/billing-db-0 uses a stale token', 'a pod of system:serviceaccount:db:billing-db uses a stale token'],
    );
    const [tied, unknown] = findings;
    assert.equal(tied?.target?.kind, 'pod');
    assert.deepEqual(tied?.subject, { context: CONTEXT, namespace: 'db', serviceAccount: 'billing-db', pod: 'billing-db-0', podUid: 'uid-billing' });
    assert.ok(tied?.evidence.some((e) => /does not name the pod; it called from 10\.244\.0\.11, the address billing-db-0 holds/.test(e.text)));
    assert.equal(unknown?.target?.kind, 'serviceAccount');
    assert.notEqual(tied?.id, unknown?.id);
  });

  it('names the pod that keeps a stale token, how far past warnafter, since when, how many requests, and what to do', () => {
    const evidence = evidenceWith((e) => {
      e.pods.push(patroni, worker);
      e.audit = audit;
    });
    const f = only(auditStaleTokenRule(evidence, T0, OPTIONS));
    assert.equal(f.rule, 'auditStaleToken');
    assert.equal(f.severity, 'warning');
    assert.equal(f.title, 'db/billing-db-0 uses a stale token');
    assert.deepEqual(f.target, {
      kind: 'pod',
      context: CONTEXT,
      namespace: 'db',
      name: 'billing-db-0',
      uid: 'uid-billing',
      serviceAccount: 'billing-db',
      owner: { kind: 'StatefulSet', name: 'billing-db' },
    });
    assert.deepEqual(f.subject, { context: CONTEXT, namespace: 'db', serviceAccount: 'billing-db', pod: 'billing-db-0', podUid: 'uid-billing' });
    // warnafter = the last request's time less its seconds past it: 2025-06-24 09:00:07 UTC.
    const warnAt = T0 - past * 1000;
    assert.equal(new Date(warnAt).toISOString(), '2025-06-24T09:00:07.000Z');
    assert.match(
      f.explanation,
      /^db\/billing-db-0 has sent a token past its warnafter for 199 days.* \(since about 2025-06-24 09:00:07 UTC\): 2 requests from /,
    );
    assert.match(f.explanation, /never re-reads its token file/);
    // Issued 3607 s before warnafter, extended to a year: 2026-06-24 08:00 UTC.
    assert.match(
      f.explanation,
      /\(to a year upstream, so it expires about 2026-06-24 08:00:00 UTC; to 90 days on EKS, where it would have expired about 2025-09-22 08:00:00 UTC\)/,
    );
    assert.match(f.explanation, /RKE2's CIS profile/);
    assert.match(f.explanation, /Restarting the pod buys time, not a cure: upgrade Patroni to a release that re-reads its token file/);
    assert.ok(f.evidence.some((e) => e.atMs === warnAt && /warnafter passed about 2025-06-24 09:00:07 UTC/.test(e.text)));
    assert.ok(f.evidence.some((e) => /2 requests from .* from 10\.244\.0\.11 \(pod db\/billing-db-0\), user agent Patroni\/2\.1\.4/.test(e.text)));
    assert.deepEqual(
      f.actions.map((a) => [a.title, a.command]),
      [
        ['Restart pod (buys time, not a cure)', COMMAND.restartPod],
        ['Rollout restart StatefulSet billing-db', COMMAND.rolloutRestart],
        ['Show Token Health', COMMAND.showTokenHealth],
      ],
    );
  });

  it('finds nothing for a pod whose requests never carried the stale-token annotation', () => {
    const evidence = evidenceWith((e) => {
      e.pods.push(worker);
      e.audit = summaryOf([ordinaryLine({ auditID: 'w1', atMs: T0 }), ordinaryLine({ auditID: 'w2', atMs: T0 + MIN })]);
    });
    assert.deepEqual(auditStaleTokenRule(evidence, T0, OPTIONS), []);
  });

  it('says when the pod the events name was replaced since (a new uid under the same name)', () => {
    const evidence = evidenceWith((e) => {
      e.pods.push({ ...patroni, uid: 'uid-new', startedAtMs: T0 + HOUR });
      e.audit = audit;
    });
    const f = only(auditStaleTokenRule(evidence, T0 + 2 * HOUR, OPTIONS));
    assert.equal(f.severity, 'info');
    assert.equal(f.title, 'db/billing-db-0 (an earlier pod of that name) used a stale token');
    assert.equal(f.target?.kind, 'serviceAccount');
    assert.ok(f.evidence.some((e) => /uid uid-billing was replaced by uid uid-new/.test(e.text)));
    assert.ok(!f.actions.some((a) => a.command === COMMAND.restartPod), 'the pod it names is gone: nothing to restart');
  });

  it('gives general advice for a client it does not know', () => {
    const evidence = evidenceWith((e) => {
      e.audit = summaryOf([stale('f', T0, 5000, { userAgent: 'fabric8-kubernetes-client/5.4.1' })]);
    });
    const f = only(auditStaleTokenRule(evidence, T0, OPTIONS));
    assert.match(f.explanation, /upgrade the client library \(or the app\) to one that re-reads its token file\.$/);
    assert.equal(f.target?.kind, 'serviceAccount', 'a pod the inventory does not list is shown by its service account');
  });
});

/** A CI bot's legacy token Secret, which its ServiceAccount does not list. */
const releaseBotToken: LegacySecretEvidence = {
  namespace: 'ci',
  name: 'release-bot-token',
  serviceAccount: 'release-bot',
  createdAtMs: T0 - 700 * DAY,
  lastUsed: '2026-01-10',
  referencedByServiceAccount: false,
  mountedBy: [],
};
const RELEASE_BOT = 'system:serviceaccount:ci:release-bot';

describe('auditLegacyTokenRule', () => {
  const secret = releaseBotToken;
  const bot = pod({ namespace: 'ci', name: 'release-bot-5f7c-abcde', uid: 'uid-bot', serviceAccount: 'release-bot', podIPs: ['10.244.0.15'] });
  const subject = RELEASE_BOT;
  const ua = 'kubectl/v1.21.14 (linux/amd64) kubernetes/0f77da5';
  const lines = [
    legacyLine({ auditID: 'l1', atMs: T0, subject, sourceIP: '10.244.0.15', userAgent: ua }),
    legacyLine({ auditID: 'l1', atMs: T0, subject, sourceIP: '10.244.0.15', userAgent: ua, stage: 'ResponseComplete' }),
    legacyLine({ auditID: 'l2', atMs: T0 + MIN, subject, sourceIP: '10.244.0.15', userAgent: ua }),
  ];

  it("names the Secret whose token is used, by which pod and client, with the Secret's last-used label", () => {
    const evidence = evidenceWith((e) => {
      e.pods.push(bot);
      e.legacySecrets.push(secret);
      e.audit = summaryOf(lines);
    });
    const f = only(auditLegacyTokenRule(evidence, T0 + MIN, OPTIONS));
    assert.equal(f.rule, 'auditLegacyToken');
    assert.equal(f.title, 'Legacy token ci/release-bot-token is in use');
    assert.deepEqual(f.target, { kind: 'secret', context: CONTEXT, namespace: 'ci', name: 'release-bot-token', serviceAccount: 'release-bot' });
    assert.match(
      f.explanation,
      /^Service account ci\/release-bot is still used with the token of Secret ci\/release-bot-token: 2 requests from 2026-01-10 08:00:00 UTC to 2026-01-10 08:01:00 UTC, from 10\.244\.0\.15 \(pod ci\/release-bot-5f7c-abcde\), user agent kubectl\/v1\.21\.14/,
    );
    assert.match(f.explanation, /The Secret's kubernetes\.io\/legacy-token-last-used label says 2026-01-10\./);
    const label = f.evidence.find((e) => e.day !== undefined);
    assert.deepEqual(label, {
      atMs: Date.UTC(2026, 0, 10),
      day: '2026-01-10',
      text: 'Secret ci/release-bot-token: kubernetes.io/legacy-token-last-used: 2026-01-10',
    });
    assert.deepEqual(
      f.actions.map((a) => [a.command, a.target?.kind]),
      [
        [COMMAND.requestToken, 'serviceAccount'],
        [COMMAND.showTokenHealth, 'secret'],
      ],
    );
  });

  it('says when the label is missing, and when several Secrets could be the one', () => {
    const unlabelled = evidenceWith((e) => {
      e.legacySecrets.push({ ...secret, lastUsed: undefined });
      e.audit = summaryOf(lines);
    });
    assert.match(only(auditLegacyTokenRule(unlabelled, T0, OPTIONS)).explanation, /The Secret has no kubernetes\.io\/legacy-token-last-used label yet\./);
    const two = evidenceWith((e) => {
      e.legacySecrets.push(secret, { ...secret, name: 'release-bot-token-old' });
      e.audit = summaryOf(lines);
    });
    const f = only(auditLegacyTokenRule(two, T0, OPTIONS));
    assert.equal(f.title, 'A legacy token of ci/release-bot is in use');
    assert.match(f.explanation, /one of its Secrets \(release-bot-token, release-bot-token-old; the audit log does not say which\)/);
    assert.equal(f.target?.kind, 'serviceAccount');
  });
});

describe('auditUnauthorizedRule', () => {
  it('ties 401s to the pod holding the source IP, and groups unknown addresses with their user agents', () => {
    const evidence = evidenceWith((e) => {
      e.pods.push(patroni, worker);
      e.audit = summaryOf([
        refused('u1', T0, '10.244.0.11', PATRONI_UA),
        refused('u2', T0 + 10_000, '10.244.0.11', PATRONI_UA),
        refused('u3', T0 + 20_000, '192.168.7.20', 'curl/8.5.0'),
        refused('u4', T0 + 30_000, '192.168.7.20', 'python-requests/2.31.0'),
      ]);
    });
    const findings = auditUnauthorizedRule(evidence, T0 + MIN, OPTIONS);
    assert.deepEqual(
      findings.map((f) => [f.title, f.severity, f.target?.kind]),
      [
        ['401s from db/billing-db-0', 'error', 'pod'],
        ['401s from 192.168.7.20', 'warning', undefined],
      ],
    );
    const [tied, unknown] = findings;
    assert.ok(tied && unknown);
    assert.match(
      tied.explanation,
      /^The API server refused 2 requests between 2026-01-10 08:00:00 UTC and 2026-01-10 08:00:10 UTC from 10\.244\.0\.11, the IP of pod db\/billing-db-0 \(user agent Patroni/,
    );
    assert.deepEqual(tied.subject, { context: CONTEXT, namespace: 'db', pod: 'billing-db-0', podUid: 'uid-billing', serviceAccount: 'billing-db' });
    assert.match(
      unknown.explanation,
      /with 401\. No listed pod holds that address, and history saw no deleted pod with it: it is a node, a client outside the cluster, or a pod deleted before it was seen;/,
    );
    assert.deepEqual(
      unknown.evidence.map((e) => e.text),
      [
        '401: 1 request at 2026-01-10 08:00:20 UTC from 192.168.7.20, user agent curl/8.5.0',
        '401: 1 request at 2026-01-10 08:00:30 UTC from 192.168.7.20, user agent python-requests/2.31.0',
      ],
    );
  });

  it('does not tie 401s to a pod that took the IP after them, nor to one of several pods sharing it', () => {
    const evidence = evidenceWith((e) => {
      e.pods.push({ ...worker, podIPs: ['10.244.0.11'], startedAtMs: T0 + HOUR });
      e.pods.push({ ...patroni, podIPs: ['172.18.0.2'] }, { ...worker, name: 'node-agent', uid: 'uid-agent', podIPs: ['172.18.0.2'] });
      e.audit = summaryOf([refused('u1', T0, '10.244.0.11', PATRONI_UA), refused('u2', T0, '172.18.0.2', 'agent/1')]);
    });
    const findings = auditUnauthorizedRule(evidence, T0 + 2 * HOUR, OPTIONS);
    assert.deepEqual(findings.map((f) => f.title).sort(), ['401s from 10.244.0.11', '401s from 172.18.0.2']);
    assert.match(findings.find((f) => f.title.endsWith('172.18.0.2'))?.explanation ?? '', /Pods db\/billing-db-0, payments\/node-agent share that address/);
  });

  it('ties 401s to a pod deleted since when history saw it with the address over those requests', () => {
    const gone = { namespace: 'db', name: 'billing-db-0', uid: 'uid-billing-old', serviceAccount: 'billing-db', ip: '10.244.0.31' };
    const evidence = evidenceWith((e) => {
      e.podAddresses = [{ ...gone, sinceMs: T0 - DAY, lastSeenMs: T0 + 5 * MIN }];
      e.audit = summaryOf([refused('d1', T0, '10.244.0.31', PATRONI_UA), refused('d2', T0 + 2 * MIN, '10.244.0.31', PATRONI_UA)]);
    });
    const f = only(auditUnauthorizedRule(evidence, T0 + HOUR, OPTIONS));
    assert.equal(f.title, '401s from db/billing-db-0 (deleted since)');
    assert.equal(f.severity, 'warning');
    assert.match(f.explanation, /from 10\.244\.0\.31, the IP pod db\/billing-db-0 held before it was deleted \(user agent Patroni/);
    assert.deepEqual(f.subject, { context: CONTEXT, namespace: 'db', pod: 'billing-db-0', podUid: 'uid-billing-old', serviceAccount: 'billing-db' });
    assert.deepEqual(f.target, { kind: 'pod', context: CONTEXT, namespace: 'db', name: 'billing-db-0', uid: 'uid-billing-old', serviceAccount: 'billing-db' });
    // Nothing to restart: only its Token Health, which says the pod is gone.
    assert.deepEqual(
      f.actions.map((a) => a.command),
      [COMMAND.showTokenHealth],
    );
    assert.equal(describeAddress(evidence, '10.244.0.31', T0, T0 + 2 * MIN), '10.244.0.31 (pod db/billing-db-0, deleted since)');
  });

  it('does not tie 401s to a deleted pod whose address another pod took before them, and names the listed one instead', () => {
    const evidence = evidenceWith((e) => {
      // The old pod held 10.244.0.11 until the worker started with it, an hour before the 401s.
      e.pods.push({ ...worker, podIPs: ['10.244.0.11'], startedAtMs: T0 - HOUR });
      e.podAddresses = [
        { namespace: 'db', name: 'old-db-0', uid: 'uid-old', serviceAccount: 'db', ip: '10.244.0.11', sinceMs: T0 - DAY, lastSeenMs: T0 - 2 * HOUR },
        // Seen with the worker's address too, but it is listed: the listed pod stands for it, once.
        { namespace: 'payments', name: worker.name, uid: worker.uid, ip: '10.244.0.11', sinceMs: T0 - HOUR, lastSeenMs: T0 },
        // A deleted pod that held the address of the 401s below only after them: not a sender.
        { namespace: 'db', name: 'later-0', uid: 'uid-later', ip: '10.244.0.40', sinceMs: T0 + HOUR, lastSeenMs: T0 + 2 * HOUR },
      ];
      e.audit = summaryOf([refused('w1', T0, '10.244.0.11', 'worker/1'), refused('l1', T0, '10.244.0.40', 'x/1')]);
    });
    const findings = auditUnauthorizedRule(evidence, T0 + 3 * HOUR, OPTIONS);
    assert.deepEqual(findings.map((f) => f.title).sort(), ['401s from 10.244.0.40', '401s from payments/statement-worker-6c9d-x2x4q']);
    assert.deepEqual(
      holdersOfIP(evidence, '10.244.0.11', T0 - 3 * HOUR, T0).map((h) => holderName(h)),
      ['payments/statement-worker-6c9d-x2x4q', 'db/old-db-0, deleted since'],
      'requests spanning both pods’ time name both',
    );
  });

  it('lists the busiest unknown addresses one by one and the rest together', () => {
    const lines: string[] = [];
    for (let i = 0; i < MAX_UNKNOWN_ADDRESSES + 3; i++) lines.push(refused(`x${i}`, T0 + i, `192.168.9.${i}`, 'curl/8'));
    lines.push(refused('busy', T0 + 99, '192.168.9.22', 'curl/8'));
    const findings = auditUnauthorizedRule(
      evidenceWith((e) => (e.audit = summaryOf(lines))),
      T0,
      OPTIONS,
    );
    assert.equal(findings.length, MAX_UNKNOWN_ADDRESSES + 1);
    assert.equal(findings[0]?.title, '401s from 192.168.9.22', 'the busiest first');
    assert.equal(findings[findings.length - 1]?.title, '401s from 3 more addresses');
  });
});

describe('diagnose with an audit summary', () => {
  it('runs the audit rules only when the evidence holds a summary', () => {
    const fill = (e: Evidence): void => {
      e.pods.push(patroni);
    };
    assert.deepEqual(
      diagnose(evidenceWith(fill), T0).filter((f) => f.rule.startsWith('audit')),
      [],
    );
    const withAudit = evidenceWith((e) => {
      fill(e);
      e.audit = summaryOf([stale('s', T0, 100), refused('r', T0, '10.244.0.11', PATRONI_UA)]);
    });
    assert.deepEqual(
      diagnose(withAudit, T0).map((f) => f.title),
      ['401s from db/billing-db-0', 'db/billing-db-0 uses a stale token'],
    );
  });

  it("folds a pod's stale-token requests into the finding that it does not reload its token, and not another pod's of that name", () => {
    const gateway = pod();
    const reloadEvidence = (podUid: string): Evidence =>
      evidenceWith((e) => {
        e.pods.push(gateway);
        e.observations.push(
          observation(gateway, 'aaaa1111', S0, 3607, T0, T0 + 48 * MIN),
          observation(gateway, 'bbbb2222', S0 + 2886, 3607, T0 + 48 * MIN + 6_000, T0 + 70 * MIN),
        );
        e.unauthorized.push(unauthorized(gateway, T0 + 61 * MIN), unauthorized(gateway, T0 + 62 * MIN));
        const who = { namespace: 'gateway', serviceAccount: 'apisix', pod: 'apisix-7d9f-abcde', podUid, sourceIP: '10.244.0.30' };
        e.audit = summaryOf([stale('g1', T0 + 60 * MIN, 10, who), stale('g2', T0 + 61 * MIN, 70, who)]);
      });
    const [f, ...rest] = diagnose(reloadEvidence(gateway.uid), T0 + 70 * MIN).filter((x) => x.subject.pod === gateway.name);
    assert.deepEqual(rest, [], 'one finding for the pod');
    assert.ok(f);
    assert.equal(f.rule, 'notReloading');
    assert.equal(f.title, 'gateway/apisix-7d9f-abcde does not reload its rotated token');
    assert.equal(f.severity, 'error');
    assert.ok(
      f.evidence.some((e) => e.text.startsWith('first request with the stale token in the audit log')),
      f.evidence.map((e) => e.text).join('\n'),
    );
    assert.ok(f.evidence.some((e) => e.text.startsWith('rotation: the kubelet wrote a new token bbbb2222')));
    const atMs = f.evidence.map((e) => e.atMs);
    assert.deepEqual(
      atMs,
      [...atMs].sort((a, b) => a - b),
      'in time order',
    );

    // The audit log names an earlier pod of that name: its stale token is its own finding.
    const rules = diagnose(reloadEvidence('uid-earlier'), T0 + 70 * MIN)
      .filter((x) => x.subject.pod === gateway.name)
      .map((x) => x.rule)
      .sort();
    assert.deepEqual(rules, ['auditStaleToken', 'notReloading']);

    // When an open kubeconfig holds a copy of the pod's token, the copy is the cause of both.
    const copied = reloadEvidence(gateway.uid);
    copied.kubeconfigCredentials.push({
      origin: 'document',
      file: '/etc/gateway/kubeconfig',
      path: 'users[0].user.token',
      line: 3,
      kind: 'token',
      issuedAt: S0,
      expiresAt: S0 + 3607,
      fingerprint: 'aaaa1111',
      boundPod: { namespace: 'gateway', name: gateway.name, uid: gateway.uid },
      serviceAccount: { namespace: 'gateway', name: 'apisix' },
    });
    const [copy, ...others] = diagnose(copied, T0 + 70 * MIN).filter((x) => x.subject.pod === gateway.name || x.target?.kind === 'pod');
    assert.deepEqual(others, []);
    assert.equal(copy?.cause, 'copiedServiceAccountToken');
    assert.ok(copy?.evidence.some((e) => e.text.startsWith('rotation: the kubelet wrote a new token bbbb2222')));
    assert.ok(copy?.evidence.some((e) => e.text.startsWith('first request with the stale token in the audit log')));
  });

  it("gives a legacy token Secret one finding: its use from the audit log, with the Secret's own lines, or its refusal when it is marked invalid", () => {
    // Listed by its ServiceAccount, so the legacy token cleaner has a plan for it.
    const secret: LegacySecretEvidence = { ...releaseBotToken, referencedByServiceAccount: true };
    const subject = RELEASE_BOT;
    const used = (s: LegacySecretEvidence): Evidence =>
      evidenceWith((e) => {
        e.legacySecrets.push(s);
        e.audit = summaryOf([legacyLine({ auditID: 'l1', atMs: T0, subject, sourceIP: '10.244.0.15' })]);
      });
    const ofSecret = (findings: Finding[]): Finding[] => findings.filter((f) => f.subject.namespace === 'ci');

    const inUse = only(ofSecret(diagnose(used(secret), T0 + MIN)));
    assert.equal(inUse.rule, 'auditLegacyToken');
    assert.equal(inUse.title, 'Legacy token ci/release-bot-token is in use');
    const texts = inUse.evidence.map((e) => e.text);
    assert.ok(
      texts.some((t) => t.startsWith('Secret ci/release-bot-token created')),
      texts.join('\n'),
    );
    assert.ok(texts.some((t) => t.startsWith('deleted by the legacy token cleaner from ')));
    assert.equal(texts.filter((t) => t.endsWith('kubernetes.io/legacy-token-last-used: 2026-01-10')).length, 1, 'the label is said once');

    const invalid = only(ofSecret(diagnose(used({ ...secret, invalidSince: '2026-01-09' }), T0 + MIN)));
    assert.equal(invalid.rule, 'legacyToken');
    assert.equal(invalid.title, 'Legacy token ci/release-bot-token is invalid');
    assert.equal(invalid.severity, 'warning');
    assert.ok(invalid.evidence.some((e) => e.text.startsWith('first request with a legacy token of system:serviceaccount:ci:release-bot')));

    // Another Secret of the account is not the one the audit log saw used.
    const other = evidenceWith((e) => {
      e.legacySecrets.push(secret, { ...secret, name: 'release-bot-token-old' });
      e.audit = summaryOf([legacyLine({ auditID: 'l1', atMs: T0, subject })]);
    });
    assert.deepEqual(
      ofSecret(diagnose(other, T0 + MIN))
        .map((f) => f.rule)
        .sort(),
      ['auditLegacyToken', 'legacyToken', 'legacyToken'],
    );
  });
});
