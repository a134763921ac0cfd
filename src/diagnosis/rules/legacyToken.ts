// A Secret-based legacy token: no expiry, tracked by `kubernetes.io/legacy-token-last-used`,
// marked `kubernetes.io/legacy-token-invalid-since` after a clean-up period unused (default one
// year) and deleted one more period after that — only when the ServiceAccount lists it in
// `.secrets` and no pod mounts it (kube-controller-manager's legacy token cleaner, GA in 1.30).
import * as l10n from '@vscode/l10n';
import type { SecretRef, ServiceAccountRef } from '../../shared/nodeRef';
import type { Evidence, LegacySecretEvidence } from '../evidence';
import type { Finding, FindingEvidence } from '../types';
import { action, describeUnauthorized, findingId, tokenHealthAction, type DiagnoseOptions } from '../ruleKit';
import { COMMAND } from '../../shared/commandIds';

const DAY_MS = 24 * 3600 * 1000;

/** `2025-03-04` at 00:00 UTC, or undefined when it is not such a date. */
export function parseLabelDate(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const t = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 30 February over into March; a label never holds such a date.
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value ? undefined : t;
}

/** Where an evidence line sorts: a day at its last millisecond. */
function orderKey(e: FindingEvidence): number {
  return e.day !== undefined ? e.atMs + DAY_MS - 1 : e.atMs;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface CleanupPlan {
  /** Whether the cleaner will touch it at all. */
  eligible: boolean;
  /** Why not, when not. */
  reason?: string;
  /** When it is (or will at the earliest be) marked invalid. */
  invalidFrom?: number;
  /** When it will at the earliest be deleted. */
  deleteFrom?: number;
}

export function cleanupPlan(s: LegacySecretEvidence, periodDays: number): CleanupPlan {
  if (!s.referencedByServiceAccount) {
    return {
      eligible: false,
      reason: l10n.t('its ServiceAccount does not list it in .secrets, so the cleaner cannot tell it was auto-generated and leaves it'),
    };
  }
  if (s.mountedBy.length > 0) return { eligible: false, reason: l10n.t('pods mount it ({0}), so the cleaner leaves it', s.mountedBy.join(', ')) };
  const period = periodDays * DAY_MS;
  const invalidSince = parseLabelDate(s.invalidSince);
  if (invalidSince !== undefined) return { eligible: true, invalidFrom: invalidSince, deleteFrom: invalidSince + period };
  const base = parseLabelDate(s.lastUsed) ?? s.createdAtMs;
  if (base === undefined) return { eligible: true };
  return { eligible: true, invalidFrom: base + period, deleteFrom: base + 2 * period };
}

export function legacyTokenRule(evidence: Evidence, nowMs: number, options: DiagnoseOptions): Finding[] {
  return evidence.legacySecrets.map((s) => {
    const plan = cleanupPlan(s, options.legacyCleanUpPeriodDays);
    const invalid = parseLabelDate(s.invalidSince) !== undefined;
    const refused = evidence.unauthorized.filter((e) => e.subject.namespace === s.namespace && e.pattern === 'token-invalidated');
    const secretRef: SecretRef = { kind: 'secret', context: evidence.context, namespace: s.namespace, name: s.name };
    if (s.serviceAccount !== undefined) secretRef.serviceAccount = s.serviceAccount;
    const items: FindingEvidence[] = [];
    if (s.createdAtMs !== undefined)
      items.push({
        atMs: s.createdAtMs,
        text:
          s.fingerprint !== undefined
            ? l10n.t('Secret {0} created, token {1}', `${s.namespace}/${s.name}`, s.fingerprint)
            : l10n.t('Secret {0} created', `${s.namespace}/${s.name}`),
      });
    const lastUsed = parseLabelDate(s.lastUsed);
    items.push(
      lastUsed !== undefined && s.lastUsed !== undefined
        ? { atMs: lastUsed, day: s.lastUsed, text: `kubernetes.io/legacy-token-last-used: ${s.lastUsed}` }
        : { atMs: s.createdAtMs ?? nowMs, text: l10n.t('no kubernetes.io/legacy-token-last-used label: not used since tracking began') },
    );
    const invalidSince = parseLabelDate(s.invalidSince);
    if (invalidSince !== undefined && s.invalidSince !== undefined)
      items.push({ atMs: invalidSince, day: s.invalidSince, text: `kubernetes.io/legacy-token-invalid-since: ${s.invalidSince}` });
    if (plan.deleteFrom !== undefined)
      items.push({
        atMs: plan.deleteFrom,
        day: day(plan.deleteFrom),
        text: l10n.t('deleted by the legacy token cleaner from {0} if still unused', day(plan.deleteFrom)),
      });
    for (const e of refused.slice(0, 5)) items.push({ atMs: e.at, text: describeUnauthorized(e) });
    // A day is ordered after every moment of that day: a token last used the day its Secret was made was used after it.
    items.sort((a, b) => orderKey(a) - orderKey(b));

    const name = `${s.namespace}/${s.name}`;
    let explanation: string;
    if (invalid) {
      const next =
        plan.deleteFrom !== undefined ? l10n.t('the cleaner deletes it from {0} unless the label is removed', day(plan.deleteFrom)) : (plan.reason ?? '');
      explanation =
        s.lastUsed !== undefined
          ? l10n.t(
              'This legacy token has no expiry but is marked invalid since {0} (last used {1}), so the API server refuses it; {2}.',
              s.invalidSince ?? '',
              s.lastUsed,
              next,
            )
          : l10n.t('This legacy token has no expiry but is marked invalid since {0}, so the API server refuses it; {1}.', s.invalidSince ?? '', next);
    } else if (!plan.eligible) {
      explanation =
        s.lastUsed !== undefined
          ? l10n.t(
              'This legacy token never expires (last used {0}) and is never cleaned up: {1}; replace it with a short-lived token.',
              s.lastUsed,
              plan.reason ?? '',
            )
          : l10n.t('This legacy token never expires and is never cleaned up: {0}; replace it with a short-lived token.', plan.reason ?? '');
    } else {
      const mark =
        plan.invalidFrom !== undefined
          ? l10n.t('it is marked invalid from {0} and deleted from {1} if unused until then', day(plan.invalidFrom), day(plan.deleteFrom ?? plan.invalidFrom))
          : l10n.t('it is marked invalid after a year unused and deleted a year later');
      explanation =
        s.lastUsed !== undefined
          ? l10n.t('This legacy token never expires (last used {0}); {1}.', s.lastUsed, mark)
          : l10n.t('This legacy token never expires and has not been used since tracking began; {0}.', mark);
    }
    const actions = [tokenHealthAction(secretRef)];
    if (s.serviceAccount !== undefined) {
      const sa: ServiceAccountRef = { kind: 'serviceAccount', context: evidence.context, namespace: s.namespace, name: s.serviceAccount };
      actions.unshift(action(l10n.t('Request a short-lived token'), COMMAND.requestToken, sa));
    }
    const finding: Finding = {
      id: findingId('legacyToken', s.namespace, s.name),
      rule: 'legacyToken',
      severity: refused.length > 0 ? 'error' : invalid ? 'warning' : 'info',
      title: invalid ? l10n.t('Legacy token {0} is invalid', name) : l10n.t('Legacy token {0} has no expiry', name),
      explanation,
      subject: { context: evidence.context, namespace: s.namespace, ...(s.serviceAccount !== undefined ? { serviceAccount: s.serviceAccount } : {}) },
      target: secretRef,
      evidence: items,
      actions,
    };
    if (invalid) finding.cause = 'legacyTokenInvalidated';
    return finding;
  });
}
