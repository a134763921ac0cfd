// What the explorer keeps of the cluster: small projections of namespaces, service accounts, pods and
// legacy token Secrets (never client-node's full objects, never a raw token), and how each list is doing.
import type { DecodedToken } from '../../token/types';
import type { ClusterError } from '../errors';

export interface OwnerInfo {
  kind: string;
  name: string;
}

/** One `serviceAccountToken` projection as one container sees it. */
export interface ProjectedTokenMount {
  volume: string;
  /** Absolute path inside the container. */
  path: string;
  audience?: string;
  expirationSeconds: number;
}

export interface ContainerTokens {
  name: string;
  tokens: ProjectedTokenMount[];
}

/** One container's status: what a restart count, readiness and a previous log need. */
export interface ContainerStatusItem {
  name: string;
  /** Init and ephemeral containers report their status apart from the app containers. */
  kind: 'init' | 'app' | 'ephemeral';
  restartCount: number;
  ready: boolean;
  /** The exit code of the previous instance, when one ended (its log is read with `previous=true`). */
  lastExitCode?: number;
}

/** A PersistentVolumeClaim a pod mounts, by the volume that names it. */
export interface PodClaimRef {
  volume: string;
  claimName: string;
}

export interface PodItem {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: string;
  phase: string;
  nodeName?: string;
  /** status.podIPs (else status.podIP): how an audit event's sourceIPs name the pod. */
  podIPs?: string[];
  /** Seconds since the epoch, from status.startTime. */
  startedAtSec?: number;
  deleting: boolean;
  /** Seconds since the epoch, from metadata.deletionTimestamp. */
  deletingSinceSec?: number;
  owner?: OwnerInfo;
  /** The workload a rollout restart would act on (a ReplicaSet's Deployment, a StatefulSet, a DaemonSet). */
  workload?: OwnerInfo;
  /** Init and app containers, in spec order, with their projected token files. */
  containers: ContainerTokens[];
  /** Names of ephemeral (debug) containers, which `containers` leaves out. */
  ephemeralContainers: string[];
  statuses: ContainerStatusItem[];
  claims: PodClaimRef[];
  /** Names of the Secrets its volumes mount (a mounted legacy token is never cleaned up). */
  secretVolumes: string[];
}

export interface NamespaceItem {
  name: string;
  phase?: string;
}

export interface ServiceAccountItem {
  namespace: string;
  name: string;
  uid: string;
  /** Names in its `.secrets`: the token Secrets made for it, which the cleaner may remove. */
  secrets: string[];
}

/** What is kept of a token: decoded header and claims and the fingerprint. */
export type TokenSummary = DecodedToken;

/** The answer of a signature check against the cluster's published keys. */
export type SignatureCheck =
  { status: 'signed'; kid?: string } | { status: 'notSigned'; reason: string } | { status: 'unchecked'; reason: string; httpStatus?: number };

export interface LegacySecretItem {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: string;
  token?: TokenSummary;
  /** Fingerprint of data.token as stored, also when it cannot be decoded. */
  fingerprint?: string;
  /** Why the token could not be decoded, when it could not. */
  problem?: string;
  signature?: SignatureCheck;
  /** Seconds since the epoch, from metadata.creationTimestamp. */
  createdAtSec?: number;
  /** The `kubernetes.io/legacy-token-last-used` label: a UTC date, YYYY-MM-DD. */
  lastUsed?: string;
  /** The `kubernetes.io/legacy-token-invalid-since` label: a UTC date, YYYY-MM-DD. */
  invalidSince?: string;
}

export type ResourceKind = 'namespaces' | 'serviceaccounts' | 'pods' | 'secrets';

/** How one list+watch is doing; an error is kept next to the last good items. */
export interface ResourceStatus {
  state: 'loading' | 'ready' | 'error';
  error?: ClusterError;
  /** Milliseconds since the epoch of the next retry, while in error. */
  retryAtMs?: number;
}

/** Statuses of one kind: `*` for the cluster-wide list, or one entry per namespace. */
export type KindStatus = ReadonlyMap<string, ResourceStatus>;

export interface InventorySnapshot {
  /** Increments on every change, so views can skip redraws. */
  version: number;
  namespaces: readonly NamespaceItem[];
  serviceAccounts: readonly ServiceAccountItem[];
  pods: readonly PodItem[];
  secrets: readonly LegacySecretItem[];
  status: Readonly<Record<ResourceKind, KindStatus>>;
  /** True when namespaces come from settings or the context rather than a cluster list. */
  namespacesFixed: boolean;
}

export interface LiveTokenTarget {
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  path: string;
}

export type LiveTokenReading = { ok: true; atMs: number; token: TokenSummary; signature: SignatureCheck } | { ok: false; atMs: number; error: ClusterError };

export function liveTokenKey(t: Pick<LiveTokenTarget, 'podUid' | 'container' | 'path'>): string {
  return `${t.podUid}\u0000${t.container}\u0000${t.path}`;
}
