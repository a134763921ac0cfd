// "Show Token Health" (registered in src/ui/commands/table.ts): opens (or reveals) the panel of a context, service account, pod or finding,
// and brings panels back after a window reload through a WebviewPanelSerializer. The panels own the control plane's
// sampler: a context's panel holds it while open, so /metrics is asked for only then (and never in an untrusted workspace).
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { ControlPlaneMetrics } from '../../app/controlPlaneMetrics';
import { COMMAND } from '../../shared/commandIds';
import { parsePersistedState, TOKEN_HEALTH_VIEW_TYPE } from '../../shared/tokenHealthProtocol';
import { refOf, type NodeRef } from '../../shared/nodeRef';
import type { Services } from '../services';
import { subjectKey } from './panelData';
import { TokenHealthPanel, webviewOptions, type HeldTokens } from './tokenHealthPanel';

export class TokenHealthPanels implements vscode.Disposable {
  private readonly panels = new Map<string, TokenHealthPanel>();
  private held: HeldTokens | undefined;
  private readonly controlPlane: ControlPlaneMetrics;

  /** `onOpen`: a panel wants current findings (the diagnosis starts on first use, not at activation). */
  constructor(
    private readonly services: Services,
    private readonly onOpen: () => void = () => undefined,
  ) {
    this.controlPlane = new ControlPlaneMetrics({
      state: services.state,
      settings: services.settings,
      trusted: () => vscode.workspace.isTrusted,
      log: services.log,
    });
  }

  show(ref: NodeRef): void {
    this.onOpen();
    const key = subjectKey(ref);
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      TOKEN_HEALTH_VIEW_TYPE,
      l10n.t('Token Health'),
      vscode.ViewColumn.Active,
      webviewOptions(this.services.extension.extensionUri),
    );
    this.adopt(panel, ref);
  }

  /** A panel VS Code restored after a reload, with the state its webview saved. */
  restore(panel: vscode.WebviewPanel, saved: unknown): void {
    this.onOpen();
    const ref = parsePersistedState(saved).state?.subject.ref;
    if (ref === undefined) {
      // Nothing usable was saved (an old version, or it closed before its first state): nothing to show.
      panel.dispose();
      return;
    }
    const key = subjectKey(ref);
    const existing = this.panels.get(key);
    if (existing) {
      panel.dispose();
      existing.reveal();
      return;
    }
    this.adopt(panel, ref);
  }

  /** The requested tokens the commands hold in memory: panels judge them too (their signature needs the token). */
  useHeldTokens(held: HeldTokens): void {
    this.held = held;
    for (const p of this.panels.values()) p.update();
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
    this.controlPlane.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, ref: NodeRef): void {
    const key = subjectKey(ref);
    const host = new TokenHealthPanel(
      panel,
      ref,
      this.services,
      () => {
        if (this.panels.get(key) === host) this.panels.delete(key);
      },
      () => this.held,
      this.controlPlane,
    );
    this.panels.set(key, host);
    host.update();
  }
}

/** The ref a command invocation is about; from the palette, the active context. */
export function commandRef(arg: unknown, activeContext: string | undefined): NodeRef | undefined {
  const ref = refOf(arg);
  if (ref !== undefined) return ref;
  return activeContext !== undefined ? { kind: 'context', context: activeContext } : undefined;
}

/** Show Token Health: the panel of the node's subject; from the palette, the active context's. */
export function showTokenHealth(services: Services, panels: TokenHealthPanels, arg: unknown): void {
  const ref = commandRef(arg, services.sessions.current()?.context);
  if (ref === undefined) {
    const why = services.sessions.problem ?? l10n.t('no kubeconfig context is active');
    const switchContext = l10n.t('Switch Context');
    void vscode.window.showWarningMessage(l10n.t('Cluster Credentials: Token Health needs a context, and {0}.', why), switchContext).then((pick) => {
      if (pick !== undefined) void vscode.commands.executeCommand(COMMAND.switchContext);
    });
    return;
  }
  panels.show(ref);
}
