// The Explorer view: a TreeDataProvider over the explorer model. It reads the session's state (inventory,
// keys, live tokens) from the shared ClusterState, rebuilds the model when that state or the findings
// change, and serves every expand and collapse from that model.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { CONTEXT_KEY, EXPLORER_VIEW_ID } from '../../shared/commandIds';
import type { ClusterState, StateChange } from '../../app/clusterState';
import { contextCredentialRows } from '../../cluster/auth/contextCredentials';
import { execRuns } from '../../cluster/auth/execRuns';
import type { Inventory } from '../../cluster/inventory/inventory';
import type { LiveTokenReading, LiveTokenTarget, SignatureCheck, TokenSummary } from '../../cluster/inventory/types';
import type { ExplorerControl, FindingsSink } from '../services';
import type { SessionManager } from '../sessionManager';
import type { Settings } from '../settings';
import { buildExplorerModel, TREE_REBUILD_DELAY_MS } from './explorerModel';
import { childrenOf, type ExplorerModel, type ExplorerNode } from './explorerNode';
import { revealTarget } from './revealTarget';
import { tooltipMarkdown, treeItemOf } from './treeItems';
import type { NodeRef, PodRef, TokenFileRef } from '../../shared/nodeRef';

export const VIEW_ID = EXPLORER_VIEW_ID;
const TICK_MS = 30_000;
const COUNTDOWN_TICK_MS = 1_000;

export interface ExplorerDeps {
  sessions: SessionManager;
  findings: FindingsSink;
  settings: Settings;
  state: ClusterState;
  /** The view, created at activation (src/extension.ts) over a provider that hands it to this tree. */
  view: vscode.TreeView<ExplorerNode>;
}

export class ExplorerTree implements vscode.TreeDataProvider<ExplorerNode>, ExplorerControl, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<ExplorerNode>;
  private model: ExplorerModel = buildExplorerModel({ nowSec: 0, findings: [], liveMode: 'onDemand' });
  private pending: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: ExplorerDeps) {
    this.view = deps.view;
    this.subscriptions.push(
      this.view,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible) deps.state.ensureStarted();
      }),
      // On a cluster listed per namespace, an open namespace's pods are listed; a closed one's are released later.
      this.view.onDidExpandElement((e) => this.namespaceOf(e.element, (inventory, ns) => inventory.open(ns))),
      this.view.onDidCollapseElement((e) => {
        this.namespaceOf(e.element, (inventory, ns) => inventory.close(ns));
        // A closed context hides its namespaces (Collapse All closes it too): they count as closed. VS Code asks
        // again for the children of those it shows open when the context is opened again, which holds them again.
        const ref = e.element.ref;
        const state = deps.state.current;
        if (ref?.kind === 'context' && state?.isStarted && state.session.context === ref.context) state.inventory.closeAll();
      }),
      deps.state.onDidChange((e: StateChange) => (e.session ? this.rebuild() : this.schedule())),
      deps.findings.onDidChange(() => this.schedule()),
      // The Contexts rows: a kubeconfig edited elsewhere, and what an exec plugin answered.
      deps.sessions.onDidChange(() => this.schedule()),
      execRuns.onDidRecord(() => this.schedule()),
    );
    // The audit line under Findings follows what becomes of clusterCredentials.audit.paths.
    const audit = deps.state.audit?.onDidChange(() => this.schedule());
    if (audit) this.subscriptions.push(audit);
    if (this.view.visible) deps.state.ensureStarted();
    this.rebuild();
  }

  /** The current session's credential, inventory and readings as one model (also for tests and other views). */
  get current(): ExplorerModel {
    return this.model;
  }

  refresh(ref?: NodeRef): void {
    this.deps.state.current?.refresh(ref && 'namespace' in ref ? ref.namespace : undefined);
    this.rebuild();
  }

  async reveal(ref: NodeRef): Promise<void> {
    const state = this.deps.state.ensureStarted();
    const { node, release } = await revealTarget(ref, state, () => {
      this.rebuild();
      return this.model.find(ref);
    });
    try {
      if (node) await this.view.reveal(node, { select: true, focus: true, expand: ref.kind === 'context' ? true : 1 });
    } finally {
      release();
    }
  }

  /** Why the live token of `ref` must not be read now, in a sentence (another context, a pod with no node...). */
  liveReadRefusal(ref: TokenFileRef | PodRef): string | undefined {
    const s = this.deps.state.ensureStarted();
    if (!s) return l10n.t('there is no active context to read it in');
    if (s.session.context !== ref.context)
      return l10n.t('it belongs to context {0}, not the active context {1}; switch to it first', ref.context, s.session.context);
    return ref.kind === 'tokenFile'
      ? s.liveReadRefusal({ namespace: ref.namespace, name: ref.pod, uid: ref.podUid, path: ref.path })
      : s.liveReadRefusal({ namespace: ref.namespace, name: ref.name, uid: ref.uid });
  }

  /** Reads the live token of one token file, or of every token file of a pod. */
  async readLiveTokens(ref: TokenFileRef | PodRef): Promise<LiveTokenReading[]> {
    const s = this.deps.state.ensureStarted();
    if (!s) return [];
    return s.readLiveTokens(ref.kind === 'tokenFile' ? [targetOf(ref)] : s.podTargets(ref));
  }

  /** A reading already made (for Copy Fingerprint). */
  reading(ref: TokenFileRef): LiveTokenReading | undefined {
    return this.deps.state.current?.live.get(targetOf(ref));
  }

  secretFingerprint(namespace: string, name: string): string | undefined {
    return this.deps.state.current?.secretFingerprint(namespace, name);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return treeItemOf(node);
  }

  getChildren(node?: ExplorerNode): ExplorerNode[] {
    // Lists start when the view first asks for its roots, not at VS Code's start.
    if (!node) this.deps.state.ensureStarted();
    // VS Code asks only for the children of open nodes, also of those it reopens itself after a reload (no expand event then).
    else this.namespaceOf(node, (inventory, ns) => inventory.open(ns));
    return node ? childrenOf(node) : this.model.roots;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode): vscode.TreeItem {
    const md = tooltipMarkdown(node);
    if (md) item.tooltip = md;
    return item;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    if (this.ticker) clearTimeout(this.ticker);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  /** Calls `fn` with the active session's inventory when `node` is one of its namespaces. */
  private namespaceOf(node: ExplorerNode, fn: (inventory: Inventory, namespace: string) => void): void {
    const ref = node.ref;
    const state = this.deps.state.current;
    if (ref?.kind === 'namespace' && state?.isStarted && state.session.context === ref.context) fn(state.inventory, ref.namespace);
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.rebuild();
    }, TREE_REBUILD_DELAY_MS);
  }

  private rebuild(): void {
    const { sessions, findings, settings, state } = this.deps;
    const a = state.current;
    const now = Math.floor(Date.now() / 1000);
    const load = sessions.load;
    const problem = sessions.problem;
    const inventory = a?.snapshot();
    const credential = a?.session.provider.describe();
    // Described once per kubeconfig load (contextCredentials.ts); only the states are worked out again here.
    const contexts =
      a && credential && load?.ok && load.contexts.length > 1
        ? contextCredentialRows(load, execRuns, now, settings.expiryOptions, { context: a.session.context, credential })
        : undefined;
    this.model = buildExplorerModel({
      nowSec: now,
      expiry: settings.expiryOptions,
      ...(a && credential ? { session: { context: a.session.context, summary: a.session.summary, credential } } : {}),
      ...(contexts ? { contexts } : {}),
      ...(problem
        ? {
            problem: {
              message: problem,
              noKubeconfig: load !== undefined && !load.ok && load.problem === 'noKubeconfig',
              noContext: load !== undefined && !load.ok && load.problem === 'noContext',
            },
          }
        : {}),
      ...(inventory ? { inventory } : {}),
      ...(a?.inventory.fallbackReason ? { fallbackReason: a.inventory.fallbackReason } : {}),
      findings: findings.all(),
      ...(state.audit ? { audit: state.audit.status, remoteWindow: vscode.env.remoteName !== undefined } : {}),
      liveMode: settings.liveTokens,
      ...(a ? { liveReading: (t: LiveTokenTarget) => a.live.get(t), isReading: (t: LiveTokenTarget) => a.live.isReading(t) } : {}),
      // Only once the session's lists run: a verdict may ask the cluster for its issuer.
      ...(a && inventory ? { verdict: (token: TokenSummary, signature: SignatureCheck) => a.verdicts.verdictNow(token, signature, now) } : {}),
    });
    void vscode.commands.executeCommand(
      'setContext',
      CONTEXT_KEY.kubeconfigState,
      a ? 'ready' : load && !load.ok && load.problem === 'noKubeconfig' ? 'none' : 'problem',
    );
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY.liveTokens, settings.liveTokens);
    this.changed.fire(undefined);
    this.tick(inventory !== undefined && hasCountdown(this.model));
  }

  /** Descriptions say "expires in 3 h": redraw as time passes, every second while a retry countdown shows. */
  private tick(countdown: boolean): void {
    if (this.ticker) clearTimeout(this.ticker);
    this.ticker = setTimeout(() => this.rebuild(), countdown ? COUNTDOWN_TICK_MS : TICK_MS);
  }
}

function targetOf(ref: TokenFileRef): LiveTokenTarget {
  return { namespace: ref.namespace, pod: ref.pod, podUid: ref.podUid, container: ref.container, path: ref.path };
}

/** An error node has a description only while a retry is pending (its countdown, in whatever language it reads). */
function hasCountdown(model: ExplorerModel): boolean {
  for (const node of model.byId.values()) if (node.contextValue === 'error' && node.description !== undefined) return true;
  return false;
}
