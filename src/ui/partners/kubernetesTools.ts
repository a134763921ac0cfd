// Kubernetes Tools (ms-kubernetes-tools.vscode-kubernetes-tools) as a partner, through its public API
// (the vscode-kubernetes-tools-api package's types): our session follows its kubeconfig and context, and its
// Cluster Explorer shows each context's credential and each pod's token expiry. Optional: without it, or
// with an API it does not offer, nothing changes and one line says so in the log.
//
// The package's `extension` helper is not used at run time: it asks VS Code for the extension when the package
// is first loaded and keeps that answer forever (a later install would never be seen), and activates every API at
// once, leaving rejections nobody handles if activation fails. We ask the same broker the same way, when needed.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import type { ClusterExplorerV1_1 } from 'vscode-kubernetes-tools-api';
// The package's index declares v1_1 of the configuration API without exporting it.
import type { ConfigurationV1_1 } from 'vscode-kubernetes-tools-api/js/configuration/v1_1';
import { MS_KUBERNETES_EXTENSION_ID } from 'vscode-kubernetes-tools-api/js/constants';
import { describeContexts } from '../../cluster/auth/contextCredentials';
import type { KubeconfigLoad } from '../../cluster/auth/kubeconfig';
import type { ClusterSession } from '../../cluster/auth/session';
import type { InventorySnapshot, LiveTokenReading, LiveTokenTarget, PodItem } from '../../cluster/inventory/types';
import type { LiveTokenMode } from '../../cluster/live/liveTokenCache';
import { errorMessage } from '../../shared/values';
import type { ExpiryOptions } from '../../token/types';
import type { ExplorerNode } from '../explorer/explorerNode';
import { tooltipMarkdown, treeItemOf } from '../explorer/treeItems';
import { apiOf, asBroker, versionOf } from './partnerBroker';
import { kubeconfigMismatch, type ReportedKubeconfig } from './partnerKubeconfig';
import { partnerCredentialNode, podTokenDescription, withPodDescription, type PartnerCredential } from './partnerNodes';

/** The session source; the extension's SessionManager fits. */
export interface PartnerSessions {
  current(): ClusterSession | undefined;
  /** The kubeconfig as last loaded: its files, contexts and where it came from. */
  readonly load: KubeconfigLoad | undefined;
  /** Why there is no session, as a sentence. */
  readonly problem: string | undefined;
  readonly onDidChange: vscode.Event<ClusterSession | undefined>;
  reload(): void;
}

/** The active session's state; the extension's ClusterState fits. */
export interface PartnerState {
  readonly current:
    | {
        readonly session: ClusterSession;
        snapshot(): InventorySnapshot | undefined;
        readonly live: { get(target: LiveTokenTarget): LiveTokenReading | undefined };
      }
    | undefined;
  ensureStarted(): unknown;
  readonly onDidChange: (listener: (e: unknown) => void) => { dispose(): void };
}

export interface KubernetesToolsPartnerDeps {
  sessions: PartnerSessions;
  state: PartnerState;
  settings: { readonly expiryOptions: ExpiryOptions; readonly liveTokens: LiveTokenMode };
  log: vscode.LogOutputChannel;
}

/** Wires Kubernetes Tools in when it is installed (now or later); never throws. */
export function registerKubernetesToolsPartner(deps: KubernetesToolsPartnerDeps): vscode.Disposable {
  const partner = new KubernetesToolsPartner(deps);
  partner.start();
  return partner;
}

type ClusterExplorerNode = ClusterExplorerV1_1.ClusterExplorerNode;

/** Redraws of the partner's tree are coalesced: list and watch churn would otherwise refresh it many times a second. */
const REFRESH_COALESCE_MS = 1_000;

export class KubernetesToolsPartner implements vscode.Disposable {
  private attachedTo: vscode.Extension<unknown> | undefined;
  private attaching = false;
  /** The version whose API could not be used: tried again only when another version is installed. */
  private refusedVersion: string | undefined;
  private explorer: ClusterExplorerV1_1 | undefined;
  /** The context the partner shows as active, once it said (an event, or its active context node). */
  private partnerContext: string | undefined;
  /** What we last gave the partner's tree, by node: a change to any of them redraws it. */
  private readonly shown = new Map<string, string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private lastMismatch: string | undefined;
  private podIndex: { snapshot: InventorySnapshot; byName: Map<string, PodItem> } | undefined;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: KubernetesToolsPartnerDeps) {}

  start(): void {
    this.subscriptions.push(
      vscode.extensions.onDidChange(() => this.attach(false)),
      this.deps.sessions.onDidChange(() => this.ourStateChanged()),
      this.deps.state.onDidChange(() => this.ourStateChanged()),
    );
    this.attach(true);
  }

  dispose(): void {
    // The partner's API has no way to unregister: our contributor and customizer go quiet instead.
    this.disposed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions) s.dispose();
    this.subscriptions.length = 0;
  }

  private attach(atStart: boolean): void {
    if (this.disposed || this.attaching) return;
    const ext = vscode.extensions.getExtension(MS_KUBERNETES_EXTENSION_ID);
    if (this.attachedTo !== undefined) {
      // Uninstalled: its API is gone with it; a reinstall attaches again.
      if (ext === undefined) {
        this.attachedTo = undefined;
        this.explorer = undefined;
        this.deps.log.info('Kubernetes Tools was removed; its Cluster Explorer no longer shows credentials.');
      }
      return;
    }
    if (ext === undefined) {
      if (atStart) this.deps.log.debug('Kubernetes Tools is not installed; nothing to add to its Cluster Explorer.');
      return;
    }
    const version = versionOf(ext);
    if (this.refusedVersion !== undefined && this.refusedVersion === version) return;
    this.attaching = true;
    void this.connect(ext, version)
      .catch((err: unknown) => {
        this.refusedVersion = version;
        this.deps.log.warn(
          `Kubernetes Tools ${version} could not be used (${errorMessage(err)}); Cluster Credentials works on its own. Reload the window after updating Kubernetes Tools to try again.`,
        );
      })
      .finally(() => {
        this.attaching = false;
      });
  }

  private async connect(ext: vscode.Extension<unknown>, version: string): Promise<void> {
    const exported: unknown = ext.isActive ? ext.exports : await ext.activate();
    if (this.disposed) return;
    const broker = asBroker(exported);
    if (broker === undefined) {
      this.refusedVersion = version;
      this.deps.log.warn(`Kubernetes Tools ${version} offers no API Cluster Credentials knows; update Kubernetes Tools to use it with Cluster Credentials.`);
      return;
    }
    const configuration = apiOf<ConfigurationV1_1>(broker, 'configuration', 'v1_1');
    const explorer = apiOf<ClusterExplorerV1_1>(broker, 'clusterexplorer', 'v1_1');
    this.attachedTo = ext;
    const parts: string[] = [];
    if (configuration.api) {
      this.subscriptions.push(
        configuration.api.onDidChangeKubeconfigPath((p) => this.followKubeconfig(p)),
        configuration.api.onDidChangeContext((name) => this.followContext(name)),
      );
      this.checkKubeconfig(configuration.api.getKubeconfigPath());
      parts.push('following its kubeconfig and context');
    }
    if (explorer.api) {
      explorer.api.registerNodeContributor({
        contributesChildren: (parent) => !this.disposed && isContextNode(parent),
        getChildren: (parent) => Promise.resolve(this.childrenOf(parent)),
      });
      explorer.api.registerNodeUICustomizer({ customize: (node, item) => this.customize(node, item) });
      this.explorer = explorer.api;
      // A Cluster Explorer already on screen asks contributors only when it next draws.
      explorer.api.refresh();
      parts.push('showing credentials in its Cluster Explorer');
    }
    const missing = [configuration, explorer].filter((a) => a.api === undefined).map((a) => a.why);
    this.deps.log.info(
      parts.length > 0
        ? `Kubernetes Tools ${version}: ${parts.join(', ')}${missing.length > 0 ? ` (${missing.join('; ')})` : ''}.`
        : `Kubernetes Tools ${version} offers neither API Cluster Credentials uses (${missing.join('; ')}); update Kubernetes Tools to use it with Cluster Credentials.`,
    );
  }

  /** The partner switched kubeconfig: re-read ours (its setting is among our sources) and say if we still differ. */
  private followKubeconfig(reported: ReportedKubeconfig): void {
    if (this.disposed) return;
    this.deps.sessions.reload();
    this.checkKubeconfig(reported);
  }

  private checkKubeconfig(reported: ReportedKubeconfig): void {
    const load = this.deps.sessions.load;
    const mismatch = kubeconfigMismatch(reported, load ? { files: load.files, origin: load.origin } : undefined);
    if (mismatch !== undefined && mismatch !== this.lastMismatch) this.deps.log.warn(mismatch);
    this.lastMismatch = mismatch;
  }

  /** The partner switched context (it wrote current-context, as kubectl does): our session follows the file at once. */
  private followContext(name: string | null): void {
    if (this.disposed) return;
    this.partnerContext = name ?? undefined;
    this.deps.sessions.reload();
    const ours = this.deps.sessions.current()?.context;
    if (name !== null && ours !== name) {
      const why = this.deps.sessions.problem ?? `Cluster Credentials' kubeconfig gives ${ours ?? 'no context'}`;
      this.deps.log.warn(`Kubernetes Tools switched to context ${name}, but ${why}; make both use the same kubeconfig (clusterCredentials.kubeconfig).`);
    } else if (name !== null) {
      this.deps.log.info(`Kubernetes Tools switched to context ${name}; Cluster Credentials follows.`);
    }
  }

  private childrenOf(parent: ClusterExplorerNode | undefined): ClusterExplorerV1_1.Node[] {
    if (this.disposed || !isContextNode(parent)) return [];
    if (parent.nodeType === 'context') this.partnerContext = parent.name;
    const node = partnerCredentialNode(parent.name, this.credentialOf(parent.name), nowSec(), this.deps.settings.expiryOptions);
    this.shown.set(`context:${parent.name}`, signatureOf(node));
    return [{ getChildren: () => Promise.resolve([]), getTreeItem: () => treeItemWithTooltip(node) }];
  }

  private credentialOf(context: string): PartnerCredential {
    const { sessions } = this.deps;
    const session = sessions.current();
    if (session?.context === context) return { source: 'session', credential: session.provider.describe() };
    const load = sessions.load;
    // Every context of the kubeconfig, described offline once per load (no request, no exec plugin run).
    const offline = load?.ok ? describeContexts(load).find((c) => c.context === context) : undefined;
    if (offline) return { source: 'kubeconfig', credential: offline.description };
    const files = load && load.files.length > 0 ? load.files.join(', ') : undefined;
    return {
      source: 'missing',
      reason: files
        ? l10n.t('not in {0}, the kubeconfig Cluster Credentials reads; set clusterCredentials.kubeconfig to the file Kubernetes Tools uses', files)
        : l10n.t('Cluster Credentials has no kubeconfig to read; set clusterCredentials.kubeconfig to the file Kubernetes Tools uses'),
    };
  }

  private customize(node: ClusterExplorerNode, item: vscode.TreeItem): void {
    if (this.disposed || node.nodeType !== 'resource' || node.resourceKind.manifestKind !== 'Pod') return;
    const ours = this.podDescription(node.namespace, node.name, uidOf(node.metadata));
    this.shown.set(`pod:${node.namespace}/${node.name}`, ours ?? '');
    if (ours !== undefined) item.description = withPodDescription(item.description, ours);
  }

  /** From our inventory, only while the partner shows the context our session is on. */
  private podDescription(namespace: string, name: string, uid: string | undefined): string | undefined {
    const { state, settings } = this.deps;
    const current = state.current;
    if (current === undefined) return undefined;
    if (this.partnerContext !== undefined && this.partnerContext !== current.session.context) return undefined;
    // The partner is showing this context's pods: the user is looking at the cluster.
    state.ensureStarted();
    const snapshot = current.snapshot();
    if (snapshot === undefined) return undefined;
    if (this.podIndex?.snapshot !== snapshot) this.podIndex = { snapshot, byName: new Map(snapshot.pods.map((p) => [`${p.namespace}/${p.name}`, p])) };
    const pod = this.podIndex.byName.get(`${namespace}/${name}`);
    if (pod === undefined || (uid !== undefined && pod.uid !== uid)) return undefined;
    return podTokenDescription(pod, {
      nowSec: nowSec(),
      expiry: settings.expiryOptions,
      liveMode: settings.liveTokens,
      liveReading: (t) => current.live.get(t),
    });
  }

  /** Our state moved: redraw the partner's tree when what it shows of ours would read differently. */
  private ourStateChanged(): void {
    if (this.disposed || this.explorer === undefined || this.shown.size === 0 || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.disposed || this.explorer === undefined || !this.wouldChange()) return;
      // The partner asks again for what it shows; what it no longer shows is forgotten.
      this.shown.clear();
      this.explorer.refresh();
    }, REFRESH_COALESCE_MS);
  }

  private wouldChange(): boolean {
    const now = nowSec();
    for (const [key, was] of this.shown) {
      const [kind, rest = ''] = splitOnce(key, ':');
      let is: string;
      if (kind === 'context') is = signatureOf(partnerCredentialNode(rest, this.credentialOf(rest), now, this.deps.settings.expiryOptions));
      else {
        const [namespace, name = ''] = splitOnce(rest, '/');
        is = this.podDescription(namespace, name, undefined) ?? '';
      }
      if (is !== was) return true;
    }
    return false;
  }
}

function isContextNode(
  node: ClusterExplorerNode | undefined,
): node is ClusterExplorerV1_1.ClusterExplorerContextNode | ClusterExplorerV1_1.ClusterExplorerInactiveContextNode {
  return node !== undefined && (node.nodeType === 'context' || node.nodeType === 'context.inactive');
}

function uidOf(metadata: object | undefined): string | undefined {
  const uid: unknown = metadata !== undefined ? (metadata as { uid?: unknown }).uid : undefined;
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
}

function treeItemWithTooltip(node: ExplorerNode): vscode.TreeItem {
  const item = treeItemOf(node);
  const md = tooltipMarkdown(node);
  if (md) item.tooltip = md;
  return item;
}

function signatureOf(node: ExplorerNode): string {
  return JSON.stringify([node.label, node.description, node.icon, node.tone]);
}

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at < 0 ? [text] : [text.slice(0, at), text.slice(at + separator.length)];
}

function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}
