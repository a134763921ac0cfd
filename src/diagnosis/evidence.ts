// What the diagnosis rules look at: a snapshot of one scope of one cluster, gathered by
// src/cluster/scan/collectEvidence.ts and the UI, as plain data. Times are milliseconds since the epoch
// unless a field says seconds (JWT claims stay in seconds, as the history stores them).
import type { AuditFindingsInput } from '../controlPlane/auditSummary';
import type { TokenObservation, UnauthorizedEvent } from '../history/types';
import type { ProbeResult } from './probe';

/** What was looked at: a whole context, a namespace, one pod or one service account. */
export type EvidenceScope =
  | { kind: 'context' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'pod'; namespace: string; name: string }
  | { kind: 'serviceAccount'; namespace: string; name: string };

/** One projected serviceAccountToken source, where the pod's containers see it. */
export interface PodTokenSource {
  volume: string;
  /** Absolute path of the token file inside the containers that mount it. */
  path: string;
  containers: string[];
  audience?: string;
  expirationSeconds: number;
}

export interface PodClaim {
  /** The pod volume that mounts it. */
  volume: string;
  claimName: string;
  /** True when the PVC has a deletionTimestamp (it stays Terminating while the pod uses it). */
  terminating: boolean;
  /** When its deletion was asked for. */
  deletionRequestedAtMs?: number;
  /**
   * False when the PVC was not found (already gone, or not readable); left out when it was not read: only the PVCs
   * of a pod whose token refresh looks stalled are.
   */
  found?: boolean;
}

export interface PodEvidence {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: string;
  phase: string;
  nodeName?: string;
  /** status.podIPs: how an audit event's sourceIPs name the pod that called. */
  podIPs?: string[];
  /** The controller owning the pod (ReplicaSet, StatefulSet, DaemonSet...). */
  owner?: { kind: string; name: string };
  /** The workload a rollout restart acts on, when there is one (Deployment, StatefulSet, DaemonSet). */
  workload?: { kind: 'Deployment' | 'StatefulSet' | 'DaemonSet'; name: string };
  startedAtMs?: number;
  /** When deletion was asked for: the pod is Terminating. */
  deletionRequestedAtMs?: number;
  containers: { name: string; restartCount: number; ready: boolean }[];
  tokenSources: PodTokenSource[];
  claims: PodClaim[];
  /** Names of Secrets its volumes mount (legacy tokens in use). */
  mountedSecrets: string[];
}

/** A pod history saw holding an IP over its window (deleted since, or not): how an audit 401 still names a deleted pod. */
export interface PodAddressEvidence {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount?: string;
  ip: string;
  /** Since when it held the address (its start, when known). */
  sinceMs: number;
  /** When it was last seen holding it. */
  lastSeenMs: number;
}

/** A `kubernetes.io/service-account-token` Secret: a legacy token with no expiry. */
export interface LegacySecretEvidence {
  namespace: string;
  name: string;
  serviceAccount?: string;
  createdAtMs?: number;
  /** `kubernetes.io/legacy-token-last-used`: a UTC date, YYYY-MM-DD. */
  lastUsed?: string;
  /** `kubernetes.io/legacy-token-invalid-since`: a UTC date, YYYY-MM-DD. */
  invalidSince?: string;
  /** Listed in the service account's `.secrets` (only those are auto-generated and cleaned up). */
  referencedByServiceAccount: boolean;
  /** Pods whose volumes mount it (a mounted Secret is never cleaned up). */
  mountedBy: string[];
  /** Fingerprint of data.token, when the Secret holds one. */
  fingerprint?: string;
}

/** A credential from a kubeconfig: the active context's, or one found in a document open in the editor. */
export interface KubeconfigCredentialEvidence {
  origin: 'activeContext' | 'document';
  /** The context it belongs to (active context), or the kubeconfig user/context names found near it. */
  context?: string;
  user?: string;
  /** The kubeconfig file, or the document's URI. */
  file?: string;
  /** Dotted path inside the document, e.g. `users[0].user.token`. */
  path?: string;
  /** 0-based line of the value in the document, when known. */
  line?: number;
  kind: 'token' | 'tokenFile' | 'exec' | 'authProvider' | 'clientCertificate' | 'certificate' | 'other';
  /** All three in seconds since the epoch. */
  issuedAt?: number;
  expiresAt?: number;
  warnAfter?: number;
  fingerprint?: string;
  /** A pod-bound service-account token names its pod and service account. */
  boundPod?: { namespace: string; name: string; uid?: string };
  serviceAccount?: { namespace: string; name: string };
  /** A sentence when the credential could not be read. */
  problem?: string;
}

export interface Evidence {
  context: string;
  scope: EvidenceScope;
  /** When the snapshot was taken. */
  collectedAtMs: number;
  pods: PodEvidence[];
  /** Token observations of the scope, oldest first (from history and this collection). */
  observations: TokenObservation[];
  /** 401 events of the scope (log lines, events, probes), oldest first; lines already masked. */
  unauthorized: UnauthorizedEvent[];
  /**
   * Requests seen to succeed, for telling "401 under concurrency" apart from a dead token:
   * a line or request that shows the same token was accepted at `atMs`.
   */
  successes: { atMs: number; subject: TokenObservation['subject']; tokenFingerprint?: string; source: string }[];
  legacySecrets: LegacySecretEvidence[];
  kubeconfigCredentials: KubeconfigCredentialEvidence[];
  probes: ProbeResult[];
  /** The API server's audit logs, summed per pod, subject and caller; absent when no audit log is read. */
  audit?: AuditFindingsInput;
  /** Pods seen holding an IP over the history window, deleted since included; the audit rules read them. */
  podAddresses?: PodAddressEvidence[];
  /** Sentences about what could not be collected (forbidden, unreachable); the rules ignore them. */
  problems: string[];
}

/** An Evidence with nothing in it, for building up in tests and in the UI. */
export function emptyEvidence(context: string, collectedAtMs: number, scope: EvidenceScope = { kind: 'context' }): Evidence {
  return {
    context,
    scope,
    collectedAtMs,
    pods: [],
    observations: [],
    unauthorized: [],
    successes: [],
    legacySecrets: [],
    kubeconfigCredentials: [],
    probes: [],
    problems: [],
  };
}
