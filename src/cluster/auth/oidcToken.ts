// The bearer token of an `oidc` auth-provider, by client-go's rule: the id-token while it is more than 10 s from
// its `exp`; after that kubectl trades the refresh-token at the issuer for a new one and writes it back into the
// kubeconfig. We do not write kubeconfigs behind the user's back (a rotated refresh-token would leave kubectl's
// copy unusable), so an expired id-token is a sentence that says how to let kubectl renew it.
import * as l10n from '@vscode/l10n';

const EXPIRY_DELTA_MS = 10_000;

export type OidcToken = { ok: true; token: string; expiresAtSec: number } | { ok: false; message: string };

export function oidcToken(user: string, config: Record<string, unknown>, nowMs: number): OidcToken {
  const idToken = text(config['id-token']);
  if (idToken !== undefined) {
    const parts = idToken.split('.');
    if (parts.length !== 3)
      return {
        ok: false,
        message: l10n.t('the OIDC id-token of user "{0}" is not a JWT (kubectl: "ID Token is not a valid JWT"); log in again with your OIDC login tool', user),
      };
    const exp = expiryOf(parts[1] ?? '');
    if (exp === 'unreadable')
      return {
        ok: false,
        message: l10n.t('the OIDC id-token of user "{0}" has claims that cannot be read; log in again with your OIDC login tool', user),
      };
    // client-go reads a missing exp as the zero time: already expired.
    if (exp !== undefined && nowMs + EXPIRY_DELTA_MS < exp * 1000) return { ok: true, token: idToken, expiresAtSec: exp };
  }
  const issuerUrl = text(config['idp-issuer-url']);
  const what = idToken === undefined ? l10n.t('user "{0}" has no OIDC id-token', user) : l10n.t('the OIDC id-token of user "{0}" has expired', user);
  if (text(config['refresh-token']) === undefined) {
    return {
      ok: false,
      message: l10n.t(
        '{0} and no refresh-token to renew it (kubectl: "No valid id-token, and cannot refresh without refresh-token"); log in again with your OIDC login tool',
        what,
      ),
    };
  }
  return {
    ok: false,
    message:
      issuerUrl !== undefined
        ? l10n.t(
            '{0}; kubectl renews it with the refresh-token at {1} and writes the new one into the kubeconfig, which Cluster Credentials leaves to kubectl: run any kubectl command (kubectl auth whoami), then reload credentials',
            what,
            issuerUrl,
          )
        : l10n.t(
            '{0}; kubectl renews it with the refresh-token at its issuer and writes the new one into the kubeconfig, which Cluster Credentials leaves to kubectl: run any kubectl command (kubectl auth whoami), then reload credentials',
            what,
          ),
  };
}

/** `exp` in seconds; undefined when absent; 'unreadable' when the payload is not JSON (client-go fails then). */
function expiryOf(payload: string): number | undefined | 'unreadable' {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return 'unreadable';
  }
  if (typeof claims !== 'object' || claims === null) return 'unreadable';
  const exp = (claims as { exp?: unknown }).exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? Math.trunc(exp) : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
