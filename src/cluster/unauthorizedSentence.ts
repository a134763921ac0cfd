// The one sentence for a 401, wherever it is shown (a command's error, the explorer's context node): it names
// the expiry of the credential when the extension knows it. Kept apart from errors.ts and errorAdvice.ts so
// both can use it without importing each other.
import * as l10n from '@vscode/l10n';
import { describeDuration, formatInstant } from '../token/relativeTime';
import type { CredentialDescription, CredentialKind } from './auth/credentialDescription';

/** What the sentence needs of the credential: its kind and, when known, when it expires. */
export type CredentialExpiry = Pick<CredentialDescription, 'kind' | 'expiresAtSec'>;

/** What the user holds, in a word or two: "token", "client certificate". */
function noun(kind: CredentialKind): string {
  switch (kind) {
    case 'token':
    case 'tokenFile':
    case 'authProvider':
      return l10n.t('token');
    case 'exec':
      return l10n.t("exec plugin's credential");
    case 'clientCertificate':
      return l10n.t('client certificate');
    case 'basicAuth':
    case 'none':
      return l10n.t('credential');
  }
}

/** "the cluster rejected your credential (401 Unauthorized): your token expired 3 days ago (2026-… UTC); log in again or …". */
export function unauthorizedSentence(credential: CredentialExpiry | undefined, nowSec: number): string {
  const expiresAt = credential?.expiresAtSec;
  if (credential === undefined || expiresAt === undefined) {
    return l10n.t('the cluster rejected your credential (401 Unauthorized); run Reload Credentials or log in again to get a fresh one');
  }
  const what = noun(credential.kind);
  const at = formatInstant(expiresAt).utc;
  if (expiresAt <= nowSec) {
    const ago = nowSec - expiresAt;
    const when = ago < 1 ? l10n.t('just now') : l10n.t('{0} ago', describeDuration(ago, 'long'));
    return l10n.t(
      'the cluster rejected your credential (401 Unauthorized): your {0} expired {1} ({2}); log in again or run Reload Credentials to get a fresh one',
      what,
      when,
      at,
    );
  }
  return l10n.t(
    'the cluster rejected your credential (401 Unauthorized) although your {0} is valid until {1} (in {2}): it may have been revoked or be meant for another cluster, or a proxy in front of the API server refused it; run Reload Credentials or log in again to get a fresh one',
    what,
    at,
    describeDuration(expiresAt - nowSec, 'long'),
  );
}
