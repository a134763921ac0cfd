// A pod's token is past its `exp`: the API server answers 401 to it.
import * as l10n from '@vscode/l10n';
import type { Evidence } from '../evidence';
import type { Finding } from '../types';
import {
  describeObservation,
  describeUnauthorized,
  duration,
  findingId,
  podName,
  podTokenFiles,
  restartActions,
  tokenHealthAction,
  unauthorizedOfPod,
  when,
  type DiagnoseOptions,
} from '../ruleKit';

export function expiredRule(evidence: Evidence, nowMs: number, _options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  for (const { current: token, pod, ref } of podTokenFiles(evidence)) {
    if (token.exp === undefined || token.exp * 1000 > nowMs) continue;
    const expiredAt = token.exp * 1000;
    const after = unauthorizedOfPod(evidence, pod).filter((e) => e.at >= expiredAt);
    findings.push({
      id: findingId('expired', pod.uid, token.subject.path),
      rule: 'expired',
      severity: 'error',
      title: l10n.t('Token of {0} expired', podName(pod)),
      explanation: l10n.t(
        'The token in {0} expired {1} ago ({2}), so the API server answers 401 Unauthorized to it.',
        token.subject.path ?? l10n.t('the pod'),
        duration(nowMs - expiredAt),
        when(expiredAt),
      ),
      subject: { ...token.subject },
      target: ref,
      evidence: [
        { atMs: token.at, text: describeObservation(token) },
        { atMs: expiredAt, text: l10n.t('exp reached at {0}', when(expiredAt)) },
        ...after.slice(0, 5).map((e) => ({ atMs: e.at, text: describeUnauthorized(e) })),
      ],
      actions: [...restartActions(evidence.context, pod), tokenHealthAction(ref)],
    });
  }
  return findings;
}
