// A pod's token is inside the warning window before its `exp`.
import { expiryOf } from '../../token/expiry';
import type { Evidence } from '../evidence';
import type { Finding } from '../types';
import { describeObservation, duration, findingId, podName, podTokenFiles, restartActions, tokenHealthAction, when, type DiagnoseOptions } from '../ruleKit';

export function expiringSoonRule(evidence: Evidence, nowMs: number, options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  const nowSeconds = Math.floor(nowMs / 1000);
  for (const { current: token, pod, ref } of podTokenFiles(evidence)) {
    if (token.exp === undefined) continue;
    const info = expiryOf({ issuedAtSec: token.iat, expiresAtSec: token.exp, warnAfterSec: token.warnAfter }, nowSeconds, options.expiry);
    if (info.state !== 'expiring') continue;
    const expiresAt = token.exp * 1000;
    findings.push({
      id: findingId('expiringSoon', pod.uid, token.subject.path),
      rule: 'expiringSoon',
      severity: 'warning',
      title: `Token of ${podName(pod)} expires soon`,
      explanation: `The token in ${token.subject.path ?? 'the pod'} expires in ${duration(expiresAt - nowMs)} (${when(expiresAt)}) and has not been replaced yet.`,
      subject: { ...token.subject },
      target: ref,
      evidence: [
        { atMs: token.at, text: describeObservation(token) },
        ...(info.expiringFrom !== undefined
          ? [{ atMs: info.expiringFrom * 1000, text: `inside the warning window since ${when(info.expiringFrom * 1000)}` }]
          : []),
      ],
      actions: [tokenHealthAction(ref), ...restartActions(evidence.context, pod)],
    });
  }
  return findings;
}
