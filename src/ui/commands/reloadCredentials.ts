// Reload Credentials: re-read the kubeconfig and token files and re-run exec plugins now, then say
// what the expiry was and is.
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { refOf } from '../../shared/nodeRef';
import type { CommandContext } from './context';
import { sessionFor, show } from './common';
import { reloadResultSentence } from './sentences';

export async function reloadCredentials(
  cc: CommandContext,
  arg?: unknown,
): Promise<{ changed: boolean; expiryBeforeSec?: number; expiryAfterSec?: number } | undefined> {
  const { services } = cc;
  const ref = refOf(arg);
  const old = sessionFor(services, ref);
  if (!old) return undefined;
  const previous = old.provider.describe();
  // The kubeconfig first (it may name a new token file or plugin, or hold a fixed token), then the credential of the session it gives.
  services.sessions.reload();
  const session = services.sessions.current();
  if (!session) {
    // The re-read kubeconfig gives no session: say why rather than report the old credential as unchanged.
    const why = services.sessions.problem ?? l10n.t('the kubeconfig no longer gives an active context');
    services.log.warn(`Reload Credentials: ${why}`);
    void show('error', l10n.t('Reload Credentials: {0}', why));
    return undefined;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: l10n.t('Reloading the credentials of context {0}', session.context) },
    () => session.provider.reload(previous),
  );
  const merged = result;
  const now = Math.floor(Date.now() / 1000);
  const s = reloadResultSentence(merged, session.context, now);
  services.log.info(`Reload Credentials: ${s.text}`);
  services.explorer.refresh();
  void show(s.level, s.text);
  const out: { changed: boolean; expiryBeforeSec?: number; expiryAfterSec?: number } = { changed: merged.changed };
  if (merged.expiryBeforeSec !== undefined) out.expiryBeforeSec = merged.expiryBeforeSec;
  if (merged.expiryAfterSec !== undefined) out.expiryAfterSec = merged.expiryAfterSec;
  return out;
}
