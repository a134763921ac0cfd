// What every command shares: the session a NodeRef belongs to, cancellable progress, and messages.
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
    const why = services.sessions.problem ?? 'no kubeconfig context is active';
    void vscode.window.showErrorMessage(sentence(`There is no cluster to talk to: ${why}`), 'Choose Kubeconfig').then((pick) => {
      if (pick) void vscode.commands.executeCommand(COMMAND.chooseKubeconfig);
    });
    return undefined;
  }
  if (ref && ref.context !== session.context) {
    void vscode.window
      .showWarningMessage(
        `That item belongs to context ${ref.context}, but the active context is ${session.context}; switch to ${ref.context} first.`,
        'Switch Context',
      )
      .then((pick) => {
        if (pick) void vscode.commands.executeCommand(COMMAND.switchContext);
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

/** A ClusterError as one sentence with its next step, and a "Show Log" button. */
export function showFailure(services: Services, what: string, error: ClusterError): void {
  const text = failureSentence(what, error);
  services.log.warn(text);
  // The sentence stays short; what the cluster said in full goes to the log behind "Show Log".
  if (error.detail !== undefined) services.log.warn(`  ${what}: the cluster said: ${error.detail}`);
  const buttons = error.kind === 'unauthorized' ? ['Reload Credentials', 'Show Log'] : ['Show Log'];
  void vscode.window.showErrorMessage(text, ...buttons).then((pick) => {
    if (pick === 'Show Log') services.log.show(true);
    if (pick === 'Reload Credentials') void vscode.commands.executeCommand(COMMAND.reloadCredentials);
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
