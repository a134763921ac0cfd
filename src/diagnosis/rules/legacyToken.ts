// A Secret-based legacy token: no expiry, tracked by `kubernetes.io/legacy-token-last-used`,
// marked `kubernetes.io/legacy-token-invalid-since` after a clean-up period unused (default one
// year) and deleted one more period after that — only when the ServiceAccount lists it in
// `.secrets` and no pod mounts it (kube-controller-manager's legacy token cleaner, GA in 1.30).
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
    return { eligible: false, reason: 'its ServiceAccount does not list it in .secrets, so the cleaner cannot tell it was auto-generated and leaves it' };
  }
  if (s.mountedBy.length > 0) return { eligible: false, reason: `pods mount it (${s.mountedBy.join(', ')}), so the cleaner leaves it` };
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
      items.push({ atMs: s.createdAtMs, text: `Secret ${s.namespace}/${s.name} created${s.fingerprint !== undefined ? `, token ${s.fingerprint}` : ''}` });
    const lastUsed = parseLabelDate(s.lastUsed);
    items.push(
      lastUsed !== undefined && s.lastUsed !== undefined
        ? { atMs: lastUsed, day: s.lastUsed, text: `kubernetes.io/legacy-token-last-used: ${s.lastUsed}` }
        : { atMs: s.createdAtMs ?? nowMs, text: 'no kubernetes.io/legacy-token-last-used label: not used since tracking began' },
    );
    const invalidSince = parseLabelDate(s.invalidSince);
    if (invalidSince !== undefined && s.invalidSince !== undefined)
      items.push({ atMs: invalidSince, day: s.invalidSince, text: `kubernetes.io/legacy-token-invalid-since: ${s.invalidSince}` });
    if (plan.deleteFrom !== undefined)
      items.push({
        atMs: plan.deleteFrom,
        day: day(plan.deleteFrom),
        text: `deleted by the legacy token cleaner from ${day(plan.deleteFrom)} if still unused`,
      });
    for (const e of refused.slice(0, 5)) items.push({ atMs: e.at, text: describeUnauthorized(e) });
    // A day is ordered after every moment of that day: a token last used the day its Secret was made was used after it.
    items.sort((a, b) => orderKey(a) - orderKey(b));

    const name = `${s.namespace}/${s.name}`;
    let explanation: string;
    if (invalid) {
      explanation = `This legacy token has no expiry but is marked invalid since ${s.invalidSince ?? ''}${s.lastUsed !== undefined ? ` (last used ${s.lastUsed})` : ''}, so the API server refuses it; ${plan.deleteFrom !== undefined ? `the cleaner deletes it from ${day(plan.deleteFrom)} unless the label is removed` : (plan.reason ?? '')}.`;
    } else if (!plan.eligible) {
      explanation = `This legacy token never expires${s.lastUsed !== undefined ? ` (last used ${s.lastUsed})` : ''} and is never cleaned up: ${plan.reason ?? ''}; replace it with a short-lived token.`;
    } else {
      const mark =
        plan.invalidFrom !== undefined
          ? `it is marked invalid from ${day(plan.invalidFrom)} and deleted from ${day(plan.deleteFrom ?? plan.invalidFrom)} if unused until then`
          : 'it is marked invalid after a year unused and deleted a year later';
      explanation = `This legacy token never expires${s.lastUsed !== undefined ? ` (last used ${s.lastUsed})` : ' and has not been used since tracking began'}; ${mark}.`;
    }
    const actions = [tokenHealthAction(secretRef)];
    if (s.serviceAccount !== undefined) {
      const sa: ServiceAccountRef = { kind: 'serviceAccount', context: evidence.context, namespace: s.namespace, name: s.serviceAccount };
      actions.unshift(action('Request a short-lived token', COMMAND.requestToken, sa));
    }
    const finding: Finding = {
      id: findingId('legacyToken', s.namespace, s.name),
      rule: 'legacyToken',
      severity: refused.length > 0 ? 'error' : invalid ? 'warning' : 'info',
      title: invalid ? `Legacy token ${name} is invalid` : `Legacy token ${name} has no expiry`,
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
