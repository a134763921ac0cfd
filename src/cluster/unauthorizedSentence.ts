// The one sentence for a 401, wherever it is shown (a command's error, the explorer's context node): it names
// the expiry of the credential when the extension knows it. Kept apart from errors.ts and errorAdvice.ts so
// both can use it without importing each other.
import { describeDuration, formatInstant } from '../token/relativeTime';
import type { CredentialDescription, CredentialKind } from './auth/credentialDescription';

/** What the sentence needs of the credential: its kind and, when known, when it expires. */
export type CredentialExpiry = Pick<CredentialDescription, 'kind' | 'expiresAtSec'>;

const NOUN: Record<CredentialKind, string> = {
  token: 'token',
  tokenFile: 'token',
  authProvider: 'token',
  exec: "exec plugin's credential",
  clientCertificate: 'client certificate',
  basicAuth: 'credential',
  none: 'credential',
};

const NEXT_STEP = 'run Reload Credentials or log in again to get a fresh one';

/** "the cluster rejected your credential (401 Unauthorized): your token expired 3 days ago (2026-… UTC); log in again or …". */
export function unauthorizedSentence(credential: CredentialExpiry | undefined, nowSec: number): string {
  const head = 'the cluster rejected your credential (401 Unauthorized)';
  const expiresAt = credential?.expiresAtSec;
  if (credential === undefined || expiresAt === undefined) return `${head}; ${NEXT_STEP}`;
  const what = NOUN[credential.kind];
  const at = formatInstant(expiresAt).utc;
  if (expiresAt <= nowSec) {
    const ago = nowSec - expiresAt;
    const when = ago < 1 ? 'just now' : `${describeDuration(ago, 'long')} ago`;
    return `${head}: your ${what} expired ${when} (${at}); log in again or run Reload Credentials to get a fresh one`;
  }
  return `${head} although your ${what} is valid until ${at} (in ${describeDuration(expiresAt - nowSec, 'long')}): it may have been revoked or be meant for another cluster, or a proxy in front of the API server refused it; ${NEXT_STEP}`;
}
