// The VS Code side of the diagnosis (src/app/diagnosis.ts): it feeds it the kubeconfigs open in the
// editor and asks for a refresh when settings or open documents change; runs the "Scan for 401 Errors"
// command under a cancellable progress notification. The evidence comes from the session's state.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { COMMAND } from '../shared/commandIds';
import { describeUnread } from '../cluster/scan/unauthorizedScan';
import { Diagnosis, describeScope, type ScanOutcome } from '../app/diagnosis';
import { configuredNamespaces } from '../cluster/inventory/namespaceReach';
import type { ClusterSession } from '../cluster/auth/session';
import { kubeconfigDocumentEvidence } from '../diagnosis/documentCredentials';
import type { EvidenceScope, KubeconfigCredentialEvidence } from '../diagnosis/evidence';
import { compilePatterns } from '../logs';
import { sessionFor } from './commands/common';
import { refOf, type NodeRef } from '../shared/nodeRef';
import type { Services } from './services';

/** The scope a tree node (or webview button) stands for; undefined for refs with none. */
export function scopeOfRef(ref: NodeRef): EvidenceScope | undefined {
  switch (ref.kind) {
    case 'context':
      return { kind: 'context' };
    case 'namespace':
      return { kind: 'namespace', namespace: ref.namespace };
    case 'pod':
      return { kind: 'pod', namespace: ref.namespace, name: ref.name };
    case 'tokenFile':
      return { kind: 'pod', namespace: ref.namespace, name: ref.pod };
    case 'serviceAccount':
      return { kind: 'serviceAccount', namespace: ref.namespace, name: ref.name };
    case 'secret':
      return ref.serviceAccount !== undefined
        ? { kind: 'serviceAccount', namespace: ref.namespace, name: ref.serviceAccount }
        : { kind: 'namespace', namespace: ref.namespace };
    case 'finding':
      return undefined;
  }
}

export class FindingsService implements vscode.Disposable {
  private readonly core: Diagnosis;
  private readonly subscriptions: vscode.Disposable[] = [];

  /** Talks to no cluster until start(): activation alone (opening a YAML file) must not run exec plugins. */
  constructor(private readonly services: Services) {
    this.core = new Diagnosis({
      state: services.state,
      history: services.history,
      findings: services.findings,
      settings: services.settings,
      log: services.log,
      documents: () => this.openKubeconfigs(),
    });
    this.subscriptions.push(
      this.core,
      services.settings.onDidChange(() => this.core.schedule()),
      vscode.workspace.onDidOpenTextDocument(() => this.core.schedule()),
      vscode.workspace.onDidCloseTextDocument(() => this.core.schedule()),
    );
  }

  /**
   * Begins diagnosing (now and every few minutes) once the user turns to the cluster: the explorer
   * shown, a Token Health panel opened, a cluster command run. Safe to call often.
   */
  start(): void {
    this.core.start();
  }

  /** Diagnoses the whole active context from the session's state and history (no log scan); never overlaps itself. */
  refresh(): Promise<void> {
    return this.core.refresh();
  }

  /**
   * Scans a scope of `session` (the one the command's node belongs to, checked active) for 401s in logs
   * and events, then diagnoses it; the findings stay until the session changes.
   */
  async scan(
    session: ClusterSession,
    scope: EvidenceScope,
    token?: vscode.CancellationToken,
    progress?: vscode.Progress<{ message?: string; increment?: number }>,
  ): Promise<ScanOutcome | undefined> {
    this.start();
    const settings = this.services.settings;
    const patterns = compilePatterns(settings.logPatterns);
    if (!patterns.ok) {
      void vscode.window.showErrorMessage(l10n.t('clusterCredentials.logs.patterns is invalid: {0}', patterns.errors.join(' ')));
      return undefined;
    }
    // A pattern the linear-time engine cannot run is named once per scan; the others still scan.
    if (patterns.skipped.length > 0) void vscode.window.showWarningMessage(l10n.t('clusterCredentials.logs.patterns: {0}', patterns.skipped.join(' ')));
    const controller = new AbortController();
    token?.onCancellationRequested(() => controller.abort());
    let lastDone = 0;
    return this.core.scan(session, scope, {
      patterns,
      tailLines: settings.logTailLines,
      sinceSeconds: settings.logSinceSeconds,
      onPod: (done, total, pod) => {
        progress?.report({ message: `${pod} (${done}/${total})`, increment: total > 0 ? ((done - lastDone) * 100) / total : 0 });
        lastDone = done;
      },
      signal: controller.signal,
    });
  }

  /** Credentials of kubeconfigs open in the editor (a node's CNI kubeconfig, say). */
  private openKubeconfigs(): KubeconfigCredentialEvidence[] {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const out: KubeconfigCredentialEvidence[] = [];
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme === 'git' || doc.uri.scheme === 'output' || doc.getText().length > 1024 * 1024) continue;
      const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
      out.push(...kubeconfigDocumentEvidence(doc.getText(), file, nowSeconds, this.services.settings.expiryOptions));
    }
    return out;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Asks which namespace to scan when the command comes from the palette. */
async function pickScope(services: Services, session: ClusterSession, configured: readonly string[]): Promise<EvidenceScope | undefined> {
  // "All" means the configured namespaces when set; the scan itself falls back to the context's namespace on 403.
  const all = configured.length > 0 ? `${session.context}: ${configured.join(', ')}` : session.context;
  const items: (vscode.QuickPickItem & { scope: EvidenceScope })[] = [
    { label: l10n.t('$(globe) All namespaces'), description: all, scope: { kind: 'context' } },
  ];
  // The session's inventory already holds the namespaces (configured, listed, or the context's own on 403): no list of our own.
  const snapshot = await services.state.ensureStarted()?.synced();
  const names = snapshot?.namespaces.map((n) => n.name) ?? [...configured];
  for (const name of names) items.push({ label: `$(symbol-namespace) ${name}`, scope: { kind: 'namespace', namespace: name } });
  const picked = await vscode.window.showQuickPick(items, {
    title: l10n.t('Scan for 401 Errors'),
    placeHolder: l10n.t('Where to look for 401 errors in pod logs and events'),
  });
  return picked?.scope;
}

/** Scan for 401 Errors (registered in src/ui/commands/table.ts): the node's scope, or one picked; starts the service. */
export async function scanUnauthorizedCommand(services: Services, service: FindingsService, arg?: unknown): Promise<void> {
  service.start();
  const ref = refOf(arg);
  // A node of another context is refused with a sentence, not scanned in the active one.
  const session = sessionFor(services, ref);
  if (!session) return;
  const scope = ref ? scopeOfRef(ref) : await pickScope(services, session, configuredNamespaces(services.settings.namespaces) ?? []);
  if (!scope) return;
  const where = describeScope(scope, session.context);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: l10n.t('Scanning {0} for 401 errors', where), cancellable: true },
    (progress, token) => service.scan(session, scope, token, progress),
  );
  if (!outcome) return;
  const { findings } = outcome;
  const worst = findings[0];
  // Never "no problem" for what was not read: the pods without a log are said in the same sentence.
  const unread = describeUnread(outcome.unread, outcome.pods);
  const read = outcome.pods - outcome.unread.length;
  const clean =
    unread === undefined
      ? l10n.t('No 401 problem found in {0}.', where)
      : read === 1
        ? l10n.t('No 401 lines in the logs of 1 pod read in {0}; {1}.', where, unread)
        : l10n.t('No 401 lines in the logs of {0} pods read in {1}; {2}.', read, where, unread);
  const message = worst
    ? unread !== undefined
      ? l10n.t('{0} finding(s) in {1}; the worst: {2}. Not read: {3}.', findings.length, where, worst.title, unread)
      : l10n.t('{0} finding(s) in {1}; the worst: {2}.', findings.length, where, worst.title)
    : clean;
  const open = worst ? l10n.t('Show Token Health') : undefined;
  const choice = await vscode.window.showInformationMessage(message, ...(open ? [open] : []));
  if (choice === open && worst)
    await vscode.commands.executeCommand(COMMAND.showTokenHealth, { kind: 'finding', context: session.context, findingId: worst.id });
}
