// A pod's token is past its `exp`: the API server answers 401 to it.
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
      title: `Token of ${podName(pod)} expired`,
      explanation: `The token in ${token.subject.path ?? 'the pod'} expired ${duration(nowMs - expiredAt)} ago (${when(expiredAt)}), so the API server answers 401 Unauthorized to it.`,
      subject: { ...token.subject },
      target: ref,
      evidence: [
        { atMs: token.at, text: describeObservation(token) },
        { atMs: expiredAt, text: `exp reached at ${when(expiredAt)}` },
        ...after.slice(0, 5).map((e) => ({ atMs: e.at, text: describeUnauthorized(e) })),
      ],
      actions: [...restartActions(evidence.context, pod), tokenHealthAction(ref)],
    });
  }
  return findings;
}
