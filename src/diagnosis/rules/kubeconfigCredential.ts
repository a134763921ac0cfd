// A kubeconfig credential expired, expiring or past warnafter: the active context's, and any
// kubeconfig open in the editor (a CNI plugin's node kubeconfig holding a copied pod token, say).
import * as l10n from '@vscode/l10n';
import { expiryOf } from '../../token/expiry';
import type { ContextRef } from '../../shared/nodeRef';
import type { Evidence, KubeconfigCredentialEvidence } from '../evidence';
import type { Finding, FindingAction, FindingEvidence } from '../types';
import { action, duration, findPod, findingId, podRef, restartActions, tokenHealthAction, when, type DiagnoseOptions } from '../ruleKit';
import { COMMAND } from '../../shared/commandIds';

function whereOf(c: KubeconfigCredentialEvidence): string {
  if (c.origin === 'activeContext') return l10n.t('context {0}', c.context ?? '?');
  const file = c.file ?? l10n.t('an open kubeconfig');
  return c.user !== undefined ? l10n.t('{0} (user {1})', file, c.user) : file;
}

function what(c: KubeconfigCredentialEvidence): string {
  switch (c.kind) {
    case 'clientCertificate':
    case 'certificate':
      return l10n.t('client certificate');
    case 'exec':
      return l10n.t('exec plugin credential');
    case 'tokenFile':
      return l10n.t('token file');
    default:
      return l10n.t('token');
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
      title = l10n.t('Kubeconfig {0} expired: {1}', kind, where);
      explanation = copied
        ? l10n.t(
            'The {0} of {1} expired {2} ago ({3}), so every request with it gets 401 Unauthorized; it is a service-account token copied into the file, which nothing refreshes.',
            kind,
            where,
            duration(nowMs - expiresAt),
            when(expiresAt),
          )
        : l10n.t(
            'The {0} of {1} expired {2} ago ({3}), so every request with it gets 401 Unauthorized.',
            kind,
            where,
            duration(nowMs - expiresAt),
            when(expiresAt),
          );
    } else if (info.state === 'stale') {
      const warnAt = (c.warnAfter ?? c.expiresAt) * 1000;
      title = l10n.t('Kubeconfig token past warnafter: {0}', where);
      explanation = l10n.t(
        'The token of {0} is past its warnafter ({1}): it was copied out of a pod, nothing refreshes it, and it stops working at {2}.',
        where,
        when(warnAt),
        when(expiresAt),
      );
    } else {
      title = l10n.t('Kubeconfig {0} expires soon: {1}', kind, where);
      explanation = l10n.t('The {0} of {1} expires in {2} ({3}); get a new one before then.', kind, where, duration(expiresAt - nowMs), when(expiresAt));
    }

    const items: FindingEvidence[] = [];
    if (c.issuedAt !== undefined)
      items.push({
        atMs: c.issuedAt * 1000,
        text:
          c.fingerprint !== undefined ? l10n.t('issued {0}, token {1}', when(c.issuedAt * 1000), c.fingerprint) : l10n.t('issued {0}', when(c.issuedAt * 1000)),
      });
    if (c.warnAfter !== undefined) items.push({ atMs: c.warnAfter * 1000, text: l10n.t('warnafter {0}', when(c.warnAfter * 1000)) });
    items.push({
      atMs: expiresAt,
      text:
        c.path === undefined
          ? l10n.t('expires {0}', when(expiresAt))
          : c.line !== undefined
            ? l10n.t('expires {0} ({1}, line {2})', when(expiresAt), c.path, c.line + 1)
            : l10n.t('expires {0} ({1})', when(expiresAt), c.path),
    });
    if (c.boundPod) {
      const bound = `${c.boundPod.namespace}/${c.boundPod.name}`;
      items.push({ atMs: expiresAt, text: boundPod ? l10n.t('bound to pod {0}', bound) : l10n.t('bound to pod {0} (not found in the cluster)', bound) });
    }
    items.sort((a, b) => a.atMs - b.atMs);

    const actions: FindingAction[] = [];
    if (c.origin === 'activeContext') actions.push(action(l10n.t('Reload credentials'), COMMAND.reloadCredentials, context));
    // The pod that wrote the kubeconfig (a CNI DaemonSet) writes a fresh token when restarted.
    if (boundPod) actions.push(...restartActions(evidence.context, boundPod, l10n.t('Restart the pod that wrote it')));
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
