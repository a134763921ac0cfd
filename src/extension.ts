// Wires the pieces together; no logic of its own.
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { AuditEvidence } from './app/auditEvidence';
import { ClusterState } from './app/clusterState';
import { HistoryStore } from './history';
import { DecodedDocuments, DECODED_SCHEME } from './ui/decodeCommand';
import { CredentialDiagnostics } from './ui/diagnostics';
import { CREDENTIAL_DOCUMENTS, DocumentIndex } from './ui/documentIndex';
import { CredentialHoverProvider } from './ui/hover';
import { commandTable, registerCommandTable, trackSessionContextKey } from './ui/commands/table';
import { ExplorerTree } from './ui/explorer/explorerTree';
import { FindingsStore } from './ui/findingsStore';
import { FindingsService } from './ui/findingsService';
import type { Services } from './ui/services';
import { registerKubernetesToolsPartner } from './ui/partners/kubernetesTools';
import { COMMAND } from './shared/commandIds';
import { createExecLogin } from './ui/execLogin';
import { SessionManager } from './ui/sessionManager';
import { Settings } from './ui/settings';
import { registerTokenHealthPanels, TokenHealthPanels } from './ui/tokenHealth/register';
import { CredentialStatusBar } from './ui/statusBar';
import { errorMessage } from './shared/values';
import { OffThreadLocator } from './token/offThreadLocate';
import { offerWalkthroughOnce } from './ui/walkthrough';

export async function activate(context: vscode.ExtensionContext): Promise<Services> {
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

  const history = openHistory(context, log, settings.historyMaxDays);
  // Exec plugin logins (device code, browser) in a notification with Cancel; a failed or cancelled one is not retried by itself.
  const execLogin = createExecLogin(log, { signInCommand: COMMAND.signIn });
  const sessions = new SessionManager(settings, log, { interaction: execLogin });
  const findings = new FindingsStore();
  // The API server's audit logs (clusterCredentials.audit.paths), read from the first use of the cluster on.
  const audit = new AuditEvidence({ settings, log });
  // The session's inventory, keys and live tokens: one owner, started on first use, read by every view.
  const state = new ClusterState({ sessions, settings, history, log, audit });
  // The hover adds what the active context's API server would answer, once something started the session.
  context.subscriptions.push(vscode.languages.registerHoverProvider(CREDENTIAL_DOCUMENTS, new CredentialHoverProvider(index, settings, state)));
  const explorer = new ExplorerTree({ sessions, findings, settings, state });
  const services: Services = { extension: context, log, settings, sessions, history, findings, explorer, state };
  // No cluster traffic at activation: diagnosis starts when the user first turns to the cluster.
  const diagnosis = new FindingsService(services);
  const startDiagnosis = (): void => diagnosis.start();
  if (explorer.view.visible) startDiagnosis();
  const tokenHealth = new TokenHealthPanels(services, startDiagnosis);
  const commands = commandTable({ services, sessions, tree: explorer, decoded, tokenHealth, diagnosis });
  context.subscriptions.push(
    explorer.view.onDidChangeVisibility((e) => {
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
    registerTokenHealthPanels(tokenHealth),
    diagnosis,
    commands,
    registerCommandTable(commands.table, log, startDiagnosis),
    trackSessionContextKey(services),
    // Kubernetes Tools, installed now or later: our session follows its kubeconfig and context, its Cluster Explorer shows our credentials.
    registerKubernetesToolsPartner({ sessions, state, settings, log }),
    // The getting-started walkthrough, once, when the explorer first shows after installation.
    offerWalkthroughOnce(context, explorer.view, log),
  );
  const version = (context.extension.packageJSON as { version?: unknown }).version;
  log.info(`Cluster Credentials ${typeof version === 'string' ? version : ''} activated.`);
  return services;
}

/**
 * The history lives in global storage; if that cannot be opened, a temporary folder keeps the session working.
 * Activation does not wait for it: the store loads in the background and queues appends until it is open.
 */
function openHistory(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, maxDays: number): HistoryStore {
  // Said once per event, in the log and where the user sees it: their history was moved aside, not lost.
  const onNotice = (message: string): void => {
    log.warn(message);
    void vscode.window.showWarningMessage(message, 'Show Log').then((choice) => {
      if (choice === 'Show Log') log.show(true);
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

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
