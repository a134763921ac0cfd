// A legacy (Secret-based, never-expiring) token in use, from the API server's audit log: each request
// made with one carries `authentication.k8s.io/legacy-token: <subject>`. The annotation names the
// service account, not the Secret, so the Secrets are those of that account the inventory lists, with
// their `kubernetes.io/legacy-token-last-used` label (the API server updates it at most once a day).
import * as l10n from '@vscode/l10n';
import type { LegacyTokenUse } from '../../controlPlane/auditSummary';
import { COMMAND } from '../../shared/commandIds';
import type { SecretRef, ServiceAccountRef } from '../../shared/nodeRef';
import { describeRequests, describeSources } from '../auditSources';
import type { Evidence, LegacySecretEvidence } from '../evidence';
import { action, findingId, tokenHealthAction, type DiagnoseOptions } from '../ruleKit';
import type { Finding, FindingEvidence } from '../types';
import { sentences } from '../wording';
import { parseLabelDate } from './legacyToken';

function secretsOf(evidence: Evidence, use: LegacyTokenUse): LegacySecretEvidence[] {
  return evidence.legacySecrets.filter((s) => s.namespace === use.namespace && s.serviceAccount === use.serviceAccount);
}

function labelLine(s: LegacySecretEvidence, fallbackMs: number): FindingEvidence {
  const day = parseLabelDate(s.lastUsed);
  if (day !== undefined && s.lastUsed !== undefined)
    return { atMs: day, day: s.lastUsed, text: `Secret ${s.namespace}/${s.name}: kubernetes.io/legacy-token-last-used: ${s.lastUsed}` };
  return { atMs: s.createdAtMs ?? fallbackMs, text: l10n.t('Secret {0} has no kubernetes.io/legacy-token-last-used label yet', `${s.namespace}/${s.name}`) };
}

export function auditLegacyTokenRule(evidence: Evidence, _nowMs: number, _options: DiagnoseOptions): Finding[] {
  const uses = evidence.audit?.legacyTokens ?? [];
  return uses.map((use) => {
    const secrets = secretsOf(evidence, use);
    const only = secrets.length === 1 ? secrets[0] : undefined;
    const account = `${use.namespace}/${use.serviceAccount}`;
    const items: FindingEvidence[] = [
      { atMs: use.firstSeenMs, text: l10n.t('first request with a legacy token of {0} in the audit log', use.subject) },
      { atMs: use.lastSeenMs, text: l10n.t('{0}; {1}', describeRequests(use), describeSources(evidence, use)) },
      ...secrets.map((s) => labelLine(s, use.firstSeenMs)),
    ];
    items.sort((a, b) => a.atMs - b.atMs);

    const which = only
      ? l10n.t('the token of Secret {0}', `${only.namespace}/${only.name}`)
      : secrets.length > 1
        ? l10n.t('a token of one of its Secrets ({0}; the audit log does not say which)', secrets.map((s) => s.name).join(', '))
        : l10n.t('a Secret-based token (no token Secret of this account is listed: deleted since, or in a namespace not listed)');
    const label = only
      ? only.lastUsed !== undefined
        ? l10n.t("The Secret's kubernetes.io/legacy-token-last-used label says {0}.", only.lastUsed)
        : l10n.t('The Secret has no kubernetes.io/legacy-token-last-used label yet.')
      : '';
    const explanation = sentences(
      l10n.t('Service account {0} is still used with {1}: {2}, {3}.', account, which, describeRequests(use), describeSources(evidence, use)),
      label,
      l10n.t(
        'That token never expires, so whoever copies it keeps access until the Secret is deleted; give the client a short-lived token (a projected token volume, or TokenRequest) and delete the Secret.',
      ),
    );

    const saRef: ServiceAccountRef = { kind: 'serviceAccount', context: evidence.context, namespace: use.namespace, name: use.serviceAccount };
    let target: SecretRef | ServiceAccountRef = saRef;
    if (only) target = { kind: 'secret', context: evidence.context, namespace: only.namespace, name: only.name, serviceAccount: use.serviceAccount };
    const actions = use.serviceAccount !== '' ? [action(l10n.t('Request a short-lived token'), COMMAND.requestToken, saRef)] : [];
    actions.push(tokenHealthAction(target));
    return {
      id: findingId('auditLegacyToken', use.namespace, use.serviceAccount, use.namespace === '' ? use.subject : undefined),
      rule: 'auditLegacyToken',
      severity: 'warning',
      title: only ? l10n.t('Legacy token {0} is in use', `${only.namespace}/${only.name}`) : l10n.t('A legacy token of {0} is in use', account),
      explanation,
      subject: { context: evidence.context, namespace: use.namespace, serviceAccount: use.serviceAccount },
      target,
      evidence: items,
      actions,
    };
  });
}
