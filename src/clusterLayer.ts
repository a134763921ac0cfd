// The cluster layer: everything that talks to a cluster (@kubernetes/client-node, undici, ws) and what is
// built on it: sessions, the inventory, findings, the explorer's tree, Token Health, the cluster commands, the
// status bar and the Kubernetes Tools partner. Bundled apart (dist/cluster.js) and loaded by src/extension.ts on
// first use of the explorer or of a cluster command, so that opening a YAML file loads only the token core.
// Wiring only, as src/extension.ts.
import os from 'node:os';
import path from 'node:path';
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { AuditEvidence } from './app/auditEvidence';
import { ClusterState } from './app/clusterState';
import { HistoryStore } from './history';
import { COMMAND, type ClusterCommandName } from './shared/commandIds';
import { useTranslations } from './shared/l10n';
import { errorMessage } from './shared/values';
import { commandTable, runCommand, trackSessionContextKey } from './ui/commands/table';
import type { DecodedDocuments } from './ui/decodeCommand';
import { createExecLogin } from './ui/execLogin';
import type { ExplorerNode } from './ui/explorer/explorerNode';
import { ExplorerTree } from './ui/explorer/explorerTree';
import { FindingsService } from './ui/findingsService';
import { FindingsStore } from './ui/findingsStore';
import { registerKubernetesToolsPartner } from './ui/partners/kubernetesTools';
import type { Services } from './ui/services';
import { SessionManager } from './ui/sessionManager';
import type { Settings } from './ui/settings';
import { CredentialStatusBar, FindingsStatusBar } from './ui/statusBar';
import { StartupChecks } from './ui/startupChecks';
import { TokenHealthPanels } from './ui/tokenHealth/register';

/** What the first bundle made at activation and hands over. */
export interface ClusterLayerParts {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  settings: Settings;
  decoded: DecodedDocuments;
  /** The explorer's view, created at activation over a provider that waits for this layer. */
  view: vscode.TreeView<ExplorerNode>;
}

export interface ClusterLayer extends vscode.Disposable {
  readonly services: Services;
  /** The explorer's rows, for the view made at activation. */
  readonly tree: vscode.TreeDataProvider<ExplorerNode>;
  /** Runs a cluster command (its first use starts the diagnosis, as the explorer's showing does). */
  run(name: ClusterCommandName, arg: unknown): unknown;
  /** Brings a Token Health panel back after a window reload. */
  restoreTokenHealth(panel: vscode.WebviewPanel, state: unknown): void;
}

export function startClusterLayer({ context, log, settings, decoded, view }: ClusterLayerParts): ClusterLayer {
  // This bundle has its own copy of @vscode/l10n.
  useTranslations(vscode.l10n.bundle);
  const history = openHistory(context, log, settings.historyMaxDays);
  // Exec plugin logins (device code, browser) in a notification with Cancel; a failed or cancelled one is not retried by itself.
  const execLogin = createExecLogin(log, { signInCommand: COMMAND.signIn });
  const sessions = new SessionManager(settings, log, { interaction: execLogin });
  const findings = new FindingsStore();
  // The API server's audit logs (clusterCredentials.audit.paths), read from the first use of the cluster on.
  const audit = new AuditEvidence({ settings, log });
  // The session's inventory, keys and live tokens: one owner, started on first use, read by every view.
  const state = new ClusterState({ sessions, settings, history, log, audit });
  const explorer = new ExplorerTree({ sessions, findings, settings, state, view });
  const services: Services = { extension: context, log, settings, sessions, history, findings, explorer, state };
  // No cluster traffic without the user turning to the cluster: the explorer shown, or a cluster command.
  const diagnosis = new FindingsService(services);
  // Checks the settings ask for at start (a scan, a probe of named contexts): off unless set, as in the demo workspace.
  let startup: StartupChecks | undefined;
  const startDiagnosis = (): void => {
    diagnosis.start();
    startup?.start();
  };
  const tokenHealth = new TokenHealthPanels(services, startDiagnosis);
  const commands = commandTable({ services, sessions, tree: explorer, decoded, tokenHealth, diagnosis });
  startup = new StartupChecks({ services, diagnosis, cc: commands.cc, openContext: (name) => sessions.openContext(name) });
  if (view.visible) startDiagnosis();
  const disposables = vscode.Disposable.from(
    view.onDidChangeVisibility((e) => {
      if (e.visible) startDiagnosis();
    }),
    execLogin,
    sessions,
    findings,
    state,
    audit,
    explorer,
    { dispose: () => void history.close() },
    new CredentialStatusBar(state, settings, sessions),
    new FindingsStatusBar(findings),
    startup,
    tokenHealth,
    diagnosis,
    commands,
    trackSessionContextKey(services),
    // Kubernetes Tools, installed now or later: our session follows its kubeconfig and context, its Cluster Explorer shows our credentials.
    registerKubernetesToolsPartner({ sessions, state, settings, log }),
  );
  return {
    services,
    tree: explorer,
    run: (name, arg) => runCommand(commands.table, name, arg, startDiagnosis),
    restoreTokenHealth: (panel, persisted) => tokenHealth.restore(panel, persisted),
    dispose: () => {
      disposables.dispose();
    },
  };
}

/**
 * The history lives in global storage; if that cannot be opened, a temporary folder keeps the session working.
 * Nothing waits for it: the store loads in the background and queues appends until it is open.
 */
function openHistory(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, maxDays: number): HistoryStore {
  // Said once per event, in the log and where the user sees it: their history was moved aside, not lost.
  const onNotice = (message: string): void => {
    log.warn(message);
    const showLog = l10n.t('Show Log');
    void vscode.window.showWarningMessage(message, showLog).then((choice) => {
      if (choice === showLog) log.show(true);
    });
  };
  const fallbackDir = path.join(os.tmpdir(), `cluster-credentials-history-${process.pid}`);
  const history = HistoryStore.start(context.globalStorageUri.fsPath, { onNotice, maxDays, fallbackDir });
  void history.ready.then(
    (opened) => {
      if (opened.problem !== undefined) log.error(`${opened.problem} Using a temporary history for this session.`);
    },
    (err: unknown) => log.error(`${errorMessage(err)} Nothing is added to the history in this session.`),
  );
  return history;
}
