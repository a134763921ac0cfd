// Runs every rule on one Evidence and returns the findings worst first. A symptom (expired,
// expiring, stale) of a token whose cause another rule named is folded into that finding, and so is
// what the audit log says of a credential another rule already names (one finding per credential).
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
import { compareFindings, SEVERITY_ORDER, type Finding, type FindingEvidence, type FindingRule } from './types';

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

/** The legacy token Secret a finding is about. */
function secretKey(f: Finding): string | undefined {
  const t = f.target;
  return t?.kind === 'secret' ? `${t.namespace}/${t.name}` : undefined;
}

/** Whether two subjects name one pod; a uid only one of them knows does not tell them apart. */
function samePod(a: Finding['subject'], b: Finding['subject']): boolean {
  if (a.pod === undefined || a.pod !== b.pod || a.namespace !== b.namespace) return false;
  return a.podUid === undefined || b.podUid === undefined || a.podUid === b.podUid;
}

function foldInto(cause: Finding, f: Finding): void {
  // A line already there, or there after a name (`Secret ns/name: <label>` for `<label>`), is not repeated.
  const said = (e: FindingEvidence): boolean => cause.evidence.some((c) => c.atMs === e.atMs && (c.text === e.text || c.text.endsWith(`: ${e.text}`)));
  for (const e of f.evidence) if (!said(e)) cause.evidence.push(e);
  cause.evidence.sort((a, b) => a.atMs - b.atMs);
  if (SEVERITY_ORDER[f.severity] < SEVERITY_ORDER[cause.severity]) cause.severity = f.severity;
}

/**
 * What the audit log says of a credential another rule already names goes into one finding: a pod's
 * stale token into its not-reloading finding, and a legacy token's use into its Secret's finding, or
 * the other way round when the Secret is marked invalid (the API server refusing it is the news).
 * Returns each folded finding with the one it goes into.
 */
function auditPairs(findings: Finding[]): Map<Finding, Finding> {
  const into = new Map<Finding, Finding>();
  const notReloading = findings.filter((f) => f.rule === 'notReloading');
  const legacy = new Map<string, Finding>();
  for (const f of findings) {
    const key = secretKey(f);
    if (f.rule === 'legacyToken' && key !== undefined) legacy.set(key, f);
  }
  for (const f of findings) {
    if (f.rule === 'auditStaleToken') {
      const cause = notReloading.find((c) => samePod(c.subject, f.subject));
      if (cause) into.set(f, cause);
    }
    const key = secretKey(f);
    const secret = f.rule === 'auditLegacyToken' && key !== undefined ? legacy.get(key) : undefined;
    if (secret?.cause === 'legacyTokenInvalidated') into.set(f, secret);
    else if (secret) into.set(secret, f);
  }
  return into;
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
  const audit = auditPairs(findings);
  const parent = (f: Finding): Finding | undefined => {
    const key = fileKey(f);
    const pod = podKey(f);
    const copy = f.rule === 'notReloading' && pod !== undefined ? copies.get(pod) : undefined;
    return copy ?? audit.get(f) ?? (key !== undefined && SYMPTOMS.has(f.rule) ? causes.get(key) : undefined);
  };
  const out: Finding[] = [];
  for (const f of findings) {
    // A finding folded into one that is itself folded goes where that one goes (a stale token into its
    // pod's not-reloading finding, and that into the kubeconfig copy of the pod's token).
    let root = parent(f);
    for (let hops = 0; root && hops < findings.length; hops++) {
      const next = parent(root);
      if (!next) break;
      root = next;
    }
    if (root) foldInto(root, f);
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
