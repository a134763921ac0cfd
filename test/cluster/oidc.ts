// JWT issuers the apiserver trusts besides its own service-account issuer: what `--oidc-issuer-url`,
// `--oidc-client-id`, `--oidc-username-claim`/`-prefix` and `--oidc-groups-claim` (or a `jwt` entry of a
// structured AuthenticationConfiguration) set up. The real apiserver fetches the issuer's keys from its
// discovery document; here the test hands the public key in.

import { type KeyObject, verify } from 'node:crypto';
import type { AuthnResult } from './auth';
import type { UserInfo } from './types';

export interface OidcIssuerConfig {
  /** `--oidc-issuer-url`: the `iss` a token must carry. */
  issuer: string;
  /** `--oidc-client-id` (and any further audiences): one must be in `aud`. */
  audiences: string[];
  /** The issuer's RS256 signing key. */
  publicKey: KeyObject;
  /** `--oidc-username-claim` (default `sub`). */
  usernameClaim?: string;
  /** `--oidc-username-prefix`: by default `<issuer>#` for any claim but `email`, nothing for `email`. */
  usernamePrefix?: string;
  /** `--oidc-groups-claim`: none by default. */
  groupsClaim?: string;
}

type Claims = Record<string, unknown>;

function decodeSegment(s: string): Claims | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Claims) : undefined;
  } catch {
    return undefined;
  }
}

/** The issuer a compact JWT names, without checking anything else. */
export function issuerOf(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const iss = decodeSegment(parts[1] ?? '')?.iss;
  return typeof iss === 'string' ? iss : undefined;
}

/** kube-apiserver's OIDC authenticator for one issuer (go-oidc's checks, then the claim mappings). */
export function authenticateOidc(cfg: OidcIssuerConfig, token: string, nowSeconds: number): AuthnResult {
  const fail = (why: string): AuthnResult => ({ ok: false, error: `oidc: verify token: ${why}` });
  const [h = '', p = '', s = ''] = token.split('.');
  const header = decodeSegment(h);
  const claims = decodeSegment(p);
  if (header === undefined || claims === undefined) return fail('oidc: malformed jwt');
  if (header.alg !== 'RS256') return fail(`oidc: id token signed with unsupported algorithm, expected ["RS256"] got "${String(header.alg)}"`);
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), cfg.publicKey, Buffer.from(s, 'base64url'))) {
    return fail('failed to verify signature: failed to verify id token signature');
  }
  if (claims.iss !== cfg.issuer) return fail(`oidc: id token issued by a different provider, expected "${cfg.issuer}" got "${String(claims.iss)}"`);
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a) => typeof a === 'string') : [];
  if (!aud.some((a) => cfg.audiences.includes(a))) return fail(`oidc: expected audience "${cfg.audiences[0] ?? ''}" got ${JSON.stringify(aud)}`);
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  if (exp === undefined || nowSeconds >= exp) {
    return fail(`oidc: token is expired (Token Expiry: ${exp === undefined ? '0001-01-01T00:00:00Z' : new Date(exp * 1000).toISOString()})`);
  }
  const usernameClaim = cfg.usernameClaim ?? 'sub';
  const name = claims[usernameClaim];
  if (typeof name !== 'string' || name === '') return { ok: false, error: `oidc: parse username claims "${usernameClaim}": claim not present` };
  if (usernameClaim === 'email' && claims.email_verified === false) return { ok: false, error: 'oidc: email not verified' };
  const prefix = cfg.usernamePrefix ?? (usernameClaim === 'email' ? '' : `${cfg.issuer}#`);
  const rawGroups = cfg.groupsClaim !== undefined ? claims[cfg.groupsClaim] : undefined;
  const groups = typeof rawGroups === 'string' ? [rawGroups] : Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
  const user: UserInfo = { username: `${prefix}${name}`, groups: [...groups, 'system:authenticated'] };
  return { ok: true, user };
}
