// What the UI adapters share, built once in extension.ts's activate() and handed to each of them: the extension
// context, the log channel, settings, the active context's session and its cluster state, history, findings and the explorer.
import type * as vscode from 'vscode';
import type { ClusterState } from '../app/clusterState';
import type { ClusterSession } from '../cluster/auth/session';
import type { Finding } from '../diagnosis/types';
import type { HistoryStore } from '../history';
import type { NodeRef } from '../shared/nodeRef';
import type { Settings } from './settings';

export interface SessionSource {
  /** The session of the active context, or undefined with a sentence saying why there is none. */
  current(): ClusterSession | undefined;
  readonly problem: string | undefined;
  readonly onDidChange: vscode.Event<ClusterSession | undefined>;
  /** Re-read the kubeconfig files now (after "Reload Credentials" or "Switch Context"). */
  reload(): void;
}

export interface FindingsSink {
  /** Replaces the findings of one source (e.g. "credential", "scan:payments"), then fires onDidChange. */
  set(source: string, findings: readonly Finding[]): void;
  all(): readonly Finding[];
  readonly onDidChange: vscode.Event<void>;
}

export interface ExplorerControl {
  /** Re-list and redraw; `ref` narrows it to one node where the tree can. */
  refresh(ref?: NodeRef): void;
  /** Reveal and select the node of `ref` if the tree has it. */
  reveal(ref: NodeRef): Promise<void>;
}

export interface Services {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly settings: Settings;
  readonly sessions: SessionSource;
  readonly history: HistoryStore;
  readonly findings: FindingsSink;
  readonly explorer: ExplorerControl;
  /** The session's inventory, keys and live tokens, one owner for every view (src/app/clusterState.ts). */
  readonly state: ClusterState;
}
