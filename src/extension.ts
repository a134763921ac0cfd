// Wires the pieces together; no logic of its own. This is the first bundle (dist/extension.js), loaded on every
// YAML or JSON file: the token core only (hover, Problems, Decode Token, the walkthrough). The cluster layer
// (src/clusterLayer.ts, dist/cluster.js: client-node, undici, ws) is loaded on first use of the explorer, of a
// cluster command, of a Token Health panel, or when Kubernetes Tools is there to partner with.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import type * as clusterLayerModule from './clusterLayer';
import type { ClusterLayer, ClusterLayerParts } from './clusterLayer';
import { SETTING_SECTION } from './shared/settingKeys';
import {
  COMMAND,
  EXPLORER_VIEW_ID,
  LIGHT_COMMANDS,
  SHOW_CONTAINER_COMMAND,
  type ClusterCommandName,
  type CommandName,
  type LightCommandName,
} from './shared/commandIds';
import { TOKEN_HEALTH_VIEW_TYPE } from './shared/tokenHealthProtocol';
import { errorMessage } from './shared/values';
import { MS_KUBERNETES_EXTENSION_ID } from 'vscode-kubernetes-tools-api/js/constants';
import { OffThreadLocator } from './token/offThreadLocate';
import { DecodedDocuments, DECODED_SCHEME, decodeTokenCommand } from './ui/decodeCommand';
import { DeferredTreeProvider } from './ui/deferredTree';
import { CredentialDiagnostics } from './ui/diagnostics';
import { CREDENTIAL_DOCUMENTS, DocumentIndex } from './ui/documentIndex';
import type { ExplorerNode } from './ui/explorer/explorerNode';
import { registerGuardedCommand } from './ui/guardedCommand';
import { CredentialHoverProvider } from './ui/hover';
import type { Services } from './ui/services';
import { Settings } from './ui/settings';
import { offerWalkthroughOnce, openGettingStarted, openSampleCredentials } from './ui/walkthrough';
import { useTranslations } from './shared/l10n';

/** What activate() returns: the cluster layer's services, loaded on the first call (for the extension-host tests). */
export interface ClusterCredentialsApi {
  services(): Promise<Services>;
}

export function activate(context: vscode.ExtensionContext): ClusterCredentialsApi {
  useTranslations(vscode.l10n.bundle);
  const log = vscode.window.createOutputChannel('Cluster Credentials', { log: true });
  const settings = new Settings();
  // Whole-document parses of large YAML (an edit that broke its structure) run on a worker thread.
  const index = new DocumentIndex(new OffThreadLocator({ script: context.asAbsolutePath(path.join('dist', 'locateWorker.js')) }));
  const decoded = new DecodedDocuments();
  context.subscriptions.push(
    log,
    settings,
    index,
    decoded,
    vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, decoded),
    new CredentialDiagnostics(index, settings, log),
  );

  // The explorer's view exists from the start; the first time it asks for rows, the cluster layer loads.
  const tree = new DeferredTreeProvider<ExplorerNode>(async (): Promise<vscode.TreeDataProvider<ExplorerNode>> => (await cluster.load()).tree);
  const view: vscode.TreeView<ExplorerNode> = vscode.window.createTreeView(EXPLORER_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const cluster: ClusterLoader = new ClusterLoader({ context, log, settings, decoded, view }, tree);
  context.subscriptions.push(
    tree,
    view,
    // The hover adds what the active context's API server would answer, once the cluster layer is there and started.
    vscode.languages.registerHoverProvider(CREDENTIAL_DOCUMENTS, new CredentialHoverProvider(index, settings, () => cluster.loaded?.services.state)),
    registerCommands(context, log, decoded, settings, cluster),
    vscode.window.registerWebviewPanelSerializer(TOKEN_HEALTH_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        (await cluster.load()).restoreTokenHealth(panel, state);
      },
    }),
    // The getting-started walkthrough, once, when the explorer first shows after installation.
    offerWalkthroughOnce(context, view, log),
  );
  // Kubernetes Tools' users are cluster users: its Cluster Explorer shows our credentials from the start.
  const partnerPresent = (): boolean => vscode.extensions.getExtension(MS_KUBERNETES_EXTENSION_ID) !== undefined;
  if (partnerPresent()) void cluster.load().catch(() => undefined);
  else {
    const watch = vscode.extensions.onDidChange(() => {
      if (!partnerPresent()) return;
      watch.dispose();
      void cluster.load().catch(() => undefined);
    });
    context.subscriptions.push(watch);
  }

  // A workspace that asks for checks at start (the demo's) wants what they find in sight: the view opens, which starts them.
  if (workspaceAsksForStartChecks()) void vscode.commands.executeCommand(SHOW_CONTAINER_COMMAND);

  const version = (context.extension.packageJSON as { version?: unknown }).version;
  log.info(`Cluster Credentials ${typeof version === 'string' ? version : ''} activated.`);
  return { services: async () => (await cluster.load()).services };
}

/** The trusted workspace itself (not the user) turns on a check at start: `scan.onStart` or `probe.onStart`. */
function workspaceAsksForStartChecks(): boolean {
  if (!vscode.workspace.isTrusted) return false;
  const section = vscode.workspace.getConfiguration(SETTING_SECTION);
  const probe = section.inspect<unknown>('probe.onStart')?.workspaceValue;
  return section.inspect<unknown>('scan.onStart')?.workspaceValue === true || (Array.isArray(probe) && probe.length > 0);
}

/** Loads dist/cluster.js once, starts it with what activation made, and hands it the explorer's view. */
class ClusterLoader {
  private layer: ClusterLayer | undefined;
  private loading: Promise<ClusterLayer> | undefined;

  constructor(
    private readonly parts: ClusterLayerParts,
    private readonly tree: DeferredTreeProvider<ExplorerNode>,
  ) {}

  /** The layer once loaded; undefined before (nothing of the cluster has been asked for yet). */
  get loaded(): ClusterLayer | undefined {
    return this.layer;
  }

  load(): Promise<ClusterLayer> {
    this.loading ??= Promise.resolve()
      .then(() => this.start())
      .catch((err: unknown) => {
        // Tried again on the next use: a failed load (a damaged install) is said, never cached.
        this.loading = undefined;
        this.parts.log.error(`The cluster layer (dist/cluster.js) did not load: ${errorMessage(err)}`);
        throw new Error(
          l10n.t('the part of Cluster Credentials that talks to clusters did not load ({0}); reinstalling the extension may help', errorMessage(err)),
        );
      });
    return this.loading;
  }

  private start(): ClusterLayer {
    const { context, log } = this.parts;
    const started = performance.now();
    const load = createRequire(context.asAbsolutePath(path.join('dist', 'extension.js')));
    const mod = load(context.asAbsolutePath(path.join('dist', 'cluster.js'))) as typeof clusterLayerModule;
    const layer = mod.startClusterLayer(this.parts);
    context.subscriptions.push(layer);
    this.layer = layer;
    this.tree.attach(layer.tree);
    log.info(`The cluster layer loaded in ${Math.round(performance.now() - started)} ms.`);
    return layer;
  }
}

function isLight(name: CommandName): name is LightCommandName {
  return (LIGHT_COMMANDS as readonly CommandName[]).includes(name);
}

/** Every contributed command, behind the error guard: the light ones here, the others in the cluster layer. */
function registerCommands(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  decoded: DecodedDocuments,
  settings: Settings,
  cluster: ClusterLoader,
): vscode.Disposable {
  const light: Record<LightCommandName, (arg?: unknown) => unknown> = {
    decodeToken: (arg) => decodeTokenCommand(decoded, settings, log, arg),
    getStarted: () => openGettingStarted(context.extension.id),
    openSample: () => openSampleCredentials(),
  };
  return vscode.Disposable.from(
    ...(Object.keys(COMMAND) as CommandName[]).map((name) =>
      registerGuardedCommand(COMMAND[name], log, isLight(name) ? light[name] : async (arg) => (await cluster.load()).run(name as ClusterCommandName, arg)),
    ),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
