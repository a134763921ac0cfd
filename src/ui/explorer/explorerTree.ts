// The Explorer view: a TreeDataProvider over the explorer model. It owns the inventory, the cluster's
// keys and the live tokens of the current session, rebuilds the model when any of them changes, and
// serves every expand and collapse from that model.
import * as vscode from 'vscode';
import { Inventory } from '../../cluster/inventory/inventory';
import { liveTokenKey, type LiveTokenReading, type LiveTokenTarget } from '../../cluster/inventory/types';
import { ClusterKeys } from '../../cluster/live/jwks';
import { readLiveToken } from '../../cluster/live/readLiveToken';
import { LiveTokens } from '../../cluster/live/liveTokenCache';
import type { ClusterSession } from '../../cluster/auth/session';
import type { HistoryStore } from '../../history';
import type { ExplorerControl, FindingsSink } from '../services';
import type { SessionManager } from '../sessionManager';
import type { Settings } from '../settings';
import { buildExplorerModel } from './explorerModel';
import { childrenOf, type ExplorerModel, type ExplorerNode } from './explorerNode';
import { liveTargetsOf, treeItemOf } from './treeItems';
import type { NodeRef, PodRef, TokenFileRef } from '../../shared/nodeRef';

export const VIEW_ID = 'clusterCredentials.explorer';
const TICK_MS = 30_000;
const COUNTDOWN_TICK_MS = 1_000;

export interface ExplorerDeps {
  sessions: SessionManager;
  findings: FindingsSink;
  settings: Settings;
  log: vscode.LogOutputChannel;
  history?: HistoryStore;
}

interface Attached {
  session: ClusterSession;
  inventory: Inventory;
  keys: ClusterKeys;
  live: LiveTokens;
}

export class ExplorerTree implements vscode.TreeDataProvider<ExplorerNode>, ExplorerControl, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly rebuilt = new vscode.EventEmitter<void>();
  /** After every rebuild of the model (the status bar follows it). */
  readonly onDidRebuild = this.rebuilt.event;
  readonly view: vscode.TreeView<ExplorerNode>;
  private model: ExplorerModel = buildExplorerModel({ now: 0, findings: [], liveMode: 'onDemand' });
  private attached: Attached | undefined;
  private pending: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: ExplorerDeps) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(
      this.view,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible) this.ensureStarted();
      }),
      deps.sessions.onDidChange((s) => this.onSession(s)),
      deps.findings.onDidChange(() => this.schedule()),
      deps.settings.onDidChange(() => this.onSettings()),
    );
    this.onSession(deps.sessions.current());
  }

  /** The current session's credential, inventory and readings as one model (also for tests and other views). */
  get current(): ExplorerModel {
    return this.model;
  }

  refresh(ref?: NodeRef): void {
    const a = this.attached;
    if (a) a.inventory.refresh(ref && 'namespace' in ref ? ref.namespace : undefined);
    this.rebuild();
  }

  async reveal(ref: NodeRef): Promise<void> {
    this.ensureStarted();
    this.rebuild();
    const node = this.model.find(ref);
    if (node) await this.view.reveal(node, { select: true, focus: true, expand: ref.kind === 'context' ? true : 1 });
  }

  /** Reads the live token of one token file, or of every token file of a pod. */
  async readLiveTokens(ref: TokenFileRef | PodRef): Promise<LiveTokenReading[]> {
    const a = this.attached;
    if (!a) return [];
    this.ensureStarted();
    const targets = ref.kind === 'tokenFile' ? [targetOf(ref)] : liveTargetsOf(a.inventory.snapshot().pods.filter((p) => p.uid === ref.uid || (p.namespace === ref.namespace && p.name === ref.name)));
    return Promise.all(targets.map((t) => a.live.read(t)));
  }

  /** A reading already made (for Copy Fingerprint). */
  reading(ref: TokenFileRef): LiveTokenReading | undefined {
    return this.attached?.live.get(targetOf(ref));
  }

  secretFingerprint(namespace: string, name: string): string | undefined {
    return this.attached?.inventory.snapshot().secrets.find((s) => s.namespace === namespace && s.name === name)?.token?.fingerprint;
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return treeItemOf(node);
  }

  getChildren(node?: ExplorerNode): ExplorerNode[] {
    if (!node) this.ensureStarted();
    return node ? childrenOf(node) : this.model.roots;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode): vscode.TreeItem {
    if (node.tooltip) {
      const md = new vscode.MarkdownString(node.tooltip());
      md.isTrusted = false;
      md.supportHtml = false;
      item.tooltip = md;
    }
    return item;
  }

  dispose(): void {
    this.detach();
    if (this.pending) clearTimeout(this.pending);
    if (this.ticker) clearTimeout(this.ticker);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
    this.rebuilt.dispose();
  }

  private onSession(session: ClusterSession | undefined): void {
    if (this.attached?.session !== session) {
      this.detach();
      if (session) this.attach(session);
    }
    this.rebuild();
  }

  private attach(session: ClusterSession): void {
    const { settings, log } = this.deps;
    const keys = new ClusterKeys(session.api);
    const verify = (raw: string) => keys.verify(raw);
    const live = new LiveTokens({
      read: (t) => readLiveToken(session.api, t, { verify }),
      concurrency: settings.liveTokensConcurrency,
      onChange: () => this.schedule(),
      onReading: (t, r) => this.record(session, t, r),
    });
    const inventory = new Inventory({
      api: session.api,
      namespaces: settings.namespaces,
      ...(session.summary.namespace ? { contextNamespace: session.summary.namespace } : {}),
      verify,
      onChange: () => this.schedule(),
      log: (m) => log.warn(m),
    });
    this.attached = { session, inventory, keys, live };
    this.listSettings = JSON.stringify([settings.namespaces, settings.liveTokensConcurrency]);
    if (this.view.visible) this.ensureStarted();
  }

  private started = false;

  /** Lists start when the view is first shown, not at VS Code's start. */
  private ensureStarted(): void {
    const a = this.attached;
    if (!a || this.started) return;
    this.started = true;
    a.inventory.start();
    this.applyLiveMode();
  }

  private detach(): void {
    const a = this.attached;
    this.attached = undefined;
    this.started = false;
    if (!a) return;
    a.inventory.stop();
    a.live.dispose();
  }

  private listSettings = '';

  private onSettings(): void {
    // A new namespace filter or concurrency needs a new inventory; other settings only a redraw.
    const { settings } = this.deps;
    const key = JSON.stringify([settings.namespaces, settings.liveTokensConcurrency]);
    const changed = key !== this.listSettings;
    this.listSettings = key;
    const session = this.attached?.session;
    if (changed && session) {
      this.detach();
      this.attach(session);
    } else if (this.started) {
      this.applyLiveMode();
    }
    this.rebuild();
  }

  private applyLiveMode(): void {
    const a = this.attached;
    if (!a) return;
    const mode = this.deps.settings.liveTokens;
    if (mode === 'auto') a.live.startAuto(() => liveTargetsOf(a.inventory.snapshot().pods), this.deps.settings.liveTokensIntervalSeconds * 1000);
    else a.live.stopAuto();
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.rebuild();
    }, 50);
  }

  private rebuild(): void {
    const { sessions, findings, settings } = this.deps;
    const a = this.attached;
    const now = Math.floor(Date.now() / 1000);
    const load = sessions.load;
    const problem = sessions.problem;
    const inventory = a && this.started ? a.inventory.snapshot() : undefined;
    this.model = buildExplorerModel({
      now,
      expiry: settings.expiryOptions,
      ...(a ? { session: { context: a.session.context, summary: a.session.summary, credential: a.session.provider.describe() } } : {}),
      ...(problem ? { problem: { message: problem, noKubeconfig: load !== undefined && !load.ok && load.problem === 'noKubeconfig' } } : {}),
      ...(inventory ? { inventory } : {}),
      ...(a?.inventory.fallbackReason ? { fallbackReason: a.inventory.fallbackReason } : {}),
      findings: findings.all(),
      liveMode: settings.liveTokens,
      ...(a ? { liveReading: (t: LiveTokenTarget) => a.live.get(t), isReading: (t: LiveTokenTarget) => a.live.isReading(t) } : {}),
    });
    if (a && inventory) a.live.prune(new Set(liveTargetsOf(inventory.pods).map(liveTokenKey)));
    void vscode.commands.executeCommand('setContext', 'clusterCredentials.kubeconfigState', a ? 'ready' : load && !load.ok && load.problem === 'noKubeconfig' ? 'none' : 'problem');
    void vscode.commands.executeCommand('setContext', 'clusterCredentials.liveTokens', settings.liveTokens);
    this.changed.fire(undefined);
    this.rebuilt.fire();
    this.tick(inventory !== undefined && hasCountdown(this.model));
  }

  /** Descriptions say "expires in 3 h": redraw as time passes, every second while a retry countdown shows. */
  private tick(countdown: boolean): void {
    if (this.ticker) clearTimeout(this.ticker);
    this.ticker = setTimeout(() => this.rebuild(), countdown ? COUNTDOWN_TICK_MS : TICK_MS);
  }

  private record(session: ClusterSession, t: LiveTokenTarget, r: LiveTokenReading): void {
    if (!r.ok || !this.deps.history) return;
    const c = r.token.claims;
    const serviceAccount = c.kubernetes?.serviceAccount?.name;
    void this.deps.history
      .append([
        {
          kind: 'token',
          at: r.at,
          subject: { context: session.context, namespace: t.namespace, pod: t.pod, podUid: t.podUid, container: t.container, path: t.path, ...(serviceAccount ? { serviceAccount } : {}) },
          source: 'liveRead',
          fingerprint: r.token.fingerprint,
          ...(c.iat !== undefined ? { iat: c.iat } : {}),
          ...(c.exp !== undefined ? { exp: c.exp } : {}),
          ...(c.kubernetes?.warnAfter !== undefined ? { warnAfter: c.kubernetes.warnAfter } : {}),
          ...(c.jti !== undefined ? { jti: c.jti } : {}),
        },
      ])
      .catch((err: unknown) => this.deps.log.warn(`Could not record a live token in the history: ${err instanceof Error ? err.message : String(err)}`));
  }
}

function targetOf(ref: TokenFileRef): LiveTokenTarget {
  return { namespace: ref.namespace, pod: ref.pod, podUid: ref.podUid, container: ref.container, path: ref.path };
}

function hasCountdown(model: ExplorerModel): boolean {
  for (const node of model.byId.values()) if (node.contextValue === 'error' && node.description?.startsWith('retrying')) return true;
  return false;
}
