// AKS with Entra ID in the test cluster, as AKS's guard webhook checks a kubelogin token: an Entra ID
// v1.0 access token (RS256), its signature under the tenant's published key, iss
// `https://sts.windows.net/<tenant>/`, tid the tenant, aud the AKS server application, nbf and exp
// against the cluster's clock. The username is the upn (a service principal's oid when it has none);
// the groups are the token's group object ids.

import { verify, type KeyObject } from 'node:crypto';
import type { AuthnResult, TokenWebhook } from '../auth';
import type { Clock } from '../clock';

export interface EntraAuthConfig {
  tenantId: string;
  /** The AKS server application id: the audience every token must carry. */
  serverId: string;
  publicKey: KeyObject;
  clock: Clock;
}

/** Entra accepts five minutes of clock skew on nbf and exp. */
const SKEW_SECONDS = 300;

type Claims = Record<string, unknown>;

function segment(s: string): Claims | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Claims) : undefined;
  } catch {
    return undefined;
  }
}

export function entraIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

const refused = (why: string): AuthnResult => ({ ok: false, error: `invalid token: ${why}` });

export function authenticateEntra(config: EntraAuthConfig, token: string): AuthnResult {
  const [h = '', p = '', s = '', ...rest] = token.split('.');
  const header = segment(h);
  const claims = segment(p);
  if (rest.length > 0 || header === undefined || claims === undefined) return refused('malformed jwt');
  if (header.alg !== 'RS256') return refused(`unexpected signing algorithm "${String(header.alg)}"`);
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), config.publicKey, Buffer.from(s, 'base64url'))) return refused('failed to verify token signature');
  if (claims.iss !== entraIssuer(config.tenantId)) return refused(`issuer "${String(claims.iss)}" is not this tenant's`);
  if (claims.tid !== config.tenantId) return refused(`tenant "${String(claims.tid)}" is not this cluster's`);
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!aud.includes(config.serverId)) return refused(`audience ${JSON.stringify(aud)} is not the AKS server application ${config.serverId}`);
  const now = config.clock.nowSeconds();
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
  if (now >= exp + SKEW_SECONDS) return refused(`token is expired (exp ${new Date(exp * 1000).toISOString()})`);
  if (nbf - SKEW_SECONDS > now) return refused(`token is not valid yet (nbf ${new Date(nbf * 1000).toISOString()})`);
  const oid = typeof claims.oid === 'string' ? claims.oid : '';
  const upn = typeof claims.upn === 'string' ? claims.upn : typeof claims.unique_name === 'string' ? claims.unique_name : '';
  const username = upn !== '' ? upn : oid;
  if (username === '') return refused('the token names no user (no upn, no oid)');
  const groups = Array.isArray(claims.groups) ? claims.groups.filter((g): g is string => typeof g === 'string') : [];
  return { ok: true, user: { username, groups: [...groups, 'system:authenticated'], extra: { oid: [oid] } } };
}

/** True for a compact JWT whose issuer is the tenant's, without checking anything else. */
function isTenantToken(tenantId: string, token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && segment(parts[1] ?? '')?.iss === entraIssuer(tenantId);
}

/** The authenticator as the apiserver reaches it (AKS runs it as a token webhook): for the tenant's tokens. */
export function entraWebhook(config: EntraAuthConfig): TokenWebhook {
  return { handles: (token) => isTenantToken(config.tenantId, token), review: (token) => authenticateEntra(config, token) };
}
