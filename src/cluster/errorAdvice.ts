// What a cluster error means for the user right now, and the one action that helps: a 401 is explained
// with the credential's expiry when that is the reason, an unreachable server with its retry countdown.
import * as l10n from '@vscode/l10n';
import { describeDuration } from '../token/relativeTime';
import type { CredentialDescription } from './auth/credentialDescription';
import type { ClusterError, ClusterErrorKind } from './errors';
import { unauthorizedSentence } from './unauthorizedSentence';

export type ErrorAction = 'reloadCredentials' | 'retry' | 'switchContext' | 'openKubeconfig' | 'chooseKubeconfig';

export interface ErrorAdvice {
  /** One sentence with the next step. */
  message: string;
  /** Shown after the message, updated as time passes ("retrying in 8 s"). */
  countdown?: string;
  action?: ErrorAction;
  severity: 'error' | 'warning';
}

// A rejected credential, a server that cannot be reached or a failed TLS handshake stop every request of the
// session alike, whatever it asks for; a 403, a 404 or a 500 is about the one request.
const SESSION_KINDS: ReadonlySet<ClusterErrorKind> = new Set(['unauthorized', 'unreachable', 'tls']);

/** True when the error concerns the whole session rather than the resource asked for: said once, not per list. */
export function concernsSession(error: ClusterError): boolean {
  return SESSION_KINDS.has(error.kind);
}

/** `nowMs` in milliseconds, as `retryAtMs`. */
export function adviseOnError(error: ClusterError, credential: CredentialDescription | undefined, nowMs: number, retryAtMs?: number): ErrorAdvice {
  const countdown = retryAtMs !== undefined ? retryCountdown(retryAtMs, nowMs) : undefined;
  const withCountdown = (a: ErrorAdvice): ErrorAdvice => (countdown ? { ...a, countdown } : a);
  switch (error.kind) {
    case 'unauthorized':
      return withCountdown({ message: unauthorizedMessage(error, credential, nowMs / 1000), action: 'reloadCredentials', severity: 'error' });
    case 'forbidden':
      return withCountdown({ message: error.message, severity: 'warning' });
    default:
      return withCountdown({ message: error.message, action: 'retry', severity: 'error' });
  }
}

/** A rejected credential is told again with what is known now (its expiry, how long ago); other 401s keep their own sentence. */
function unauthorizedMessage(error: ClusterError, credential: CredentialDescription | undefined, nowSec: number): string {
  if (error.credentialProblem !== 'rejected' || credential === undefined) return error.message;
  return unauthorizedSentence(credential, Math.floor(nowSec));
}

/** "retrying in 10 s", "retrying now". */
export function retryCountdown(retryAtMs: number, nowMs: number): string {
  const left = Math.ceil((retryAtMs - nowMs) / 1000);
  return left <= 0 ? l10n.t('retrying now') : l10n.t('retrying in {0}', describeDuration(left, 'long'));
}
