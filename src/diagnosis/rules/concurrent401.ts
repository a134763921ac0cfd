// 401 under concurrency: one token both accepted and refused within seconds, or a concurrency
// probe whose parallel requests with one token got some 401s. The token is good; the refusal
// depends on which request (or which API server) answers.
import * as l10n from '@vscode/l10n';
import type { Subject } from '../../history/types';
import type { NodeRef } from '../../shared/nodeRef';
import type { Evidence } from '../evidence';
import { probeFailed } from '../probe';
import type { Finding, FindingEvidence } from '../types';
import { action, describeUnauthorized, findPod, findingId, podName, podRef, tokenHealthAction, when, type DiagnoseOptions } from '../ruleKit';
import { COMMAND } from '../../shared/commandIds';

function explanationTail(): string {
  return l10n.t(
    'the token itself is valid, so look at what answers in parallel: API server replicas with different service-account keys, or an authenticating proxy or webhook cache that races under load.',
  );
}

function targetOf(evidence: Evidence, subject: Subject): NodeRef {
  const pod = findPod(evidence, subject);
  if (pod) return podRef(evidence.context, pod);
  if (subject.namespace !== undefined && subject.serviceAccount !== undefined) {
    return { kind: 'serviceAccount', context: evidence.context, namespace: subject.namespace, name: subject.serviceAccount };
  }
  return { kind: 'context', context: subject.context };
}

function who(subject: Subject): string {
  if (subject.pod !== undefined) return `${subject.namespace ?? ''}/${subject.pod}`;
  if (subject.serviceAccount !== undefined) return `${subject.namespace ?? ''}/${subject.serviceAccount}`;
  return subject.context;
}

export function concurrent401Rule(evidence: Evidence, _nowMs: number, options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  const windowMs = options.concurrencyWindowSeconds * 1000;

  for (const p of evidence.probes) {
    if (!probeFailed(p)) continue;
    const target = targetOf(evidence, p.subject);
    findings.push({
      id: findingId('concurrent401', 'probe', p.tokenFingerprint),
      rule: 'concurrent401',
      severity: 'error',
      title: l10n.t('401 under concurrency for {0}', who(p.subject)),
      explanation: l10n.t(
        '{0} of {1} parallel requests with token {2} were refused with 401 while {3} passed: {4}',
        p.unauthorized,
        p.total,
        p.tokenFingerprint,
        p.ok,
        explanationTail(),
      ),
      cause: 'concurrency',
      subject: { ...p.subject },
      target,
      evidence: [
        {
          atMs: p.atMs,
          text: l10n.t('probe: {0} requests, {1} ok, {2} × 401, {3} other; p50 {4} ms, p99 {5} ms', p.total, p.ok, p.unauthorized, p.other, p.p50Ms, p.p99Ms),
        },
      ],
      actions: [action(l10n.t('Probe again'), COMMAND.probeConcurrency, target), tokenHealthAction(target)],
    });
  }

  // From logs and requests: per pod, 401s with an accepted request of the same token close by.
  const byPod = new Map<string, Evidence['unauthorized']>();
  for (const e of evidence.unauthorized) {
    if (e.subject.pod === undefined || e.source === 'probe') continue;
    const key = `${e.subject.namespace ?? ''}/${e.subject.pod}`;
    byPod.set(key, [...(byPod.get(key) ?? []), e]);
  }
  for (const [key, events] of byPod) {
    const first = events[0];
    if (!first) continue;
    const successes = evidence.successes.filter((s) => `${s.subject.namespace ?? ''}/${s.subject.pod ?? ''}` === key);
    const interleaved = events.filter((e) => {
      const fp = /sha256:([0-9a-f]{8})/.exec(e.line)?.[1];
      return successes.some(
        (s) => Math.abs(s.atMs - e.at) <= windowMs && (fp === undefined || s.tokenFingerprint === undefined || s.tokenFingerprint.startsWith(fp)),
      );
    });
    if (interleaved.length === 0) continue;
    // Successes after the last 401 and before it: refusals in between accepted requests.
    const lastBad = Math.max(...interleaved.map((e) => e.at));
    const firstBad = Math.min(...interleaved.map((e) => e.at));
    const ok = successes.filter((s) => s.atMs >= firstBad - windowMs && s.atMs <= lastBad + windowMs);
    if (!ok.some((s) => s.atMs >= firstBad) || !ok.some((s) => s.atMs <= lastBad)) continue;
    const target = targetOf(evidence, first.subject);
    const items: FindingEvidence[] = [
      ...interleaved.slice(0, 6).map((e) => ({ atMs: e.at, text: describeUnauthorized(e) })),
      ...ok.slice(0, 6).map((s) => ({
        atMs: s.atMs,
        text: s.tokenFingerprint !== undefined ? l10n.t('accepted ({0}) token {1}', s.source, s.tokenFingerprint) : l10n.t('accepted ({0})', s.source),
      })),
    ].sort((a, b) => a.atMs - b.atMs);
    const pod = findPod(evidence, first.subject);
    const count = interleaved.reduce((n, e) => n + (e.count ?? 1), 0);
    findings.push({
      id: findingId('concurrent401', pod?.uid ?? key),
      rule: 'concurrent401',
      severity: 'warning',
      title: l10n.t('401 under concurrency in {0}', pod ? podName(pod) : key),
      explanation:
        count === 1
          ? l10n.t(
              '1 request was refused with 401 between {0} and {1} while {2} with the same token passed within {3} s: {4}',
              when(firstBad),
              when(lastBad),
              ok.length,
              options.concurrencyWindowSeconds,
              explanationTail(),
            )
          : l10n.t(
              '{0} requests were refused with 401 between {1} and {2} while {3} with the same token passed within {4} s: {5}',
              count,
              when(firstBad),
              when(lastBad),
              ok.length,
              options.concurrencyWindowSeconds,
              explanationTail(),
            ),
      cause: 'concurrency',
      subject: { ...first.subject },
      target,
      evidence: items,
      actions: [action(l10n.t('Probe concurrency'), COMMAND.probeConcurrency, target), tokenHealthAction(target)],
    });
  }
  return findings;
}
