// Authentication: who is asking. Client certificates signed by the cluster CA, the static
// admin token, service-account JWTs (through the issuer) and otherwise system:anonymous.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { certificateCredentialId } from './ca';
import type { Clock } from './clock';
import { authenticateOidc, issuerOf, type OidcIssuerConfig } from './oidc';
import { R } from './resources';
import type { Store } from './store';
import type { LiveObject, Lookup, TokenIssuer } from './tokenIssuer';
import type { KubeObject, Secret, UserInfo } from './types';

export const LEGACY_LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';
export const LEGACY_INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';

export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

export const STALE_TOKEN_ANNOTATION = 'authentication.k8s.io/stale-token';
export const LEGACY_TOKEN_ANNOTATION = 'authentication.k8s.io/legacy-token';

/**
 * `annotations`: what authentication adds to the request's audit events (a stale or a legacy
 * token). `error`: why a credential was refused, as the apiserver logs it; none when no
 * authenticator knew the credential (a webhook said no).
 */
export type AuthnResult = { ok: true; user: UserInfo; annotations?: Record<string, string> } | { ok: false; error?: string };

/**
 * A bearer-token authenticator outside the apiserver, as `--authentication-token-webhook-config-file`
 * adds one (Rancher's kube-api-auth is such a webhook). Its answer may take a round trip.
 */
export interface TokenWebhook {
  /** Whether this webhook knows the token; the others never see a token it claims. */
  handles(token: string): boolean;
  review(token: string): AuthnResult | Promise<AuthnResult>;
}

export interface Authenticator {
  /**
   * The request's user, or `{ok:false}` for credentials that are present but not valid (401).
   * A promise only when a token webhook has to answer.
   */
  authenticate(req: IncomingMessage): AuthnResult | Promise<AuthnResult>;
  /** Add a token webhook; the returned function removes it. */
  addWebhook(webhook: TokenWebhook): () => void;
  /** Trust id-tokens of an OIDC issuer (the `--oidc-*` flags); the returned function removes it. */
  addOidcIssuer(config: OidcIssuerConfig): () => void;
  /** A bearer token on its own, as TokenReview checks it. */
  reviewToken(
    token: string,
    audiences?: string[],
  ): { ok: true; user: UserInfo; audiences: string[]; annotations?: Record<string, string> } | { ok: false; error: string };
}

export function createAuthenticator(deps: { store: Store; issuer: TokenIssuer; clock: Clock; adminToken: string }): Authenticator {
  const { store, issuer, clock, adminToken } = deps;
  const lookup = storeLookup(store);
  const webhooks = new Set<TokenWebhook>();
  const oidcIssuers = new Set<OidcIssuerConfig>();

  const reviewToken: Authenticator['reviewToken'] = (token, audiences) => {
    const r = issuer.authenticate(token, { nowSeconds: clock.nowSeconds(), audiences, lookup });
    if (!r.ok) return r;
    if (r.legacySecret !== undefined) markLegacyTokenUsed(store, clock, r.legacySecret.namespace, r.legacySecret.name);
    const annotations = tokenAnnotations(r.user.username, r.legacySecret !== undefined, r.stale ? r.secondsAfterWarning : undefined);
    return annotations === undefined ? { ok: true, user: r.user, audiences: r.audiences } : { ok: true, user: r.user, audiences: r.audiences, annotations };
  };

  return {
    reviewToken,
    addWebhook(webhook) {
      webhooks.add(webhook);
      return () => {
        webhooks.delete(webhook);
      };
    },
    addOidcIssuer(config) {
      oidcIssuers.add(config);
      return () => {
        oidcIssuers.delete(config);
      };
    },
    authenticate(req) {
      const socket = req.socket as TLSSocket;
      const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate(false) : undefined;
      if (peer !== undefined && peer !== null && Object.keys(peer).length > 0) {
        // A certificate the CA did not sign is an invalid credential, not anonymity.
        if (!socket.authorized) return { ok: false, error: 'verifying certificate failed: x509: certificate signed by unknown authority' };
        const cn = firstValue(peer.subject.CN);
        if (cn === undefined || cn === '') return { ok: false, error: 'x509: certificate has no common name' };
        const orgs = allValues(peer.subject.O);
        return {
          ok: true,
          user: {
            username: cn,
            groups: [...orgs, 'system:authenticated'],
            extra: { 'authentication.kubernetes.io/credential-id': [certificateCredentialId(peer.raw)] },
          },
        };
      }
      const token = bearerToken(req);
      if (token === undefined) return { ok: true, user: ANONYMOUS };
      if (token === adminToken) return { ok: true, user: { username: 'admin', groups: ['system:masters', 'system:authenticated'] } };
      const iss = issuerOf(token);
      for (const oidc of oidcIssuers) if (oidc.issuer === iss) return authenticateOidc(oidc, token, clock.nowSeconds());
      for (const webhook of webhooks) if (webhook.handles(token)) return webhook.review(token);
      const r = reviewToken(token);
      if (!r.ok) return { ok: false, error: r.error };
      return r.annotations === undefined ? { ok: true, user: r.user } : { ok: true, user: r.user, annotations: r.annotations };
    },
  };
}

/** The audit annotations of a token's authentication, in the apiserver's words; undefined when there are none. */
function tokenAnnotations(subject: string, legacy: boolean, secondsAfterWarning: number | undefined): Record<string, string> | undefined {
  if (legacy) return { [LEGACY_TOKEN_ANNOTATION]: subject };
  if (secondsAfterWarning !== undefined) return { [STALE_TOKEN_ANNOTATION]: `subject: ${subject}, seconds after warning threshold: ${secondsAfterWarning}` };
  return undefined;
}

/** The bearer token from the Authorization header, or from the WebSocket subprotocol browsers use. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1] ?? undefined;
  }
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',').map((s) => s.trim())) {
      const prefix = 'base64url.bearer.authorization.k8s.io.';
      if (p.startsWith(prefix)) return Buffer.from(p.slice(prefix.length), 'base64url').toString('utf8');
    }
  }
  return undefined;
}

function firstValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function allValues(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function liveObject(o: KubeObject | undefined): LiveObject | undefined {
  if (o === undefined) return undefined;
  const live: LiveObject = { uid: o.metadata.uid };
  if (o.metadata.deletionTimestamp !== undefined) live.deletionTimestampSeconds = Date.parse(o.metadata.deletionTimestamp) / 1000;
  return live;
}

/** How the issuer sees the store when it checks a token's bindings. */
export function storeLookup(store: Store): Lookup {
  return (kind, namespace, name) => {
    if (kind === 'Pod') return liveObject(store.peek(R.pods, namespace, name));
    if (kind === 'ServiceAccount') return liveObject(store.peek(R.serviceAccounts, namespace, name));
    if (kind === 'Node') return liveObject(store.peek(R.nodes, undefined, name));
    const secret = store.peek(R.secrets, namespace, name) as Secret | undefined;
    // The legacy-token cleaner's label makes the token unusable before the Secret goes.
    if (secret === undefined || secret.metadata.labels?.[LEGACY_INVALID_SINCE_LABEL] !== undefined) return undefined;
    const live = liveObject(secret);
    const token = secret.data?.token;
    if (live !== undefined && token !== undefined) live.secretToken = Buffer.from(token, 'base64').toString('utf8');
    return live;
  };
}

/** The legacy-token tracking controller stamps the day a Secret token was last used. */
function markLegacyTokenUsed(store: Store, clock: Clock, namespace: string, name: string): void {
  const secret = store.get(R.secrets, namespace, name);
  if (secret === undefined) return;
  const today = clock.nowRfc3339().slice(0, 10);
  if (secret.metadata.labels?.[LEGACY_LAST_USED_LABEL] === today) return;
  secret.metadata.labels = { ...secret.metadata.labels, [LEGACY_LAST_USED_LABEL]: today };
  store.update(R.secrets, secret);
}
