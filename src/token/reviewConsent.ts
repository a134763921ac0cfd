// Whether a token may be sent to a cluster's TokenReview without asking. A review reaches the API server's
// audit log and any token webhook, so a token from the clipboard, or one another issuer signed, goes only
// after the user has seen which context gets it and which token it is.
import * as l10n from '@vscode/l10n';
import type { DecodedToken } from './types';

/** Where the token to review came from. */
export type TokenOrigin = 'clipboard' | 'selection' | 'typed' | 'argument' | 'held' | 'liveFile';

export interface ConsentInput {
  origin: TokenOrigin;
  context: string;
  /** The token decoded (no signature check); undefined when it is not a JWT. */
  token: DecodedToken | undefined;
  fingerprint: string;
  /** The issuer this cluster publishes in its discovery document; undefined when it publishes none. */
  clusterIssuer: string | undefined;
}

export type Consent = { ask: false } | { ask: true; message: string; detail: string };

/** Tokens this context issued (held from Request Token) or a pod's own token file are this cluster's already. */
export function reviewConsent(i: ConsentInput): Consent {
  if (i.origin === 'held' || i.origin === 'liveFile') return { ask: false };
  const iss = i.token?.claims.iss;
  const foreign = iss === undefined || i.clusterIssuer === undefined || iss !== i.clusterIssuer;
  if (i.origin !== 'clipboard' && !foreign) return { ask: false };
  const aud = i.token?.claims.aud ?? [];
  const reasons: string[] = [];
  if (i.origin === 'clipboard') reasons.push(l10n.t('it came from the clipboard'));
  if (foreign) {
    reasons.push(
      i.clusterIssuer === undefined
        ? l10n.t('the cluster publishes no issuer to compare it with')
        : iss === undefined
          ? l10n.t("it names no issuer, and this cluster's is {0}", i.clusterIssuer)
          : l10n.t('it was issued by {0}, not by this cluster ({1})', iss, i.clusterIssuer),
    );
  }
  const [first = '', second] = reasons;
  const because = second === undefined ? first : l10n.t('{0} and {1}', first, second);
  return {
    ask: true,
    message: l10n.t('Send token sha256:{0} to the TokenReview API of context {1}?', i.fingerprint.slice(0, 16), i.context),
    detail: l10n.t(
      "Issuer: {0}. Audiences: {1}. Asking because {2}: the cluster's audit log and its token webhooks will see the token.",
      iss ?? l10n.t('none'),
      aud.length > 0 ? aud.join(', ') : l10n.t('none'),
      because,
    ),
  };
}
