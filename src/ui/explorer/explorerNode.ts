// The explorer's model: plain data describing each tree node, built without VS Code so it can be
// tested and measured in plain Node. The TreeDataProvider only turns these into TreeItems.
import type { AuditStatus } from '../../app/auditEvidence';
import type { CredentialDescription } from '../../cluster/auth/credentialDescription';
import type { ClusterError } from '../../cluster/errors';
import type { InventorySnapshot, LiveTokenReading, LiveTokenTarget, SignatureCheck, TokenSummary } from '../../cluster/inventory/types';
import type { ContextSummary } from '../../cluster/auth/kubeconfig';
import type { ContextCredentialRow } from '../../cluster/auth/contextCredentials';
import type { LiveTokenMode } from '../../cluster/live/liveTokenCache';
import type { TokenVerdict } from '../../diagnosis/tokenVerdict';
import type { Finding } from '../../diagnosis/types';
import type { ExpiryOptions } from '../../token/types';
import type { NodeRef } from '../../shared/nodeRef';

/** How a node is coloured: the UI maps each to a theme colour. */
export type Tone = 'ok' | 'info' | 'warning' | 'error' | 'muted';

export interface NodeCommand {
  command: string;
  title: string;
  arguments?: unknown[];
}

export interface ExplorerNode {
  /** Unique and stable across rebuilds, so VS Code keeps expansion and selection. */
  id: string;
  ref?: NodeRef;
  label: string;
  description?: string;
  /** A codicon id. */
  icon: string;
  tone?: Tone;
  /** Markdown, every value escaped; built only when VS Code asks for it. */
  tooltip?: () => string;
  contextValue?: string;
  /** Whether the node starts expanded; leaves have no children. */
  expanded?: boolean;
  children?: ExplorerNode[];
  /** Children built on first expansion (details of a token file: 10,000 pods need not build 50,000 leaves). */
  lazyChildren?: () => ExplorerNode[];
  command?: NodeCommand;
  parent?: ExplorerNode;
}

export interface ModelSession {
  context: string;
  summary: ContextSummary;
  credential: CredentialDescription;
}

export interface ModelInput {
  /** Seconds since the epoch. */
  nowSec: number;
  expiry?: Partial<ExpiryOptions>;
  session?: ModelSession;
  /**
   * Every context of the kubeconfig, worst credential first (contextCredentials.ts). With more than one, each is a
   * root (the active one being the session's context node) and the tree no longer starts with the active context.
   */
  contexts?: readonly ContextCredentialRow[];
  /**
   * Why there is no session, as a sentence; `noKubeconfig` leaves the tree empty for the welcome view, `noContext`
   * (no current context, or one the kubeconfig does not define) offers Switch Context.
   */
  problem?: { message: string; noKubeconfig: boolean; noContext?: boolean };
  inventory?: InventorySnapshot;
  /** Why only the context's namespace is shown, when listing across the cluster was refused. */
  fallbackReason?: ClusterError;
  findings: readonly Finding[];
  /** What becomes of the audit logs of clusterCredentials.audit.paths; absent where the extension has no audit reader. */
  audit?: AuditStatus;
  /**
   * A remote window (code-server, Remote-SSH): a machine-overridable setting such as clusterCredentials.audit.paths
   * counts only in the Remote settings there, so that is the tab a click opens.
   */
  remoteWindow?: boolean;
  liveMode: LiveTokenMode;
  liveReading?: (target: LiveTokenTarget) => LiveTokenReading | undefined;
  isReading?: (target: LiveTokenTarget) => boolean;
  /** What the active cluster's API server would answer to a token (the session's verdicts), at `nowSec`. */
  verdict?: (token: TokenSummary, signature: SignatureCheck) => TokenVerdict;
}

export interface ExplorerModel {
  roots: ExplorerNode[];
  byId: ReadonlyMap<string, ExplorerNode>;
  /** Finds the node of a ref (for reveal). */
  find(ref: NodeRef): ExplorerNode | undefined;
}

/** The children of a node, building lazy ones once. */
export function childrenOf(node: ExplorerNode): ExplorerNode[] {
  if (!node.children && node.lazyChildren) {
    node.children = node.lazyChildren();
    delete node.lazyChildren;
  }
  return node.children ?? [];
}

export function leaf(parent: ExplorerNode, key: string, label: string, description: string | undefined, icon: string, tone?: Tone): ExplorerNode {
  const node: ExplorerNode = { id: `${parent.id}/${key}`, label, icon, parent };
  if (description !== undefined) node.description = description;
  if (tone) node.tone = tone;
  return node;
}
