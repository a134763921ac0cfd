// The diagnosis layer: evidence in, findings out; pure, no vscode, no network.
export type { Finding, FindingAction, FindingEvidence, FindingRule } from './types';
export { compareFindings } from './types';
export type { Severity } from './severity';
export type {
  Evidence,
  EvidenceScope,
  KubeconfigCredentialEvidence,
  LegacySecretEvidence,
  PodClaim,
  PodEvidence,
  PodTokenSource,
} from './evidence';
export { emptyEvidence } from './evidence';
export type { ProbeResult } from './probe';
export { probeFailed } from './probe';
export { diagnose, RULES } from './diagnose';
export { DEFAULT_DIAGNOSE_OPTIONS, type DiagnoseOptions } from './ruleKit';
export { buildTimeline, groupOf, laneOf, type ObservedRefresh, type Timeline, type TokenWindow, type UnauthorizedMarker } from './timeline';
export { documentCredentialEvidence, kubeconfigDocumentEvidence, kubeconfigUserNames, looksLikeKubeconfig, type DocumentContext } from './documentCredentials';
export { cleanupPlan, parseLabelDate, type CleanupPlan } from './rules/legacyToken';
export { stallCause, UPSTREAM_FIX, type StallCause } from './rules/refreshStalled';
