// What a cluster error means for the user right now, and the one action that helps: a 401 is explained
// with the credential's expiry when that is the reason, an unreachable server with its retry countdown.
import { describeDuration, formatInstant } from '../token/relativeTime';
import type { CredentialDescription } from './auth/credentialDescription';
import type { ClusterError } from './errors';

export type ErrorAction = 'reloadCredentials' | 'retry' | 'switchContext' | 'openKubeconfig' | 'chooseKubeconfig';

export interface ErrorAdvice {
  /** One sentence with the next step. */
  message: string;
  /** Shown after the message, updated as time passes ("retrying in 8 s"). */
  countdown?: string;
  action?: ErrorAction;
  severity: 'error' | 'warning';
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

function unauthorizedMessage(error: ClusterError, credential: CredentialDescription | undefined, now: number): string {
  // Our credential layer already explains why it could not make a credential (exec plugin, token file).
  if (!error.message.startsWith('the cluster rejected your credential (401 Unauthorized); reload')) return error.message;
  const expiresAt = credential?.expiresAtSec;
  if (expiresAt !== undefined && expiresAt <= now) {
    const at = formatInstant(expiresAt).utc;
    return `the cluster rejected your credential (401): it expired at ${at}, ${describeDuration(now - expiresAt, 'long')} ago; run Reload Credentials or log in again to get a fresh one`;
  }
  return 'the cluster rejected your credential (401 Unauthorized); run Reload Credentials or log in again to get a fresh one';
}

/** "retrying in 10 s", "retrying now". */
export function retryCountdown(retryAtMs: number, nowMs: number): string {
  const left = Math.ceil((retryAtMs - nowMs) / 1000);
  return left <= 0 ? 'retrying now' : `retrying in ${describeDuration(left, 'long')}`;
}
