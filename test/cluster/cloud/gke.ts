// GKE authentication in the test cluster: a `ya29.` Google access token, which GKE checks with Google.
// The fake gke-gcloud-auth-plugin runs in another process, so its tokens carry what Google would look
// up (the account and the expiry) under an HMAC with a secret the cluster and the plugin share:
// `ya29.a0` + base64url(version 1, exp as uint32, 12 random bytes, account, HMAC-SHA256 of all that).
// The account's email is the username, as on GKE.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthnResult, TokenWebhook } from '../auth';
import type { Clock } from '../clock';

export const GKE_TOKEN_PREFIX = 'ya29.';
const BODY_PREFIX = 'ya29.a0';
const HEAD_BYTES = 1 + 4 + 12;
const MAC_BYTES = 32;

export interface GkeAuthConfig {
  /** The shared HMAC secret, hex, as the plugin is given it. */
  secretHex: string;
  clock: Clock;
}

/** A new shared secret for a cluster and its plugins. */
export function newGkeSecret(): string {
  return randomBytes(32).toString('hex');
}

/** Google's answer when a token is unknown or expired, as GKE logs it. */
const refused = (why: string): AuthnResult => ({ ok: false, error: `Request had invalid authentication credentials: ${why}` });

export function authenticateGke(config: GkeAuthConfig, token: string): AuthnResult {
  if (!token.startsWith(BODY_PREFIX)) return refused('Invalid Credentials');
  const body = Buffer.from(token.slice(BODY_PREFIX.length), 'base64url');
  if (body.length <= HEAD_BYTES + MAC_BYTES || body.readUInt8(0) !== 1) return refused('Invalid Credentials');
  const payload = body.subarray(0, body.length - MAC_BYTES);
  const mac = body.subarray(body.length - MAC_BYTES);
  const expected = createHmac('sha256', Buffer.from(config.secretHex, 'hex')).update(payload).digest();
  if (!timingSafeEqual(mac, expected)) return refused('Invalid Credentials');
  const exp = payload.readUInt32BE(1);
  if (config.clock.nowSeconds() >= exp) return refused('Token has been expired or revoked.');
  const account = payload.subarray(HEAD_BYTES).toString('utf8');
  return { ok: true, user: { username: account, groups: ['system:authenticated'] } };
}

/** The authenticator as the apiserver reaches it: a token webhook for `ya29.` tokens. */
export function gkeWebhook(config: GkeAuthConfig): TokenWebhook {
  return { handles: (token) => token.startsWith(GKE_TOKEN_PREFIX), review: (token) => authenticateGke(config, token) };
}
