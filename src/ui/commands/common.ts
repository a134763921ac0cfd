// What every command shares: the session a NodeRef belongs to, cancellable progress, and messages.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import type { ClusterError } from '../../cluster/errors';
import type { ClusterSession } from '../../cluster/auth/session';
import type { NodeRef } from '../../shared/nodeRef';
import type { Services } from '../services';
import { failureSentence, sentence } from './sentences';
import { COMMAND } from '../../shared/commandIds';

/**
 * The active session, checked against the context a tree node belongs to. Says why when there is none,
 * and returns undefined.
 */
export function sessionFor(services: Services, ref: NodeRef | undefined): ClusterSession | undefined {
  const session = services.sessions.current();
  if (!session) {
    const why = services.sessions.problem ?? l10n.t('no kubeconfig context is active');
    const choose = l10n.t('Choose Kubeconfig');
    void vscode.window.showErrorMessage(sentence(l10n.t('There is no cluster to talk to: {0}', why)), choose).then((pick) => {
      if (pick === choose) void vscode.commands.executeCommand(COMMAND.chooseKubeconfig);
    });
    return undefined;
  }
  if (ref && ref.context !== session.context) {
    const switchContext = l10n.t('Switch Context');
    void vscode.window
      .showWarningMessage(
        l10n.t('That item belongs to context {0}, but the active context is {1}; switch to {0} first.', ref.context, session.context),
        switchContext,
      )
      .then((pick) => {
        if (pick === switchContext) void vscode.commands.executeCommand(COMMAND.switchContext);
      });
    return undefined;
  }
  return session;
}

export type Report = (message: string) => void;

/** Long work in a cancellable notification; the AbortSignal follows the Cancel button. */
export function withCancellableProgress<T>(title: string, work: (signal: AbortSignal, report: Report) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      return await work(controller.signal, (message) => progress.report({ message }));
    } finally {
      subscription.dispose();
    }
  });
}

/** A ClusterError as one sentence with its next step, and a "Show Log" button. `what` is a translated verb phrase ("list pods"). */
export function showFailure(services: Services, what: string, error: ClusterError): void {
  const text = failureSentence(what, error);
  services.log.warn(text);
  // The sentence stays short; what the cluster said in full goes to the log behind "Show Log".
  if (error.detail !== undefined) services.log.warn(`  ${what}: the cluster said: ${error.detail}`);
  const showLog = l10n.t('Show Log');
  const reload = l10n.t('Reload Credentials');
  const buttons = error.kind === 'unauthorized' ? [reload, showLog] : [showLog];
  void vscode.window.showErrorMessage(text, ...buttons).then((pick) => {
    if (pick === showLog) services.log.show(true);
    if (pick === reload) void vscode.commands.executeCommand(COMMAND.reloadCredentials);
  });
}

export function show(level: 'info' | 'warning' | 'error', text: string, ...buttons: string[]): Thenable<string | undefined> {
  if (level === 'error') return vscode.window.showErrorMessage(text, ...buttons);
  if (level === 'warning') return vscode.window.showWarningMessage(text, ...buttons);
  return vscode.window.showInformationMessage(text, ...buttons);
}

/** A modal confirmation; true only when the user chose `proceed`. */
export async function confirm(c: { message: string; detail: string; proceed: string; safeDefault?: string }): Promise<boolean> {
  const items: vscode.MessageItem[] = [];
  if (c.safeDefault) items.push({ title: c.safeDefault });
  items.push({ title: c.proceed });
  const pick = await vscode.window.showWarningMessage(c.message, { modal: true, detail: c.detail }, ...items);
  return pick?.title === c.proceed;
}
