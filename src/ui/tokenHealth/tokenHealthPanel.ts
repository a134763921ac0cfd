// One Token Health panel: owns its WebviewPanel, answers the webview's messages, and sends it a
// fresh state when the webview is ready, when asked to refresh and when findings change.
import * as vscode from 'vscode';
import { parseWebviewMessage, type HostMessage, type TokenHealthState, type WebviewMessage } from '../../shared/tokenHealthProtocol';
import type { NodeRef } from '../../shared/nodeRef';
import { errorMessage } from '../../shared/values';
import type { Services } from '../services';
import { createNonce, tokenHealthHtml } from './html';
import { buildPanelState, isOffered, podGoneNotice, resolveSubject } from './panelData';

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

export class TokenHealthPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private lastState: TokenHealthState | undefined;
  /** The pod-gone sentence of the last state gathered. */
  private lastGone: string | undefined;
  private ready = false;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly ref: NodeRef,
    private readonly services: Services,
    onDispose: () => void,
  ) {
    const extensionUri = services.extension.extensionUri;
    panel.webview.options = webviewOptions(extensionUri);
    const { subject } = resolveSubject(ref, services.findings.all());
    panel.title = `Token Health: ${subject.title}`;
    panel.webview.html = this.html(subject.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      services.findings.onDidChange(() => this.update()),
      services.state.onDidChange((e) => {
        // An inventory change matters to the panel when it says its pod is gone (or back).
        if (e.session || this.goneNotice() !== this.lastGone) this.update();
      }),
      panel.onDidDispose(() => {
        this.disposed = true;
        this.disposeListeners();
        onDispose();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
    this.update();
  }

  /** Gathers the state again and sends it, once the webview has said it is ready. */
  update(): void {
    void this.updateNow();
  }

  private async updateNow(): Promise<void> {
    if (this.disposed) return;
    let state: TokenHealthState;
    try {
      state = this.gather();
      // The panel's own actions come from other parts of the extension: offer only those registered.
      const registered = new Set(await vscode.commands.getCommands(true));
      state.actions = state.actions.filter((a) => registered.has(a.command));
    } catch (err) {
      this.services.log.error(`Token Health: could not gather the panel's data: ${errorMessage(err)}`);
      return;
    }
    if (this.disposed) return;
    this.lastState = state;
    this.panel.title = `Token Health: ${state.subject.title}`;
    if (this.ready) await this.post({ type: 'state', state });
  }

  dispose(): void {
    this.panel.dispose();
  }

  private html(title: string): string {
    const webview = this.panel.webview;
    const root = webviewRoot(this.services.extension.extensionUri);
    return tokenHealthHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
      codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'codicon.css')).toString(),
      title,
    });
  }

  /** Whether the active session's inventory says this panel's pod is gone. */
  private goneNotice(): string | undefined {
    const current = this.services.state.current;
    const snapshot = current?.snapshot();
    return podGoneNotice(this.ref, current !== undefined && snapshot !== undefined ? { context: current.session.context, snapshot } : undefined);
  }

  private gather(): TokenHealthState {
    const context = this.ref.context;
    const records = this.services.history.query({ context });
    const session = this.services.state.session;
    let notice: string | undefined;
    this.lastGone = this.goneNotice();
    if (session === undefined) notice = `Not connected to a cluster (${this.services.sessions.problem ?? 'no session'}): showing what history holds.`;
    else if (session.context !== context) notice = `The active context is ${session.context}; this panel shows the history of ${context}.`;
    else if (this.lastGone !== undefined) notice = this.lastGone;
    return buildPanelState({ ref: this.ref, records, findings: this.services.findings.all(), nowMs: Date.now(), ...(notice !== undefined ? { notice } : {}) });
  }

  private async post(message: HostMessage): Promise<void> {
    try {
      await this.panel.webview.postMessage(message);
    } catch {
      // The panel was closed while the state was on its way.
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (message === undefined) {
      this.services.log.warn('Token Health: ignored a message from the webview that is not part of its protocol.');
      return;
    }
    await this.handle(message);
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.update();
        return;
      case 'refresh':
        this.update();
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        void vscode.window.setStatusBarMessage('$(check) Copied', 2000);
        return;
      case 'runAction': {
        // Only what the panel offers right now: a command id alone is not enough.
        if (this.lastState === undefined || !isOffered(this.lastState, message.command, message.target)) {
          this.services.log.warn(`Token Health: ignored a request to run ${message.command} on a target the panel does not offer it for.`);
          return;
        }
        try {
          await vscode.commands.executeCommand(message.command, message.target);
        } catch (err) {
          void vscode.window.showErrorMessage(`Cluster Credentials: ${errorMessage(err)}`);
        }
        this.update();
        return;
      }
    }
  }

  private disposeListeners(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
