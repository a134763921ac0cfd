// One Token Health panel: owns its WebviewPanel, answers the webview's messages, and sends it a
// fresh state when the webview is ready, when asked to refresh, when findings change, when its pod or
// namespace is gone, when a verdict on one of its tokens changes (with what the session learns, or with time)
// and, for a context's panel, which holds the control plane's sampler while open, when a sample comes.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { parseWebviewMessage, type ControlPlaneGauge, type HostMessage, type TokenHealthState, type WebviewMessage } from '../../shared/tokenHealthProtocol';
import type { NodeRef } from '../../shared/nodeRef';
import { errorMessage } from '../../shared/values';
import type { Services } from '../services';
import { credentialSentence } from '../explorer/statusNodes';
import { createNonce, tokenHealthHtml } from './html';
import { webviewStrings } from './webviewStrings';
import { addressPodsOf, buildPanelState, goneNotice, isOffered, resolveSubject, showsControlPlane } from './panelData';
import { auditSpansOf, podAddressesOf } from '../../diagnosis/auditHistory';
import type { AuditUnauthorizedSpan } from '../../diagnosis/timeline';
import type { HistoryRecord } from '../../history/types';
import type { SessionState } from '../../app/sessionState';
import { judgeWindows, nextVerdictChangeMs, withVerdicts, type JudgedWindow, type SessionTokens, type TokenMemory } from './windowVerdicts';

/** A requested token held in memory, by fingerprint (the commands' TokenVault); used for its signature check only. */
export type HeldTokens = (fingerprint: string) => string | undefined;

/** The control plane's sampler as a panel uses it (app/controlPlaneMetrics.ts). */
export interface ControlPlaneSource {
  acquire(context: string): vscode.Disposable;
  gauge(context: string): ControlPlaneGauge;
  /** The user pressed Refresh: a source stopped by a 403 is asked again. */
  retry(): Promise<void>;
  readonly onDidChange: (listener: () => void) => vscode.Disposable;
}

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

export class TokenHealthPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private lastState: TokenHealthState | undefined;
  /** The pod-gone or namespace-gone sentence of the last state gathered. */
  private lastGone: string | undefined;
  /** The verdicts of the last state gathered, as compared for a change. */
  private lastVerdicts = '';
  /** A verdict check is running; `recheck`: another change came meanwhile. */
  private checking = false;
  private recheck = false;
  /** The tokens judged in this session (decoded, with their signature check; never a raw token), by window. */
  private readonly memory: TokenMemory = new Map();
  private memorySession: SessionState | undefined;
  /** When a verdict shown changes with time alone (a token expiring, passing its warnafter). */
  private verdictTimer: NodeJS.Timeout | undefined;
  private ready = false;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly ref: NodeRef,
    private readonly services: Services,
    onDispose: () => void,
    private readonly heldTokens: () => HeldTokens | undefined = () => undefined,
    private readonly controlPlane?: ControlPlaneSource,
  ) {
    const extensionUri = services.extension.extensionUri;
    panel.webview.options = webviewOptions(extensionUri);
    const { subject } = resolveSubject(ref, services.findings.all());
    panel.title = l10n.t('Token Health: {0}', subject.title);
    panel.webview.html = this.html(subject.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      services.findings.onDidChange(() => this.update()),
      services.state.onDidChange((e) => {
        // An inventory change matters to the panel when it says its pod or namespace is gone (or back), or when
        // what the session learned changes a verdict on one of its tokens.
        if (e.session || this.goneNotice() !== this.lastGone) this.update();
        else void this.checkVerdicts();
      }),
      panel.onDidDispose(() => {
        this.disposed = true;
        // Releases the control plane's sampler too, when this panel held it.
        if (this.verdictTimer) clearTimeout(this.verdictTimer);
        this.disposeListeners();
        onDispose();
      }),
    );
    // New audit evidence: its 401s on the pods' timelines (the findings follow through the diagnosis).
    const audit = services.state.audit?.onDidChange(() => this.update());
    if (audit !== undefined) this.disposables.push(audit);
    this.holdControlPlane();
  }

  /** A context's panel holds the sampler while it is open, and draws each sample. */
  private holdControlPlane(): void {
    if (this.controlPlane === undefined || !showsControlPlane(this.ref)) return;
    this.disposables.push(
      this.controlPlane.acquire(this.ref.context),
      this.controlPlane.onDidChange(() => this.update()),
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
      const judged = await this.judge(state.timeline.windows);
      state.timeline.windows = withVerdicts(state.timeline.windows, judged);
      this.verdictsJudged(judged);
      // The panel's own actions come from other parts of the extension: offer only those registered.
      const registered = new Set(await vscode.commands.getCommands(true));
      state.actions = state.actions.filter((a) => registered.has(a.command));
    } catch (err) {
      this.services.log.error(`Token Health: could not gather the panel's data: ${errorMessage(err)}`);
      return;
    }
    if (this.disposed) return;
    this.lastState = state;
    this.panel.title = l10n.t('Token Health: {0}', state.subject.title);
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
      language: vscode.env.language,
      strings: webviewStrings(),
    });
  }

  /** Whether the active session's inventory says this panel's pod or namespace is gone. */
  private goneNotice(): string | undefined {
    const current = this.services.state.current;
    const snapshot = current?.snapshot();
    return goneNotice(this.ref, current !== undefined && snapshot !== undefined ? { context: current.session.context, snapshot } : undefined);
  }

  /** The tokens the active session holds, when it is this panel's context and its lists run; else none to judge. */
  private sessionTokens(): SessionTokens | undefined {
    const current = this.services.state.current;
    const snapshot = current?.snapshot();
    if (current === undefined || snapshot === undefined || current.session.context !== this.ref.context) return undefined;
    const nowSec = Math.floor(Date.now() / 1000);
    const held = this.heldTokens();
    return {
      context: current.session.context,
      reading: (file) => current.live.get(file),
      secrets: snapshot.secrets,
      ...(held !== undefined ? { held } : {}),
      verdict: (token, signature) => current.verdicts.verdictNow(token, signature, nowSec),
      checkSignature: async (raw) => {
        const [signature] = await Promise.all([current.keys.verify(raw), current.verdicts.known()]);
        return signature;
      },
    };
  }

  private async judge(windows: TokenHealthState['timeline']['windows']): Promise<JudgedWindow[]> {
    const tokens = this.sessionTokens();
    if (tokens === undefined) return [];
    // What was judged in another session (a context switched away and back) is not carried over.
    const current = this.services.state.current;
    if (this.memorySession !== current) {
      this.memory.clear();
      this.memorySession = current;
    }
    try {
      return await judgeWindows(windows, tokens, this.memory);
    } catch (err) {
      // A verdict that cannot be had leaves the timeline as history has it.
      this.services.log.warn(`Token Health: could not judge the panel's tokens: ${errorMessage(err)}`);
      return [];
    }
  }

  /** Keeps what was judged for comparison, and wakes the panel when a verdict shown can change with time alone. */
  private verdictsJudged(judged: readonly JudgedWindow[]): void {
    this.lastVerdicts = JSON.stringify(judged.map((j) => [j.key, j.verdict]));
    if (this.verdictTimer) clearTimeout(this.verdictTimer);
    this.verdictTimer = undefined;
    const next = nextVerdictChangeMs(judged, Date.now());
    if (next === undefined || this.disposed) return;
    // setTimeout's longest wait is about 24.8 days; a later change is looked at again then.
    this.verdictTimer = setTimeout(() => this.update(), Math.min(Math.max(0, next - Date.now()) + 50, 2 ** 31 - 1));
  }

  /** The session learned something (an issuer, a pod gone, a live reading): update when a verdict shown changed. */
  private async checkVerdicts(): Promise<void> {
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    try {
      do {
        this.recheck = false;
        const windows = this.lastState?.timeline.windows;
        if (windows === undefined || this.disposed) return;
        const judged = await this.judge(windows);
        if (JSON.stringify(judged.map((j) => [j.key, j.verdict])) !== this.lastVerdicts) {
          this.update();
          return;
        }
      } while (this.recheck);
    } finally {
      this.checking = false;
    }
  }

  private gather(): TokenHealthState {
    const context = this.ref.context;
    const records = this.services.history.query({ context });
    const session = this.services.state.session;
    let notice: string | undefined;
    this.lastGone = this.goneNotice();
    if (session === undefined)
      notice = l10n.t('Not connected to a cluster ({0}): showing what history holds.', this.services.sessions.problem ?? l10n.t('no session'));
    else if (session.context !== context) notice = l10n.t('The active context is {0}; this panel shows the history of {1}.', session.context, context);
    else if (this.lastGone !== undefined) notice = this.lastGone;
    const controlPlane = this.controlPlane !== undefined && showsControlPlane(this.ref) ? this.controlPlane.gauge(context) : undefined;
    return buildPanelState({
      ref: this.ref,
      records,
      findings: this.services.findings.all(),
      nowMs: Date.now(),
      auditSpans: this.auditSpans(records),
      ...(notice !== undefined ? { notice } : {}),
      ...(controlPlane !== undefined ? { controlPlane } : {}),
      ...(this.ref.kind === 'context' && session?.context === context
        ? { credential: credentialSentence(session.provider.describe(), Date.now() / 1000, this.services.settings.expiryOptions) }
        : {}),
    });
  }

  /**
   * The audit 401s tied to pods: from the audit log read now when it is this context's (the active session's, with its
   * pod list), tied through the pods listed and those history saw; else from what history kept of them.
   */
  private auditSpans(records: readonly HistoryRecord[]): AuditUnauthorizedSpan[] {
    const context = this.ref.context;
    const current = this.services.state.current;
    const snapshot = current?.session.context === context ? current.snapshot() : undefined;
    const live = snapshot !== undefined ? this.services.state.audit?.summary(context) : undefined;
    if (snapshot === undefined || live === undefined) return auditSpansOf(records, context);
    return auditSpansOf(records, context, { input: live, book: { pods: addressPodsOf(snapshot.pods), podAddresses: podAddressesOf(records, context) } });
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
        // Refresh is also how the user asks again for what a 403 stopped.
        if (this.controlPlane !== undefined && showsControlPlane(this.ref)) void this.controlPlane.retry();
        this.update();
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        void vscode.window.setStatusBarMessage(l10n.t('$(check) Copied'), 2000);
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
          void vscode.window.showErrorMessage(l10n.t('Cluster Credentials: {0}', errorMessage(err)));
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
