// A pod's token is inside the warning window before its `exp`.
import * as l10n from '@vscode/l10n';
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
      title: l10n.t('Token of {0} expires soon', podName(pod)),
      explanation: l10n.t(
        'The token in {0} expires in {1} ({2}) and has not been replaced yet.',
        token.subject.path ?? l10n.t('the pod'),
        duration(expiresAt - nowMs),
        when(expiresAt),
      ),
      subject: { ...token.subject },
      target: ref,
      evidence: [
        { atMs: token.at, text: describeObservation(token) },
        ...(info.expiringFrom !== undefined
          ? [{ atMs: info.expiringFrom * 1000, text: l10n.t('inside the warning window since {0}', when(info.expiringFrom * 1000)) }]
          : []),
      ],
      actions: [tokenHealthAction(ref), ...restartActions(evidence.context, pod)],
    });
  }
  return findings;
}
