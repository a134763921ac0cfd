// Who a JWT names, in the words of its issuer: a Kubernetes service account, a Microsoft Entra ID user or
// application (the token `kubelogin get-token` hands AKS), or an OIDC user (`kubectl oidc-login`, an
// auth-provider id-token). Read from the claims alone: nothing here checks a signature. Pure.
import * as l10n from '@vscode/l10n';
import type { TokenClaims } from './types';

export type IdentityKind = 'serviceAccount' | 'entra' | 'oidc';

export interface TokenIdentity {
  kind: IdentityKind;
  /** The name to show: `system:serviceaccount:ns:name`, a UPN or e-mail, a preferred user name, else `sub`. */
  name: string;
  /** Entra: the tenant id (`tid`). */
  tenant?: string;
  /** Entra: the user's or application's object id (`oid`). */
  objectId?: string;
  /** Entra: the application (client) id a token for an application carries (`appid` or `azp`). */
  appId?: string;
  /** OIDC: the `groups` claim, when it is a list of strings. */
  groups?: string[];
  issuer?: string;
}

/** Entra's token issuers: the v1 `sts.windows.net/<tenant>/` and the v2 `login.microsoftonline.com/<tenant>/v2.0` (and sovereign clouds). */
const ENTRA_ISSUER =
  /^https:\/\/(?:sts\.windows\.net|sts\.chinacloudapi\.cn|login\.microsoftonline\.(?:com|us)|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn)\/[0-9a-f-]{36}\/(?:v2\.0\/?)?$/i;

const MAX_GROUPS = 50;

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Whose token this is, or undefined for a JWT that names nobody (no sub, no user claim). */
export function tokenIdentity(claims: TokenClaims): TokenIdentity | undefined {
  const raw = claims.raw;
  const issuer = claims.iss;
  if (claims.kubernetes?.serviceAccount || claims.legacy) {
    return { kind: 'serviceAccount', name: claims.sub ?? l10n.t('a service account'), ...(issuer !== undefined ? { issuer } : {}) };
  }
  const tenant = text(raw.tid);
  if (tenant !== undefined || (issuer !== undefined && ENTRA_ISSUER.test(issuer))) {
    const appId = text(raw.appid) ?? text(raw.azp);
    const name =
      text(raw.upn) ??
      text(raw.unique_name) ??
      text(raw.preferred_username) ??
      text(raw.email) ??
      (appId !== undefined ? l10n.t('application {0}', appId) : claims.sub);
    if (name === undefined) return undefined;
    const id: TokenIdentity = { kind: 'entra', name };
    if (tenant !== undefined) id.tenant = tenant;
    const oid = text(raw.oid);
    if (oid !== undefined) id.objectId = oid;
    if (appId !== undefined) id.appId = appId;
    if (issuer !== undefined) id.issuer = issuer;
    return id;
  }
  const name = text(raw.email) ?? text(raw.preferred_username) ?? claims.sub;
  if (name === undefined) return undefined;
  const id: TokenIdentity = { kind: 'oidc', name };
  const groups = Array.isArray(raw.groups) ? raw.groups.filter((g): g is string => typeof g === 'string').slice(0, MAX_GROUPS) : [];
  if (groups.length > 0) id.groups = groups;
  if (issuer !== undefined) id.issuer = issuer;
  return id;
}

/** `alice@contoso.com (Entra ID tenant 72f9…)`, `alice@example.com (OIDC, groups dev, ops)`, the service account's name. */
export function identityWords(id: TokenIdentity): string {
  switch (id.kind) {
    case 'serviceAccount':
      return id.name;
    case 'entra':
      // "Entra ID" is a product's name: nothing to translate without a tenant.
      return id.tenant !== undefined ? l10n.t('{0} (Entra ID tenant {1})', id.name, id.tenant) : `${id.name} (Entra ID)`;
    case 'oidc':
      return id.groups !== undefined ? l10n.t('{0} (groups {1})', id.name, `${id.groups.slice(0, 5).join(', ')}${id.groups.length > 5 ? ', …' : ''}`) : id.name;
  }
}
