// A kubeconfig credential expired, expiring or past warnafter: the active context's, and any
// kubeconfig open in the editor (a CNI plugin's node kubeconfig holding a copied pod token, say).
import { expiryOf } from '../../token/expiry';
import type { ContextRef } from '../../shared/nodeRef';
import type { Evidence, KubeconfigCredentialEvidence } from '../evidence';
import type { Finding, FindingAction, FindingEvidence } from '../types';
import { action, duration, findPod, findingId, podRef, restartActions, tokenHealthAction, when, type DiagnoseOptions } from '../ruleKit';
import { COMMAND } from '../../shared/commandIds';

function whereOf(c: KubeconfigCredentialEvidence): string {
  if (c.origin === 'activeContext') return `context ${c.context ?? '?'}`;
  const user = c.user !== undefined ? ` (user ${c.user})` : '';
  return `${c.file ?? 'an open kubeconfig'}${user}`;
}

function what(c: KubeconfigCredentialEvidence): string {
  switch (c.kind) {
    case 'clientCertificate':
    case 'certificate':
      return 'client certificate';
    case 'exec':
      return 'exec plugin credential';
    case 'tokenFile':
      return 'token file';
    default:
      return 'token';
  }
}

export function kubeconfigCredentialRule(evidence: Evidence, nowMs: number, options: DiagnoseOptions): Finding[] {
  const findings: Finding[] = [];
  const nowSeconds = Math.floor(nowMs / 1000);
  for (const c of evidence.kubeconfigCredentials) {
    if (c.expiresAt === undefined) continue;
    const info = expiryOf({ issuedAtSec: c.issuedAt, expiresAtSec: c.expiresAt, warnAfterSec: c.warnAfter }, nowSeconds, options.expiry);
    if (info.state !== 'expired' && info.state !== 'expiring' && info.state !== 'stale') continue;
    const expiresAt = c.expiresAt * 1000;
    const where = whereOf(c);
    const kind = what(c);
    const context: ContextRef = { kind: 'context', context: c.context ?? evidence.context };
    const boundPod = c.boundPod
      ? findPod(evidence, { context: evidence.context, namespace: c.boundPod.namespace, pod: c.boundPod.name, podUid: c.boundPod.uid })
      : undefined;
    const copied = c.boundPod !== undefined || c.serviceAccount !== undefined;

    let title: string;
    let explanation: string;
    if (info.state === 'expired') {
      title = `Kubeconfig ${kind} expired: ${where}`;
      explanation = `The ${kind} of ${where} expired ${duration(nowMs - expiresAt)} ago (${when(expiresAt)}), so every request with it gets 401 Unauthorized${copied ? '; it is a service-account token copied into the file, which nothing refreshes' : ''}.`;
    } else if (info.state === 'stale') {
      const warnAt = (c.warnAfter ?? c.expiresAt) * 1000;
      title = `Kubeconfig token past warnafter: ${where}`;
      explanation = `The token of ${where} is past its warnafter (${when(warnAt)}): it was copied out of a pod, nothing refreshes it, and it stops working at ${when(expiresAt)}.`;
    } else {
      title = `Kubeconfig ${kind} expires soon: ${where}`;
      explanation = `The ${kind} of ${where} expires in ${duration(expiresAt - nowMs)} (${when(expiresAt)}); get a new one before then.`;
    }

    const items: FindingEvidence[] = [];
    if (c.issuedAt !== undefined)
      items.push({ atMs: c.issuedAt * 1000, text: `issued ${when(c.issuedAt * 1000)}${c.fingerprint !== undefined ? `, token ${c.fingerprint}` : ''}` });
    if (c.warnAfter !== undefined) items.push({ atMs: c.warnAfter * 1000, text: `warnafter ${when(c.warnAfter * 1000)}` });
    items.push({
      atMs: expiresAt,
      text: `expires ${when(expiresAt)}${c.path !== undefined ? ` (${c.path}${c.line !== undefined ? `, line ${c.line + 1}` : ''})` : ''}`,
    });
    if (c.boundPod)
      items.push({ atMs: expiresAt, text: `bound to pod ${c.boundPod.namespace}/${c.boundPod.name}${boundPod ? '' : ' (not found in the cluster)'}` });
    items.sort((a, b) => a.atMs - b.atMs);

    const actions: FindingAction[] = [];
    if (c.origin === 'activeContext') actions.push(action('Reload credentials', COMMAND.reloadCredentials, context));
    // The pod that wrote the kubeconfig (a CNI DaemonSet) writes a fresh token when restarted.
    if (boundPod) actions.push(...restartActions(evidence.context, boundPod, 'Restart the pod that wrote it'));
    actions.push(tokenHealthAction(boundPod ? podRef(evidence.context, boundPod) : context));

    const finding: Finding = {
      id: findingId('kubeconfigCredential', c.origin, c.origin === 'activeContext' ? c.context : c.file, c.path),
      rule: 'kubeconfigCredential',
      severity: info.state === 'expired' ? 'error' : 'warning',
      title,
      explanation,
      subject: {
        context: c.context ?? evidence.context,
        ...(c.file !== undefined ? { path: c.file } : {}),
        ...(c.boundPod ? { namespace: c.boundPod.namespace, pod: c.boundPod.name } : c.serviceAccount ? { namespace: c.serviceAccount.namespace } : {}),
        ...(c.serviceAccount ? { serviceAccount: c.serviceAccount.name } : {}),
      },
      target: boundPod ? podRef(evidence.context, boundPod) : context,
      evidence: items,
      actions,
    };
    if (copied) finding.cause = 'copiedServiceAccountToken';
    findings.push(finding);
  }
  return findings;
}
