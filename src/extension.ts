// Wires the pieces together; no logic of its own.
import * as vscode from 'vscode';
import { DecodedDocuments, DECODED_SCHEME, registerDecodeCommand } from './ui/decodeCommand';
import { CredentialDiagnostics } from './ui/diagnostics';
import { CREDENTIAL_DOCUMENTS, DocumentIndex } from './ui/documentIndex';
import { CredentialHoverProvider } from './ui/hover';
import { Settings } from './ui/settings';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Cluster Credentials', { log: true });
  const settings = new Settings();
  const index = new DocumentIndex();
  const decoded = new DecodedDocuments();
  context.subscriptions.push(
    log,
    settings,
    index,
    decoded,
    vscode.workspace.registerTextDocumentContentProvider(DECODED_SCHEME, decoded),
    vscode.languages.registerHoverProvider(CREDENTIAL_DOCUMENTS, new CredentialHoverProvider(index, settings)),
    new CredentialDiagnostics(index, settings, log),
    registerDecodeCommand(decoded, settings, log),
  );
  log.info(`Cluster Credentials ${String(context.extension.packageJSON.version)} activated.`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
