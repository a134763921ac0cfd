// The VS Code side of an exec plugin's login: a cancellable notification "Signing in to <context> (<plugin>)"
// whose message is what the plugin asks of the user (a device-code page and code, masked of anything secret);
// Cancel ends the plugin. When to show it and when to say "login needed" are DeferredLoginInteraction's rules
// (src/cluster/auth/execInteraction.ts); this file only draws them.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import {
  DeferredLoginInteraction,
  type ExecInteraction,
  type ExecLoginEnd,
  type ExecLoginInfo,
  type LoginSurface,
  type LoginView,
} from '../cluster/auth/execInteraction';

export interface ExecLoginOptions {
  /** The id of the Sign In to Context command (COMMAND.signIn), offered after a failed or cancelled login. */
  signInCommand?: string;
  /** How long a plugin that asks nothing runs before the notification appears (2 s). */
  showAfterMs?: number;
}

/** The interaction to hand to the SessionManager; dispose it with the extension (it ends logins still running). */
export function createExecLogin(log: vscode.LogOutputChannel, opts: ExecLoginOptions = {}): ExecInteraction & vscode.Disposable {
  return new DeferredLoginInteraction(new NotificationSurface(log, opts), opts.showAfterMs !== undefined ? { showAfterMs: opts.showAfterMs } : {});
}

class NotificationSurface implements LoginSurface {
  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly opts: ExecLoginOptions,
  ) {}

  show(info: ExecLoginInfo, cancel: () => void): LoginView {
    let report: ((message: string) => void) | undefined;
    let latest: string | undefined;
    let finish: (() => void) | undefined;
    let closed = false;
    this.log.info(`Signing in to context ${info.context}: the exec plugin (${info.commandLine}) is waiting.`);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, cancellable: true, title: l10n.t('Signing in to {0} ({1})', info.context, info.words) },
      (progress, token) =>
        new Promise<void>((resolve) => {
          const subscription = token.onCancellationRequested(() => {
            this.log.info(`Signing in to context ${info.context}: cancelled; ending its exec plugin.`);
            cancel();
          });
          finish = () => {
            subscription.dispose();
            resolve();
          };
          report = (message) => progress.report({ message });
          if (latest !== undefined) report(latest);
          if (closed) finish();
        }),
    );
    return {
      message: (text) => {
        if (text === latest) return;
        latest = text;
        this.log.info(`Signing in to context ${info.context}: ${text}`);
        report?.(text);
      },
      close: () => {
        closed = true;
        finish?.();
      },
    };
  }

  deviceCode(info: ExecLoginInfo, found: { url: string; code: string }): void {
    if (!/^https?:\/\//i.test(found.url)) return;
    const copyAndOpen = l10n.t('Copy Code and Open Page');
    const copy = l10n.t('Copy Code');
    void vscode.window
      .showInformationMessage(l10n.t('Sign in to {0}: open {1} and enter the code {2}.', info.context, found.url, found.code), copyAndOpen, copy)
      .then(async (pick) => {
        if (pick !== copyAndOpen && pick !== copy) return;
        await vscode.env.clipboard.writeText(found.code);
        if (pick === copyAndOpen) await vscode.env.openExternal(vscode.Uri.parse(found.url));
      });
  }

  loginNeeded(info: ExecLoginInfo, reason: string): void {
    const signIn = l10n.t('Sign In');
    const showLog = l10n.t('Show Log');
    const buttons = this.opts.signInCommand !== undefined ? [signIn, showLog] : [showLog];
    void vscode.window
      .showWarningMessage(l10n.t("{0}: login needed — {1}. Run 'Sign In to Context' to try again.", info.context, trimEnd(reason)), ...buttons)
      .then((pick) => {
        if (pick === showLog) this.log.show(true);
        if (pick === signIn && this.opts.signInCommand !== undefined) void vscode.commands.executeCommand(this.opts.signInCommand);
      });
  }

  ended(info: ExecLoginInfo, result: ExecLoginEnd): void {
    if (result.outcome === 'ok') this.log.info(`The exec plugin of context ${info.context} answered with a credential.`);
    else this.log.warn(`Context ${info.context}: login needed: ${result.message ?? result.outcome}`);
  }
}

function trimEnd(text: string): string {
  return text.trim().replace(/[.;:]+$/, '');
}
