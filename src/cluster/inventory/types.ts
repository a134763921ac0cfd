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

export interface PodItem {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: string;
  phase: string;
  nodeName?: string;
  /** Seconds since the epoch, from status.startTime. */
  startedAt?: number;
  deleting: boolean;
  owner?: OwnerInfo;
  /** The workload a rollout restart would act on (a ReplicaSet's Deployment, a StatefulSet, a DaemonSet). */
  workload?: OwnerInfo;
  containers: ContainerTokens[];
}

export interface NamespaceItem {
  name: string;
  phase?: string;
}

export interface ServiceAccountItem {
  namespace: string;
  name: string;
  uid: string;
}

/** What is kept of a token: decoded header and claims and the fingerprint. */
export type TokenSummary = DecodedToken;

/** The answer of a signature check against the cluster's published keys. */
export type SignatureCheck =
  | { status: 'signed'; kid?: string }
  | { status: 'notSigned'; reason: string }
  | { status: 'unchecked'; reason: string; httpStatus?: number };

export interface LegacySecretItem {
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: string;
  token?: TokenSummary;
  /** Why the token could not be decoded, when it could not. */
  problem?: string;
  signature?: SignatureCheck;
}

export type ResourceKind = 'namespaces' | 'serviceaccounts' | 'pods' | 'secrets';

/** How one list+watch is doing; an error is kept next to the last good items. */
export interface ResourceStatus {
  state: 'loading' | 'ready' | 'error';
  error?: ClusterError;
  /** Milliseconds since the epoch of the next retry, while in error. */
  retryAt?: number;
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

export type LiveTokenReading =
  | { ok: true; at: number; token: TokenSummary; signature: SignatureCheck }
  | { ok: false; at: number; error: ClusterError };

export function liveTokenKey(t: Pick<LiveTokenTarget, 'podUid' | 'container' | 'path'>): string {
  return `${t.podUid}\u0000${t.container}\u0000${t.path}`;
}
