// A finding: one problem the diagnosis rules found, with the evidence and the next step.
// Shared by the explorer's Findings node, the Token Health webview and the status bar.
import type { Subject } from '../history/types';
import type { NodeRef } from '../shared/nodeRef';
import type { Severity } from './severity';

export type FindingRule =
  | 'expired'
  | 'expiringSoon'
  | 'refreshStalled'
  | 'notReloading'
  | 'concurrent401'
  | 'staleTokenInUse'
  | 'legacyToken'
  | 'kubeconfigCredential'
  // From the API server's audit log (src/controlPlane/): a pod sending a token past its warnafter, a legacy token in use, 401s by caller.
  | 'auditStaleToken'
  | 'auditLegacyToken'
  | 'auditUnauthorized';

export interface FindingEvidence {
  /** Milliseconds since the epoch. */
  atMs: number;
  /** One line a user reads; never a raw token (fingerprints and jti only). */
  text: string;
  /**
   * A UTC date (YYYY-MM-DD) when what is known is a day, not a moment (a label that records only the date):
   * shown as that day, never as its midnight; `atMs` is the day's start.
   */
  day?: string;
}

export interface FindingAction {
  title: string;
  /** A clusterCredentials.* command id. */
  command: string;
  /** The command's argument: what the finding is about. */
  target?: NodeRef;
}

export interface Finding {
  /** Stable across re-runs on the same evidence: rule + subject, so the UI can keep selection. */
  id: string;
  rule: FindingRule;
  severity: Severity;
  title: string;
  /** One sentence. */
  explanation: string;
  /** What the rule found behind the symptom, as a short id (`pvcTerminating`, `podTerminating`...), when it names one. */
  cause?: string;
  subject: Subject;
  target?: NodeRef;
  evidence: FindingEvidence[];
  actions: FindingAction[];
}

/** Worst first: the lower, the worse. */
export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Worst first, then by title, so every view lists findings the same way. */
export function compareFindings(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.title.localeCompare(b.title);
}
