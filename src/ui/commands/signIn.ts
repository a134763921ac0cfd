// Sign In to Context: runs the active context's exec plugin now, its login (device code, browser) shown in a
// cancellable notification, even after a failed or cancelled login ("login needed"); then re-reads the
// session so every view uses the new credential. The only way, besides Reload Credentials, out of "login needed".
import * as l10n from '@vscode/l10n';
import type * as vscode from 'vscode';
import type { SignInResult } from '../../cluster/auth/credentials';
import { refOf } from '../../shared/nodeRef';
import { registerGuardedCommand } from '../guardedCommand';
import { credentialKindLabel } from '../explorer/statusNodes';
import type { Services } from '../services';
import { sessionFor, show } from './common';
import { expiryPhrase, sentence } from './sentences';

/** The command's handler; `arg` may be a context node of the explorer. Returns the outcome for tests and callers. */
export async function signInCommand(services: Services, arg?: unknown): Promise<SignInResult['outcome'] | undefined> {
  const session = sessionFor(services, refOf(arg));
  if (!session) return undefined;
  const { provider, context } = session;
  const result = await provider.signIn();
  const { log } = services;
  switch (result.outcome) {
    case 'notExec': {
      const words = credentialKindLabel(provider.describe());
      void show(
        'info',
        l10n.t(
          'Context {0} has no exec plugin (its credential: {1}): there is nothing to sign in to. Run "Reload Credentials" to read its credential again.',
          context,
          words,
        ),
      );
      break;
    }
    case 'ok': {
      const now = Math.floor(Date.now() / 1000);
      const text = l10n.t('Signed in to context {0}: the new credential {1}.', context, expiryPhrase(result.credential.expiresAtSec, now));
      log.info(`Sign In: ${text}`);
      // The same session, re-read: every view asks for the cluster again, now with a credential.
      services.sessions.reload();
      services.explorer.refresh();
      void show('info', text);
      break;
    }
    case 'cancelled': {
      const text = l10n.t('Sign-in to context {0} was cancelled: its exec plugin is not run again until you run "Sign In to Context".', context);
      log.info(`Sign In: ${text}`);
      void show('info', text);
      break;
    }
    case 'failed':
    case 'unavailable': {
      const text = sentence(l10n.t('Cannot sign in to context {0}: {1}', context, result.message));
      log.warn(`Sign In: ${text}`);
      const showLog = l10n.t('Show Log');
      void show('error', text, showLog).then((pick) => {
        if (pick === showLog) log.show(true);
      });
      break;
    }
  }
  return result.outcome;
}

/** Registers the command under `id` (COMMAND.signIn), behind the error guard, for wiring outside the command table. */
export function registerSignIn(id: string, services: Services): vscode.Disposable {
  return registerGuardedCommand(id, services.log, (arg) => signInCommand(services, arg));
}
