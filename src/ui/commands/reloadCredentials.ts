// Reload Credentials: re-read the kubeconfig and token files and re-run exec plugins now, then say
// what the expiry was and is.
import * as vscode from 'vscode';
import { refOf } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { sessionFor, show } from './common';
import { reloadResultSentence } from './sentences';

export async function reloadCredentials(cc: CommandContext, arg?: unknown): Promise<{ changed: boolean; before?: number; after?: number } | undefined> {
  const { services } = cc;
  const ref = refOf(arg);
  const old = sessionFor(services, ref);
  if (!old) return undefined;
  const before = old.provider.describe().expiresAt;
  // The kubeconfig first (it may name a new token file or plugin), then the credential of the session it gives.
  services.sessions.reload();
  const session = services.sessions.current() ?? old;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reloading the credentials of context ${session.context}` },
    () => session.provider.reload(),
  );
  const merged = { ...result, ...(before !== undefined ? { before } : {}) };
  merged.changed = result.changed || before !== result.after;
  const now = Math.floor(Date.now() / 1000);
  const s = reloadResultSentence(merged, session.context, now);
  services.log.info(`Reload Credentials: ${s.text}`);
  services.explorer.refresh();
  void show(s.level, s.text);
  const out: { changed: boolean; before?: number; after?: number } = { changed: merged.changed };
  if (merged.before !== undefined) out.before = merged.before;
  if (merged.after !== undefined) out.after = merged.after;
  return out;
}
