// What a tree item stands for, as plain data. Commands invoked from the tree, from the Token
// Health webview and from findings all take a NodeRef (or an object with a `ref`), so none of
// them depends on how the tree is built. No vscode import: the webview protocol reuses it.

export interface ContextRef {
  kind: 'context';
  context: string;
}

export interface NamespaceRef {
  kind: 'namespace';
  context: string;
  namespace: string;
}

export interface ServiceAccountRef {
  kind: 'serviceAccount';
  context: string;
  namespace: string;
  name: string;
}

export interface OwnerRef {
  /** The controller owning the pod as listed in ownerReferences (ReplicaSet, StatefulSet, DaemonSet, Job...). */
  kind: string;
  name: string;
}

export interface PodRef {
  kind: 'pod';
  context: string;
  namespace: string;
  name: string;
  uid: string;
  serviceAccount: string;
  owner?: OwnerRef;
}

export interface SecretRef {
  kind: 'secret';
  context: string;
  namespace: string;
  name: string;
  serviceAccount?: string;
}

/** One projected token file in one container of a pod. */
export interface TokenFileRef {
  kind: 'tokenFile';
  context: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  /** Absolute path of the token file inside the container. */
  path: string;
  serviceAccount: string;
}

export interface FindingRef {
  kind: 'finding';
  context: string;
  findingId: string;
}

export type NodeRef = ContextRef | NamespaceRef | ServiceAccountRef | PodRef | SecretRef | TokenFileRef | FindingRef;

/** Command arguments arrive as a NodeRef (webview, findings) or as a tree element carrying one. */
export function refOf(arg: unknown): NodeRef | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const candidate = 'ref' in arg ? arg.ref : arg;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const kind = (candidate as { kind?: unknown }).kind;
  const known = ['context', 'namespace', 'serviceAccount', 'pod', 'secret', 'tokenFile', 'finding'];
  return typeof kind === 'string' && known.includes(kind) ? (candidate as NodeRef) : undefined;
}

/**
 * A tree item's contextValue: the ref's kind, then space-separated flags, e.g. "pod owned" or
 * "tokenFile read". `when` clauses match with `viewItem =~ /^pod\b/` and `viewItem =~ /\bowned\b/`.
 */
export function contextValueOf(ref: NodeRef, flags: readonly string[] = []): string {
  return [ref.kind, ...flags].join(' ');
}
