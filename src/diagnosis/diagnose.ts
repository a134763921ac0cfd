// Runs every rule on one Evidence and returns the findings worst first. A symptom (expired,
// expiring, stale) of a token whose cause another rule named is folded into that finding.
import type { Evidence } from './evidence';
import { auditLegacyTokenRule } from './rules/auditLegacyToken';
import { auditStaleTokenRule } from './rules/auditStaleToken';
import { auditUnauthorizedRule } from './rules/auditUnauthorized';
import { concurrent401Rule } from './rules/concurrent401';
import { expiredRule } from './rules/expired';
import { expiringSoonRule } from './rules/expiringSoon';
import { kubeconfigCredentialRule } from './rules/kubeconfigCredential';
import { legacyTokenRule } from './rules/legacyToken';
import { notReloadingRule } from './rules/notReloading';
import { refreshStalledRule } from './rules/refreshStalled';
import { staleTokenInUseRule } from './rules/staleTokenInUse';
import { resolveOptions, type DiagnoseOptions, type Rule } from './ruleKit';
import { compareFindings, type Finding, type FindingRule } from './types';

const RULES: Readonly<Record<FindingRule, Rule>> = Object.freeze({
  expired: expiredRule,
  expiringSoon: expiringSoonRule,
  refreshStalled: refreshStalledRule,
  notReloading: notReloadingRule,
  concurrent401: concurrent401Rule,
  staleTokenInUse: staleTokenInUseRule,
  legacyToken: legacyTokenRule,
  kubeconfigCredential: kubeconfigCredentialRule,
  // These find nothing unless the evidence holds an audit summary.
  auditStaleToken: auditStaleTokenRule,
  auditLegacyToken: auditLegacyTokenRule,
  auditUnauthorized: auditUnauthorizedRule,
});

const SYMPTOMS: ReadonlySet<FindingRule> = new Set(['expired', 'expiringSoon', 'staleTokenInUse']);
const CAUSES: ReadonlySet<FindingRule> = new Set(['refreshStalled', 'notReloading']);

/** The token file a pod finding is about. */
function fileKey(f: Finding): string | undefined {
  const s = f.subject;
  if (s.pod === undefined) return undefined;
  return `${s.namespace ?? ''}/${s.pod}/${s.podUid ?? ''}/${s.path ?? ''}`;
}

/** A kubeconfig finding about a pod's copied token names the cause of that pod's 401 lines. */
function podKey(f: Finding): string | undefined {
  const t = f.target;
  return t?.kind === 'pod' ? `${t.namespace}/${t.name}/${t.uid}` : undefined;
}

function foldInto(cause: Finding, f: Finding): void {
  for (const e of f.evidence) if (!cause.evidence.some((c) => c.atMs === e.atMs && c.text === e.text)) cause.evidence.push(e);
  cause.evidence.sort((a, b) => a.atMs - b.atMs);
  if (f.severity === 'error') cause.severity = 'error';
}

function fold(findings: Finding[]): Finding[] {
  const copies = new Map<string, Finding>();
  for (const f of findings) {
    const key = podKey(f);
    if (key !== undefined && f.rule === 'kubeconfigCredential' && f.cause === 'copiedServiceAccountToken') copies.set(key, f);
  }
  const causes = new Map<string, Finding>();
  for (const f of findings) {
    const key = fileKey(f);
    if (key !== undefined && CAUSES.has(f.rule) && !causes.has(key)) causes.set(key, f);
  }
  const out: Finding[] = [];
  for (const f of findings) {
    const key = fileKey(f);
    const pod = podKey(f);
    const copy = f.rule === 'notReloading' && pod !== undefined ? copies.get(pod) : undefined;
    const cause = copy ?? (key !== undefined && SYMPTOMS.has(f.rule) ? causes.get(key) : undefined);
    if (cause) foldInto(cause, f);
    else out.push(f);
  }
  return out;
}

/** Findings for `evidence` at `nowMs`, worst first; pure. */
export function diagnose(evidence: Evidence, nowMs: number, options?: Partial<DiagnoseOptions>): Finding[] {
  const resolved = resolveOptions(options);
  const all: Finding[] = [];
  for (const rule of Object.values(RULES)) all.push(...rule(evidence, nowMs, resolved));
  return fold(all).sort(compareFindings);
}
