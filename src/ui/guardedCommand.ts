// Every command registers through here: an unexpected exception is logged with its stack and shown as one
// error message (its text and "see the log") in place of VS Code's raw "command resulted in an error" popup.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { errorMessage } from '../shared/values';

export function registerGuardedCommand(id: string, log: vscode.LogOutputChannel, run: (arg?: unknown) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (arg?: unknown) => {
    try {
      return await run(arg);
    } catch (err) {
      // A bug, not a cluster answer: say so once, with the log to look at.
      log.error(`${id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      void vscode.window.showErrorMessage(l10n.t('Cluster Credentials: the command failed unexpectedly ({0}); see the log.', errorMessage(err)));
      return undefined;
    }
  });
}
