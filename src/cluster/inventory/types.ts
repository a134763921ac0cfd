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
  tokens: readonly ProjectedTokenMount[];
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

/** A pod as the inventory keeps it: read-only, its lists possibly shared with other pods. */
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
  containers: readonly ContainerTokens[];
  /** Names of ephemeral (debug) containers, which `containers` leaves out. */
  ephemeralContainers: readonly string[];
  statuses: readonly ContainerStatusItem[];
  claims: readonly PodClaimRef[];
  /** Names of the Secrets its volumes mount (a mounted legacy token is never cleaned up). */
  secretVolumes: readonly string[];
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
  secrets: readonly string[];
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

/** How far pods and token Secrets are listed, and why (inventoryMode.ts). */
export interface InventoryScope {
  /** `cluster`: across the cluster; `namespaces`: only in the active namespaces (opened, pinned, with findings). */
  mode: 'cluster' | 'namespaces';
  /** `configured`: clusterCredentials.namespaces; `forbidden`: only the context's namespace, after a 403 across the cluster. */
  why: 'setting' | 'large' | 'small' | 'sizeUnknown' | 'configured' | 'forbidden';
  /** "Showing pods only for namespaces you open: the cluster has about 150,000 pods (over 20,000)". */
  sentence: string;
  /** The reason alone: "the cluster has about 150,000 pods (over 20,000)". */
  reason: string;
  /** What the cluster said of its size, when it was asked. */
  pods?: number;
  secrets?: number;
}

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
  /** The mode, once decided; absent (as while the size is asked) reads as cluster-wide. */
  scope?: InventoryScope;
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
