// A token past its `warnafter`: still accepted (an extended one-year token), but the kubelet
// should have replaced it. Kubeconfig copies of such tokens are the kubeconfig rule's.
import * as l10n from '@vscode/l10n';
import type { TokenObservation } from '../../history/types';
import type { Evidence } from '../evidence';
import type { Finding } from '../types';
import {
  describeObservation,
  duration,
  findingId,
  lastSeen,
  podName,
  podTokenFiles,
  restartActions,
  tokenHealthAction,
  when,
  type DiagnoseOptions,
} from '../ruleKit';

function isStale(o: TokenObservation, now: number): o is TokenObservation & { warnAfter: number } {
  return o.warnAfter !== undefined && o.warnAfter * 1000 <= now && (o.exp === undefined || o.exp * 1000 > now);
}

export function staleTokenInUseRule(evidence: Evidence, nowMs: number, _options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  for (const { current: token, pod, ref } of podTokenFiles(evidence)) {
    if (!isStale(token, nowMs)) continue;
    // Only when it was seen in use after warnafter, not merely remembered from before.
    if (lastSeen(token) < token.warnAfter * 1000) continue;
    const warnAt = token.warnAfter * 1000;
    findings.push({
      id: findingId('staleTokenInUse', pod.uid, token.subject.path),
      rule: 'staleTokenInUse',
      severity: 'warning',
      title: l10n.t('Stale token in {0}', podName(pod)),
      explanation: l10n.t(
        'The token in {0} is {1} past its warnafter ({2}): the API server still accepts it, but it should have been replaced and will fail once the extended expiry ends.',
        token.subject.path ?? l10n.t('the pod'),
        duration(nowMs - warnAt),
        when(warnAt),
      ),
      subject: { ...token.subject },
      target: ref,
      evidence: [
        { atMs: token.at, text: describeObservation(token) },
        { atMs: warnAt, text: l10n.t('warnafter reached at {0}', when(warnAt)) },
      ],
      actions: [...restartActions(evidence.context, pod), tokenHealthAction(ref)],
    });
  }
  return findings;
}
