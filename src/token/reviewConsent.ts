// Whether a token may be sent to a cluster's TokenReview without asking. A review reaches the API server's
// audit log and any token webhook, so a token from the clipboard, or one another issuer signed, goes only
// after the user has seen which context gets it and which token it is.
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
  if (i.origin === 'clipboard') reasons.push('it came from the clipboard');
  if (foreign) {
    reasons.push(
      i.clusterIssuer === undefined
        ? 'the cluster publishes no issuer to compare it with'
        : iss === undefined
          ? `it names no issuer, and this cluster's is ${i.clusterIssuer}`
          : `it was issued by ${iss}, not by this cluster (${i.clusterIssuer})`,
    );
  }
  return {
    ask: true,
    message: `Send token sha256:${i.fingerprint.slice(0, 16)} to the TokenReview API of context ${i.context}?`,
    detail: `Issuer: ${iss ?? 'none'}. Audiences: ${aud.length > 0 ? aud.join(', ') : 'none'}. Asking because ${reasons.join(' and ')}: the cluster's audit log and its token webhooks will see the token.`,
  };
}
